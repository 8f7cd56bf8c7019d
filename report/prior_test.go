package report

import "testing"

func TestPreviousYear(t *testing.T) {
	for in, want := range map[string]string{"2025-2026": "2024-2025", "2000-2001": "1999-2000", "2025-2027": "", "2025/2026": "", "": "", "２025-2026": "", "0000-0001": ""} {
		got, ok := PreviousYear(in)
		if got != want || ok != (want != "") {
			t.Errorf("PreviousYear(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}

func TestNextYear(t *testing.T) {
	for in, want := range map[string]string{"2025-2026": "2026-2027", "1999-2000": "2000-2001", "2025-2027": "", "x": ""} {
		got, ok := NextYear(in)
		if got != want || ok != (want != "") {
			t.Errorf("NextYear(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
}
