// Package validate is the rules engine: it runs every check of a report spec
// (the written checks, the type and range of every input cell, and every
// derived cell recomputed) on a report's data and returns findings with the
// sheet and cell of every value involved. It never imports excelize: the
// workbook is read by package sheets.
//
// Its logic comes with the validator issue; the spec's check kinds and the
// formula engine it will drive are in packages spec and formula.
package validate
