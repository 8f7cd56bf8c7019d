package spec

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/zh"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	en_trans "github.com/go-playground/validator/v10/translations/en"
	zh_trans "github.com/go-playground/validator/v10/translations/zh"
	"github.com/shopspring/decimal"
	"gopkg.in/yaml.v3"
)

// Error is one mistake in a spec file, at its place.
type Error struct {
	File string
	Pos  Pos
	Path string // the value's path in the spec, e.g. sheets[3].rows[2].label
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Pos.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Pos.Line, e.Pos.Column)
	}
	b.WriteString(": ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Errors is every mistake found in a spec, in file order.
type Errors []*Error

func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Sort orders the errors by position in the file.
func (es Errors) Sort() {
	sort.SliceStable(es, func(i, j int) bool {
		a, b := es[i].Pos, es[j].Pos
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}

// Err returns nil for no errors, the errors sorted otherwise.
func (es Errors) Err() error {
	if len(es) == 0 {
		return nil
	}
	es.Sort()
	return es
}

// Decode reads a spec from YAML (or JSON) and checks its structure. lang chooses
// the language of the messages ("zh", the default, or "en"). Every mistake is
// returned, as Errors, with its line and column in the file.
func Decode(data []byte, file, lang string) (*Spec, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, Errors{yamlError(file, err)}
	}
	if len(root.Content) == 0 {
		return nil, Errors{{File: file, Msg: msg(lang, "文件为空", "the file is empty")}}
	}
	var s Spec
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&s); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		var pe *Error
		switch {
		case errors.As(err, &te):
			var es Errors
			for _, m := range te.Errors {
				es = append(es, typeError(file, data, m, lang))
			}
			return nil, es.Err()
		case errors.As(err, &pe):
			pe.File = file
			return nil, Errors{pe}
		}
		return nil, Errors{yamlError(file, err)}
	}
	s.File = file
	doc := root.Content[0]
	fillPositions(&s, doc)
	var es Errors
	for _, e := range structErrors(&s, lang) {
		e.File = file
		e.Pos = nodePos(doc, e.Path)
		es = append(es, e)
	}
	for _, e := range semanticErrors(&s, doc, lang) {
		e.File = file
		es = append(es, e)
	}
	if err := es.Err(); err != nil {
		return nil, err
	}
	return &s, nil
}

func msg(lang, zh, en string) string {
	if lang == "en" {
		return en
	}
	return zh
}

var (
	yamlLine     = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	unknownField = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
)

// yamlError is a YAML syntax error.
func yamlError(file string, err error) *Error {
	m := yamlLine.FindStringSubmatch(err.Error())
	if m == nil {
		return &Error{File: file, Msg: "YAML 语法错误: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	return &Error{File: file, Pos: Pos{Line: line, Column: 1}, Msg: "YAML 语法错误: " + m[2]}
}

// typeError is a value of the wrong type, or an unknown key, at its line; an
// unknown key gets its column too.
func typeError(file string, data []byte, m, lang string) *Error {
	e := yamlError(file, errors.New(m))
	e.Msg = strings.TrimPrefix(e.Msg, "YAML 语法错误: ")
	if u := unknownField.FindStringSubmatch(e.Msg); u != nil {
		e.Msg = fmt.Sprintf(msg(lang, "未知的键 %q（拼写有误？）", "unknown key %q (misspelt?)"), u[1])
		lines := strings.Split(string(data), "\n")
		if e.Pos.Line >= 1 && e.Pos.Line <= len(lines) {
			if i := strings.Index(lines[e.Pos.Line-1], u[1]+":"); i >= 0 {
				e.Pos.Column = len([]rune(lines[e.Pos.Line-1][:i])) + 1
			}
		}
	}
	return e
}

// UnmarshalYAML keeps the expression's text and position.
func (e *Expr) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &Error{Pos: Pos{Line: n.Line, Column: n.Column}, Msg: "表达式须是一段文字"}
	}
	e.Src = n.Value
	e.Pos = Pos{Line: n.Line, Column: n.Column}
	e.Quoted = n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
	return nil
}

// MarshalYAML writes the expression as its text.
func (e Expr) MarshalYAML() (any, error) { return e.Src, nil }

// MarshalJSON writes the expression as its text.
func (e Expr) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(e.Src)), nil }

// UnmarshalYAML reads an exact decimal.
func (n *Number) UnmarshalYAML(node *yaml.Node) error {
	d, err := decimal.NewFromString(strings.TrimSpace(node.Value))
	if node.Kind != yaml.ScalarNode || err != nil {
		return &Error{Pos: Pos{Line: node.Line, Column: node.Column}, Msg: fmt.Sprintf("%q 不是数字", node.Value)}
	}
	n.Decimal = d
	return nil
}

