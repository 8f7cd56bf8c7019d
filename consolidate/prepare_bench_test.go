package consolidate

import (
	"context"
	"os"
	"testing"

	"github.com/nianbao/nianbao/validate"
)

// benchSchools are the first n workbooks of NIANBAO_BENCH_DIR (or n
// generated), checked.
func benchSchools(b *testing.B, n int) (*builder, []*validate.Result) {
	p := program(b)
	dir := os.Getenv("NIANBAO_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
		corpus(b, p, dir, 1, n)
	}
	fs := files(b, dir)
	if len(fs) > n {
		fs = fs[:n]
	}
	pl := pipeline(p)
	var out []*validate.Result
	for _, f := range fs {
		res := pl.Check(context.Background(), f)
		if res.Report == nil {
			b.Fatalf("%s: %s", f, res.Error)
		}
		out = append(out, res)
	}
	bl := &builder{p: p, opt: Options{Pipeline: pl}}
	bl.agg = newAggregate(p)
	return bl, out
}

// BenchmarkSpill is the reading pass's spill of 100 schools.
func BenchmarkSpill(b *testing.B) {
	bl, res := benchSchools(b, 100)
	recs := make([]*record, len(res))
	for i, r := range res {
		_, recs[i] = keep(bl.p, r, false)
	}
	var buf []byte
	b.ResetTimer()
	for range b.N {
		for i, r := range res {
			buf = spillReport(buf[:0], bl.p, recs[i], r.Report)
		}
	}
}

// BenchmarkPrepare is the writing pass's prepare of 100 schools read
// back from a spill file, each released as when it is written.
func BenchmarkPrepare(b *testing.B) {
	bl, res := benchSchools(b, 100)
	spill, err := newSpill(bl.p)
	if err != nil {
		b.Fatal(err)
	}
	defer spill.close()
	subs := make([]*Submission, len(res))
	for i, r := range res {
		sub, rec := keep(bl.p, r, false)
		sub.offset, sub.size, err = spill.add(spillReport(nil, bl.p, rec, r.Report))
		if err != nil {
			b.Fatal(err)
		}
		subs[i] = sub
	}
	if err := spill.flush(); err != nil {
		b.Fatal(err)
	}
	bl.records = spill
	b.ResetTimer()
	for range b.N {
		for _, s := range subs {
			x, err := bl.prepare(s)
			if err != nil {
				b.Fatal(err)
			}
			bl.release(x)
		}
	}
}
