# Prints what openpyxl (full mode, as a school's script or pandas with
# openpyxl opens a workbook) sees of one row of a sheet: each cell's value
# and type, as JSON.
# usage: cells.py FILE.xlsx SHEET ROW
import json, sys
import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
ws = wb[sys.argv[2]]
row = int(sys.argv[3])
cells = {c.coordinate: [str(c.value), c.data_type] for c in ws[row] if c.value is not None}
json.dump(cells, sys.stdout, ensure_ascii=False)
