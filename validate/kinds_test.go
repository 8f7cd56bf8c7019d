package validate

import (
	"testing"

	"github.com/nianbao/nianbao/spec"
)

// TestEveryKindEvaluates holds the table of check kinds (spec.CheckKinds) and
// the evaluators in step: a kind added to one must be added to the other.
func TestEveryKindEvaluates(t *testing.T) {
	kinds := spec.CheckKinds()
	for _, k := range kinds {
		if evaluators[k.Name] == nil {
			t.Errorf("check kind %q has no evaluator in validate/checks.go", k.Name)
		}
	}
	if len(evaluators) != len(kinds) {
		t.Errorf("%d evaluators for %d check kinds", len(evaluators), len(kinds))
	}
}
