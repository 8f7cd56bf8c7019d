// The same baseline with SheetJS (npm `xlsx`), the reader most web tools
// use: open every workbook of a folder and read every cell of every sheet.
// Prints the number of files and cells read. scripts/bench.sh installs
// `xlsx` into its work folder and sets NODE_PATH.
// usage: node sheetjs_read_all.js DIR
const fs = require("fs");
const path = require("path");
const XLSX = require("xlsx");

const dir = process.argv[2];
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".xlsx")).sort();
let cells = 0;
for (const f of files) {
  const wb = XLSX.read(fs.readFileSync(path.join(dir, f)), { type: "buffer" });
  for (const name of wb.SheetNames) {
    const ws = wb.Sheets[name];
    for (const ref in ws) {
      if (ref[0] !== "!" && ws[ref].v !== undefined) {
        cells++;
      }
    }
  }
}
console.log(`${files.length} files, ${cells} cells`);
