package templates

import (
	"os"
	"testing"

	"github.com/nianbao/nianbao/spec"
)

// oldSpecFile is the built-in spec as it was at an earlier version: the
// changes the built-in spec declares are relative to it.
const oldSpecFile = "testdata/versions/zhongzhi_2024.1.yaml"

// TestBuiltinChangesMatchOldVersion checks that the changes the built-in
// spec declares from 2024.1 say exactly how the old spec differs: every old
// name they give is the old spec's, and every sheet, row and column that is
// not where it was is covered by a change.
func TestBuiltinChangesMatchOldVersion(t *testing.T) {
	cur, err := Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(oldSpecFile)
	if err != nil {
		t.Fatal(err)
	}
	old, err := Parse(data, oldSpecFile, "zh")
	if err != nil {
		t.Fatal(err)
	}
	ch := cur.Spec.ChangeFrom(old.Spec.Version)
	if ch == nil {
		t.Fatalf("the built-in spec declares no changes from %s", old.Spec.Version)
	}
	if old.Spec.ID != cur.Spec.ID {
		t.Fatalf("old spec id %s", old.Spec.ID)
	}
	oldKey := map[string]string{} // current sheet key → old
	for _, r := range ch.Sheets {
		oldKey[r.Key] = r.RenamedFrom.Key
		o := old.Spec.Sheet(r.RenamedFrom.Key)
		if o == nil || o.Name != r.RenamedFrom.Name || o.Title != r.RenamedFrom.Title {
			t.Errorf("sheet %s: renamed_from %+v is not a sheet of the old spec", r.Key, r.RenamedFrom)
		}
	}
	oldSheet := func(key string) *spec.Sheet {
		if k, ok := oldKey[key]; ok {
			return old.Spec.Sheet(k)
		}
		return old.Spec.Sheet(key)
	}
	covered := map[string]bool{} // sheet.field of this version
	oldUsed := map[string]bool{} // sheet.field of the old version (by current sheet key)
	for _, r := range ch.Rows {
		covered[r.Sheet+"."+r.Key] = true
		oldUsed[r.Sheet+"."+r.RenamedFrom.Key] = true
		if f := oldSheet(r.Sheet).Field(r.RenamedFrom.Key); f == nil || f.Label != r.RenamedFrom.Label {
			t.Errorf("%s.%s: renamed_from %+v is not in the old spec", r.Sheet, r.Key, r.RenamedFrom)
		}
	}
	for _, r := range ch.Removed {
		oldUsed[r.Sheet+"."+r.Key] = true
		if f := oldSheet(r.Sheet).Field(r.Key); f == nil || f.Label != r.Label || f.Unit != r.Unit {
			t.Errorf("removed %s.%s is not in the old spec", r.Sheet, r.Key)
		}
	}
	for _, sp := range ch.Split {
		oldUsed[sp.Sheet+"."+sp.From.Key] = true
		for _, k := range sp.Into {
			covered[sp.Sheet+"."+k] = true
		}
		if f := oldSheet(sp.Sheet).Field(sp.From.Key); f == nil || f.Label != sp.From.Label {
			t.Errorf("split %s.%s is not in the old spec", sp.Sheet, sp.From.Key)
		}
	}
	for i := range cur.Spec.Sheets {
		sh := &cur.Spec.Sheets[i]
		o := oldSheet(sh.Key)
		if o == nil {
			t.Errorf("sheet %s is new, and no change says so", sh.Key)
			continue
		}
		for _, f := range sh.Fields() {
			g := o.Field(f.Key)
			if covered[sh.Key+"."+f.Key] {
				continue
			}
			if g == nil || g.Label != f.Label {
				t.Errorf("%s.%s is not in the old spec as it is now, and no change says so", sh.Key, f.Key)
			}
		}
		for _, g := range o.Fields() {
			if sh.Field(g.Key) == nil && !oldUsed[sh.Key+"."+g.Key] {
				t.Errorf("old %s.%s is gone, and no change says so", o.Key, g.Key)
			}
		}
	}
}
