package freelist

import "testing"

// A list gives back what was put, emptied and cleared, keeps no more than
// Keep slices and none larger than MaxCap.
func TestList(t *testing.T) {
	l := List[*int]{Keep: 2, MaxCap: 10}
	if l.Get() != nil {
		t.Fatal("an empty list gave a slice")
	}
	x := 1
	s := append(make([]*int, 0, 4), &x)
	l.Put(s)
	got := l.Get()
	if len(got) != 0 || cap(got) != 4 || &got[:1][0] != &s[0] {
		t.Fatalf("got %v (cap %d), not the slice put", got, cap(got))
	}
	if s[0] != nil {
		t.Error("the slice put still holds its pointer")
	}
	l.Put(make([]*int, 0, 11)) // too large
	if l.Get() != nil {
		t.Error("kept a slice larger than MaxCap")
	}
	for range 3 {
		l.Put(make([]*int, 1, 5))
	}
	n := 0
	for l.Get() != nil {
		n++
	}
	if n != 2 {
		t.Errorf("kept %d slices, want Keep = 2", n)
	}
}
