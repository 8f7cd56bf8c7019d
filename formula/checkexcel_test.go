package formula_test

import (
	"slices"
	"testing"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/spec"
)

// TestEveryKindHasAnExcelPart holds the Excel parts of check kinds in step
// with spec.CheckKinds.
func TestEveryKindHasAnExcelPart(t *testing.T) {
	var kinds []string
	for _, k := range spec.CheckKinds() {
		kinds = append(kinds, k.Name)
	}
	got := formula.ExcelKinds()
	slices.Sort(kinds)
	slices.Sort(got)
	if !slices.Equal(kinds, got) {
		t.Errorf("check kinds %v, Excel parts %v", kinds, got)
	}
}
