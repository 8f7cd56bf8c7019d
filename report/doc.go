// Package report is the data model of one school's filled report, shared by
// the reader, the formula engine, the validator and the writers:
//
//   - Report: what the reader (sheets/reader) made of one workbook — the
//     values (Book: by sheet, row key and column key, each Value typed,
//     exact and with the cell it came from), where each cell of the spec is
//     in the file (Cells), what was normalised (Note), what could not be
//     read (Problem), which computed cells were typed over (Overwrite), the
//     school's 说明 (Explanation) and the template's identity (Identity).
//   - Typed addresses: Addr is a cell of the spec by keys (majors[0].name,
//     students.enrolled.cur, majors.total.cur_students), Cell a place in the
//     file (学生情况!D4); both print as that text and parse back from it.
//   - Mark: a finding as an annotated copy shows it (written by
//     sheets/workbook from validate's findings).
//   - The names the template writer and the reader agree on: the tool's own
//     sheets and the document properties that carry the identity.
//
// It imports no workbook library.
package report
