package validate

import "testing"

// BenchmarkCheck validates one generated school (read once, checked b.N times).
func BenchmarkCheck(b *testing.B) {
	p := program(b)
	r, _ := sampleRead(b, p, 1, 0, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Check(p, r, Options{})
	}
}
