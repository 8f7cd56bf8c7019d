package intake

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nianbao/nianbao/report"
)

// Skipped is a file that a run does not read, and why.
type Skipped struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
	// En is the reason in English.
	En string `json:"-"`
}

// Message is the reason in a language ("en" or Chinese).
func (s Skipped) Message(lang string) string {
	if lang == "en" && s.En != "" {
		return s.En
	}
	return s.Reason
}

// Exclude is a path (a file or a folder) a run writes to: what a folder
// holds under it is not read, for Reason.
type Exclude struct{ Path, Reason, En string }

// Workbooks expands the files and folders a user named into the files to
// read: a folder (walked recursively) gives the workbooks in it (.xlsx,
// .xlsm, .xls, .et, .ods), in name order; a .zip archive, named or in a
// folder, is read as a folder (see extractZip; its files are named through
// it, "收到.zip/某校.xlsx"); a named file is taken whatever its extension,
// and one that does not exist too (reported as unreadable with the others).
// A folder with no file at all is an error.
//
// Every file of a folder that is not read is listed with the reason: Office
// lock files, hidden files and folders, what is not a workbook, .rar and
// .7z archives, an archive that cannot be opened or breaks the limits. Our
// own outputs are not read back as schools: in a folder, what lies under an
// excluded path (the run's own outputs) and every workbook nianbao wrote as
// an output (by its content, see OwnOutput); a consolidated workbook also
// when named.
func Workbooks(args []string, exclude ...Exclude) ([]string, []Skipped, error) {
	w := &walker{exclude: exclude}
	// the files named (a shell's pattern can name a thousand) are checked
	// for our own outputs all at once, their kinds taken in order below
	stats := make([]fs.FileInfo, len(args))
	errs := make([]error, len(args))
	var named []string
	for i, a := range args {
		stats[i], errs[i] = os.Stat(a)
		if errs[i] == nil && !stats[i].IsDir() && !IsArchive(a) {
			named = append(named, a)
		}
	}
	kinds := ownOutputs(named)
	for i, a := range args {
		st, err := stats[i], errs[i]
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				w.out = append(w.out, a)
				continue
			}
			return nil, nil, err
		}
		switch {
		case st.IsDir():
			n := len(w.out) + len(w.skipped)
			if err := w.folder(a, a, 0); err != nil {
				return nil, nil, err
			}
			if len(w.out)+len(w.skipped) == n {
				return nil, nil, fmt.Errorf("文件夹 %s 中没有工作簿（.xlsx/.xls/.et/.ods）", a)
			}
		case IsArchive(a):
			w.archive(a, a, 0)
		default:
			kind := kinds[0]
			kinds = kinds[1:]
			if kind == report.OutputConsolidated {
				w.skip(a, ownReason(kind), ownReasonEn(kind))
			} else {
				w.out = append(w.out, a)
			}
		}
	}
	return w.out, w.skipped, nil
}

// maxArchiveDepth is how deep archives in archives are opened.
const maxArchiveDepth = 3

// walker collects the files to read and those skipped.
type walker struct {
	exclude []Exclude
	out     []string
	skipped []Skipped
}

func (w *walker) skip(file, reason, en string) {
	w.skipped = append(w.skipped, Skipped{File: file, Reason: reason, En: en})
}

// archive reads the archive at real (shown as name) as a folder.
func (w *walker) archive(real, name string, depth int) {
	if depth >= maxArchiveDepth {
		w.skip(name, "压缩包中套了太多层压缩包，不再解开", "archives nested too deep: not opened")
		return
	}
	dir, err := extractZip(real, name, Limits{})
	if err != nil {
		zh, en := strings.TrimPrefix(err.Error(), name+"："), err.Error()
		var ae *archiveError
		if errors.As(err, &ae) {
			en = ae.en
		}
		w.skip(name, zh, en)
		return
	}
	n := len(w.out) + len(w.skipped)
	if err := w.folder(dir, name, depth+1); err != nil {
		w.skip(name, err.Error(), err.Error())
		return
	}
	if len(w.out)+len(w.skipped) == n {
		w.skip(name, "压缩包中没有文件", "the archive holds no file")
	}
}

