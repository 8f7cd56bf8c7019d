package spec

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Fingerprint is a short hash of the spec's structure: sheets, fields, types,
// units and formulas (not messages or hints). Two workbooks with the same
// fingerprint have the same tables in the same places.
func (s *Spec) Fingerprint() string {
	type field struct{ Key, Label, Unit, Type, Derived string }
	type sheet struct {
		Key, Name, Kind string
		Fields          []field
		ListRows        int
	}
	var shape []sheet
	for i := range s.Sheets {
		sh := &s.Sheets[i]
		x := sheet{Key: sh.Key, Name: sh.Name, Kind: sh.Kind}
		if sh.Kind == KindList {
			x.ListRows = s.ListRowCount(sh)
		}
		fields := sh.Fields()
		if sh.Summary != nil {
			fields = append(append([]Field(nil), fields...), sh.Summary.Rows...)
		}
		for _, f := range fields {
			d := ""
			if f.Derived != nil {
				d = f.Derived.Src
			}
			x.Fields = append(x.Fields, field{f.Key, f.Label, f.Unit, f.Type, d})
		}
		shape = append(shape, x)
	}
	b, _ := json.Marshal(shape)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
