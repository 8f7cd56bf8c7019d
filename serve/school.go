package serve

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/validate"
)

// schoolHandler answers a request of the school whose link was used.
type schoolHandler func(w http.ResponseWriter, r *http.Request, sc School, token string)

// school finds the school of the link's token: an unknown, revoked or
// malformed token is a page that does not exist, whatever the route.
func (s *Server) school(h schoolHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token := r.PathValue("token")
		if !plausibleToken(token) {
			s.notFound(w, r)
			return
		}
		code, stored, ok, err := s.cfg.Store.TokenSchool(r.Context(), tokenLookup(token))
		if err != nil {
			s.internal(w, r, err)
			return
		}
		if !ok || !sameSecret(stored, token) {
			s.notFound(w, r)
			return
		}
		if sc, ok := s.schoolOf(w, r, code); ok {
			h(w, r, sc, token)
		}
	}
}

// schoolOf is the school with a code; else false, and a 404 (no such
// school) or a 500 has been answered.
func (s *Server) schoolOf(w http.ResponseWriter, r *http.Request, code string) (School, bool) {
	sc, ok, err := s.cfg.Store.School(r.Context(), code)
	if err != nil {
		s.internal(w, r, err)
		return School{}, false
	}
	if !ok {
		s.notFound(w, r)
	}
	return sc, ok
}

// ownSubmission is the submission of the route's {id} when it is the
// school's; else nil, and a 400 (not a number) or 404 (not the school's)
// has been answered.
func (s *Server) ownSubmission(w http.ResponseWriter, r *http.Request, code string) *Submission {
	id, ok := s.submissionID(w, r, r.PathValue("id"))
	if !ok {
		return nil
	}
	return s.submissionOf(w, r, id, code)
}

func (s *Server) schoolPage(w http.ResponseWriter, r *http.Request, sc School, token string) {
	s.schoolView(w, r, sc, token, nil)
}

func (s *Server) schoolSubmission(w http.ResponseWriter, r *http.Request, sc School, token string) {
	sub := s.ownSubmission(w, r, sc.Code)
	if sub == nil {
		return
	}
	s.schoolView(w, r, sc, token, sub)
}

// schoolView is the school's page: template, upload, the findings of one
// submission (cur, with its findings; the newest when nil), the history.
func (s *Server) schoolView(w http.ResponseWriter, r *http.Request, sc School, token string, cur *Submission) {
	ctx := r.Context()
	subs, used, locked, err := s.schoolSubs(ctx, sc.Code)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if cur == nil && len(subs) > 0 {
		if cur, err = s.cfg.Store.Submission(ctx, subs[0].ID); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "school", view{"Title": sc.Name, "School": sc, "Base": "/s/" + token + "/",
		"Subs": subs, "Cur": cur, "Used": used, "Locked": locked,
		"Exts": strings.Join(s.cfg.Exts, "、"), "Accept": strings.Join(s.cfg.Exts, ","), "MaxMB": s.cfg.MaxUpload >> 20, "SpecTitle": s.cfg.Program.Spec.Title})
}

func (s *Server) schoolTemplate(w http.ResponseWriter, r *http.Request, sc School, _ string) {
	prior, err := s.prior(r.Context(), sc.Code, sc.Year)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := s.cfg.Template(sc, prior, &b); err != nil {
		s.internal(w, r, err)
		return
	}
	attachment(w, sc.Code+"_"+sc.Name+"_年报模板.xlsx", xlsxType, b.Bytes())
}

