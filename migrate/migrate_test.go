package migrate

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/templates"
)

func oldProgram(t *testing.T) *formula.Program {
	t.Helper()
	const file = "../templates/testdata/versions/zhongzhi_2024.1.yaml"
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p, err := templates.Parse(data, file, "zh")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// renames are the keys of the built-in spec's changes from 2024.1 (a value
// of the removed row maps to "").
var renames = []struct{ old, now string }{
	{"youth_league.", "league."},
	{"party.theme_days.", "party.party_days."},
	{".headcount", ".trainees"},
	{"aid.free_fees_amount.", "aid.free_tuition_amount."},
	{"activities.drills.", ""},
}

// oldBook is a 2024.1 school whose changed rows are filled, with a
// training list longer than the template offers.
func oldBook(old *formula.Program, seed uint64) *report.Book {
	book := testkit.RandomInputs(old, seed)
	for _, col := range []string{"prev", "cur"} {
		book.Set("aid", report.Key{Field: "free_fees_amount", Col: col}, report.Int(321))
		book.Set("activities", report.Key{Field: "drills", Col: col}, report.Int(4))
		book.Set("youth_league", report.Key{Field: "members", Col: col}, report.Int(880))
	}
	return book
}

// TestMigrate writes a 2024.1 workbook as this version's and reads the new
// workbook back: every input value at its new key exactly, nothing else,
// the removed row's values listed as not carried, every moved value listed.
func TestMigrate(t *testing.T) {
	old, cur := oldProgram(t), testkit.DefaultProgram(t)
	book := oldBook(old, 9)
	for i := len(book.Rows("training")); i < 35; i++ {
		book.AddRow("training", map[string]report.Value{"project": report.Str("电工"), "headcount": report.Int(int64(10 + i))})
	}
	var buf bytes.Buffer
	if err := workbook.WriteFilled(old, book, &buf, workbook.FillOptions{TemplateOptions: workbook.TemplateOptions{ListRows: 40}}); err != nil {
		t.Fatal(err)
	}
	checkMigrate(t, old, cur, book, buf.Bytes(), 40)
}

// TestMigrateOpenpyxl: the old workbook filled by openpyxl.
func TestMigrateOpenpyxl(t *testing.T) {
	realclients.Python(t)
	old, cur := oldProgram(t), testkit.DefaultProgram(t)
	book := oldBook(old, 10)
	filled := testkit.FillWithOpenpyxl(t, old, book, t.TempDir(), func(w io.Writer) error {
		return workbook.WriteTemplate(old, w, workbook.TemplateOptions{})
	})
	data, err := os.ReadFile(filled)
	if err != nil {
		t.Fatal(err)
	}
	checkMigrate(t, old, cur, book, data, 0)
}

func checkMigrate(t *testing.T, old, cur *formula.Program, book *report.Book, data []byte, listRows int) {
	t.Helper()
	r, err := reader.ReadBytes(cur, "2024.xlsx", data, reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := Plan(cur, r)
	if res.From != "2024.1" || res.To != cur.Spec.Version {
		t.Errorf("from %q to %q", res.From, res.To)
	}
	var out bytes.Buffer
	if err := res.Write(cur, &out, workbook.TemplateOptions{}); err != nil {
		t.Fatal(err)
	}
	back, err := reader.ReadBytes(cur, "2025.xlsx", out.Bytes(), reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Problems) > 0 || back.Identity.Version != cur.Spec.Version {
		t.Errorf("the new workbook: identity %+v, problems %+v", back.Identity, back.Problems)
	}
	for _, n := range back.Notes {
		if n.Kind == reader.NoteVersion || n.Kind == reader.NoteNotCarried {
			t.Errorf("the new workbook has a version note: %s", n.Msg)
		}
	}
	want, err := layout.New(old, listRows).InputCells(book)
	if err != nil {
		t.Fatal(err)
	}
	got, err := layout.New(cur, res.ListRows).InputCells(back.Book)
	if err != nil {
		t.Fatal(err)
	}
	index := map[string]layout.Placed{}
	for _, g := range got {
		index[g.What] = g
	}
	notCarried, moved := 0, 0
	for _, w := range want {
		now := w.What
		for _, rn := range renames {
			if strings.Contains(now, rn.old) {
				now = strings.Replace(now, rn.old, rn.now, 1)
				if rn.now == "" {
					now = ""
				}
				break
			}
		}
		if now == "" {
			notCarried++
			continue
		}
		if now != w.What {
			moved++
		}
		g, ok := index[now]
		switch {
		case !ok:
			t.Errorf("%s (%s!%s = %s) is not in the new workbook as %s", w.What, w.Sheet, w.Cell, w.Value, now)
			continue
		case !g.Value.Equal(w.Value):
			t.Errorf("%s: %s in the new workbook, want %s", now, g.Value, w.Value)
		}
		delete(index, now)
	}
	for what, g := range index {
		t.Errorf("%s = %s in the new workbook, which the old one did not have", what, g.Value)
	}
	if notCarried != 2 || len(res.NotCarried) != notCarried {
		t.Errorf("%d values of removed rows, %d listed as not carried: %+v", notCarried, len(res.NotCarried), res.NotCarried)
	}
	// split (2 columns × 2 rows), and every other value moved, each listed once
	if len(res.Moved) != moved+2 {
		t.Errorf("%d moved values listed, want %d", len(res.Moved), moved+2)
	}
	for _, it := range append(res.Moved, res.NotCarried...) {
		if it.Cell == "" || it.Msg == "" || it.MsgEn == "" || !strings.Contains(it.Msg, "2024.1") {
			t.Errorf("item %+v", it)
		}
	}
}
