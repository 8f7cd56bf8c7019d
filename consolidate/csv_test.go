package consolidate

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// Text cells of a CSV never start with what Excel runs as a formula; numbers
// stay numbers.
func TestCSVInjection(t *testing.T) {
	dir := t.TempDir()
	sink, err := NewFiles(dir, "csv", false)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := sink.Table("学校指标", TableOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hostile := []string{"=cmd|' /C calc'!A0", "=HYPERLINK(\"http://x\",\"点我\")", "@SUM(1)", "+1", "-1+1", "\t=1", "\r=1", "某职业学校"}
	for _, name := range hostile {
		if err := tb.Row(name, decimal.RequireFromString("-5"), 7); err != nil {
			t.Fatal(err)
		}
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "学校指标.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(hostile) {
		t.Fatalf("%d rows, want %d", len(rows), len(hostile))
	}
	for i, row := range rows {
		cell := row[0]
		if i == 0 {
			cell = cell[len("\ufeff"):]
		}
		if c := cell[0]; c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' {
			t.Errorf("row %d: text cell %q starts with %q", i+1, cell, c)
		}
		// encoding/csv drops a carriage return when reading the file back
		if want := strings.ReplaceAll(hostile[i], "\r", ""); cell != want && cell != "'"+want {
			t.Errorf("row %d: %q, want %q kept readable", i+1, cell, want)
		}
		if row[1] != "-5" || row[2] != "7" {
			t.Errorf("row %d: numbers %q %q, want -5 and 7", i+1, row[1], row[2])
		}
	}
}
