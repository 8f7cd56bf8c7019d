package sample

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/outfile"
	"github.com/nianbao/nianbao/sheets/intake"
	"github.com/nianbao/nianbao/sheets/workbook"
)

// MaxSchools bounds one corpus.
const MaxSchools = 100_000

// Manifest names, written beside the workbooks.
const (
	ManifestJSON = "manifest.json"
	ManifestCSV  = "manifest.csv"
)

// Who saved a sample workbook.
const (
	SavedByNianbao     = "nianbao"
	SavedByLibreOffice = "LibreOffice"
)

// Options of a corpus.
type Options struct {
	N    int    // number of schools
	Seed uint64 // the same seed gives the same corpus
	Dir  string // output folder (created)
	// Year is the 学年 (YYYY-YYYY) of the corpus: "" is SchoolYear. A year
	// after BaseYear is the next year of the one before, made with the same
	// N, Seed and Inject (see the package's doc).
	Year string
	// Inject is the number of mistakes in the whole corpus. They go to about
	// half of the files (at most one file per mistake), so the other half stay
	// clean; their kinds take turns through Kinds().
	Inject int
	// ViaLibreOffice is how many workbooks are opened and saved again by
	// LibreOffice (spread over the corpus); -1 means one in ten, at most 10,
	// when LibreOffice is installed, and none otherwise.
	ViaLibreOffice int
	Force          bool // overwrite existing files
	Workers        int  // 0: one per CPU
	// Progress, when set, is called after each workbook.
	Progress func(done, total int)
}

// File is one workbook of the corpus.
type File struct {
	File     string    `json:"file"` // name in the output folder
	Name     string    `json:"school_name"`
	Code     string    `json:"school_code"`
	SavedBy  string    `json:"saved_by"`
	Mistakes []Mistake `json:"mistakes"`
	// PriorFile, in a year after BaseYear, is the school's file of the year
	// before that a bureau takes (the corpus holds one file per school and
	// year), and CrossYear every cell where this file's 上学年 differs from
	// that file's 本学年 (none when absent).
	PriorFile string          `json:"prior_file,omitempty"`
	CrossYear []CrossYearDiff `json:"cross_year,omitempty"`
}

// Manifest is the ground truth of a corpus.
type Manifest struct {
	Spec       string `json:"spec"`
	Version    string `json:"version"`
	Seed       uint64 `json:"seed"`
	SchoolYear string `json:"school_year"`
	// PriorYear is the 学年 before SchoolYear, after BaseYear: the year whose
	// 本学年 this corpus's 上学年 copies.
	PriorYear string `json:"prior_year,omitempty"`
	Files     []File `json:"files"`
}

// Mistakes counts the corpus's mistakes.
func (m *Manifest) Mistakes() int {
	n := 0
	for _, f := range m.Files {
		n += len(f.Mistakes)
	}
	return n
}

// CrossYear counts the cells whose 上学年 differs from last year's 本学年,
// and how many of them are slips (CrossYear).
func (m *Manifest) CrossYear() (cells, slips int) {
	for _, f := range m.Files {
		for _, d := range f.CrossYear {
			cells++
			if d.Cause == CrossYear {
				slips++
			}
		}
	}
	return cells, slips
}

// FileName is the workbook name of a school.
func FileName(s *School) string { return s.Code + "_" + s.Name + ".xlsx" }

// Run writes a corpus: opt.N workbooks and the manifests, each file written
// whole or not at all. Existing files are refused unless opt.Force.
func Run(ctx context.Context, p *formula.Program, opt Options) (*Manifest, error) {
	if opt.N < 1 || opt.N > MaxSchools {
		return nil, fmt.Errorf("学校数 %d 不在 1–%d 之间", opt.N, MaxSchools)
	}
	if opt.Inject < 0 {
		return nil, fmt.Errorf("错误数 %d 不能为负", opt.Inject)
	}
	steps := 0
	if opt.Year != "" {
		var err error
		if steps, err = YearSteps(opt.Year); err != nil {
			return nil, err
		}
	}
	lo, err := viaLibreOffice(opt)
	if err != nil {
		return nil, err
	}
	if _, err := Generate(p, opt.Seed, 0); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("无法创建文件夹 %s: %w", opt.Dir, err)
	}
	if !opt.Force {
		if err := refuseExisting(opt); err != nil {
			return nil, err
		}
	}
	viaLO := map[int]bool{}
	for j := 0; j < lo; j++ {
		viaLO[j*opt.N/lo] = true
	}
	var tmp string
	if lo > 0 {
		if tmp, err = os.MkdirTemp(opt.Dir, ".nianbao-sample-"); err != nil {
			return nil, fmt.Errorf("无法在 %s 中创建临时文件夹: %w", opt.Dir, err)
		}
		defer os.RemoveAll(tmp)
	}
	m := &Manifest{Spec: p.Spec.ID, Version: p.Spec.Version, Seed: opt.Seed, SchoolYear: yearText(baseFirst + steps), Files: make([]File, opt.N)}
	if steps > 0 {
		m.PriorYear = yearText(baseFirst + steps - 1)
	}
	deals := dealYears(opt.N, opt.Inject, opt.Seed, steps)
	err = writeAll(ctx, opt, m.Files, func(ctx context.Context, i int) (File, error) {
		cur, prior, err := schoolYears(p, opt.Seed, i, steps, deals)
		if err != nil {
			return File{}, err
		}
		f, err := writeOne(ctx, p, cur, viaLO[i], tmp, opt)
		if err == nil && prior != nil {
			f.PriorFile = FileName(prior.s)
			f.CrossYear, err = crossYearDiffs(p, cur, prior)
		}
		return f, err
	})
	if err != nil {
		return nil, err
	}
	if err := writeManifests(m, opt); err != nil {
		return nil, err
	}
	return m, nil
}

