// Package migrate turns a workbook filled in an earlier version's template
// into this version's: what the reader read into this version's keys
// (renamed sheets, rows and columns, split rows; see spec.Change) is written
// into the current template, and every value moved or not carried is
// listed, so that nothing is dropped or invented silently.
package migrate
