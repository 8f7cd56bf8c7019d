package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/spec"
)

// DefaultID is the id of the report used when none is named: the annual
// quality report of secondary vocational schools (中职).
const DefaultID = "zhongzhi_annual_quality"

// Default loads the default built-in spec.
func Default(lang string) (*formula.Program, error) { return Get(DefaultID, lang) }

// Load loads the spec named by a --spec argument: empty means the default
// built-in spec, the id of a built-in report that report, anything else a
// spec file (YAML or JSON).
func Load(name, lang string) (*formula.Program, error) {
	switch {
	case name == "":
		return Default(lang)
	case builtin().Has(name):
		return Get(name, lang)
	}
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) && !strings.ContainsAny(name, `./\`) {
		return nil, fmt.Errorf("没有规格文件 %s，也没有这个内置规格（内置规格：%s）", name, strings.Join(IDs(), "、"))
	}
	if err != nil {
		return nil, fmt.Errorf("读取规格文件 %s 失败: %w", name, err)
	}
	return Parse(data, name, lang)
}

// Parse decodes a spec held in memory, checks its structure and compiles its
// expressions. Errors name the file, line and column.
func Parse(data []byte, name, lang string) (*formula.Program, error) {
	s, err := spec.Decode(data, name, lang)
	if err != nil {
		return nil, err
	}
	return formula.Compile(s, lang)
}
