# Checks with openpyxl what a printed page and a reader need of a workbook:
# on every sheet print titles, A4, fit to one page wide; on the named sheets
# a number format other than General on every numeric cell. Prints one
# "PROBLEM ..." line per fault and "checked N cells" at the end.
# usage: print_setup.py FILE.xlsx SHEET...
import sys
import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
cells = 0
for ws in wb.worksheets:
    if not ws.print_title_rows:
        print("PROBLEM %s: no print titles" % ws.title)
    if not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage):
        print("PROBLEM %s: not fit to page" % ws.title)
    if ws.page_setup.fitToWidth != 1 or ws.page_setup.fitToHeight != 0:
        print("PROBLEM %s: fit %s wide %s tall" % (ws.title, ws.page_setup.fitToWidth, ws.page_setup.fitToHeight))
    if str(ws.page_setup.paperSize) != "9":
        print("PROBLEM %s: paper %s" % (ws.title, ws.page_setup.paperSize))
    if "&P" not in (ws.oddFooter.right.text or "") + (ws.oddFooter.center.text or "") or "&A" not in (ws.oddFooter.left.text or ""):
        print("PROBLEM %s: footer %r" % (ws.title, ws.oddFooter))
    if ws.freeze_panes is None:
        print("PROBLEM %s: no frozen panes" % ws.title)
    if ws.title not in sys.argv[2:]:
        continue
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                cells += 1
                if c.number_format == "General":
                    print("PROBLEM %s!%s: %r is General" % (ws.title, c.coordinate, c.value))
print("checked %d cells" % cells)
