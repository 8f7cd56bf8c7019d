package schools

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nianbao/nianbao/spec"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// School is one row of the list.
type School struct {
	Line int
	Name string
	Code string
	Year string // 学年, may be empty
	// Fields holds every value of the row by record-field key (name, code and
	// year included), for prefilling a template.
	Fields map[string]string
}

// Error is one bad row (or the file itself when Line is 0).
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return e.File + ": " + e.Msg
	}
	return fmt.Sprintf("%s 第%d行: %s", e.File, e.Line, e.Msg)
}

// Errors is every bad row of a file.
type Errors []*Error

func (es Errors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "\n")
}

// maxSize bounds the list read into memory (a list of every school in China is
// well under it).
const maxSize = 32 << 20

var (
	codePattern = regexp.MustCompile(`^\d{10}$`)
	yearPattern = regexp.MustCompile(`^(\d{4})-(\d{4})$`)
)

// ReadFile reads a school list. The header names the columns by the record
// fields' labels or keys (学校名称 or school_name, 学校标识码, 学年 …); 学校名称
// and 学校标识码 are required. Every bad row is reported, by line.
func ReadFile(path string, s *spec.Spec) ([]School, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("无法打开学校名单: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSize+1))
	if err != nil {
		return nil, fmt.Errorf("读取学校名单 %s 失败: %w", path, err)
	}
	if len(data) > maxSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("文件超过 %d MB，不像学校名单", maxSize>>20)}
	}
	return Parse(data, path, s)
}

// Parse reads a school list held in memory.
func Parse(data []byte, name string, s *spec.Spec) ([]School, error) {
	data, err := decodeText(data, name)
	if err != nil {
		return nil, err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, &Error{File: name, Line: 1, Msg: "无法读取表头: " + csvMsg(err)}
	}
	cols, es := headerFields(header, name, s)
	if len(es) > 0 {
		return nil, es
	}
	var out []School
	codes := map[string]int{}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			es = append(es, &Error{File: name, Line: line, Msg: csvMsg(err)})
			if len(es) > 100 {
				break
			}
			continue
		}
		if blank(rec) {
			continue
		}
		if len(rec) > len(header) && !blank(rec[len(header):]) {
			es = append(es, &Error{File: name, Line: line, Msg: fmt.Sprintf("有 %d 列，表头只有 %d 列", len(rec), len(header))})
			continue
		}
		sc := rowSchool(rec, cols, line)
		es = append(es, checkSchool(&sc, codes, name)...)
		out = append(out, sc)
	}
	if len(es) > 0 {
		return nil, es
	}
	if len(out) == 0 {
		return nil, &Error{File: name, Msg: "名单中没有学校"}
	}
	return out, nil
}

// decodeText drops a UTF-8 BOM and decodes GBK (GB18030), as Excel saves CSV.
func decodeText(data []byte, name string) ([]byte, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		dec, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
		if err != nil {
			return nil, &Error{File: name, Msg: "文件编码无法识别（请另存为 UTF-8 或 GBK 编码的 CSV）"}
		}
		data = dec
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: name, Msg: "文件为空"}
	}
	return data, nil
}

// headerFields finds the record field of each column of the header (nil for a
// column in error) and reports unknown, repeated and missing columns.
func headerFields(header []string, name string, s *spec.Spec) ([]*spec.Field, Errors) {
	fields := recordFields(s)
	cols := make([]*spec.Field, len(header))
	var es Errors
	seen := map[string]bool{}
	for i, h := range header {
		h = clean(h)
		f := fields[h]
		if f == nil {
			es = append(es, &Error{File: name, Line: 1, Msg: fmt.Sprintf("第%d列表头 %q 不是基本信息中的项目（可用：学校名称、学校标识码、学年 等）", i+1, h)})
			continue
		}
		if seen[f.Key] {
			es = append(es, &Error{File: name, Line: 1, Msg: fmt.Sprintf("表头 %q 重复", h)})
		}
		seen[f.Key] = true
		cols[i] = f
	}
	for _, role := range []string{"school_name", "school_code"} {
		if f := roleField(s, role); f != nil && !seen[f.Key] {
			es = append(es, &Error{File: name, Line: 1, Msg: fmt.Sprintf("缺少 %s 列", f.Label)})
		}
	}
	return cols, es
}

