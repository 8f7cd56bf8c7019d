// Package sheets is the only package that touches Excel files (through
// excelize): it writes the standard template workbook from a compiled spec,
// and (later) reads returned workbooks back into report data.
//
// The layout of every sheet (which row and column holds which field) is decided
// here once, in layout.go, and shared by the writer's formulas and the tests.
package sheets
