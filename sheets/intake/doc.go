// Package intake decides what a submitted file really is before any
// workbook reader touches it, refuses clearly what cannot be read, and turns
// legacy formats into .xlsx with LibreOffice. Sniff opens the file read-only
// and looks only at its first bytes, a zip's central directory or a compound
// file's directory (it never decompresses an entry to measure it), so it
// answers at once even for a huge or hostile file: an .xlsx (also .xlsm, or
// one renamed to .xls), an OpenDocument spreadsheet, an Excel 97-2003 .xls or
// WPS .et, Excel 2003 XML, an encrypted workbook, or one of the usual
// impostors — an empty file, a truncated download, a .docx, a zip bomb, a web
// page or a CSV renamed to .xls — each refused with a message in Chinese (and
// English) that names the file and says what to do. Convert runs LibreOffice
// headless on a copy of the file, with a profile of its own and a timeout that
// kills the whole process group. Load puts it together: a file on disk in, the .xlsx
// bytes out (decrypted with excelize when a password is given). Workbooks
// says which files of the folders a user named are workbooks to read.
package intake
