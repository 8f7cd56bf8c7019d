// Package xlsx reads the cells of an .xlsx workbook as they are stored: each
// cell's value, its type (number or text), its number format (percent, date)
// and whether it holds a formula. Every part is read with archive/zip under
// decompression limits (a zip bomb is refused, not unpacked); worksheets,
// shared strings and cell formats with a byte scanner (scan.go), the small
// parts (workbook, relationships) with encoding/xml. TableWriter writes plain tables
// (the consolidated workbook) part by part into a zip, so memory does not grow
// with the rows.
//
// excelize's Rows iterator gives a cell's text only; the reader of returned
// reports must also know whether "1883" was a number or text, whether 0.9635
// was shown as a percentage, and whether a computed cell's formula was pasted
// over. Templates and annotated copies are written with excelize (sheets/workbook).
package xlsx
