package consolidate

import (
	"bytes"
	"context"
	"encoding/gob"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/spec"
	"github.com/shopspring/decimal"
)

// TestSpillKeepsRecord: what the spill file gives back of a school is what
// the store's encoding (gob of the record, then bookOf) gives back, for
// schools with findings and with values of every kind.
func TestSpillKeepsRecord(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	list := corpus(t, p, dir, 5, 3)
	// a school with findings (a number out of range), and in its record a
	// text and a number too large for an int64 where numbers go (the
	// reader never gives them: they are its problems)
	s := list[1]
	var numeric []string
	for i := range p.Spec.Sheets {
		sh := &p.Spec.Sheets[i]
		if sh.Kind != spec.KindIndicator {
			continue
		}
		for j := range sh.Rows {
			if f := &sh.Rows[j]; f.Input() && f.Numeric() {
				numeric = append(numeric, valueKey(sh.Key, f.Key, spec.ColCur))
			}
		}
		s.Book.Set(sh.Key, report.Key{Field: sh.Rows[0].Key, Col: spec.ColCur}, report.Num(decimal.NewFromInt(-5)))
		break
	}
	if len(numeric) < 2 {
		t.Fatal("no indicator sheet with two numeric inputs")
	}
	writeSchool(t, p, s, filepath.Join(dir, sample.FileName(s)), nil)

	pl := pipeline(p)
	sp := &spillFile{p: p}
	withFindings := 0
	for _, path := range files(t, dir) {
		res := pl.Check(context.Background(), path)
		_, rec, data, err := recordOf(p, res)
		if err != nil || rec == nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(rec.Findings) > 0 {
			withFindings++
		}
		var stored record
		if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&stored); err != nil {
			t.Fatal(err)
		}
		stored.Values[numeric[0]] = "很多"
		stored.Values[numeric[1]] = "-123456789012345678901234.5"
		want := bookOf(p, &stored)
		got, book, err := sp.decode(spillData(p, &stored, want))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if !reflect.DeepEqual(book, want) {
			t.Errorf("%s: the spilled book differs", path)
		}
		if k, ok := book.Sheets[sheetOf(numeric[0])].Values[report.Key{Field: fieldOf(numeric[0]), Col: spec.ColCur}]; !ok || k.Kind != report.Text {
			t.Errorf("%s: the text where a number goes is %v", path, k)
		}
		stored.Values, stored.Rows = nil, nil
		if !reflect.DeepEqual(got, &stored) {
			t.Errorf("%s: the spilled record differs:\n got %+v\nwant %+v", path, got, stored)
		}
		if _, _, err := sp.decode(spillData(p, rec, bookOf(p, rec))[:100]); err == nil {
			t.Errorf("%s: a record cut short reads", path)
		}
	}
	if withFindings == 0 {
		t.Error("no school with findings")
	}
}

func sheetOf(key string) string { s, _, _ := strings.Cut(key, "."); return s }

func fieldOf(key string) string {
	_, rest, _ := strings.Cut(key, ".")
	f, _, _ := strings.Cut(rest, ".")
	return f
}
