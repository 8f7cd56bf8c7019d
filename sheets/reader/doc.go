// Package reader turns a returned workbook (its .xlsx bytes, or a file through
// sheets/intake) into a report.Report: every value of the spec, typed and
// exact, with the cell it came from, what had to be normalised (through
// reader/cellvalue), what could not be read, which computed cells were typed
// over, the school's 说明 and the template's identity. Sheets, rows and
// columns are found by their names, titles and labels, wherever a person moved
// them; sheets/layout's fixed places are only the fallback. A Reader (New)
// belongs to one compiled spec and owns the label maps derived from it; it
// reads any number of workbooks, at once if need be.
package reader
