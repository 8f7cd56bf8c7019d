package serve

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// submissionID reads a submission's number from a route or a query (?id=):
// a positive whole number, else a 400 page saying so has been answered.
func (s *Server) submissionID(w http.ResponseWriter, r *http.Request, raw string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimSpace(raw), 10, 64)
	if err != nil || id <= 0 {
		shown := raw
		if utf8.RuneCountInString(shown) > 20 {
			shown = string([]rune(shown)[:20]) + "…"
		}
		s.fail(w, r, http.StatusBadRequest, fmt.Sprintf("提交编号“%s”不正确：编号是一个正整数，请在“提交记录”中点“查看”打开一份提交。", shown))
		return 0, false
	}
	return id, true
}

// submissionOf is submission id when it is school code's (any school's
// with code ""); else nil, and a 404 page has been answered that says the
// same whether the submission does not exist or is another school's.
func (s *Server) submissionOf(w http.ResponseWriter, r *http.Request, id int64, code string) *Submission {
	sub, err := s.cfg.Store.Submission(r.Context(), id)
	if errors.Is(err, ErrNotFound) || (err == nil && code != "" && sub.School != code) {
		msg := fmt.Sprintf("没有编号为 %d 的提交。", id)
		if code != "" {
			msg = fmt.Sprintf("这所学校没有编号为 %d 的提交：请在“提交记录”中点“查看”打开一份提交。", id)
		}
		s.fail(w, r, http.StatusNotFound, msg)
		return nil
	}
	if err != nil {
		s.internal(w, r, err)
		return nil
	}
	return sub
}
