package templates

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/nianbao/nianbao/formula"
)

// Files of a report in its folder of the registry.
const (
	specFile    = "spec.yaml"          // the report spec
	schoolsFile = "sample_schools.csv" // a demo school list for it (optional)
)

// The built-in reports: one folder each under reports/, named by the spec's id.
//
//go:embed reports
var embedded embed.FS

// Registry is a set of report specs by id, read from a folder with one
// sub-folder per report: <id>/spec.yaml, and <id>/sample_schools.csv when the
// report has demo data.
type Registry struct {
	fsys fs.FS
	ids  []string // sorted
}

// NewRegistry finds the reports of fsys: every <id>/spec.yaml at its top.
func NewRegistry(fsys fs.FS) (*Registry, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	r := &Registry{fsys: fsys}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := fs.Stat(fsys, path.Join(e.Name(), specFile)); err == nil {
			r.ids = append(r.ids, e.Name())
		}
	}
	sort.Strings(r.ids)
	return r, nil
}

// IDs lists the reports' ids, sorted.
func (r *Registry) IDs() []string { return slices.Clone(r.ids) }

// Has says whether id is one of the reports.
func (r *Registry) Has(id string) bool {
	_, found := slices.BinarySearch(r.ids, id)
	return found
}

// Source returns the text of a report's spec.
func (r *Registry) Source(id string) ([]byte, error) {
	if !r.Has(id) {
		return nil, r.unknown(id)
	}
	return fs.ReadFile(r.fsys, path.Join(id, specFile))
}

// Get loads a report's spec. Its id must be the folder's name.
func (r *Registry) Get(id, lang string) (*formula.Program, error) {
	data, err := r.Source(id)
	if err != nil {
		return nil, err
	}
	p, err := Parse(data, path.Join(id, specFile), lang)
	if err != nil {
		return nil, err
	}
	if p.Spec.ID != id {
		return nil, fmt.Errorf("%s: 规格的 id 是 %q，与所在文件夹 %q 不符", path.Join(id, specFile), p.Spec.ID, id)
	}
	return p, nil
}

// Schools returns a report's demo school list (CSV).
func (r *Registry) Schools(id string) ([]byte, error) {
	if !r.Has(id) {
		return nil, r.unknown(id)
	}
	data, err := fs.ReadFile(r.fsys, path.Join(id, schoolsFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("内置规格 %s 没有示例学校名单", id)
	}
	return data, err
}

func (r *Registry) unknown(id string) error {
	return fmt.Errorf("没有内置规格 %q（内置规格：%s）", id, strings.Join(r.ids, "、"))
}

// builtin is the registry of the embedded reports, read once.
var builtin = sync.OnceValue(func() *Registry {
	sub, err := fs.Sub(embedded, "reports")
	if err == nil {
		var r *Registry
		if r, err = NewRegistry(sub); err == nil {
			return r
		}
	}
	panic(err) // the embedded folder is part of the binary
})

// IDs lists the built-in reports' ids, sorted.
func IDs() []string { return builtin().IDs() }

// Get loads a built-in report's spec by id.
func Get(id, lang string) (*formula.Program, error) { return builtin().Get(id, lang) }

// Source returns the text of a built-in report's spec.
func Source(id string) ([]byte, error) { return builtin().Source(id) }

// Schools returns a built-in report's demo school list (CSV).
func Schools(id string) ([]byte, error) { return builtin().Schools(id) }