// folder adds what the folder real holds, each file named through shown.
func (w *walker) folder(real, shown string, depth int) error {
	root := real
	if r, err := filepath.EvalSymlinks(real); err == nil && r != real {
		root = r
	}
	var found, archives [][2]string // {on disk, shown}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		show := filepath.Join(shown, rel)
		if d.IsDir() {
			switch {
			case p == root:
			case name == "__MACOSX":
				w.skip(show, "macOS 压缩时附带的资源文件夹，不是工作簿", "resources macOS adds to archives, not workbooks")
				return filepath.SkipDir
			case strings.HasPrefix(name, "."):
				w.skip(show, "隐藏文件夹，不读取", "a hidden folder: not read")
				return filepath.SkipDir
			}
			return nil
		}
		switch ext := strings.ToLower(filepath.Ext(name)); {
		case strings.HasPrefix(name, "~$"):
			w.skip(show, "Office 的锁文件（该工作簿正在 Excel 或 WPS 中打开），不是工作簿", "an Office lock file (the workbook is open in Excel or WPS), not a workbook")
		case strings.HasPrefix(name, "."):
			w.skip(show, "隐藏文件，不读取", "a hidden file: not read")
		case KindOfExt(ext) == XLSX || KindOfExt(ext) == ODS || KindOfExt(ext) == LegacyXLS:
			found = append(found, [2]string{p, show})
		case IsArchive(name):
			archives = append(archives, [2]string{p, show})
		case unreadableArchive(name) != "":
			w.skip(show, unreadableArchive(name), unreadableArchiveEn(name))
		default:
			w.skip(show, "不是工作簿（只读取 .xlsx/.xlsm/.xls/.et/.ods 和 .zip 压缩包）", "not a workbook (only .xlsx/.xlsm/.xls/.et/.ods files and .zip archives are read)")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("无法读取文件夹 %s: %w", shown, err)
	}
	sort.Slice(found, func(i, j int) bool { return found[i][1] < found[j][1] })
	// the files not excluded (an excluded one is not opened) are checked
	// for our own outputs all at once, their kinds taken here in order
	ex := make([]*Exclude, len(found))
	var check []string
	for i, f := range found {
		if ex[i] = excluded(f[1], w.exclude); ex[i] == nil {
			check = append(check, f[0])
		}
	}
	kinds := ownOutputs(check)
	for i, f := range found {
		disk, show := f[0], f[1]
		if show != disk {
			extracted.Store(show, disk)
		}
		if e := ex[i]; e != nil {
			w.skip(show, e.Reason, e.En)
			continue
		}
		kind := kinds[0]
		kinds = kinds[1:]
		if kind != "" {
			w.skip(show, ownReason(kind), ownReasonEn(kind))
			continue
		}
		w.out = append(w.out, show)
	}
	for _, a := range archives {
		w.archive(a[0], a[1], depth)
	}
	return nil
}

// ownOutputs is OwnOutput of each file, in the files' order: the files are
// checked on as many goroutines as run at once (each check opens a file and
// reads its zip directory and a part or two), no more than there are files.
func ownOutputs(paths []string) []string {
	kinds := make([]string, len(paths))
	var next atomic.Int64 // the index of the next file to check
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(paths)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(paths) {
					return
				}
				kinds[i] = OwnOutput(paths[i])
			}
		})
	}
	wg.Wait()
	return kinds
}

// ownReason says why one of our outputs is not read.
func ownReason(kind string) string {
	if kind == report.OutputAnnotated {
		return "这是 nianbao 写出的批注副本，不作为学校的报表读取（学校修改后交回的，请直接给出该文件名）"
	}
	return "这是 nianbao 写出的汇总工作簿，不作为学校的报表读取"
}

// ownReasonEn is ownReason in English.
func ownReasonEn(kind string) string {
	if kind == report.OutputAnnotated {
		return "an annotated copy nianbao wrote, not read as a school's report (one a school corrected and sent back: name the file itself)"
	}
	return "a consolidated workbook nianbao wrote, not read as a school's report"
}

// excluded is the excluded path a file lies under, or nil.
func excluded(file string, exclude []Exclude) *Exclude {
	abs, err := filepath.Abs(file)
	if err != nil {
		return nil
	}
	for _, e := range exclude {
		p, err := filepath.Abs(e.Path)
		if err != nil || e.Path == "" {
			continue
		}
		if abs == p || strings.HasPrefix(abs, p+string(filepath.Separator)) {
			return &e
		}
	}
	return nil
}
