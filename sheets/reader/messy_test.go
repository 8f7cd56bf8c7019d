package reader

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/nianbao/nianbao/spec"
	"github.com/xuri/excelize/v2"
)

// messy builds workbooks as people return them: the real template, then
// changed with excelize the way a person changes it.
type messy struct {
	t *testing.T
	p *formula.Program
	l *layout.Book
}

func (m messy) ind(sheet, field, col string) (string, string) {
	sl := m.l.Sheets[sheet]
	c, _ := layout.YearCol(col)
	return sl.Spec.Name, xlsx.CellName(c, sl.RowOf[field])
}

func (m messy) rec(field string) (string, string) {
	sl := m.l.Sheets["basic"]
	return sl.Spec.Name, xlsx.CellName(layout.ColRecValue, sl.RowOf[field])
}

func (m messy) listCell(sheet string, row int, col string) (string, string) {
	sl := m.l.Sheets[sheet]
	return sl.Spec.Name, xlsx.CellName(sl.ColOf[col], sl.ListFirst+row)
}

func (m messy) build(change func(f *excelize.File)) []byte {
	m.t.Helper()
	f, err := testTemplate(m.p, workbook.TemplateOptions{})
	if err != nil {
		m.t.Fatal(err)
	}
	defer f.Close()
	if change != nil {
		change(f)
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		m.t.Fatal(err)
	}
	return b.Bytes()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// rewriteZip replaces a part's text in a workbook's bytes (for what no
// office suite lets a person do, but a file may still hold); part "" means
// every part that holds the text.
func rewriteZip(t *testing.T, data []byte, part, old, new string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	must(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		must(t, err)
		body, err := io.ReadAll(rc)
		must(t, err)
		rc.Close()
		if f.Name == part || (part == "" && bytes.Contains(body, []byte(old))) {
			if !bytes.Contains(body, []byte(old)) {
				t.Fatalf("%s has no %q", part, old)
			}
			body = bytes.ReplaceAll(body, []byte(old), []byte(new))
			found = true
		}
		w, err := zw.Create(f.Name)
		must(t, err)
		_, err = w.Write(body)
		must(t, err)
	}
	must(t, zw.Close())
	if !found {
		t.Fatalf("no part %q with %q", part, old)
	}
	return out.Bytes()
}

// TestMessyInputs: what people do to a workbook, and exactly what the reader
// makes of it.
func TestMessyInputs(t *testing.T) {
	p := testkit.DefaultProgram(t)
	m := messy{t, p, layout.New(p, 0)}
	set := func(sheet, cell string, v any) func(f *excelize.File) {
		return func(f *excelize.File) { must(t, f.SetCellValue(sheet, cell, v)) }
	}
	enrolledSheet, enrolledCell := m.ind("students", "enrolled", "cur")
	retSheet, retCell := m.ind("students", "retention", "cur")
	equipSheet, equipCell := m.ind("assets", "equipment_value", "cur")
	codeSheet, codeCell := m.rec("school_code")
	dateSheet, dateCell := m.rec("fill_date")
	yearSheet, yearCell := m.rec("school_year")
	pctSheet, pctCell := m.ind("students", "enrolled", "pct")
	ratioSheet, ratioCell := m.ind("teachers", "ratio", "cur")
	majSheet, majName0 := m.listCell("majors", 0, "name")
	_, majCur0 := m.listCell("majors", 0, "cur_students")
	_, majName1 := m.listCell("majors", 1, "name")
	_, majCur1 := m.listCell("majors", 1, "cur_students")
	_, majName5 := m.listCell("majors", 5, "name")
	_, majCur5 := m.listCell("majors", 5, "cur_students")
	majTotal := xlsx.CellName(m.l.Sheets["majors"].ColOf["cur_students"], m.l.Sheets["majors"].TotalRow)
	progSheet, progOpen0 := m.listCell("programs", 0, "cur_open")
	cur := func(sheet, field string) func(*report.Report) report.Value {
		return func(r *report.Report) report.Value {
			return r.Book.Get(sheet, report.Key{Field: field, Col: spec.ColCur})
		}
	}
	rec := func(field string) func(*report.Report) report.Value {
		return func(r *report.Report) report.Value { return r.Book.Get("basic", report.Key{Field: field}) }
	}
	row := func(sheet string, i int, col string) func(*report.Report) report.Value {
		return func(r *report.Report) report.Value {
			rows := r.Book.Rows(sheet)
			if i >= len(rows) {
				return report.Str("<no row>")
			}
			return rows[i][col]
		}
	}
	enrolled := cur("students", "enrolled")

	cases := []struct {
		name   string
		data   func() []byte
		get    func(*report.Report) report.Value
		want   string // the value read ("" empty)
		from   string // the cell it was read from, e.g. 学生情况!D4 ("" = not checked)
		note   string // kind of a note that must be there
		quiet  bool   // no notes at all
		prob   string // part of a problem's message that must be there
		probAt string // the problem's cell
		err    string // part of the error that stops reading
		check  func(t *testing.T, r *report.Report)
	}{
		{name: "number cell", data: func() []byte { return m.build(set(enrolledSheet, enrolledCell, 1883)) }, get: enrolled, want: "1883", from: enrolledSheet + "!" + enrolledCell, quiet: true},
		{name: "number stored as text", data: func() []byte { return m.build(set(enrolledSheet, enrolledCell, "1883")) }, get: enrolled, want: "1883", note: "text_number"},
		{name: "full-width digits", data: func() []byte { return m.build(set(enrolledSheet, enrolledCell, "１８８３")) }, get: enrolled, want: "1883", note: "fullwidth"},
		{name: "thousands separator", data: func() []byte { return m.build(set(enrolledSheet, enrolledCell, "1,883")) }, get: enrolled, want: "1883", note: "thousands"},
		{name: "unit typed into the cell", data: func() []byte { return m.build(set(enrolledSheet, enrolledCell, "1883人")) }, get: enrolled, want: "1883", note: "unit"},
		{name: "万元 typed with the amount", data: func() []byte { return m.build(set(equipSheet, equipCell, "6423.84万元")) }, get: cur("assets", "equipment_value"), want: "6423.84", note: "unit"},
		{name: "元 typed into a 万元 cell", data: func() []byte { return m.build(set(equipSheet, equipCell, "64238400元")) }, get: cur("assets", "equipment_value"), want: "", prob: "单位“元”与本栏单位“万元”不符", probAt: equipCell},
		{name: "percent typed with %", data: func() []byte { return m.build(set(retSheet, retCell, "96.35%")) }, get: cur("students", "retention"), want: "96.35", note: "percent"},
		{name: "percent as a fraction in % format", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(retSheet, retCell, 0.9635))
				st, err := f.NewStyle(&excelize.Style{NumFmt: 10})
				must(t, err)
				must(t, f.SetCellStyle(retSheet, retCell, retCell, st))
			})
		}, get: cur("students", "retention"), want: "96.35", note: "percent_format"},
		{name: "dash means empty, not zero", data: func() []byte { return m.build(set(enrolledSheet, enrolledCell, "—")) }, get: enrolled, want: "", note: "placeholder"},
		{name: "无 means empty", data: func() []byte { return m.build(set(enrolledSheet, enrolledCell, "无")) }, get: enrolled, want: "", note: "placeholder"},
		{name: "slash means empty", data: func() []byte { return m.build(set(enrolledSheet, enrolledCell, "/")) }, get: enrolled, want: "", note: "placeholder"},
		{name: "zero-width and full-width spaces", data: func() []byte { return m.build(set(enrolledSheet, enrolledCell, "\u3000１８\u200b８３ ")) }, get: enrolled, want: "1883", note: "spaces"},
		{name: "fraction in a count", data: func() []byte { return m.build(set(enrolledSheet, enrolledCell, 1883.5)) }, get: enrolled, want: "", prob: "整数", probAt: enrolledCell},
		{name: "words instead of a number", data: func() []byte { return m.build(set(enrolledSheet, enrolledCell, "约一千")) }, get: enrolled, want: "", prob: "不是数字", probAt: enrolledCell},
		{name: "binary float noise", data: func() []byte { return m.build(set(equipSheet, equipCell, 0.1+0.2)) }, get: cur("assets", "equipment_value"), want: "0.3", quiet: true},
		{name: "school code stored as a number", data: func() []byte { return m.build(set(codeSheet, codeCell, 4141010001)) }, get: rec("school_code"), want: "4141010001"},
		{name: "school code lost to scientific notation", data: func() []byte { return m.build(set(codeSheet, codeCell, "4.14101E+09")) }, get: rec("school_code"), want: "", prob: "10位数字", probAt: codeCell},
		{name: "date as a serial number", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(dateSheet, dateCell, 44075))
				st, err := f.NewStyle(&excelize.Style{NumFmt: 14})
				must(t, err)
				must(t, f.SetCellStyle(dateSheet, dateCell, dateCell, st))
			})
		}, get: rec("fill_date"), want: "2020-09-01"},
		{name: "date in the 1904 date system", data: func() []byte {
			return m.build(func(f *excelize.File) {
				on := true
				must(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &on}))
				must(t, f.SetCellValue(dateSheet, dateCell, 44075-1462))
				st, err := f.NewStyle(&excelize.Style{NumFmt: 14})
				must(t, err)
				must(t, f.SetCellStyle(dateSheet, dateCell, dateCell, st))
			})
		}, get: rec("fill_date"), want: "2020-09-01"},
		{name: "date typed as Chinese text", data: func() []byte { return m.build(set(dateSheet, dateCell, "2020年9月1日")) }, get: rec("fill_date"), want: "2020-09-01", note: "date"},
		{name: "school year with a full-width dash", data: func() []byte { return m.build(set(yearSheet, yearCell, "2019－2020")) }, get: rec("school_year"), want: "2019-2020"},
		{name: "school year whose years do not follow", data: func() []byte { return m.build(set(yearSheet, yearCell, "2019-2021")) }, get: rec("school_year"), want: "", prob: "加1", probAt: yearCell},
		{name: "computed cell typed over", data: func() []byte { return m.build(set(pctSheet, pctCell, 135.06)) }, get: func(r *report.Report) report.Value {
			return r.Book.Get("students", report.Key{Field: "enrolled", Col: spec.ColPct})
		}, want: "135.06",
			check: func(t *testing.T, r *report.Report) {
				if len(r.Overwritten) != 1 || r.Overwritten[0].Cell != pctCell || r.Overwritten[0].Key.String() != "students.enrolled.pct" {
					t.Errorf("overwritten %+v, want %s", r.Overwritten, pctCell)
				}
			}},
		{name: "ratio typed over as 13.5:1", data: func() []byte { return m.build(set(ratioSheet, ratioCell, "13.5:1")) }, get: cur("teachers", "ratio"), want: "13.5", note: "ratio",
			check: func(t *testing.T, r *report.Report) {
				if len(r.Overwritten) != 1 || r.Overwritten[0].Cell != ratioCell {
					t.Errorf("overwritten %+v", r.Overwritten)
				}
			}},
		{name: "list total typed over", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(majSheet, majCur0, 100))
				must(t, f.SetCellValue(majSheet, majTotal, 120))
			})
		}, get: func(r *report.Report) report.Value {
			return r.Book.Get("majors", report.Key{Field: "cur_students", Col: report.TotalCol})
		}, want: "120", check: func(t *testing.T, r *report.Report) {
			if len(r.Overwritten) != 1 || r.Overwritten[0].Key.String() != "majors.total.cur_students" {
				t.Errorf("overwritten %+v", r.Overwritten)
			}
		}},
		{name: "blank rows between list rows", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(majSheet, majName0, "会计"))
				must(t, f.SetCellValue(majSheet, majCur0, 100))
				must(t, f.SetCellValue(majSheet, majName5, "护理"))
				must(t, f.SetCellValue(majSheet, majCur5, 200))
			})
		}, get: row("majors", 1, "cur_students"), want: "200", from: majSheet + "!" + majCur5, check: func(t *testing.T, r *report.Report) {
			if n := len(r.Book.Rows("majors")); n != 2 {
				t.Errorf("%d rows, want 2", n)
			}
		}},
		{name: "row inserted inside the list", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(majSheet, majName0, "会计"))
				must(t, f.SetCellValue(majSheet, majCur0, 100))
				must(t, f.InsertRows(majSheet, 4, 1))
				must(t, f.SetCellValue(majSheet, "B4", "护理"))
				must(t, f.SetCellValue(majSheet, "E4", 200))
			})
		}, get: row("majors", 1, "cur_students"), want: "200", from: majSheet + "!E4"},
		{name: "empty rows deleted, 合计 moved up", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(majSheet, majName0, "会计"))
				must(t, f.SetCellValue(majSheet, majCur0, 100))
				must(t, f.SetCellValue(majSheet, majName1, "护理"))
				must(t, f.SetCellValue(majSheet, majCur1, 200))
				for i := 0; i < 20; i++ {
					must(t, f.RemoveRow(majSheet, 6))
				}
			})
		}, get: row("majors", 1, "cur_students"), want: "200", check: func(t *testing.T, r *report.Report) {
			if n := len(r.Book.Rows("majors")); n != 2 {
				t.Errorf("%d rows, want 2", n)
			}
		}},
		{name: "row added below the 合计 row", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(majSheet, majName0, "会计"))
				must(t, f.SetCellValue(majSheet, majCur0, 100))
				below := m.l.Sheets["majors"].TotalRow + 1
				must(t, f.SetCellValue(majSheet, xlsx.CellName(2, below), "护理"))
				must(t, f.SetCellValue(majSheet, xlsx.CellName(5, below), 200))
			})
		}, get: row("majors", 1, "name"), want: "护理"},
		{name: "enum with spaces around", data: func() []byte { return m.build(set(progSheet, progOpen0, " 是 ")) }, get: row("programs", 0, "cur_open"), want: "是", note: "spaces"},
		{name: "column inserted before the year columns", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.InsertCols(enrolledSheet, "C", 1))
				must(t, f.SetCellValue(enrolledSheet, "C2", "备注"))
				must(t, f.SetCellValue(enrolledSheet, "E4", 1883))
			})
		}, get: enrolled, want: "1883", from: enrolledSheet + "!E4"},
		{name: "labels typed with full-width colon and spaces", data: func() []byte {
			return m.build(func(f *excelize.File) {
				sh, c := m.ind("students", "male", "cur")
				must(t, f.SetCellValue(sh, "A"+c[1:], " 其中：男生 "))
				must(t, f.SetCellValue(sh, c, 900))
			})
		}, get: cur("students", "male"), want: "900"},
		{name: "numbered row labels", data: func() []byte {
			return m.build(func(f *excelize.File) {
				sh, c := m.ind("students", "male", "cur")
				must(t, f.SetCellValue(sh, "A"+c[1:], "（5）其中：男生"))
				must(t, f.SetCellValue(sh, c, 900))
				must(t, f.SetCellValue(enrolledSheet, "A4", "2.全日制在校生数"))
				must(t, f.SetCellValue(enrolledSheet, enrolledCell, 1883))
			})
		}, get: cur("students", "male"), want: "900", check: func(t *testing.T, r *report.Report) {
			if v := r.Book.Get("students", report.Key{Field: "enrolled", Col: spec.ColCur}); v.String() != "1883" {
				t.Errorf("enrolled %q", v)
			}
		}},
		{name: "older template version whose tables no longer match", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCustomProps(excelize.CustomProperty{Name: report.PropSpecVersion, Value: "2019.1"}))
				for _, sh := range p.Spec.Sheets[2:] {
					must(t, f.DeleteSheet(sh.Name))
				}
			})
		}, err: "这是模板 zhongzhi_annual_quality（版本 2019.1）填写的文件，应使用模板 zhongzhi_annual_quality（版本 2025.1）：只找到 2 张表（共 23 张）"},
		{name: "alternative label of the report", data: func() []byte {
			return m.build(func(f *excelize.File) {
				sh, c := m.ind("assets", "fixed_assets", "cur")
				must(t, f.SetCellValue(sh, "A"+c[1:], "学校总资产"))
				must(t, f.SetCellValue(sh, c, 5000))
			})
		}, get: cur("assets", "fixed_assets"), want: "5000"},
		{name: "rows reordered on an indicator sheet", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(enrolledSheet, enrolledCell, 1883))
				must(t, f.DuplicateRowTo(enrolledSheet, 4, 30))
				must(t, f.RemoveRow(enrolledSheet, 4))
			})
		}, get: enrolled, want: "1883", from: enrolledSheet + "!D29"},
		{name: "sheet renamed", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(enrolledSheet, enrolledCell, 1883))
				must(t, f.SetSheetName(enrolledSheet, "学生"))
			})
		}, get: enrolled, want: "1883", from: "学生!" + enrolledCell, note: "sheet_renamed"},
		{name: "sheet renamed and retitled: found by its labels", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(enrolledSheet, enrolledCell, 1883))
				must(t, f.SetCellValue(enrolledSheet, "A1", "学生基本数据"))
				must(t, f.SetSheetName(enrolledSheet, "Sheet3"))
			})
		}, get: enrolled, want: "1883", note: "sheet_renamed", check: func(t *testing.T, r *report.Report) {
			for _, s := range r.Sheets {
				if s.Key == "students" && s.How != "labels" {
					t.Errorf("found by %q", s.How)
				}
			}
		}},
		{name: "sheet deleted", data: func() []byte {
			return m.build(func(f *excelize.File) { must(t, f.DeleteSheet("学生资助")) })
		}, get: enrolled, want: "", prob: "缺少工作表“学生资助”"},
		{name: "sheets reordered", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(enrolledSheet, enrolledCell, 1883))
				must(t, f.MoveSheet("经费收支", "基本信息"))
			})
		}, get: enrolled, want: "1883", note: "sheet_order"},
		{name: "identity lost in a round trip", data: func() []byte {
			data := m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(enrolledSheet, enrolledCell, 1883))
				must(t, f.DeleteSheet(report.MetaSheet))
			})
			return rewriteZip(t, data, "docProps/custom.xml", report.PropSpecID, "other.property")
		}, get: enrolled, want: "1883", note: "identity"},
		{name: "older template version", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCellValue(enrolledSheet, enrolledCell, 1883))
				must(t, f.SetCustomProps(excelize.CustomProperty{Name: report.PropSpecVersion, Value: "2024.1"}))
			})
		}, get: enrolled, want: "1883", note: "version"},
		{name: "workbook of another report", data: func() []byte {
			return m.build(func(f *excelize.File) {
				must(t, f.SetCustomProps(excelize.CustomProperty{Name: report.PropSpecID, Value: "gaozhi_annual"}))
			})
		}, err: "这是模板 gaozhi_annual（版本 2025.1）填写的文件，应使用模板 zhongzhi_annual_quality"},
		{name: "a workbook that is no report", data: func() []byte {
			f := excelize.NewFile()
			defer f.Close()
			must(t, f.SetCellValue("Sheet1", "A1", "工资表"))
			var b bytes.Buffer
			_, err := f.WriteTo(&b)
			must(t, err)
			return b.Bytes()
		}, err: "不是本报告的工作簿，没有找到任何报告表（文件中的工作表：Sheet1）"},
		{name: "boolean in a number cell", data: func() []byte {
			return m.build(func(f *excelize.File) { must(t, f.SetCellBool(enrolledSheet, enrolledCell, true)) })
		}, get: enrolled, want: "", prob: "逻辑值", probAt: enrolledCell},
		{name: "formula typed into an input cell, no result saved", data: func() []byte {
			return m.build(func(f *excelize.File) { must(t, f.SetCellFormula(enrolledSheet, enrolledCell, "1000+883")) })
		}, get: enrolled, want: "", prob: "没有保存计算结果", probAt: enrolledCell},
		{name: "formula typed into an input cell, result saved", data: func() []byte {
			data := m.build(func(f *excelize.File) { must(t, f.SetCellFormula(enrolledSheet, enrolledCell, "1000+883")) })
			return rewriteZip(t, data, "", `<f>1000+883</f>`, `<f>1000+883</f><v>1883</v>`)
		}, get: enrolled, want: "1883", note: "formula_input"},
		{name: "sheet name over 31 characters", data: func() []byte {
			data := m.build(set(enrolledSheet, enrolledCell, 1883))
			return rewriteZip(t, data, "xl/workbook.xml", `name="学生情况"`, `name="学生情况对比表学生情况对比表学生情况对比表学生情况对比表学生情况对比表"`)
		}, get: enrolled, want: "1883", prob: "超过 Excel 允许的 31 个"},
		{name: "not a zip", data: func() []byte { return []byte("学校名称,在校生\n某校,1883\n") }, err: "不是有效的 xlsx（zip）文件"},
		{name: "empty file", data: func() []byte { return nil }, err: "不是有效的 xlsx（zip）文件"},
		{name: "truncated zip", data: func() []byte { d := m.build(nil); return d[:len(d)/2] }, err: "不是有效的 xlsx（zip）文件"},
		{name: "a zip that is not a workbook", data: func() []byte {
			var b bytes.Buffer
			zw := zip.NewWriter(&b)
			w, _ := zw.Create("word/document.xml")
			w.Write([]byte("<w:document/>"))
			zw.Close()
			return b.Bytes()
		}, err: "缺少 xl/workbook.xml"},
	}
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		data := c.data() // built here: the fixtures fail the parent test
		t.Run(c.name, func(t *testing.T) {
			before := append([]byte(nil), data...)
			r, err := ReadBytes(p, "学校.xlsx", data, ReadOptions{})
			if !bytes.Equal(before, data) {
				t.Error("the input bytes changed")
			}
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				if !strings.HasPrefix(err.Error(), "学校.xlsx") {
					t.Errorf("error %q does not name the file", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := c.get(r)
			if got.String() != c.want {
				t.Errorf("read %q, want %q", got, c.want)
			}
			if c.from != "" && got.Cell.String() != c.from {
				t.Errorf("read from %q, want %q", got.Cell, c.from)
			}
			if c.note != "" && !hasNote(r, c.note) {
				t.Errorf("no note %q in %+v", c.note, r.Notes)
			}
			if c.quiet && len(r.Notes) > 0 {
				t.Errorf("notes %+v, want none", r.Notes)
			}
			if c.prob != "" {
				found := false
				for _, pr := range r.Problems {
					if strings.Contains(pr.Msg, c.prob) && (c.probAt == "" || pr.Cell == c.probAt) {
						found = true
					}
				}
				if !found {
					t.Errorf("no problem %q at %q in %+v", c.prob, c.probAt, r.Problems)
				}
			} else if len(r.Problems) > 0 {
				t.Errorf("problems %+v, want none", r.Problems)
			}
			if c.check != nil {
				c.check(t, r)
			}
		})
	}
}

