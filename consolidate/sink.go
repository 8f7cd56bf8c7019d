package consolidate

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/nianbao/nianbao/outfile"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/xlsx"
	"github.com/shopspring/decimal"
)

// TableOptions shape one table (a sheet of the workbook, a CSV file).
type TableOptions = xlsx.TableOptions

// RowWriter takes a table's rows. Values are nil, string, int,
// decimal.Decimal, xlsx.Number (a number with its display format: the
// workbook shows the format, CSV and JSON the exact value), xlsx.Bold or
// xlsx.Title. Row does not keep the slice of values: callers reuse it.
type RowWriter interface {
	Row(values ...any) error
}

// Sink is where the consolidated tables go: a workbook, CSV files or JSON.
type Sink interface {
	// Reserve names every table in the order they are shown.
	Reserve(names ...string) error
	// Table starts a table; several may be written at once.
	Table(name string, opt TableOptions) (RowWriter, error)
	// Close finishes everything.
	Close() error
	// Abort drops what was written (after a failure).
	Abort()
}

// xlsxSink writes one workbook, atomically, when closed.
type xlsxSink struct {
	path  string
	force bool
	w     *xlsx.TableWriter
}

// Formats are the formats of the consolidated output, for NewSink.
func Formats() []string { return []string{"xlsx", "csv", "json"} }

// NewSink is the Sink of a format: the workbook at out (xlsx; title is its
// title), or one file per table in the folder out (csv, json). Without
// force an existing workbook is refused now, before any file is read.
func NewSink(format, out, title string, force bool) (Sink, error) {
	switch format {
	case "xlsx":
		if !force {
			if _, err := os.Lstat(out); err == nil {
				return nil, fmt.Errorf("%s: 文件已存在（如需覆盖请加 --force）", out)
			}
		}
		return NewWorkbook(out, title, force)
	case "csv", "json":
		return NewFiles(out, format, force)
	}
	return nil, fmt.Errorf("没有这种输出格式：%s（可用 %s）", format, strings.Join(Formats(), "、"))
}

// NewWorkbook is a Sink writing the workbook at path (never over an existing
// file unless force).
func NewWorkbook(path, title string, force bool) (Sink, error) {
	w, err := xlsx.NewTableWriter(title)
	if err != nil {
		return nil, err
	}
	w.SetProp(report.PropOutput, report.OutputConsolidated) // never read back as a school
	return &xlsxSink{path: path, force: force, w: w}, nil
}

func (s *xlsxSink) Reserve(names ...string) error { return s.w.Reserve(names...) }

// Table starts the next sheet (the spool hands over one table at a time).
func (s *xlsxSink) Table(name string, opt TableOptions) (RowWriter, error) { return s.w.Add(name, opt) }

// Stream starts a long sheet written while the others are (see streamer).
func (s *xlsxSink) Stream(name string, opt TableOptions) (RowWriter, error) {
	return s.w.AddStream(name, opt)
}

func (s *xlsxSink) Close() error {
	return writeFile(s.path, s.force, func(w io.Writer) error {
		_, err := s.w.WriteTo(w)
		return err
	})
}

func (s *xlsxSink) Abort() { s.w.Close() }

// MaxRows is Excel's limit of rows in a sheet.
func (s *xlsxSink) MaxRows() int { return xlsx.MaxRows }

// maxRows is the most rows a table of the sink holds: a sink with a limit
// says so by a MaxRows method; 0 is no limit.
func maxRows(s Sink) int {
	if m, ok := s.(interface{ MaxRows() int }); ok {
		return m.MaxRows()
	}
	return 0
}

func writeFile(path string, force bool, write func(io.Writer) error) error {
	return outfile.Write(path, force, write)
}

// fileSink writes one file per table into a folder: CSV (UTF-8 with BOM,
// for Excel and WPS) or JSON (an array of objects keyed by the header).
type fileSink struct {
	dir, ext string
	force    bool
	tables   []*fileTable
}

type fileTable struct {
	name   string
	tmp    *os.File
	buf    *bufio.Writer
	csv    *csv.Writer
	header []string
	rows   int
}

// NewFiles is a Sink writing name.csv or name.json files into dir.
func NewFiles(dir, format string, force bool) (Sink, error) {
	if format != "csv" && format != "json" {
		return nil, fmt.Errorf("格式只能是 xlsx、csv 或 json")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("无法创建文件夹 %s: %w", dir, err)
	}
	return &fileSink{dir: dir, ext: "." + format, force: force}, nil
}

