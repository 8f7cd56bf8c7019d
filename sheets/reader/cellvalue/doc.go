// Package cellvalue turns a cell's content, as people really type it in Excel,
// WPS Office or LibreOffice, into a typed value of the report — exactly, and
// saying what it had to normalise: numbers stored as text, full-width digits
// and punctuation (１２３．５), thousands separators (1,883), units typed into
// cells (1883人, 6423.84万元), percentages as 96.35, "96.35%" or 0.9635 in a
// percent-formatted cell, stray and zero-width spaces, and placeholders for
// empty ("—", "/", "无", "-"), which are empty, never zero. What cannot be read
// exactly is an error that says what was found.
package cellvalue
