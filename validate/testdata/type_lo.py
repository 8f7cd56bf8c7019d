# Types values into cells with LibreOffice, as a person at the keyboard does
# (the dispatcher's EnterString: LibreOffice recognises numbers, 1,883,
# 96.35%, dates, and keeps the rest as text), then saves as .xlsx.
# usage: type_lo.py IN.xlsx OUT.xlsx CELLS.json PROFILE_DIR
#        CELLS: [{"sheet", "cell", "typed"}]
import sys, json, time, subprocess, os, uno
from com.sun.star.beans import PropertyValue

def prop(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p

src, dst, cells_json, profile = sys.argv[1:5]
pipe = "nianbao%d" % os.getpid()
proc = subprocess.Popen(["soffice", "-env:UserInstallation=file://" + profile, "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
    "--accept=pipe,name=%s;urp;StarOffice.ComponentContext" % pipe], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for i in range(120):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe); break
        except Exception:
            time.sleep(0.5)
    smgr = ctx.ServiceManager
    desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0, ())
    disp = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)
    frame = doc.getCurrentController().getFrame()
    for c in json.load(open(cells_json)):
        sheet = doc.Sheets.getByName(c["sheet"])
        doc.getCurrentController().setActiveSheet(sheet)
        disp.executeDispatch(frame, ".uno:GoToCell", "", 0, (prop("ToPoint", c["cell"]),))
        disp.executeDispatch(frame, ".uno:EnterString", "", 0, (prop("StringName", c["typed"]),))
    doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)), (prop("FilterName", "Calc MS Excel 2007 XML"),))
    doc.close(True)
finally:
    try:
        desktop.terminate()
    except Exception:
        pass
    proc.wait(timeout=30)