// upload takes a school's workbook: checked at once, stored with its
// findings — in serve's tables and as a submission of the store — in one
// transaction, then the page of its findings.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, sc School, token string) {
	if !s.upRate.allow(r.Context(), sc.Code) {
		s.fail(w, r, http.StatusTooManyRequests, "上传过于频繁，请一分钟后再试。")
		return
	}
	name, ext, data, ok := s.receive(w, r)
	if !ok {
		return
	}
	locks, err := s.cfg.Store.Locks(r.Context())
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if locks[sc.Code] != 0 {
		s.fail(w, r, http.StatusConflict, name+"：本校的报表已由教育局锁定，这份文件没有保存；如需修改，请联系教育局重新开放。")
		return
	}
	c, err := s.check(r.Context(), sc.Code, data, ext, name)
	if err != nil {
		if r.Context().Err() != nil {
			return // the client went away: nothing stored
		}
		s.internal(w, r, err)
		return
	}
	if c.Code != "" && c.Code != sc.Code {
		s.fail(w, r, http.StatusUnprocessableEntity, fmt.Sprintf("这份工作簿的学校标识码是 %s，不是本校（%s %s）的：请上传本校的工作簿。", c.Code, sc.Code, sc.Name))
		return
	}
	sum := sha256.Sum256(data)
	sub := &Submission{School: sc.Code, FileName: name, Ext: ext, Size: int64(len(data)), Hash: hex.EncodeToString(sum[:]),
		Created: time.Now(), Year: c.Year, Status: c.Status, Counts: c.Counts, Error: c.Error, Person: c.Person, Phone: c.Phone, Findings: c.Findings}
	if sub.Stored, sub.Collected, err = s.stored(c, sub.Size); err != nil {
		s.internal(w, r, err)
		return
	}
	// stored whole or not at all, even when the client goes away now
	if err := s.cfg.Store.AddSubmission(context.WithoutCancel(r.Context()), sub, data); err != nil {
		s.internal(w, r, err)
		return
	}
	s.log.Info("upload", "school", sc.Code, "submission", sub.ID, "status", sub.Status, "bytes", sub.Size)
	http.Redirect(w, r, fmt.Sprintf("/s/%s/sub/%d/", token, sub.ID), http.StatusSeeOther)
}

// receive reads an upload's form within the size limit and checks its CSRF
// token and the file's name; when ok is false the answer has been given.
func (s *Server) receive(w http.ResponseWriter, r *http.Request) (name, ext string, data []byte, ok bool) {
	tooBig := fmt.Sprintf("文件太大：上传的文件不能超过 %d MB。", s.cfg.MaxUpload>>20)
	r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload+64<<10)
	if err := r.ParseMultipartForm(s.cfg.MaxUpload + 64<<10); err != nil {
		if _, big := errors.AsType[*http.MaxBytesError](err); big {
			s.fail(w, r, http.StatusRequestEntityTooLarge, tooBig)
			return "", "", nil, false
		}
		s.fail(w, r, http.StatusBadRequest, "上传未完成，请重新选择文件上传。")
		return "", "", nil, false
	}
	defer r.MultipartForm.RemoveAll()
	if !csrfOK(r) {
		s.fail(w, r, http.StatusForbidden, "页面已过期，请刷新页面后重新上传。")
		return "", "", nil, false
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "请先选择要上传的工作簿。")
		return "", "", nil, false
	}
	defer file.Close()
	name = displayName(hdr.Filename)
	ext = extOf(name)
	// every refusal names the file the school chose
	named := func(msg string) string { return name + "：" + msg }
	if !slices.Contains(s.cfg.Exts, ext) {
		s.fail(w, r, http.StatusUnsupportedMediaType, named("只能上传 "+strings.Join(s.cfg.Exts, "、")+" 文件，请用 Excel 或 WPS 另存为 .xlsx 后上传。"))
		return "", "", nil, false
	}
	data, err = io.ReadAll(io.LimitReader(file, s.cfg.MaxUpload+1))
	switch {
	case err != nil:
		s.fail(w, r, http.StatusBadRequest, named("上传未完成，请重新上传。"))
	case int64(len(data)) > s.cfg.MaxUpload:
		s.fail(w, r, http.StatusRequestEntityTooLarge, named(tooBig))
	case len(data) == 0:
		s.fail(w, r, http.StatusBadRequest, named("上传的文件是空的，请检查后重新上传。"))
	default:
		return name, ext, data, true
	}
	return "", "", nil, false
}

// prior is what a school reported the year before a 学年, when the server
// is given a way to know it.
func (s *Server) prior(ctx context.Context, code, year string) (*report.PriorYear, error) {
	if s.cfg.Prior == nil || code == "" || year == "" {
		return nil, nil
	}
	return s.cfg.Prior(ctx, code, year)
}

// displayName is an uploaded file's name fit to be shown: its last part,
// printable, at most 100 characters. It is never used as a path.
func displayName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 100 {
		name = string(r[len(r)-100:])
	}
	if name == "" || name == "." || name == "/" {
		name = "未命名.xlsx"
	}
	return name
}

