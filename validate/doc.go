// Package validate is the rules engine and the per-file pipeline.
//
// Check runs every rule of a compiled spec (the written checks, the type,
// range and drop-down of every input cell, every computed cell typed over)
// on a report.Report and returns findings with the sheet and cell of every
// value involved; Marks turns them into what an annotated copy shows.
//
// Pipeline is the per-file step that the validate command and consolidate
// share: read → check → count → status → annotated copy, with the reading
// (sheets/reader) and the annotated-copy writer (sheets/workbook) given to it
// as functions, so this package never imports excelize. A file's status is a
// key (StatusPassed, StatusWarnings, …); StatusText gives it in words.
package validate
