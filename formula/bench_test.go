package formula_test

import (
	"testing"

	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sample"
	"github.com/nianbao/nianbao/templates"
)

// BenchmarkComputeEnv computes every derived cell of 20 generated schools
// (as consolidate does once a school); an op computes one school.
func BenchmarkComputeEnv(b *testing.B) {
	p, err := templates.Default("zh")
	if err != nil {
		b.Fatal(err)
	}
	var books []*report.Book
	for i := 0; i < 20; i++ {
		s, err := sample.Generate(p, 1, i)
		if err != nil {
			b.Fatal(err)
		}
		books = append(books, s.Book)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		p.ComputeEnv(books[i%len(books)])
	}
}
