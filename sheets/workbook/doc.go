// Package workbook writes the workbooks people open, with excelize: the
// standard template of a compiled spec (input cells guarded by data
// validations, computed cells as live formulas, the guide and 情况说明
// sheets, identity), a template filled with a report's values (samples,
// tests), and the annotated copy that goes back to a school (cells coloured
// and commented, a 审核结果 sheet first). Where each field sits is
// sheets/layout's.
package workbook
