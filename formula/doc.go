// Package formula is the expression engine of a report spec. It parses the
// spec's expressions (with expr-lang/expr's parser), resolves every name to a
// cell or a column of the report, evaluates expressions exactly with decimals,
// computes every derived cell of a report (本学年为上学年(%), 生均…, ratios, 合计,
// 总课时) and renders the same expressions as Excel formulas, so that the
// template's live formulas and the validator's recomputation are one rule.
//
// Names in expressions:
//
//	x               a row of the current sheet in the current year column
//	                (indicator), a column of the current row (list), a field (record)
//	sheet.x         row x of another sheet in the current year column; for a list
//	                sheet, its 合计 row
//	sheet.x.prev    an explicit year column (prev, cur, pct) of an indicator row
//	sheet.total.x   the 合计 row of a list sheet
//	sum(col) …      inside sum, count, min, max, countifs, sumifs: a list column's
//	                data rows
//	year_label      in a list's summary block: 上学年 or 本学年
//
// A computed value is empty when a value it reads is empty or a divisor is 0;
// only filled(x) reads an empty value and still gives an answer (false).
package formula
