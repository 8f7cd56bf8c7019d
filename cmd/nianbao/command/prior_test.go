package command

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/templates"
	"github.com/nianbao/nianbao/validate"
	"github.com/shopspring/decimal"
	"github.com/xuri/excelize/v2"
)

const priorSchools = `学校名称,学校标识码,学年
甲校,4141010001,2025-2026
乙校,4141010002,2025-2026
丙校,4141010003,2025-2026
`

// priorList is the built-in program and a folder holding 学校名单.csv of
// priorSchools.
func priorList(t *testing.T) (p *formula.Program, dir, list string) {
	t.Helper()
	p, err := templates.Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	list = filepath.Join(dir, "学校名单.csv")
	if err := os.WriteFile(list, []byte(priorSchools), 0o644); err != nil {
		t.Fatal(err)
	}
	return p, dir, list
}

// lastYear is what a store would give for a school: the 本学年 of a
// generated school's indicator tables, each at its cell of last year's file.
func lastYear(t *testing.T, p *formula.Program, seed uint64) *report.PriorYear {
	t.Helper()
	s, err := sample.Generate(p, seed, 0)
	if err != nil {
		t.Fatal(err)
	}
	py := &report.PriorYear{Year: "2024-2025", File: "收到/2024/甲校.xlsx", Values: map[report.Addr]report.Value{}}
	for _, sh := range p.Spec.Sheets {
		if sh.Kind != spec.KindIndicator {
			continue
		}
		for i, f := range sh.Rows {
			if v := s.Book.Get(sh.Key, report.Key{Field: f.Key, Col: spec.ColCur}); f.Input() && !v.IsEmpty() {
				v.Cell = report.Cell{Sheet: sh.Name, Ref: "D" + strconv.Itoa(3+i)}
				py.Values[report.ColAddr(sh.Key, f.Key, spec.ColCur)] = v
			}
		}
	}
	return py
}

// End to end without a database: template --schools with a lookup of last
// year by 学校标识码 writes each school's 上学年 from it, and validating the
// returned workbook against the same lookup finds the one 上学年 the school
// corrected.
func TestSchoolTemplatesWithPrior(t *testing.T) {
	p, dir, list := priorList(t)
	jia := lastYear(t, p, 5)
	store := map[string]*report.PriorYear{"4141010001": jia}
	lookup := func(code string) (*report.PriorYear, error) { return store[code], nil }

	var out bytes.Buffer
	if err := schoolTemplates(&out, p, list, filepath.Join(dir, "模板"), templateOptions(), false, byCode(lookup)); err != nil {
		t.Fatal(err)
	}
	if want := "已为 3 所学校生成模板，保存在 " + filepath.Join(dir, "模板") + "\n其中 1 所学校的“上学年”已按上一学年报送的数据预填；没有上一学年数据、“上学年”未预填：乙校、丙校\n"; out.String() != want {
		t.Errorf("output\n%s\nwant\n%s", out.String(), want)
	}
	path := filepath.Join(dir, "模板", "4141010001_甲校.xlsx")
	r, err := reader.ReadFile(context.Background(), p, path, reader.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for k, want := range jia.Values {
		got := r.Book.Get(k.Sheet, report.Key{Field: k.Field, Col: spec.ColPrev})
		if !got.Equal(want) {
			t.Errorf("%s 上学年 = %q, want %q", k, got, want)
		}
		n++
	}
	if n < 30 {
		t.Fatalf("only %d values of last year", n)
	}
	yi, err := reader.ReadFile(context.Background(), p, filepath.Join(dir, "模板", "4141010002_乙校.xlsx"), reader.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for k := range jia.Values {
		if got := yi.Book.Get(k.Sheet, report.Key{Field: k.Field, Col: spec.ColPrev}); !got.IsEmpty() {
			t.Errorf("乙校 %s 上学年 = %q, want empty", k, got)
		}
	}

	// 甲校 corrects one 上学年 and sends the workbook back
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	enrolled := jia.Values[report.ColAddr("students", "enrolled", spec.ColCur)]
	if err := f.SetCellValue("学生情况", "C4", enrolled.Num.IntPart()+12); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	pipe := &validate.Pipeline{Program: p,
		Read: func(ctx context.Context, path string) (*report.Report, []byte, error) {
			r, err := reader.ReadFile(ctx, p, path, reader.FileOptions{})
			return r, nil, err
		},
		Prior: func(_ context.Context, r *report.Report) (*report.PriorYear, error) {
			return lookup(r.Book.Get("basic", report.Key{Field: "school_code"}).String())
		}}
	res := pipe.Check(context.Background(), path)
	var cross []string
	for _, fd := range res.Findings {
		if fd.Rule == validate.RuleCrossYear {
			cross = append(cross, fd.Sheet+"!"+fd.Cell+" "+fd.Message)
		}
	}
	want := "学生情况!C4 上学年全日制在校生数（" + report.GroupThousands(enrolled.Num.Add(decimal.NewFromInt(12)).String()) + "）与 2024-2025 学年报送的本学年数（" +
		report.GroupThousands(enrolled.Num.String()) + "，文件 收到/2024/甲校.xlsx 学生情况!D4）不一致；如该数有更正，请在“情况说明”中写明理由"
	if strings.Join(cross, "\n") != want {
		t.Errorf("cross-year findings\n%s\nwant\n%s", strings.Join(cross, "\n"), want)
	}
}

// byCode is a priorFunc from a lookup by school code (the template's 学年
// stays the list's).
func byCode(f func(string) (*report.PriorYear, error)) priorFunc {
	return func(code, year string) (*report.PriorYear, string, error) {
		p, err := f(code)
		return p, year, err
	}
}

// A lookup that fails, or last year's data of another year, writes nothing.
func TestSchoolTemplatesPriorRefused(t *testing.T) {
	p, dir, list := priorList(t)
	old := lastYear(t, p, 5)
	old.Year = "2023-2024"
	for _, tc := range []struct {
		lookup func(string) (*report.PriorYear, error)
		want   string
	}{
		{func(code string) (*report.PriorYear, error) {
			if code == "4141010002" {
				return nil, errors.New("连接数据库失败")
			}
			return nil, nil
		}, "学校名单.csv 第3行（乙校）: 无法取得上一学年的数据，未写任何文件：连接数据库失败"},
		{func(code string) (*report.PriorYear, error) {
			if code == "4141010003" {
				return old, nil
			}
			return nil, nil
		}, "学校名单.csv 第4行（丙校）: 上一学年的数据是 2023-2024 学年的，而模板为 2025-2026 学年（上一学年应为 2024-2025）；未写任何文件"},
	} {
		out := filepath.Join(dir, "模板")
		err := schoolTemplates(&bytes.Buffer{}, p, list, out, templateOptions(), false, byCode(tc.lookup))
		if err == nil || !strings.HasSuffix(err.Error(), tc.want) {
			t.Errorf("error %v, want …%s", err, tc.want)
		}
		if files, _ := os.ReadDir(out); len(files) > 0 {
			t.Errorf("%d files written", len(files))
		}
	}
}
