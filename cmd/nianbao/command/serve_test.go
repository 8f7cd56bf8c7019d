package command

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/templates"
	"github.com/xuri/excelize/v2"
)

// lockedBuffer is a writer the server and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestServeDemo starts `nianbao serve --db NEW` as the README's third
// command does: demo schools with two links printed and the bureau's first
// login; a school's link works, a .zip holding its workbook is read, a .zip
// of two is refused; cancelling stops the server.
func TestServeDemo(t *testing.T) {
	var out, errs lockedBuffer
	db := filepath.Join(t.TempDir(), "nianbao.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		done <- newApp(&out, &errs).RunContext(ctx, []string{"nianbao", "serve", "--db", db, "--addr", "127.0.0.1:0"})
	}()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "按 Ctrl-C 停止") {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start:\n%s\n%s", out.String(), errs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	links := regexp.MustCompile(`(\S+)：(http://127\.0\.0\.1:\d+/s/[A-Za-z0-9_-]{32}/)`).FindAllStringSubmatch(out.String(), -1)
	setup := regexp.MustCompile(`http://\S+/bureau/setup\?code=\S+`).FindString(out.String())
	if len(links) != 2 || setup == "" {
		t.Fatalf("want two school links and the first login:\n%s", out.String())
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(url string) (int, string) {
		resp, err := c.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(setup); code != 200 || !strings.Contains(body, "设置教育局登录密码") {
		t.Errorf("first login: %d", code)
	}
	name, link := links[0][1], links[0][2]
	code, page := get(link)
	if code != 200 || !strings.Contains(page, name) {
		t.Fatalf("%s: %d", link, code)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]

	// the school's template, filled with nothing but what it prefills, in a .zip
	_, tpl := get(link + "template.xlsx")
	upload := func(zipped []byte) (int, string) {
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		w.WriteField("csrf", csrf)
		fw, _ := w.CreateFormFile("file", "本校.zip")
		fw.Write(zipped)
		w.Close()
		resp, err := c.Post(link+"upload", w.FormDataContentType(), &b)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode == http.StatusSeeOther {
			_, body := get(strings.TrimSuffix(link, strings.TrimPrefix(link, "http://"+resp.Request.URL.Host)) + resp.Header.Get("Location"))
			return resp.StatusCode, body
		}
		return resp.StatusCode, string(body)
	}
	code, body := upload(zipOf(t, map[string][]byte{"年报/" + name + ".xlsx": []byte(tpl)}))
	if code != http.StatusSeeOther || !strings.Contains(body, "审核结果") || !strings.Contains(body, "有错误") {
		t.Errorf("a .zip with the template: %d\n%s", code, body)
	}
	if strings.Contains(body, "upload.") || strings.Contains(body, "/tmp") || strings.Contains(body, "inner.") || strings.Contains(body, "serve-") {
		t.Errorf("a server path or name is on the page")
	}
	// a .zip of two workbooks is read, and refused with the reason
	prog, _ := templates.Get(sample.SpecID, "zh")
	var other bytes.Buffer
	workbook.WriteTemplate(prog, &other, workbook.TemplateOptions{})
	code, body = upload(zipOf(t, map[string][]byte{"a.xlsx": []byte(tpl), "b.xlsx": other.Bytes()}))
	if code != http.StatusSeeOther || !strings.Contains(body, "压缩包里应当正好有一个工作簿，而这里有 2 个") {
		t.Errorf("a .zip of two: %d", code)
	}
	// a .zip holding a file that is not a workbook, named as the school named it
	code, body = upload(zipOf(t, map[string][]byte{"年报/坏的.xlsx": []byte("not a workbook")}))
	if code != http.StatusSeeOther || !strings.Contains(body, "本校.zip/坏的.xlsx") || strings.Contains(body, "inner.") {
		t.Errorf("a .zip holding a broken workbook: %d\n%s", code, body)
	}
	// the template again: the school's newest readable upload, the one used
	if code, _ := upload(zipOf(t, map[string][]byte{"年报/" + name + ".xlsx": []byte(tpl)})); code != http.StatusSeeOther {
		t.Errorf("the template again: %d", code)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve ended with %v", err)
		}
	case <-time.After(70 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Contains(errs.String(), links[0][2][len(links[0][2])-33:len(links[0][2])-1]) {
		t.Error("a school's token is in the server's log")
	}
	// the uploads are in the store: consolidate --db with no files finds
	// the school's readable upload, and none of the others
	var cout, cerr bytes.Buffer
	region := filepath.Join(t.TempDir(), "汇总.xlsx")
	if err := newApp(&cout, &cerr).RunContext(context.Background(), []string{"nianbao", "consolidate", "--db", db, "-o", region}); err != nil {
		t.Fatalf("consolidate --db after serve: %v\n%s%s", err, cout.String(), cerr.String())
	}
	if said := cout.String(); !strings.Contains(said, "1 个文件，汇总 1 所学校") || !strings.Contains(said, "重复未采用 0") {
		t.Errorf("consolidate --db after serve's four uploads (two readable, the second used):\n%s", said)
	}
}

func zipOf(t *testing.T, files map[string][]byte) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, data := range files {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(data)
	}
	w.Close()
	return b.Bytes()
}

// A workbook with a password to open, uploaded: the school is told to
// remove the password, not to give a --password the web page does not have.
func TestUploadEncrypted(t *testing.T) {
	prog, err := templates.Get(sample.SpecID, "zh")
	if err != nil {
		t.Fatal(err)
	}
	f := excelize.NewFile()
	defer f.Close()
	p := filepath.Join(t.TempDir(), "upload.xlsx")
	if err := f.SaveAs(p, excelize.Options{Password: "123456"}); err != nil {
		t.Fatal(err)
	}
	_, _, err = uploadReader(prog)(context.Background(), p)
	if err == nil || !strings.Contains(err.Error(), intake.EncryptedUploadZh) || strings.Contains(err.Error(), "--password") {
		t.Errorf("error %v, want one saying %q", err, intake.EncryptedUploadZh)
	}
}
