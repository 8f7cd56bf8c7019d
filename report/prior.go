package report

// PriorYear is what a school reported the year before, as the store keeps
// it: the 本学年 input values of its indicator tables, each with the cell of
// last year's file it was read from (Value.Cell). It feeds the cross-year
// check (this year's 上学年 = last year's 本学年) and the prefilled 上学年 of
// next year's template.
type PriorYear struct {
	Year string // last 学年, e.g. 2024-2025
	File string // last year's file, as the bureau received it
	// Values are keyed by ColAddr(sheet, field, "cur"): last year's 本学年.
	Values map[Addr]Value
}

// PreviousYear is the 学年 before a 学年 written YYYY-YYYY (2025-2026 →
// 2024-2025); ok is false for any other text.
func PreviousYear(year string) (prev string, ok bool) {
	var a, b int
	if len(year) != 9 || year[4] != '-' {
		return "", false
	}
	for i, c := range year {
		if i == 4 {
			continue
		}
		if c < '0' || c > '9' {
			return "", false
		}
		if i < 4 {
			a = a*10 + int(c-'0')
		} else {
			b = b*10 + int(c-'0')
		}
	}
	if b != a+1 || a < 1 {
		return "", false
	}
	return itoa4(a-1) + "-" + itoa4(a), true
}

func itoa4(n int) string {
	return string([]byte{byte('0' + n/1000%10), byte('0' + n/100%10), byte('0' + n/10%10), byte('0' + n%10)})
}

// NextYear is the 学年 after a 学年 written YYYY-YYYY (2025-2026 →
// 2026-2027); ok is false for any other text.
func NextYear(year string) (next string, ok bool) {
	if _, ok := PreviousYear(year); !ok {
		return "", false
	}
	a := 0
	for _, c := range year[:4] {
		a = a*10 + int(c-'0')
	}
	return itoa4(a+1) + "-" + itoa4(a+2), a+2 <= 9999
}
