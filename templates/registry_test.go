package templates

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/nianbao/nianbao/schools"
)

// TestBuiltin loads every report of the embedded folder: each is found by
// its id, compiles, carries that id, and its demo school list (if any) reads
// against it.
func TestBuiltin(t *testing.T) {
	ids := IDs()
	if !slices.Contains(ids, DefaultID) {
		t.Fatalf("IDs() = %v, want it to hold %s", ids, DefaultID)
	}
	entries, err := embedded.ReadDir("reports")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(ids) {
		t.Errorf("reports/ has %d entries, the registry %d reports (%v): a folder without spec.yaml?", len(entries), len(ids), ids)
	}
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			for _, lang := range []string{"zh", "en"} {
				p, err := Get(id, lang)
				if err != nil {
					t.Fatal(err)
				}
				if p.Spec.ID != id {
					t.Errorf("spec id %q in folder %q", p.Spec.ID, id)
				}
			}
			p, err := Load(id, "zh") // what --spec ID does
			if err != nil || p.Spec.ID != id {
				t.Fatalf("Load(%q) = %v, %v", id, p, err)
			}
			list, err := Schools(id)
			if err != nil {
				t.Skipf("no demo school list: %v", err)
			}
			got, err := schools.Parse(list, id+"/"+schoolsFile, p.Spec)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 {
				t.Error("empty demo school list")
			}
		})
	}
}

// TestRegistryFS finds a second report placed beside the built-in one, by id,
// with its own demo data, and refuses what is not there.
func TestRegistryFS(t *testing.T) {
	src, err := Source(DefaultID)
	if err != nil {
		t.Fatal(err)
	}
	second := bytes.Replace(src, []byte("id: "+DefaultID), []byte("id: gaozhi_annual_quality"), 1)
	second = bytes.Replace(second, []byte("title: 中等职业学校"), []byte("title: 高等职业学校"), 1)
	fsys := fstest.MapFS{
		DefaultID + "/spec.yaml":               {Data: src},
		"gaozhi_annual_quality/spec.yaml":      {Data: second},
		"gaozhi_annual_quality/" + schoolsFile: {Data: []byte("学校名称,学校标识码\n某某职业技术学院,4141010009\n")},
		"notes/readme.txt":                     {Data: []byte("not a report")},
		"wrong_id/spec.yaml":                   {Data: src},
		"stray.yaml":                           {Data: src},
	}
	r, err := NewRegistry(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := r.IDs(), []string{"gaozhi_annual_quality", "wrong_id", DefaultID}; !slices.Equal(got, want) {
		t.Fatalf("IDs() = %v, want %v", got, want)
	}
	p, err := r.Get("gaozhi_annual_quality", "zh")
	if err != nil {
		t.Fatal(err)
	}
	if p.Spec.ID != "gaozhi_annual_quality" || !strings.HasPrefix(p.Spec.Title, "高等职业学校") {
		t.Errorf("got spec %q %q", p.Spec.ID, p.Spec.Title)
	}
	if list, err := r.Schools("gaozhi_annual_quality"); err != nil || !strings.Contains(string(list), "某某职业技术学院") {
		t.Errorf("Schools = %q, %v", list, err)
	}
	if _, err := r.Schools(DefaultID); err == nil || !strings.Contains(err.Error(), "没有示例学校名单") {
		t.Errorf("Schools of a report without one: got %v", err)
	}
	if _, err := r.Get("wrong_id", "zh"); err == nil || !strings.Contains(err.Error(), "与所在文件夹") {
		t.Errorf("a spec whose id is not its folder's: got %v", err)
	}
	if _, err := r.Get("notes", "zh"); err == nil || !strings.Contains(err.Error(), "gaozhi_annual_quality") {
		t.Errorf("an unknown id: got %v, want an error listing the reports", err)
	}
}

// TestLoadName: --spec takes a built-in id or a file; a name that is neither
// says so and lists the built-in reports.
func TestLoadName(t *testing.T) {
	_, err := Load("zhongzhi_annual_qualty", "zh")
	if err == nil || !strings.Contains(err.Error(), "也没有这个内置规格") || !strings.Contains(err.Error(), DefaultID) {
		t.Errorf("a misspelt id: got %v", err)
	}
	if _, err := Load("testdata/specs", "zh"); err == nil || !strings.Contains(err.Error(), "读取规格文件") {
		t.Errorf("a folder: got %v", err)
	}
}
