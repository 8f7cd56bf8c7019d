// Package sheets is where workbooks are files: every package below it reads
// or writes .xlsx, and nothing outside it does. Each sub-package has one job:
//
//	sheets/intake    what a submitted file is: sniff, decrypt, convert (LibreOffice) → .xlsx bytes
//	sheets/xlsx      low-level OOXML: the streaming cell scanner and the streaming table writer
//	sheets/layout    where the template puts every field (rows, columns, cells), for writer and reader alike
//	sheets/reader    .xlsx bytes → report.Report (values, cells, notes, problems, identity)
//	sheets/workbook  excelize writers: the template, a filled copy, an annotated copy
//
// Only intake (decryption) and workbook import excelize; reader uses the
// scanner of sheets/xlsx. Nothing here knows a rule: validation is package
// validate, which never imports excelize.
package sheets
