package spec

import (
	"sort"

	"github.com/shopspring/decimal"
)

// Change is what changed between an earlier version of the spec and this
// one: how a workbook filled in a template of FromVersion is read into this
// version's keys. Each entry states the whole change from its version to this
// one (not from the entry before), so a workbook of any listed version is
// read in one step. Sheets and rows are named by this version's sheet keys.
type Change struct {
	FromVersion string `yaml:"from_version" json:"from_version" validate:"required"`
	// Sheets renamed: this version's sheet and what it was called.
	Sheets []SheetRename `yaml:"sheets,omitempty" json:"sheets,omitempty" validate:"dive"`
	// Rows renamed: rows of record and indicator sheets and columns of lists.
	Rows []FieldRename `yaml:"rows,omitempty" json:"rows,omitempty" validate:"dive"`
	// Removed rows: what an old workbook holds there is reported as not
	// carried, never dropped silently.
	Removed []RemovedRow `yaml:"removed,omitempty" json:"removed,omitempty" validate:"dive"`
	// Split rows: an old row whose value now belongs to two or more rows.
	Split []SplitRow `yaml:"split,omitempty" json:"split,omitempty" validate:"dive"`
	Pos   Pos        `yaml:"-" json:"-"`
}

// SheetRename is a sheet of this version (Key) that had another key, name or
// title in the earlier version.
type SheetRename struct {
	Key         string   `yaml:"key" json:"key" validate:"required"`
	RenamedFrom OldSheet `yaml:"renamed_from" json:"renamed_from"`
}

// OldSheet is what a sheet was called in an earlier version: at least one of
// its key, name (the tab) and title.
type OldSheet struct {
	Key   string `yaml:"key,omitempty" json:"key,omitempty" validate:"omitempty,key"`
	Name  string `yaml:"name,omitempty" json:"name,omitempty"`
	Title string `yaml:"title,omitempty" json:"title,omitempty"`
}

// FieldRename is a row or list column of this version (Sheet, Key) that had
// another key or label in the earlier version.
type FieldRename struct {
	Sheet       string   `yaml:"sheet" json:"sheet" validate:"required"`
	Key         string   `yaml:"key" json:"key" validate:"required"`
	RenamedFrom OldField `yaml:"renamed_from" json:"renamed_from"`
}

// OldField is a row or column of an earlier version: its key and label (a
// rename gives at least one; a removed or split row both).
type OldField struct {
	Key   string `yaml:"key,omitempty" json:"key,omitempty" validate:"omitempty,key"`
	Label string `yaml:"label,omitempty" json:"label,omitempty"`
	// Unit is the old row's unit, when the label was written with it.
	Unit string `yaml:"unit,omitempty" json:"unit,omitempty"`
}

// RemovedRow is a row of a record or indicator sheet (Sheet, this version's
// key) that the earlier version had and this one does not.
type RemovedRow struct {
	Sheet    string `yaml:"sheet" json:"sheet" validate:"required"`
	OldField `yaml:",inline"`
	// Why says why the row was removed (shown with what was not carried).
	Why string `yaml:"why,omitempty" json:"why,omitempty"`
}

// Split rules.
const (
	// SplitFirst puts the whole old value into the first new row and leaves
	// the others empty (not 0), each with a note.
	SplitFirst = "first"
	// SplitShares divides the old value by the stated percentages (each
	// above 0, adding up to 100): each part is its share cut down to the
	// rows' decimals (or the old value's, if it has more); the units left
	// over go one each to the parts with the largest cut-off remainders (the
	// earlier row on a tie), so the parts add up to the old value exactly.
	SplitShares = "shares"
)

// SplitRow is an old numeric row of an indicator sheet (From, on Sheet) that
// this version has as two or more rows (Into, keys of the same sheet).
type SplitRow struct {
	Sheet  string   `yaml:"sheet" json:"sheet" validate:"required"`
	From   OldField `yaml:"from" json:"from"`
	Into   []string `yaml:"into" json:"into" validate:"required"`
	Rule   string   `yaml:"rule" json:"rule" validate:"required,oneof=first shares"`
	Shares []Number `yaml:"shares,omitempty" json:"shares,omitempty"`
}

// ChangeFrom returns the change from an earlier version, or nil.
func (s *Spec) ChangeFrom(version string) *Change {
	for i := range s.Changes {
		if s.Changes[i].FromVersion == version {
			return &s.Changes[i]
		}
	}
	return nil
}

// SplitParts divides an old value among the rows of a split: with rule
// first the value and empties (nil); with shares by SplitShares, places
// being the decimals of the new rows.
func (sp *SplitRow) SplitParts(v decimal.Decimal, places int) []*decimal.Decimal {
	out := make([]*decimal.Decimal, len(sp.Into))
	if sp.Rule == SplitFirst || len(sp.Shares) != len(sp.Into) {
		out[0] = &v
		return out
	}
	p := int32(max(places, int(-v.Exponent())))
	unit := decimal.New(1, -p)
	abs := v.Abs()
	hundred := decimal.NewFromInt(100)
	parts := make([]decimal.Decimal, len(sp.Into))
	rest := make([]decimal.Decimal, len(sp.Into))
	left := abs
	for i := range sp.Into {
		exact := abs.Mul(sp.Shares[i].Decimal).Div(hundred)
		parts[i] = exact.Truncate(p)
		rest[i] = exact.Sub(parts[i])
		left = left.Sub(parts[i])
	}
	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rest[order[a]].GreaterThan(rest[order[b]]) })
	for k := 0; left.GreaterThanOrEqual(unit) && k < len(order); k++ {
		parts[order[k]] = parts[order[k]].Add(unit)
		left = left.Sub(unit)
	}
	for i := range parts {
		d := parts[i]
		if v.IsNegative() {
			d = d.Neg()
		}
		out[i] = &d
	}
	return out
}
