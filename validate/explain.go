package validate

import "github.com/nianbao/nianbao/report"

// explain attaches the school's 说明 to the warnings it names: by rule, and
// by cell when one is given (a cell inside a range counts), and by sheet
// when one is given; without a rule (the letter shows none), by its cell. A warning so explained is reported as explained, never
// dropped; an error cannot be explained away.
func (v *validator) explain() {
	for i := range v.out {
		f := &v.out[i]
		if f.Severity != Warning {
			continue
		}
		for _, e := range v.r.Explanations {
			if e.Rule != f.Rule && (e.Rule != "" || e.Cell == "") {
				continue
			}
			switch {
			case e.Cell != "" && e.Sheet != "":
				if !f.Involves(report.Cell{Sheet: e.Sheet, Ref: e.Cell}) {
					continue
				}
			case e.Cell != "":
				if !f.Involves(report.Cell{Sheet: f.Sheet, Ref: e.Cell}) {
					continue
				}
			case e.Sheet != "":
				if e.Sheet != f.Sheet {
					continue
				}
			}
			f.Explained, f.Explanation = true, e.Text
			break
		}
	}
}
