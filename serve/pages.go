package serve

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/nianbao/nianbao/validate"
)

// view is what a page shows.
type view map[string]any

var funcs = template.FuncMap{
	"status": func(st string) string { return validate.StatusText(st, "zh") },
	"severity": func(sev string) string {
		return validate.SeverityLabel(sev, "zh")
	},
	"when": func(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") },
	"size": func(n int64) string {
		switch {
		case n >= 1<<20:
			return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
		case n >= 1<<10:
			return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
		}
		return fmt.Sprintf("%d 字节", n)
	},
	"bySheet": bySheet,
	// px is a position of a chart's SVG, to a tenth of a pixel
	"px":   func(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) },
	"join": strings.Join,
}

// sheetGroup is the findings of one table.
type sheetGroup struct {
	Sheet    string
	Findings []Finding
}

// bySheet groups findings by table, in their order (validate sorts them by
// sheet and cell); the file's own findings come as （文件）.
func bySheet(fs []Finding) []sheetGroup {
	var out []sheetGroup
	for _, f := range fs {
		name := f.Sheet
		if name == "" {
			name = "（文件）"
		}
		if len(out) == 0 || out[len(out)-1].Sheet != name {
			out = append(out, sheetGroup{Sheet: name})
		}
		g := &out[len(out)-1]
		g.Findings = append(g.Findings, f)
	}
	return out
}

// render writes a page; data["CSRF"] is set to the request's CSRF token.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data view) {
	if data == nil {
		data = view{}
	}
	data["CSRF"] = s.csrfToken(w, r)
	var b bytes.Buffer
	if err := s.pages.ExecuteTemplate(&b, name, data); err != nil {
		s.log.Error("page", "page", name, "error", err.Error())
		http.Error(w, "服务器内部错误，请稍后再试。", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// fail shows a message page with a status.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	s.render(w, r, status, "message", view{"Title": failTitle(status), "Status": status, "Message": msg, "Back": back(r)})
}

// failTitle is a message page's heading for a status, in Chinese (the
// page's readers are schools and the bureau, not HTTP).
func failTitle(status int) string {
	switch status {
	case http.StatusNotFound:
		return "没有找到"
	case http.StatusForbidden:
		return "无法继续"
	case http.StatusMethodNotAllowed:
		return "操作方式不正确"
	case http.StatusConflict:
		return "不能进行此操作"
	case http.StatusRequestEntityTooLarge:
		return "文件太大"
	case http.StatusUnsupportedMediaType:
		return "文件类型不支持"
	case http.StatusUnprocessableEntity:
		return "文件不符合要求"
	case http.StatusTooManyRequests:
		return "操作过于频繁"
	case http.StatusInternalServerError:
		return "服务器内部错误"
	}
	return "无法完成"
}

// back is where a message page sends the reader back to: the page of the
// school or the bureau they were on.
func back(r *http.Request) string {
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, "/s/"); ok {
		tok, _, _ := strings.Cut(rest, "/")
		if plausibleToken(tok) {
			return "/s/" + tok + "/"
		}
		return "/"
	}
	if strings.HasPrefix(p, "/bureau/") {
		return "/bureau/"
	}
	return "/"
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusNotFound, "message", view{"Title": "页面不存在", "Status": 404,
		"Message": "学校请使用教育局发给您的专用链接；链接可能已被更换，请向教育局索取新链接。", "Back": "/"})
}

// internal answers a failure of the server: logged, and said without any
// detail.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("internal", "path", logPath(r.URL.Path), "error", err.Error())
	s.fail(w, r, http.StatusInternalServerError, "服务器内部错误，请稍后再试；如一再出现，请联系教育局。")
}

// attachment sends a file to download under a (Chinese) name.
func attachment(w http.ResponseWriter, name, contentType string, data []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", "attachment; filename=\"download"+extOf(name)+"\"; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	w.Write(data)
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "index", view{"Title": s.cfg.Program.Spec.Title})
}
