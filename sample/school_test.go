package sample

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/spec"
	"github.com/nianbao/nianbao/templates"
	"github.com/shopspring/decimal"
)

func program(t testing.TB) *formula.Program {
	t.Helper()
	p, err := templates.Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func generate(t testing.TB, p *formula.Program, seed uint64, i int) *School {
	t.Helper()
	s, err := Generate(p, seed, i)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Every check of the spec passes on every generated school, and the schools
// look like the issue asks: a few hundred to several thousand students, 3–20
// majors, both years filled.
func TestGeneratedSchoolsPassEveryCheck(t *testing.T) {
	p := program(t)
	names, codes := map[string]bool{}, map[string]bool{}
	minE, maxE, minM, maxM := 1<<30, 0, 1<<30, 0
	newMajors := 0
	for seed := uint64(1); seed <= 3; seed++ {
		for i := 0; i < 300; i++ {
			s := generate(t, p, seed, i)
			if f := failures(p, s.Book); len(f) > 0 {
				t.Fatalf("seed %d school %d (%s): %d checks fail: %v", seed, i, s.Name, len(f), f)
			}
			if seed == 1 {
				if names[s.Name] || codes[s.Code] {
					t.Fatalf("school %d repeats a name or code: %s %s", i, s.Name, s.Code)
				}
				names[s.Name], codes[s.Code] = true, true
			}
			e := int(s.Book.Get("students", report.Key{Field: "enrolled", Col: spec.ColCur}).Num.IntPart())
			m := len(s.Book.Rows("majors"))
			minE, maxE, minM, maxM = min(minE, e), max(maxE, e), min(minM, m), max(maxM, m)
			if s.Book.Rows("programs")[m-1]["start_year"].Kind == report.Number {
				newMajors++
			}
			for _, sh := range p.Spec.Sheets {
				if sh.Kind != spec.KindIndicator {
					continue
				}
				for _, f := range sh.Rows {
					for _, col := range years {
						if f.Input() && s.Book.Get(sh.Key, report.Key{Field: f.Key, Col: col}).IsEmpty() {
							t.Fatalf("school %d: %s.%s.%s is empty", i, sh.Key, f.Key, col)
						}
					}
				}
			}
		}
	}
	if minE < 250 || maxE > 6000 || maxE < 3000 || minE > 500 {
		t.Errorf("enrolment ranges over %d–%d: want a few hundred to several thousand", minE, maxE)
	}
	if minM != 3 || maxM < 15 || maxM > 20 {
		t.Errorf("majors range over %d–%d: want 3–20", minM, maxM)
	}
	if newMajors == 0 {
		t.Error("no school opened a new major")
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	p := program(t)
	a, b := generate(t, p, 7, 42), generate(t, p, 7, 42)
	if !reflect.DeepEqual(a, b) {
		t.Error("the same seed and index gave different schools")
	}
	c := generate(t, p, 8, 42)
	if reflect.DeepEqual(a.Book, c.Book) {
		t.Error("another seed gave the same school")
	}
}

// The test's evaluator must be able to fail: one broken value per rule kind
// is reported by the check that guards it.
func TestFailuresFindsBrokenValues(t *testing.T) {
	p := program(t)
	cases := []struct {
		check  string
		break_ func(b *report.Book)
	}{
		{"students.gender_sum", func(b *report.Book) { bump(b, "students", "male", spec.ColCur, 1) }},
		{"assets.area_parts", func(b *report.Book) { bump(b, "assets", "admin_area", spec.ColPrev, 1e6) }},
		{"majors.total_cur", func(b *report.Book) { b.Rows("majors")[0]["cur_students"] = report.Int(0) }},
		{"training.passed_le", func(b *report.Book) { b.Rows("training")[0]["passed"] = report.Int(99999) }},
		{"finance.per_fiscal_range", func(b *report.Book) { bump(b, "finance", "fiscal", spec.ColCur, 1e6) }},
		{"quality.change", func(b *report.Book) {
			b.Set("quality", report.Key{Field: "graduation", Col: spec.ColPrev}, report.Int(10))
		}},
		{"majors.open_in_programs", func(b *report.Book) { b.Rows("programs")[0]["cur_open"] = report.Str("否") }},
		{"major_employment.salary_span", func(b *report.Book) { bump(b, "salary", "average", spec.ColCur, 1e5) }},
		{"destinations.further_parts_sum", func(b *report.Book) { bump(b, "destinations", "further_32", spec.ColCur, 1) }},
		{"moral_courses.minimum", func(b *report.Book) {
			for _, row := range b.Rows("moral_courses") {
				row["weeks"] = report.Int(1)
			}
		}},
		{"range", func(b *report.Book) {
			b.Set("satisfaction", report.Key{Field: "safety", Col: spec.ColCur}, report.Int(101))
		}},
		{"enum", func(b *report.Book) { b.Rows("contests")[0]["prize"] = report.Str("特等奖") }},
		{"required", func(b *report.Book) { b.Set("basic", report.Key{Field: "school_code"}, report.Value{}) }},
	}
	for _, c := range cases {
		t.Run(c.check, func(t *testing.T) {
			s := generate(t, p, 1, 3)
			c.break_(s.Book)
			got := failures(p, s.Book)
			if !slices.ContainsFunc(got, func(f string) bool { return strings.HasPrefix(f, c.check+" ") }) {
				t.Errorf("breaking a value for %s: failures %v", c.check, got)
			}
		})
	}
}

func bump(b *report.Book, sheet, field, col string, by float64) {
	k := report.Key{Field: field, Col: col}
	v := b.Get(sheet, k)
	b.Set(sheet, k, report.Num(v.Num.Add(decimal.NewFromFloat(by))))
}

func TestChineseNumber(t *testing.T) {
	for n, want := range map[int]string{1: "一", 10: "十", 11: "十一", 20: "二十", 23: "二十三", 105: "一百零五", 1000: "一千", 1010: "一千零一十", 20304: "二万零三百零四"} {
		if got := chineseNumber(n); got != want {
			t.Errorf("chineseNumber(%d) = %s, want %s", n, got, want)
		}
	}
}

func TestGenerateRefusesOtherSpecs(t *testing.T) {
	p := program(t)
	other := *p.Spec
	other.ID = "other"
	q := *p
	q.Spec = &other
	if _, err := Generate(&q, 1, 0); err == nil || !strings.Contains(err.Error(), "内置规格") {
		t.Errorf("Generate on another spec: %v", err)
	}
}

// split always hands out the whole total, even when every weight is 0 (a
// school of seed 2 once had 22 placements split into four zeros).
func TestSplitAddsUp(t *testing.T) {
	for _, c := range []struct {
		total   int
		weights []int
	}{{22, []int{0, 0, 0, 0}}, {7, []int{3, 0, 1}}, {0, []int{1, 2}}, {5, []int{1}}, {100, []int{0, 5, 0, 5}}} {
		got := split(c.total, c.weights)
		sum := 0
		for _, n := range got {
			sum += n
		}
		if sum != c.total || len(got) != len(c.weights) {
			t.Errorf("split(%d, %v) = %v", c.total, c.weights, got)
		}
	}
	p := program(t)
	if s := generate(t, p, 2, 6176); len(failures(p, s.Book)) > 0 {
		t.Errorf("school 6177 of seed 2 fails: %v", failures(p, s.Book))
	}
}
