package templates

import "testing"

func TestDefaultLoads(t *testing.T) {
	s, err := Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Spec.Sheets) == 0 {
		t.Fatal("no sheets")
	}
}
