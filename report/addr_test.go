package report

import (
	"strconv"
	"sync"
	"testing"
)

func TestAddrRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		a    Addr
		text string
	}{
		{FieldAddr("basic", "school_code"), "basic.school_code"},
		{ColAddr("students", "enrolled", "cur"), "students.enrolled.cur"},
		{ColAddr("students", "enrolled", "prev"), "students.enrolled.prev"},
		{ColAddr("majors", "avg", "pct"), "majors.avg.pct"},
		{RowAddr("majors", 0, "name"), "majors[0].name"},
		{RowAddr("majors", 12, "cur_students"), "majors[12].cur_students"},
		{TotalAddr("majors", "cur_students"), "majors.total.cur_students"},
		{TotalAddr("majors", "pct"), "majors.total.pct"}, // a list column called pct
		{TotalAddr("major_teachers", "cur"), "major_teachers.total.cur"},
		{Addr{Sheet: "majors"}, "majors"},
	} {
		if got := tc.a.String(); got != tc.text {
			t.Errorf("%#v.String() = %q, want %q", tc.a, got, tc.text)
		}
		if got := string(tc.a.Append([]byte("x"))); got != "x"+tc.text {
			t.Errorf("%#v.Append = %q, want %q", tc.a, got, "x"+tc.text)
		}
		back, err := ParseAddr(tc.text)
		if err != nil || back != tc.a {
			t.Errorf("ParseAddr(%q) = %#v, %v; want %#v", tc.text, back, err, tc.a)
		}
	}
	for _, bad := range []string{"", ".x", "a..b", "a.b.c.d", "a[x].b", "a[1]", "a[1].", "[1].b", "a[-1].b", "a.b.c", "a[1].b.c"} {
		if a, err := ParseAddr(bad); err == nil {
			t.Errorf("ParseAddr(%q) = %#v, want an error", bad, a)
		}
	}
}

func TestCellRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		c    Cell
		text string
	}{
		{Cell{"学生情况", "D4"}, "学生情况!D4"},
		{Cell{"专业结构", "E3:E12"}, "专业结构!E3:E12"},
		{Cell{"a!b", "A1"}, "a!b!A1"},
	} {
		if got := tc.c.String(); got != tc.text {
			t.Errorf("%#v.String() = %q, want %q", tc.c, got, tc.text)
		}
		if got := string(tc.c.Append([]byte("x"))); got != "x"+tc.text {
			t.Errorf("%#v.Append = %q, want %q", tc.c, got, "x"+tc.text)
		}
		if back, ok := ParseCell(tc.text); !ok || back != tc.c {
			t.Errorf("ParseCell(%q) = %#v, %v", tc.text, back, ok)
		}
	}
	if (Cell{}).String() != "" || string((Cell{}).Append(nil)) != "" {
		t.Error("the zero cell is not empty text")
	}
	if _, ok := ParseCell("D4"); ok {
		t.Error("a cell without its sheet parsed")
	}
	from, to := Cell{"专业结构", "E3"}, Cell{"专业结构", "E12"}
	if r := from.Range(to); r.String() != "专业结构!E3:E12" || r.First() != from || from.Range(from) != from {
		t.Errorf("range %v, first %v", r, r.First())
	}
}

// Cell gives where an address was located, the later place of one located
// twice, the zero Cell for one not located; from many goroutines at once.
func TestCellLocated(t *testing.T) {
	r := &Report{}
	for i := range 500 {
		r.Located = append(r.Located, Located{Addr: RowAddr("majors", i%300, "name"), Cell: Cell{Sheet: "专业", Ref: "B" + strconv.Itoa(i+3)}})
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < 300; i += 4 {
				want := i + 3
				if i < 200 {
					want += 300 // located again
				}
				if got := r.Cell(RowAddr("majors", i, "name")); got != (Cell{Sheet: "专业", Ref: "B" + strconv.Itoa(want)}) {
					t.Errorf("row %d is at %v, want B%d", i, got, want)
				}
			}
		}()
	}
	wg.Wait()
	if got := r.Cell(RowAddr("majors", 300, "name")); !got.IsZero() {
		t.Errorf("a row not located is at %v", got)
	}
	if got := (&Report{}).Cell(FieldAddr("basic", "name")); !got.IsZero() {
		t.Errorf("a report of no cells has one at %v", got)
	}
}