func (s *fileSink) Reserve(names ...string) error {
	if s.force {
		return nil
	}
	for _, n := range names {
		path := filepath.Join(s.dir, n+s.ext)
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("%s: %w（如需覆盖请加 --force）", path, outfile.ErrExists)
		}
	}
	return nil
}

func (s *fileSink) Table(name string, _ TableOptions) (RowWriter, error) {
	tmp, err := os.CreateTemp(s.dir, "."+name+".tmp-*")
	if err != nil {
		return nil, err
	}
	outfile.Track(tmp.Name()) // renamed or removed when the sink closes
	t := &fileTable{name: name, tmp: tmp, buf: bufio.NewWriterSize(tmp, 256<<10)}
	if s.ext == ".csv" {
		t.buf.WriteString("\ufeff")
		t.csv = csv.NewWriter(t.buf)
		t.csv.UseCRLF = true
	} else {
		t.buf.WriteString("[")
	}
	s.tables = append(s.tables, t)
	return t, nil
}

// Stream is Table: every table of the folder is written at once anyway.
func (s *fileSink) Stream(name string, opt TableOptions) (RowWriter, error) {
	return s.Table(name, opt)
}

func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case decimal.Decimal:
		return x.String()
	case xlsx.Number:
		return x.String()
	case xlsx.Title:
		return string(x)
	case xlsx.Bold:
		return string(x)
	}
	return fmt.Sprint(v)
}

// csvCell is a value as a CSV cell. A text that starts with = + - @, a tab or
// a carriage return is taken for a formula by Excel and WPS when the CSV is
// opened (OWASP "CSV injection": a school named =HYPERLINK(…) or
// =cmd|' /C calc'!A0), so it gets a leading apostrophe and stays text.
// Numbers (decimals) are written as they are: -5 stays a number.
func csvCell(v any) string {
	s := text(v)
	switch v.(type) {
	case decimal.Decimal, xlsx.Number, int, int64, nil:
		return s
	}
	return CSVText(s)
}

// CSVText is a text for a CSV cell that a spreadsheet will not run as a
// formula: one starting with = + - @, a tab or CR gets a leading apostrophe
// (OWASP CSV injection).
func CSVText(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

func (t *fileTable) Row(values ...any) error {
	t.rows++
	if t.csv != nil {
		rec := make([]string, len(values))
		for i, v := range values {
			rec[i] = csvCell(v)
		}
		return t.csv.Write(rec)
	}
	if t.header == nil { // the first row names the fields
		for _, v := range values {
			t.header = append(t.header, text(v))
		}
		return nil
	}
	if t.rows > 2 {
		t.buf.WriteString(",")
	}
	t.buf.WriteString("\n  {")
	for i, v := range values {
		key := fmt.Sprintf("col%d", i+1)
		if i < len(t.header) && t.header[i] != "" {
			key = t.header[i]
		}
		if i > 0 {
			t.buf.WriteString(", ")
		}
		k, _ := json.Marshal(key)
		t.buf.Write(k)
		t.buf.WriteString(": ")
		var val []byte
		switch x := v.(type) {
		case nil:
			val = []byte("null")
		case decimal.Decimal:
			val = []byte(x.String()) // exact, as a JSON number
		case xlsx.Number:
			val = []byte(x.String())
		default:
			val, _ = json.Marshal(text(v))
			if _, ok := v.(int); ok {
				val = []byte(text(v))
			}
		}
		t.buf.Write(val)
	}
	t.buf.WriteString("}")
	return nil
}

func (s *fileSink) Close() error {
	for _, t := range s.tables {
		if t.csv != nil {
			t.csv.Flush()
			if err := t.csv.Error(); err != nil {
				return err
			}
		} else {
			t.buf.WriteString("\n]\n")
		}
		if err := t.buf.Flush(); err != nil {
			return err
		}
		if err := t.tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(t.tmp.Name(), filepath.Join(s.dir, t.name+s.ext)); err != nil {
			return err
		}
	}
	return nil
}

func (s *fileSink) Abort() {
	for _, t := range s.tables {
		t.tmp.Close()
		os.Remove(t.tmp.Name())
	}
}

// cellTables: every table of a workbook takes cells (xlsx.Table).
func (s *xlsxSink) cellTables() {}
