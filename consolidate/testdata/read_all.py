# Reads every sheet of a workbook with openpyxl, normally and in read-only mode
# (which trusts each sheet's dimension), and prints "sheet N rows" lines.
# usage: read_all.py FILE.xlsx
import sys
import openpyxl

for read_only in (False, True):
    wb = openpyxl.load_workbook(sys.argv[1], read_only=read_only)
    for ws in wb.worksheets:
        n = sum(1 for row in ws.iter_rows(values_only=True) if any(v is not None for v in row))
        print("%s %d rows (read_only=%s)" % (ws.title, n, read_only))
