package serve

import (
	"net/http"
	"strings"
	"testing"
)

// TestBadSubmissionIDs: a submission's number that is not a number, or is
// another school's, or none at all, is a page saying so (400 or 404, in
// Chinese), never ignored; another school's is said exactly as a missing one.
func TestBadSubmissionIDs(t *testing.T) {
	e := newEnv(t, 2, nil)
	a, b := e.schools[0], e.schools[1]
	idA := subRE.FindStringSubmatch(e.submit(0, 0))[1]
	idB := subRE.FindStringSubmatch(e.submit(1, 0))[1]
	tokA := e.tokens[a.Code]
	school := e.client()
	_, _, csrf := e.get(school, "/s/"+tokA+"/")
	bureau := e.client()
	e.login(bureau)
	_, _, bcsrf := e.get(bureau, "/bureau/")
	type want struct {
		status int
		says   string
	}
	bad := want{http.StatusBadRequest, "提交编号“"}
	none := func(id string) want { return want{http.StatusNotFound, "没有编号为 " + id + " 的提交"} }
	gets := map[string]want{
		"/s/" + tokA + "/sub/abc/":                 bad,
		"/s/" + tokA + "/sub/-1/":                  bad,
		"/s/" + tokA + "/sub/0/annotated.xlsx":     bad,
		"/s/" + tokA + "/sub/" + idB + "/":         none(idB),
		"/s/" + tokA + "/sub/999999/":              none("999999"),
		"/bureau/school/" + a.Code + "/?id=abc":    bad,
		"/bureau/school/" + a.Code + "/?id=":       bad,
		"/bureau/school/" + a.Code + "/?id=1.5":    bad,
		"/bureau/school/" + a.Code + "/?id=" + idB: none(idB),
		"/bureau/school/" + a.Code + "/?id=999999": none("999999"),
		"/bureau/sub/x/annotated.xlsx":             bad,
		"/bureau/sub/999999/annotated.xlsx":        none("999999"),
	}
	for path, w := range gets {
		c := school
		if strings.HasPrefix(path, "/bureau/") {
			c = bureau
		}
		code, body, _ := e.get(c, path)
		if code != w.status || !strings.Contains(body, w.says) || !strings.Contains(body, `<html lang="zh-CN">`) {
			t.Errorf("GET %s: %d, want %d saying %q", path, code, w.status, w.says)
		}
		if strings.HasPrefix(path, "/s/") && (strings.Contains(body, b.Name) || strings.Contains(body, b.Code)) {
			t.Errorf("GET %s names school B", path)
		}
	}
	// the good ones still work
	for _, path := range []string{"/bureau/school/" + a.Code + "/?id=" + idA, "/s/" + tokA + "/sub/" + idA + "/"} {
		c := school
		if strings.HasPrefix(path, "/bureau/") {
			c = bureau
		}
		if code, body, _ := e.get(c, path); code != 200 || !strings.Contains(body, "提交 #"+idA) {
			t.Errorf("GET %s: %d", path, code)
		}
	}
	posts := map[string]struct {
		form map[string]string
		want want
	}{
		"/s/" + tokA + "/sub/abc/explain":         {map[string]string{"csrf": csrf}, bad},
		"/s/" + tokA + "/sub/" + idB + "/explain": {map[string]string{"csrf": csrf}, none(idB)},
		"/bureau/school/" + a.Code + "/lock":      {map[string]string{"csrf": bcsrf, "id": "abc"}, bad},
		"/bureau/school/" + a.Code + "/lock ":     {map[string]string{"csrf": bcsrf, "id": idB}, none(idB)},
	}
	for path, p := range posts {
		c := school
		if strings.HasPrefix(path, "/bureau/") {
			c = bureau
		}
		resp, body := e.post(c, strings.TrimSpace(path), p.form)
		if resp.StatusCode != p.want.status || !strings.Contains(body, p.want.says) {
			t.Errorf("POST %s %v: %d, want %d saying %q", path, p.form, resp.StatusCode, p.want.status, p.want.says)
		}
	}
}
