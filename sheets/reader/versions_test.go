package reader

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/testkit"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/layout"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/templates"
	"github.com/xuri/excelize/v2"
)

// oldProgram is the built-in spec at version 2024.1, from which the
// built-in spec declares its changes.
func oldProgram(t *testing.T) *formula.Program {
	t.Helper()
	const file = "../../templates/testdata/versions/zhongzhi_2024.1.yaml"
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

// newPlace is where the built-in spec reads a value of a 2024.1 workbook:
// its key in this version, "" for a value not carried.
func newPlace(w layout.Placed) string {
	for old, now := range map[string]string{
		"youth_league.":          "league.",
		"party.theme_days.":      "party.party_days.",
		".headcount":             ".trainees",
		"aid.free_fees_amount.":  "aid.free_tuition_amount.",
		"activities.drills.prev": "",
		"activities.drills.cur":  "",
	} {
		if strings.Contains(w.What, old) {
			if now == "" {
				return ""
			}
			return strings.Replace(w.What, old, now, 1)
		}
	}
	return w.What
}

// TestReadOlderVersion fills a template of version 2024.1, reads it with
// the built-in spec and checks that every value lands in its new place
// exactly, from its old cell, with a note for every moved value and every
// value not carried: by the version its identity names, and (seed 4) by its
// old labels alone when the identity was lost.
func TestReadOlderVersion(t *testing.T) {
	old, cur := oldProgram(t), testkit.DefaultProgram(t)
	for _, seed := range []uint64{3, 4} {
		lost := seed == 4
		book := testkit.RandomInputs(old, seed)
		// the rows that changed are filled, whatever the seed
		for col, v := range map[string]int64{"prev": 1234, "cur": 0} {
			book.Set("aid", report.Key{Field: "free_fees_amount", Col: col}, report.Int(v))
			book.Set("activities", report.Key{Field: "drills", Col: col}, report.Int(7))
			book.Set("party", report.Key{Field: "theme_days", Col: col}, report.Int(12))
		}
		var buf bytes.Buffer
		if err := workbook.WriteFilled(old, book, &buf, workbook.FillOptions{}); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		if lost {
			f, err := excelize.OpenReader(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			must(t, f.DeleteSheet(report.MetaSheet))
			var out bytes.Buffer
			_, err = f.WriteTo(&out)
			must(t, err)
			data = rewriteZip(t, out.Bytes(), "docProps/custom.xml", report.PropSpecID, "other.property")
		}
		r, err := ReadBytes(cur, "2024.xlsx", data, ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]string{true: "", false: "2024.1"}[lost]; r.Identity.Version != want {
			t.Fatalf("identity %+v", r.Identity)
		}
		if len(r.Problems) > 0 {
			t.Errorf("problems: %+v", r.Problems)
		}
		oldCells, err := layout.New(old, 0).InputCells(book)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]layout.Placed{}
		gotCells, err := layout.New(cur, 0).InputCells(r.Book)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range gotCells {
			got[c.What] = c
		}
		notes := map[string][]report.Note{} // by old cell
		for _, n := range r.Notes {
			if n.Cell != "" {
				notes[n.Sheet+"!"+n.Cell] = append(notes[n.Sheet+"!"+n.Cell], n)
			}
		}
		hasNote := func(cell, kind, key string, words ...string) bool {
			for _, n := range notes[cell] {
				ok := n.Kind == kind && (key == "" || n.Key.String() == key) && n.MsgEn != ""
				for _, w := range words {
					ok = ok && strings.Contains(n.Msg, w)
				}
				if ok {
					return true
				}
			}
			return false
		}
		moves := 0
		for _, w := range oldCells {
			at := w.Sheet + "!" + w.Cell
			now := newPlace(w)
			if now == "" {
				if !hasNote(at, NoteNotCarried, "", "安全演练", w.Value.String(), "未转入") {
					t.Errorf("%s (%s = %s) not carried, without a note saying so: %+v", w.What, at, w.Value, notes[at])
				}
				continue
			}
			g, ok := got[now]
			switch {
			case !ok:
				t.Errorf("%s (%s = %s) was not read into %s", w.What, at, w.Value, now)
				continue
			case !g.Value.Equal(w.Value) || g.Value.Cell.String() != at:
				t.Errorf("%s: read %s from %s, want %s from %s", now, g.Value, g.Value.Cell, w.Value, at)
			}
			delete(got, now)
			if now != w.What {
				moves++
				if !hasNote(at, NoteVersion, now, "2024.1", "现版") {
					t.Errorf("%s → %s: no note naming both places: %+v", w.What, now, notes[at])
				}
			}
		}
		if moves < 4 {
			t.Errorf("only %d values moved: the test does not exercise the changes", moves)
		}
		for what, g := range got {
			t.Errorf("%s: read %s from %s, which the old workbook did not have there", what, g.Value, g.Value.Cell)
		}
		// the split: all into 免学费资金, 免住宿费资金 empty, a note on each
		for _, col := range []string{"prev", "cur"} {
			c := layout.Placed{}
			for _, w := range oldCells {
				if w.What == "aid.free_fees_amount."+col {
					c = w
				}
			}
			at := c.Sheet + "!" + c.Cell
			if v := r.Book.Get("aid", report.Key{Field: "free_lodging_amount", Col: col}); !v.IsEmpty() {
				t.Errorf("free_lodging_amount.%s = %s, want empty", col, v)
			}
			if !hasNote(at, NoteVersion, "aid.free_lodging_amount."+col, "留空") || !hasNote(at, NoteVersion, "aid.free_tuition_amount."+col, "全部计入") {
				t.Errorf("split of %s: notes %+v", at, notes[at])
			}
		}
		if r.Sheets[len(r.Sheets)-1].Key != "finance" {
			t.Fatal("sheet order changed")
		}
		for _, m := range r.Sheets {
			if want := map[bool]string{true: howVersion, false: "name"}[m.Key == "league"]; m.How != want {
				t.Errorf("sheet %s found by %q, want %q", m.Key, m.How, want)
			}
		}
	}
}

// TestReadOlderVersionValidates: what is read from an old workbook is
// validated as this version's data — the same inputs written in this
// version's template read the same.
func TestReadThisVersionHasNoVersionNotes(t *testing.T) {
	cur := testkit.DefaultProgram(t)
	var buf bytes.Buffer
	if err := workbook.WriteFilled(cur, testkit.RandomInputs(cur, 5), &buf, workbook.FillOptions{}); err != nil {
		t.Fatal(err)
	}
	r, err := ReadBytes(cur, "2025.xlsx", buf.Bytes(), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range r.Notes {
		if n.Kind == NoteVersion || n.Kind == NoteNotCarried {
			t.Errorf("note %+v on a workbook of this version", n)
		}
	}
}

// twoVersionsNew is a small spec at version 2 that splits 甲乙数 of
// version 1 by shares.
const twoVersionsNew = `id: t
version: "2"
title: 测试
columns: {label: 指标, unit: 单位, prev: 上学年, cur: 本学年, pct: 本学年为上学年(%), total: 合计}
changes:
  - from_version: "1"
    split:
      - {sheet: a, from: {key: xy, label: 甲乙数}, into: [x, y], rule: shares, shares: [60, 40]}
sheets:
  - key: a
    name: 甲表
    title: 表1 甲
    kind: indicator
    rows:
      - {key: x, label: 甲数, unit: 人, type: integer}
      - {key: y, label: 乙数, unit: 人, type: integer}
`

// twoVersionsOld is version 1 of the spec with the given rows.
func twoVersionsOld(rows string) string {
	return `id: t
version: "1"
title: 测试
columns: {label: 指标, unit: 单位, prev: 上学年, cur: 本学年, pct: 本学年为上学年(%), total: 合计}
sheets:
  - key: a
    name: 甲表
    title: 表1 甲
    kind: indicator
    rows:
` + rows
}

// TestReadSplitByShares: an old row split by shares gives each new row its
// share exactly (the parts add up to the old value); an old workbook that
// has the new rows too keeps them, and the old row's value is not carried.
func TestReadSplitByShares(t *testing.T) {
	cur, err := templates.Parse([]byte(twoVersionsNew), "new.yaml", "zh")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, rows string
		x, y       string
		notCarried int
	}{
		{name: "split", rows: "      - {key: xy, label: 甲乙数, unit: 人, type: integer}\n", x: "61", y: "40"},
		{name: "new rows there too", rows: "      - {key: xy, label: 甲乙数, unit: 人, type: integer}\n      - {key: x, label: 甲数, unit: 人, type: integer}\n", x: "5", y: "", notCarried: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old, err := templates.Parse([]byte(twoVersionsOld(tc.rows)), "old.yaml", "zh")
			if err != nil {
				t.Fatal(err)
			}
			book := report.New()
			book.Set("a", report.Key{Field: "xy", Col: "prev"}, report.Int(101))
			book.Set("a", report.Key{Field: "x", Col: "prev"}, report.Int(5))
			var buf bytes.Buffer
			if err := workbook.WriteFilled(old, book, &buf, workbook.FillOptions{}); err != nil {
				t.Fatal(err)
			}
			r, err := ReadBytes(cur, "1.xlsx", buf.Bytes(), ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Problems) != tc.notCarried { // a mixed workbook has no 乙数
				t.Errorf("problems %+v", r.Problems)
			}
			for key, want := range map[string]string{"x": tc.x, "y": tc.y} {
				if got := r.Book.Get("a", report.Key{Field: key, Col: "prev"}); got.String() != want {
					t.Errorf("%s = %q, want %q", key, got, want)
				}
			}
			n := 0
			for _, note := range r.Notes {
				switch {
				case note.Kind == NoteNotCarried:
					n++
					if !strings.Contains(note.Msg, "101") || !strings.Contains(note.Msg, "甲表!C3") {
						t.Errorf("not carried: %s", note.Msg)
					}
				case note.Kind == NoteVersion && tc.notCarried == 0 && note.Key.Field == "x":
					if !strings.Contains(note.Msg, "按规格的比例 60% 计入“甲表”表“甲数”（上学年，甲表!C3）：61") {
						t.Errorf("note %s", note.Msg)
					}
				}
			}
			if n != tc.notCarried {
				t.Errorf("%d values not carried, want %d: %+v", n, tc.notCarried, r.Notes)
			}
		})
	}
}
