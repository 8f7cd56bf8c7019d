package migrate

import (
	"fmt"
	"io"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/spec"
)

// Item is one value of the old workbook that was moved, or not carried.
type Item struct {
	Cell  string // where it was in the old workbook, e.g. 共青团!D5 ("" for a whole sheet or row)
	Key   string // its key in this version, when it has one
	Found string // what the cell holds, when known
	Msg   string
	MsgEn string
}

// Text is the item's message in the language asked for ("en", else Chinese).
func (it Item) Text(lang string) string {
	if lang == "en" && it.MsgEn != "" {
		return it.MsgEn
	}
	return it.Msg
}

// Result is what migrating one workbook gives.
type Result struct {
	From, To string // the workbook's version ("" when it carries none) and this spec's
	// Book holds the values to write into this version's template.
	Book *report.Book
	// ListRows is how many rows each list offers in the new workbook: the
	// spec's, or more when an old list is longer.
	ListRows int
	// Moved are the values read from another place than this version's
	// template has them (a renamed sheet, row or column, a split row).
	Moved []Item
	// NotCarried are the values of the old workbook the new one does not
	// hold: rows this version removed, cells that could not be read, typed
	// values over computed cells (the new template computes them).
	NotCarried []Item
}

// Plan works out the migration of a report read from an old workbook.
func Plan(p *formula.Program, r *report.Report) *Result {
	res := &Result{From: r.Identity.Version, To: p.Spec.Version, Book: r.Book}
	for _, n := range r.Notes {
		it := Item{Key: keyText(n.Key), Msg: n.Msg, MsgEn: n.MsgEn}
		if n.Cell != "" {
			it.Cell = report.Cell{Sheet: n.Sheet, Ref: n.Cell}.String()
		}
		switch {
		case n.Kind == reader.NoteNotCarried:
			res.NotCarried = append(res.NotCarried, it)
		case n.Kind == reader.NoteVersion && n.Cell != "":
			res.Moved = append(res.Moved, it)
		}
	}
	for _, pr := range r.Problems {
		it := Item{Key: keyText(pr.Key), Found: pr.Found, Msg: "无法读取，未转入：" + pr.Msg, MsgEn: "not read, not carried: " + pr.Text("en")}
		if pr.Cell != "" {
			it.Cell = report.Cell{Sheet: pr.Sheet, Ref: pr.Cell}.String()
		} else if pr.Sheet != "" {
			it.Cell = pr.Sheet
		}
		res.NotCarried = append(res.NotCarried, it)
	}
	for _, o := range r.Overwritten {
		res.NotCarried = append(res.NotCarried, Item{
			Cell: report.Cell{Sheet: o.Sheet, Ref: o.Cell}.String(), Key: o.Key.String(), Found: o.Value.String(),
			Msg:   fmt.Sprintf("计算单元格中填写的数值 %s 未转入：新模板中这里是公式，按填报的数重新计算", o.Value),
			MsgEn: fmt.Sprintf("the value %s typed over a computed cell is not carried: the new template computes it from the inputs", o.Value),
		})
	}
	longer, most := false, 0
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		if sh.Kind == spec.KindList {
			n := len(r.Book.Rows(sh.Key))
			longer = longer || n > p.Spec.ListRowCount(sh)
			most = max(most, n, p.Spec.ListRowCount(sh))
		}
	}
	if longer { // one number of rows for every list: no list gets fewer
		res.ListRows = most
	}
	return res
}

func keyText(a report.Addr) string {
	if a.Sheet == "" {
		return ""
	}
	return a.String()
}

// Write writes this version's template filled with the result's values.
func (res *Result) Write(p *formula.Program, w io.Writer, opt workbook.TemplateOptions) error {
	if res.ListRows > 0 {
		opt.ListRows = max(opt.ListRows, res.ListRows)
	}
	return workbook.WriteFilled(p, res.Book, w, workbook.FillOptions{TemplateOptions: opt})
}
