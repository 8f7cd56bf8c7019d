# Prints what openpyxl's read-only mode (as pandas reads) sees of an annotated
# copy's 审核结果 sheet: its rows, as JSON.
# usage: letter.py FILE.xlsx
import json, sys
import openpyxl

wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
rows = [["" if v is None else str(v) for v in row] for row in wb["审核结果"].iter_rows(values_only=True)]
json.dump(rows, sys.stdout, ensure_ascii=False)
