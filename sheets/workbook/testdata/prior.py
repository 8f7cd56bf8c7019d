# Reads the 上学年 cells of a prefilled template with openpyxl and prints, for
# each cell asked (JSON list of [sheet, cell] in argv[2]), what openpyxl sees:
# the value, the fill colour, whether it is locked, and the comment's text.
import json, sys
import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
out = []
for sheet, ref in json.loads(sys.argv[2]):
    c = wb[sheet][ref]
    fill = c.fill.fgColor.rgb if c.fill is not None and c.fill.fgColor is not None else None
    out.append({
        "sheet": sheet, "cell": ref,
        "value": None if c.value is None else repr(c.value),
        "fill": fill if isinstance(fill, str) else None,
        "locked": bool(c.protection.locked),
        "comment": c.comment.text if c.comment else "",
    })
print(json.dumps(out, ensure_ascii=False))
