# The baseline a bureau analyst would otherwise write: open every workbook of
# a folder with openpyxl (read-only mode, the fast one) and read every cell of
# every sheet. Prints the number of files and cells read.
# usage: openpyxl_read_all.py DIR
import glob, os, sys
import openpyxl

files = sorted(glob.glob(os.path.join(sys.argv[1], "*.xlsx")))
cells = 0
for path in files:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            for v in row:
                if v is not None:
                    cells += 1
    wb.close()
print("%d files, %d cells" % (len(files), cells))
