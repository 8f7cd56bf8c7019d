package templates

import (
	_ "embed"
	"fmt"
	"os"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/spec"
)

// DefaultName is the file name the built-in spec is reported under.
const DefaultName = "zhongzhi.yaml"

//go:embed zhongzhi.yaml
var defaultSpec []byte

// DefaultSource returns the text of the built-in spec.
func DefaultSource() []byte { return append([]byte(nil), defaultSpec...) }

// Default loads the built-in spec.
func Default(lang string) (*formula.Program, error) {
	return Parse(defaultSpec, DefaultName, lang)
}

// Load reads a spec file; an empty path means the built-in spec.
func Load(path, lang string) (*formula.Program, error) {
	if path == "" {
		return Default(lang)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("读取规格文件 %s 失败: %w", path, err)
	}
	return Parse(data, path, lang)
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

//go:embed sample_schools.csv
var sampleSchools []byte

// SampleSchools returns a small built-in school list (CSV), for the demo.
func SampleSchools() []byte { return append([]byte(nil), sampleSchools...) }