// viaLibreOffice is how many workbooks LibreOffice saves again (see
// Options.ViaLibreOffice).
func viaLibreOffice(opt Options) (int, error) {
	lo := opt.ViaLibreOffice
	_, haveLO := intake.SofficePath()
	switch {
	case lo < 0 && haveLO:
		lo = min(10, max(1, opt.N/10))
	case lo < 0:
		lo = 0
	case lo > 0 && !haveLO:
		return 0, errors.New("本机没有安装 LibreOffice（找不到 soffice），无法让样例经 LibreOffice 另存；去掉 --via-libreoffice 或先安装 LibreOffice")
	}
	return min(lo, opt.N), nil
}

// refuseExisting refuses a corpus any of whose files exists already.
func refuseExisting(opt Options) error {
	names := []string{ManifestJSON, ManifestCSV}
	for i := 0; i < opt.N; i++ {
		names = append(names, FileName(&School{Name: schoolName(i), Code: schoolCode(i)}))
	}
	for _, n := range names {
		if _, err := os.Lstat(filepath.Join(opt.Dir, n)); err == nil {
			return fmt.Errorf("%s: %w（如需覆盖请加 --force）", filepath.Join(opt.Dir, n), outfile.ErrExists)
		}
	}
	return nil
}

// writeAll runs one(i) for every file of the corpus on opt.Workers
// goroutines, puts each result in files[i] and reports progress; the first
// error cancels the rest and is returned.
func writeAll(ctx context.Context, opt Options, files []File, one func(context.Context, int) (File, error)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	jobs := make(chan int)
	var (
		mu       sync.Mutex
		firstErr error
		done     int
		wg       sync.WaitGroup
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				f, err := one(ctx, i)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				files[i] = f
				done++
				if opt.Progress != nil {
					opt.Progress(done, len(files))
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range files {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

// dealMistakes says which kinds of mistake each file gets: mistake k goes to
// the (k mod F)-th of F files drawn from the seed (F is half the corpus, at
// least one, at most one per mistake) and is of kind Kinds()[k mod len(Kinds())].
func dealMistakes(n, total int, seed uint64) [][]string {
	out := make([][]string, n)
	if total == 0 {
		return out
	}
	order := rand.New(rand.NewPCG(seed, 0x6d697374616b65)).Perm(n)
	files := min(total, max(1, n/2))
	for k := 0; k < total; k++ {
		i := order[k%files]
		out[i] = append(out[i], allKinds[k%len(allKinds)])
	}
	return out
}

func writeOne(ctx context.Context, p *formula.Program, y *yearFile, viaLO bool, tmp string, opt Options) (File, error) {
	s := y.s
	f := File{File: FileName(s), Name: s.Name, Code: s.Code, SavedBy: SavedByNianbao, Mistakes: y.mistakes}
	if err := ctx.Err(); err != nil {
		return f, err
	}
	fill := workbook.FillOptions{TemplateOptions: workbook.TemplateOptions{Generator: "nianbao sample"}, Raw: y.raw}
	var buf bytes.Buffer
	if err := workbook.WriteFilled(p, s.Book, &buf, fill); err != nil {
		return f, fmt.Errorf("%s: %w", f.File, err)
	}
	data := buf.Bytes()
	if viaLO {
		saved, err := throughLibreOffice(ctx, data, s, tmp)
		if err != nil {
			return f, fmt.Errorf("%s: LibreOffice 另存失败: %w", f.File, err)
		}
		data, f.SavedBy = saved, SavedByLibreOffice
	}
	err := outfile.Write(filepath.Join(opt.Dir, f.File), opt.Force, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
	return f, err
}

// throughLibreOffice has LibreOffice open the workbook, recalculate it and
// save it as .xlsx, as a school's office suite would.
func throughLibreOffice(ctx context.Context, data []byte, s *School, tmp string) ([]byte, error) {
	dir, err := os.MkdirTemp(tmp, "lo-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, s.Code+".xlsx")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		return nil, err
	}
	outDir := filepath.Join(dir, "out")
	if err := os.Mkdir(outDir, 0o700); err != nil {
		return nil, err
	}
	out, err := intake.Convert(ctx, in, outDir, 2*time.Minute)
	if err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}

func writeManifests(m *Manifest, opt Options) error {
	err := outfile.Write(filepath.Join(opt.Dir, ManifestJSON), opt.Force, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(m)
	})
	if err != nil {
		return err
	}
	return outfile.Write(filepath.Join(opt.Dir, ManifestCSV), opt.Force, func(w io.Writer) error {
		if _, err := io.WriteString(w, "\ufeff"); err != nil { // so that Excel and WPS read it as UTF-8
			return err
		}
		c := csv.NewWriter(w)
		c.UseCRLF = true
		c.Write([]string{"file", "school_code", "school_name", "saved_by", "sheet", "cell", "key", "kind", "expect", "rule", "original", "injected"})
		for _, f := range m.Files {
			for _, x := range f.Mistakes {
				c.Write([]string{f.File, f.Code, f.Name, f.SavedBy, x.Sheet, x.Cell, x.Key, x.Kind, x.Expect, x.Rule, x.Original, x.Injected})
			}
		}
		c.Flush()
		return c.Error()
	})
}