func hasNote(r *report.Report, kind string) bool {
	for _, n := range r.Notes {
		if n.Kind == kind {
			return true
		}
	}
	return false
}

// TestZipBombRefused: a part that decompresses past the limits is refused
// with a clear error, without decompressing it all.
func TestZipBombRefused(t *testing.T) {
	p := testkit.DefaultProgram(t)
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, part := range []struct{ name, body string }{
		{"[Content_Types].xml", `<Types/>`},
		{"xl/workbook.xml", `<workbook><sheets><sheet name="学生情况" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
	} {
		w, _ := zw.Create(part.name)
		w.Write([]byte(part.body))
	}
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	w.Write([]byte("<worksheet><sheetData>"))
	zeros := make([]byte, 1<<20)
	for i := 0; i < 64; i++ { // 64 MB of spaces compress to a few hundred KB
		for j := range zeros {
			zeros[j] = ' '
		}
		w.Write(zeros)
	}
	w.Write([]byte("</sheetData></worksheet>"))
	must(t, zw.Close())
	_, err := ReadBytes(p, "炸弹.xlsx", b.Bytes(), ReadOptions{Limits: xlsx.Limits{MaxPart: 8 << 20, MaxTotal: 16 << 20}})
	if !errors.Is(err, xlsx.ErrTooLarge) || !strings.HasPrefix(err.Error(), "炸弹.xlsx") {
		t.Fatalf("error %v, want a too-large error naming the file", err)
	}
}

// testTemplate is the template of p, open in excelize to be changed.
func testTemplate(p *formula.Program, opt workbook.TemplateOptions) (*excelize.File, error) {
	var b bytes.Buffer
	if err := workbook.WriteTemplate(p, &b, opt); err != nil {
		return nil, err
	}
	return excelize.OpenReader(&b)
}