func extOf(name string) string { return strings.ToLower(filepath.Ext(name)) }

// annotated sends the annotated copy of a submission.
func (s *Server) annotated(w http.ResponseWriter, r *http.Request, sub *Submission) {
	data, err := s.cfg.Store.Data(r.Context(), sub.ID)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	c, err := s.check(r.Context(), sub.School, data, sub.Ext, sub.FileName)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	if c.xlsx == nil {
		s.fail(w, r, http.StatusConflict, "「"+sub.FileName+"」无法读取，没有批注副本："+c.Error)
		return
	}
	var b bytes.Buffer
	if err := s.cfg.Annotate(c.xlsx, c.letter, &b); err != nil {
		s.internal(w, r, err)
		return
	}
	attachment(w, strings.TrimSuffix(sub.FileName, filepath.Ext(sub.FileName))+"_审核.xlsx", xlsxType, b.Bytes())
}

func (s *Server) schoolAnnotated(w http.ResponseWriter, r *http.Request, sc School, _ string) {
	if sub := s.ownSubmission(w, r, sc.Code); sub != nil {
		s.annotated(w, r, sub)
	}
}

// explain stores the school's 说明 of a warning of a submission; the
// submission is checked again, so its counts and status count it.
func (s *Server) explain(w http.ResponseWriter, r *http.Request, sc School, token string) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if !csrfOK(r) {
		s.fail(w, r, http.StatusForbidden, "页面已过期，请刷新页面后重新填写。")
		return
	}
	sub := s.ownSubmission(w, r, sc.Code)
	if sub == nil {
		return
	}
	e := Explanation{Rule: r.PostFormValue("rule"), Sheet: r.PostFormValue("sheet"), Cell: r.PostFormValue("cell"), Text: strings.TrimSpace(r.PostFormValue("text"))}
	if utf8.RuneCountInString(e.Text) > 500 {
		s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("%s %s 的说明不能超过 500 字。", e.Sheet, e.Cell))
		return
	}
	found := slices.ContainsFunc(sub.Findings, func(f Finding) bool {
		return f.Severity == validate.Warning && f.Rule == e.Rule && f.Sheet == e.Sheet && f.Cell == e.Cell
	})
	if !found {
		s.fail(w, r, http.StatusBadRequest, "只能为本次提交中的警告填写说明。")
		return
	}
	ctx := context.WithoutCancel(r.Context())
	if err := s.cfg.Store.Explain(ctx, sc.Code, e); err != nil {
		s.internal(w, r, err)
		return
	}
	if err := s.recheck(ctx, sub); err != nil {
		s.internal(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/s/%s/sub/%d/", token, sub.ID), http.StatusSeeOther)
}

// recheck validates a stored submission again (with the school's 说明 as
// they are now) and stores its findings, counts and status.
func (s *Server) recheck(ctx context.Context, sub *Submission) error {
	data, err := s.cfg.Store.Data(ctx, sub.ID)
	if err != nil {
		return err
	}
	c, err := s.check(ctx, sub.School, data, sub.Ext, sub.FileName)
	if err != nil {
		return err
	}
	sub.Status, sub.Counts, sub.Findings = c.Status, c.Counts, c.Findings
	if sub.Stored, sub.Collected, err = s.stored(c, sub.Size); err != nil {
		return err
	}
	return s.cfg.Store.UpdateFindings(ctx, sub)
}

// StoreEarlier puts into the store the uploads it does not hold yet —
// those stored before serve wrote its uploads there (migration 00003) —
// each checked again as a 说明 would, oldest first, so that the one used
// for each school ends accepted; an unreadable one without a 学年 (no
// Config.Year) stays out. It returns how many went in.
func (s *Server) StoreEarlier(ctx context.Context) (int, error) {
	ids, err := s.cfg.Store.Unstored(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		sub, err := s.cfg.Store.Submission(ctx, id)
		if err != nil {
			return n, err
		}
		if sub.Status == validate.StatusUnreadable && s.cfg.Year == "" && sub.Year == "" {
			continue // nowhere to file it
		}
		if err := s.recheck(ctx, sub); err != nil {
			return n, err
		}
		if sub.Stored != nil {
			n++
		}
	}
	return n, nil
}