// MarshalYAML writes the number as YAML number text.
func (n Number) MarshalYAML() (any, error) {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: n.String()}, nil
}

// MarshalJSON writes the number as a JSON number.
func (n Number) MarshalJSON() ([]byte, error) { return []byte(n.String()), nil }

var (
	keyPattern       = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	badSheetNameChar = regexp.MustCompile(`[\[\]:*?/\\']`)
)

func newValidator(lang string) (*validator.Validate, ut.Translator) {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	_ = v.RegisterValidation("key", func(fl validator.FieldLevel) bool {
		return keyPattern.MatchString(fl.Field().String())
	})
	_ = v.RegisterValidation("sheetname", func(fl validator.FieldLevel) bool {
		return !badSheetNameChar.MatchString(fl.Field().String())
	})
	var trans ut.Translator
	if lang == "en" {
		e := en.New()
		trans, _ = ut.New(e, e).GetTranslator("en")
		_ = en_trans.RegisterDefaultTranslations(v, trans)
	} else {
		z := zh.New()
		trans, _ = ut.New(z, z).GetTranslator("zh")
		_ = zh_trans.RegisterDefaultTranslations(v, trans)
	}
	custom := map[string][2]string{
		"key":       {"{0}只能由小写英文字母、数字和下划线组成，并以字母开头", "{0} must be lower-case letters, digits and underscores, starting with a letter"},
		"sheetname": {"{0}不能包含 [ ] : * ? / \\ ' 等字符", "{0} must not contain [ ] : * ? / \\ '"},
	}
	for tag, text := range custom {
		t := text[0]
		if lang == "en" {
			t = text[1]
		}
		_ = v.RegisterTranslation(tag, trans, func(ut ut.Translator) error {
			return ut.Add(tag, t, true)
		}, func(ut ut.Translator, fe validator.FieldError) string {
			s, _ := ut.T(fe.Tag(), fe.Field())
			return s
		})
	}
	return v, trans
}

// structErrors runs the struct tags through validator/v10 and translates them.
func structErrors(s *Spec, lang string) Errors {
	v, trans := newValidator(lang)
	err := v.Struct(s)
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		if err != nil {
			return Errors{{Msg: err.Error()}}
		}
		return nil
	}
	var es Errors
	for _, fe := range ves {
		path := strings.TrimPrefix(fe.Namespace(), "Spec.")
		es = append(es, &Error{Path: path, Msg: fe.Translate(trans)})
	}
	return es
}

var pathPart = regexp.MustCompile(`([^.\[\]]+)|\[(\d+)\]`)

// nodeAt walks a YAML document along a path such as sheets[3].rows[2].label and
// returns the deepest node it reaches (the key node for a mapping entry).
func nodeAt(doc *yaml.Node, path string) *yaml.Node {
	n := doc
	for _, m := range pathPart.FindAllStringSubmatch(path, -1) {
		switch {
		case m[1] != "" && n.Kind == yaml.MappingNode:
			found := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == m[1] {
					n, found = n.Content[i+1], true
					break
				}
			}
			if !found {
				return n
			}
		case m[2] != "" && n.Kind == yaml.SequenceNode:
			i, _ := strconv.Atoi(m[2])
			if i >= len(n.Content) {
				return n
			}
			n = n.Content[i]
		default:
			return n
		}
	}
	return n
}

func nodePos(doc *yaml.Node, path string) Pos {
	n := nodeAt(doc, path)
	return Pos{Line: n.Line, Column: n.Column}
}

// fillPositions records where each sheet, field, enum and check starts.
func fillPositions(s *Spec, doc *yaml.Node) {
	for i := range s.Enums {
		s.Enums[i].Pos = nodePos(doc, fmt.Sprintf("enums[%d]", i))
	}
	for i := range s.Changes {
		s.Changes[i].Pos = nodePos(doc, fmt.Sprintf("changes[%d]", i))
	}
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		base := fmt.Sprintf("sheets[%d]", i)
		sh.Pos = nodePos(doc, base)
		for j := range sh.Rows {
			sh.Rows[j].Pos = nodePos(doc, fmt.Sprintf("%s.rows[%d]", base, j))
		}
		for j := range sh.Columns {
			sh.Columns[j].Pos = nodePos(doc, fmt.Sprintf("%s.columns[%d]", base, j))
		}
		if sh.Summary != nil {
			for j := range sh.Summary.Rows {
				sh.Summary.Rows[j].Pos = nodePos(doc, fmt.Sprintf("%s.summary.rows[%d]", base, j))
			}
		}
		for j := range sh.Checks {
			sh.Checks[j].Pos = nodePos(doc, fmt.Sprintf("%s.checks[%d]", base, j))
		}
	}
}
