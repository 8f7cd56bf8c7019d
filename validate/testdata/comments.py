# Prints what openpyxl sees of an annotated copy: the sheets, every comment,
# and the rows of 审核结果 with their links, as JSON.
# usage: comments.py FILE.xlsx
import json, sys
import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames, "active": wb.active.title, "comments": [], "results": []}
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if c.comment is not None:
                out["comments"].append({"sheet": ws.title, "cell": c.coordinate, "text": c.comment.text,
                                        "fill": c.fill.fgColor.rgb if c.fill is not None and c.fill.fgColor is not None else None})
ws = wb["审核结果"]
for row in ws.iter_rows(min_row=5):
    link = row[5].hyperlink
    out["results"].append({"rule": row[10].value, "cell": row[5].value, "link": link.location if link is not None else None})
json.dump(out, sys.stdout, ensure_ascii=False)
