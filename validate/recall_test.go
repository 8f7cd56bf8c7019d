package validate

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/sheets/reader"
	"github.com/nianbao/nianbao/sheets/workbook"
	"github.com/nianbao/nianbao/templates"
)

func program(t testing.TB) *formula.Program {
	t.Helper()
	p, err := templates.Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// sampleRead generates school i, adds mistakes of the kinds, writes and
// reads it back.
func sampleRead(t testing.TB, p *formula.Program, seed uint64, i int, kinds []string) (*report.Report, []sample.Mistake) {
	t.Helper()
	s, err := sample.Generate(p, seed, i)
	if err != nil {
		t.Fatal(err)
	}
	var fill workbook.FillOptions
	var mistakes []sample.Mistake
	if len(kinds) > 0 {
		fill.Raw, mistakes, err = sample.Inject(p, s, kinds, rand.New(rand.NewPCG(seed, uint64(i))))
		if err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := workbook.WriteFilled(p, s.Book, &buf, fill); err != nil {
		t.Fatal(err)
	}
	r, err := reader.ReadBytes(p, sample.FileName(s), buf.Bytes(), reader.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return r, mistakes
}

// On 200 generated schools, half with mistakes of every kind: every mistake is
// found at its cell with the severity the manifest expects, and the clean
// schools get no finding at all.
func TestRecallOnSamples(t *testing.T) {
	p := program(t)
	found, total, clean, falseFindings := 0, 0, 0, 0
	for i := 0; i < 200; i++ {
		var kinds []string
		if i%2 == 1 {
			for k := 0; k < 3; k++ {
				kinds = append(kinds, sample.Kinds()[(i/2*3+k)%len(sample.Kinds())])
			}
		}
		r, mistakes := sampleRead(t, p, 77, i, kinds)
		fs := Check(p, r, Options{})
		if len(kinds) == 0 {
			clean++
			for _, f := range fs {
				falseFindings++
				t.Errorf("clean school %d: %s %s %s!%s %s", i, f.Severity, f.Rule, f.Sheet, f.Cell, f.Message)
			}
			continue
		}
		for _, m := range mistakes {
			total++
			ok := false
			for _, f := range fs {
				if f.Involves(report.Cell{Sheet: m.Sheet, Ref: m.Cell}) && f.Severity == m.Expect {
					ok = true
				}
			}
			if ok {
				found++
				continue
			}
			t.Errorf("school %d: %s at %s!%s (%s → %s, expect %s %s) not found; findings:", i, m.Kind, m.Sheet, m.Cell, m.Original, m.Injected, m.Expect, m.Rule)
			for _, f := range fs {
				t.Logf("    %s %s %v %s", f.Severity, f.Rule, f.Cells, f.Message)
			}
		}
	}
	if total < 300 || clean < 100 {
		t.Errorf("only %d mistakes and %d clean schools were tried", total, clean)
	}
	t.Logf("recall %d/%d injected mistakes; %d clean schools, %d findings on them", found, total, clean, falseFindings)
}
