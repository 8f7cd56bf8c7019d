// Package xlsx reads the cells of an .xlsx workbook as they are stored: each
// cell's value, its type (number or text), its number format (percent, date)
// and whether it holds a formula. It streams every part with archive/zip and
// encoding/xml under decompression limits (a zip bomb is refused, not
// unpacked). TableWriter writes plain tables
// (the consolidated workbook) part by part into a zip, so memory does not grow
// with the rows.
//
// excelize's Rows iterator gives a cell's text only; the reader of returned
// reports must also know whether "1883" was a number or text, whether 0.9635
// was shown as a percentage, and whether a computed cell's formula was pasted
// over. Templates and annotated copies are written with excelize (sheets/workbook).
package xlsx
