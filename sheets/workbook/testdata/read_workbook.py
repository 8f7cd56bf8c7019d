# Reads a workbook with openpyxl, as an analyst's script would, and prints what
# it sees as JSON: per sheet, its state, protection, data validations, formula
# cells, and the row count seen in read-only mode (which trusts the dimension).
import json, sys
import openpyxl

path = sys.argv[1]
wb = openpyxl.load_workbook(path)
ro = openpyxl.load_workbook(path, read_only=True)
out = {"sheets": {}, "names": sorted(wb.defined_names.keys()) if hasattr(wb.defined_names, "keys") else sorted(d.name for d in wb.defined_names.definedName)}
for ws in wb.worksheets:
    formulas = 0
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith("="):
                formulas += 1
    dvs = ws.data_validations.dataValidation
    p = ws.protection
    out["sheets"][ws.title] = {
        "state": ws.sheet_state,
        "protected": bool(p.sheet),
        # in the file format these flags say what is forbidden
        "select_locked_forbidden": bool(p.selectLockedCells),
        "select_unlocked_forbidden": bool(p.selectUnlockedCells),
        "validations": len(dvs),
        "validation_types": sorted({dv.type for dv in dvs if dv.type}),
        "formulas": formulas,
        "readonly_rows": sum(1 for _ in ro[ws.title].iter_rows()),
        "max_row": ws.max_row,
    }
print(json.dumps(out, ensure_ascii=False))