// rowSchool is the school of one row: its non-empty fields by key, and its
// name, code and year by their fields' roles.
func rowSchool(rec []string, cols []*spec.Field, line int) School {
	sc := School{Line: line, Fields: map[string]string{}}
	for i, v := range rec {
		if i >= len(cols) || cols[i] == nil {
			continue
		}
		v = clean(v)
		if v == "" {
			continue
		}
		sc.Fields[cols[i].Key] = v
		switch cols[i].Role {
		case "school_name":
			sc.Name = v
		case "school_code":
			sc.Code = v
		case "school_year":
			sc.Year = v
		}
	}
	return sc
}

// checkSchool checks a school's name, code (unique: codes holds the line of
// each code seen) and year.
func checkSchool(sc *School, codes map[string]int, name string) Errors {
	var es Errors
	bad := func(format string, args ...any) {
		es = append(es, &Error{File: name, Line: sc.Line, Msg: fmt.Sprintf(format, args...)})
	}
	switch {
	case sc.Name == "":
		bad("学校名称为空")
	case utf8.RuneCountInString(sc.Name) > 100:
		bad("学校名称超过 100 字")
	}
	switch {
	case sc.Code == "":
		bad("学校标识码为空")
	case !codePattern.MatchString(sc.Code):
		bad("学校标识码 %q 应为 10 位数字（在 Excel 中请把该列设为文本，以免变成科学计数法）", sc.Code)
	case codes[sc.Code] > 0:
		bad("学校标识码 %s 与第%d行重复", sc.Code, codes[sc.Code])
	default:
		codes[sc.Code] = sc.Line
	}
	if sc.Year != "" {
		if m := yearPattern.FindStringSubmatch(sc.Year); m == nil || atoi(m[2]) != atoi(m[1])+1 {
			bad("学年 %q 应写成 2019-2020 的形式，后一年为前一年加1", sc.Year)
		}
	}
	return es
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = n*10 + int(r-'0')
	}
	return n
}

func csvMsg(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "CSV 格式错误: " + pe.Err.Error()
	}
	return err.Error()
}

// clean trims spaces, including full-width and zero-width ones.
func clean(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u3000'
	})
}

func blank(rec []string) bool {
	for _, v := range rec {
		if clean(v) != "" {
			return false
		}
	}
	return true
}

// recordFields maps the labels, alternative labels and keys of the spec's
// record fields to the fields.
func recordFields(s *spec.Spec) map[string]*spec.Field {
	m := map[string]*spec.Field{}
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		if sh.Kind != spec.KindRecord {
			continue
		}
		for j := range sh.Rows {
			f := &sh.Rows[j]
			if f.Derived != nil {
				continue
			}
			m[f.Key], m[f.Label] = f, f
			for _, a := range f.Alt {
				m[a] = f
			}
		}
	}
	return m
}

func roleField(s *spec.Spec, role string) *spec.Field {
	_, f := s.Role(role)
	return f
}

var reserved = map[string]bool{"CON": true, "PRN": true, "AUX": true, "NUL": true,
	"COM1": true, "COM2": true, "COM3": true, "COM4": true, "COM5": true, "COM6": true, "COM7": true, "COM8": true, "COM9": true,
	"LPT1": true, "LPT2": true, "LPT3": true, "LPT4": true, "LPT5": true, "LPT6": true, "LPT7": true, "LPT8": true, "LPT9": true}

// SafeName turns a text into a file-name part that is safe on Windows, macOS
// and Linux: no separators, no characters Windows forbids, no control
// characters, no leading dots, at most max runes.
func SafeName(s string, max int) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || unicode.Is(unicode.Cf, r):
		case strings.ContainsRune(`<>:"/\|?*`, r):
			b.WriteRune('_')
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.Trim(b.String(), " .")
	if r := []rune(out); len(r) > max {
		out = strings.TrimRight(string(r[:max]), " .")
	}
	if reserved[strings.ToUpper(strings.SplitN(out, ".", 2)[0])] {
		out = "_" + out
	}
	if out == "" {
		out = "_"
	}
	return out
}

// FileName is the template file name of a school: 学校标识码_学校名称.xlsx.
func (s School) FileName() string {
	return s.Code + "_" + SafeName(s.Name, 60) + ".xlsx"
}
