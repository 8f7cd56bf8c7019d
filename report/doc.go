// Package report is the data of one filled report: typed values by sheet, row
// and column, each with the cell it came from. It is what the reader produces,
// what the formula engine computes over and what the validator checks.
package report
