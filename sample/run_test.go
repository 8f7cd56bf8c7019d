package sample

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/realclients"
	"github.com/nianbao/nianbao/outfile"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/reader"
)

func readSample(t *testing.T, p *formula.Program, dir, name string) *report.Report {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	r, err := reader.ReadBytes(p, name, data, reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunWritesCorpusAndManifest(t *testing.T) {
	p := program(t)
	dir := t.TempDir()
	m, err := Run(context.Background(), p, Options{N: 8, Seed: 3, Dir: dir, Inject: 13, ViaLibreOffice: 0, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Files) != 8 || m.Mistakes() != 13 {
		t.Fatalf("%d files, %d mistakes", len(m.Files), m.Mistakes())
	}
	clean, kinds := 0, map[string]bool{}
	for i, f := range m.Files {
		if len(f.Mistakes) == 0 {
			clean++
		}
		for _, x := range f.Mistakes {
			kinds[x.Kind] = true
		}
		r := readSample(t, p, dir, f.File)
		s := generate(t, p, 3, i)
		if f.Code != s.Code || f.Name != s.Name || f.SavedBy != SavedByNianbao {
			t.Errorf("file %d: %+v", i, f)
		}
		if len(f.Mistakes) == 0 {
			if fails := failures(p, r.Book); len(fails) > 0 || len(r.Notes) > 0 || len(r.Overwritten) > 0 {
				t.Errorf("%s is meant to be clean: %v %+v %+v", f.File, fails, r.Notes, r.Overwritten)
			}
			compareBooks(t, s.Book, r.Book)
		}
		checkMistakes(t, p, s, r, f.Mistakes)
	}
	if clean != 4 {
		t.Errorf("%d clean files of 8, want half", clean)
	}
	if len(kinds) != len(Kinds()) {
		t.Errorf("13 mistakes cover only the kinds %v", kinds)
	}

	var back Manifest
	data, _ := os.ReadFile(filepath.Join(dir, ManifestJSON))
	if err := json.Unmarshal(data, &back); err != nil || back.Mistakes() != 13 || back.Seed != 3 || back.Spec != p.Spec.ID {
		t.Errorf("manifest.json: %v %+v", err, back)
	}
	data, _ = os.ReadFile(filepath.Join(dir, ManifestCSV))
	if !bytes.HasPrefix(data, []byte("\ufeff")) {
		t.Error("manifest.csv has no BOM: Excel would misread the Chinese")
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff")))).ReadAll()
	if err != nil || len(rows) != 14 || strings.Join(rows[0][:6], ",") != "file,school_code,school_name,saved_by,sheet,cell" {
		t.Errorf("manifest.csv: %v, %d rows, header %v", err, len(rows), rows[0])
	}
}

// The same seed gives the same bytes, whatever the number of workers; the
// files of a corpus are not overwritten without Force.
// compareBooks asserts that every input value of want was read, equal.
func compareBooks(t *testing.T, want, got *report.Book) {
	t.Helper()
	n := 0
	for key, sh := range want.Sheets {
		for k, v := range sh.Values {
			if g := got.Get(key, k); !g.Equal(v) {
				t.Errorf("%s.%s.%s: read %q, want %q", key, k.Field, k.Col, g, v)
			}
			n++
		}
		rows := got.Rows(key)
		if len(rows) != len(sh.Rows) {
			t.Errorf("%s: %d rows read, want %d", key, len(rows), len(sh.Rows))
			continue
		}
		for r, row := range sh.Rows {
			for k, v := range row {
				if g := rows[r][k]; !g.Equal(v) {
					t.Errorf("%s[%d].%s: read %q, want %q", key, r, k, g, v)
				}
				n++
			}
		}
	}
	if n < 300 {
		t.Errorf("only %d values compared", n)
	}
}

func TestRunIsDeterministicAndCareful(t *testing.T) {
	p := program(t)
	a, b := t.TempDir(), t.TempDir()
	if _, err := Run(context.Background(), p, Options{N: 4, Seed: 11, Dir: a, Inject: 4, ViaLibreOffice: 0, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(context.Background(), p, Options{N: 4, Seed: 11, Dir: b, Inject: 4, ViaLibreOffice: 0, Workers: 4}); err != nil {
		t.Fatal(err)
	}
	names, _ := os.ReadDir(a)
	if len(names) != 6 {
		t.Fatalf("%d files in the corpus folder, want 4 workbooks and 2 manifests", len(names))
	}
	for _, n := range names {
		x, _ := os.ReadFile(filepath.Join(a, n.Name()))
		y, err := os.ReadFile(filepath.Join(b, n.Name()))
		if err != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs of one seed (%v)", n.Name(), err)
		}
	}

	before, _ := os.ReadFile(filepath.Join(a, names[0].Name()))
	_, err := Run(context.Background(), p, Options{N: 4, Seed: 12, Dir: a, ViaLibreOffice: 0})
	if !errors.Is(err, outfile.ErrExists) {
		t.Errorf("a second corpus into the same folder: %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(a, names[0].Name()))
	if !bytes.Equal(before, after) {
		t.Error("a refused run changed a file")
	}
	if _, err := Run(context.Background(), p, Options{N: 4, Seed: 12, Dir: a, ViaLibreOffice: 0, Force: true}); err != nil {
		t.Errorf("with Force: %v", err)
	}
	for _, bad := range []Options{{N: 0, Dir: a}, {N: MaxSchools + 1, Dir: a}, {N: 1, Inject: -1, Dir: a}} {
		if _, err := Run(context.Background(), p, bad); err == nil {
			t.Errorf("%+v was accepted", bad)
		}
	}
}

// Samples saved by LibreOffice keep every value and every mistake where the
// manifest says.
func TestRunThroughLibreOffice(t *testing.T) {
	realclients.Soffice(t)
	p := program(t)
	dir := t.TempDir()
	m, err := Run(context.Background(), p, Options{N: 2, Seed: 21, Dir: dir, Inject: 10, ViaLibreOffice: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range m.Files {
		if f.SavedBy != SavedByLibreOffice {
			t.Fatalf("%s saved by %s", f.File, f.SavedBy)
		}
		r := readSample(t, p, dir, f.File)
		if r.Identity.Source == "" {
			t.Errorf("%s: the template's identity was lost", f.File)
		}
		if len(f.Mistakes) == 0 {
			if fails := failures(p, r.Book); len(fails) > 0 || len(r.Notes) > 0 || len(r.Overwritten) > 0 || len(r.Problems) > 0 {
				t.Errorf("%s is meant to be clean: %v %+v %+v %+v", f.File, fails, r.Notes, r.Overwritten, r.Problems)
			}
			compareBooks(t, generate(t, p, 21, i).Book, r.Book)
		}
		checkMistakes(t, p, generate(t, p, 21, i), r, f.Mistakes)
	}
	if m.Mistakes() != 10 {
		t.Errorf("%d mistakes", m.Mistakes())
	}
}
