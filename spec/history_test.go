package spec

import (
	"slices"
	"testing"
)

// Without a history list the key indicators are the numeric indicator rows
// the sentences and then the charts cite, each once; a list wins.
func TestHistoryRows(t *testing.T) {
	s := &Spec{
		Sheets: []Sheet{
			{Key: "info", Kind: KindRecord, Rows: []Field{{Key: "name", Type: TypeText}}},
			{Key: "a", Kind: KindIndicator, Rows: []Field{
				{Key: "x", Type: TypeInteger}, {Key: "y", Type: TypePercent}, {Key: "note", Type: TypeText}}},
		},
		Sentences: []Sentence{{Text: "{schools} 所，{a.y.cur}%，{a.note.cur}，{a.x.change}，{a.y.diff}，{info.name.cur}"}},
		Charts:    []Chart{{Rows: []string{"a.x", "a.z"}}, {List: "l"}},
	}
	if got, want := s.HistoryRows(), []string{"a.y", "a.x"}; !slices.Equal(got, want) {
		t.Errorf("default %v, want %v", got, want)
	}
	s.History = []string{"a.x"}
	if got := s.HistoryRows(); !slices.Equal(got, []string{"a.x"}) {
		t.Errorf("declared %v", got)
	}
}
