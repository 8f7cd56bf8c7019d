# Fills input cells of a workbook with openpyxl, as an independent client would.
# usage: fill.py IN.xlsx OUT.xlsx CELLS.json  (CELLS: [{"sheet","cell","kind":"n"|"s","v"}])
import json, sys
from decimal import Decimal
import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
for c in json.load(open(sys.argv[3], encoding="utf-8")):
    v = c["v"]
    if c["kind"] == "n":
        d = Decimal(v)
        v = int(d) if d == d.to_integral_value() else d
    wb[c["sheet"]][c["cell"]] = v
wb.save(sys.argv[2])
