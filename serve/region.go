package serve

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"

	"github.com/nianbao/nianbao/consolidate"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/schools"
	"github.com/nianbao/nianbao/validate"
)

// region sends 汇总.xlsx: consolidate over the submission used for each
// school (with its 说明), the schools without one listed as 未提交.
func (s *Server) region(w http.ResponseWriter, r *http.Request) {
	dir, err := os.MkdirTemp("", "serve-region-")
	if err != nil {
		s.internal(w, r, err)
		return
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "汇总.xlsx")
	if err := s.Consolidate(r.Context(), out); err != nil {
		s.internal(w, r, err)
		return
	}
	data, err := os.ReadFile(out)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	attachment(w, "汇总.xlsx", xlsxType, data)
}

// regionFiles sends the same tables as CSV or JSON files (one per table, as
// consolidate --format writes them) in a .zip.
func (s *Server) regionFiles(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		dir, err := os.MkdirTemp("", "serve-region-")
		if err != nil {
			s.internal(w, r, err)
			return
		}
		defer os.RemoveAll(dir)
		out := filepath.Join(dir, "汇总")
		sink, err := consolidate.NewFiles(out, format, true)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		if _, err := s.consolidateInto(r.Context(), sink); err != nil {
			s.internal(w, r, err)
			return
		}
		var b bytes.Buffer
		if err := zipFolder(&b, out, "汇总_"+format); err != nil {
			s.internal(w, r, err)
			return
		}
		attachment(w, "汇总_"+format+".zip", "application/zip", b.Bytes())
	}
}

// zipFolder writes the files of a folder into a .zip, under prefix/.
func zipFolder(w io.Writer, dir, prefix string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(w)
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		f, err := zw.Create(prefix + "/" + e.Name())
		if err != nil {
			return err
		}
		if _, err := f.Write(data); err != nil {
			return err
		}
	}
	return zw.Close()
}

// Consolidate writes 汇总.xlsx to out from the submissions used.
func (s *Server) Consolidate(ctx context.Context, out string) error {
	sink, err := consolidate.NewWorkbook(out, s.cfg.Program.Spec.Title+" · 汇总", true)
	if err != nil {
		return err
	}
	_, err = s.consolidateInto(ctx, sink)
	return err
}

// consolidateInto consolidates the submissions used into a sink; the files
// are written into a temporary folder made for the run.
func (s *Server) consolidateInto(ctx context.Context, sink consolidate.Sink) (*consolidate.Summary, error) {
	ran := false // consolidate.Run aborts the sink itself
	defer func() {
		if !ran {
			sink.Abort()
		}
	}()
	list, bySchool, locks, err := s.everySchool(ctx)
	if err != nil {
		return nil, err
	}
	in, err := os.MkdirTemp("", "serve-in-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(in)
	// named as the store names them: 网上填报/<code>_<id><ext>
	if err := os.Mkdir(filepath.Join(in, filepath.Dir(webFile("", 0, ""))), 0o700); err != nil {
		return nil, err
	}
	var files []string
	school := map[string]string{} // file → school code
	expected := make([]schools.School, 0, len(list))
	for i, sc := range list {
		expected = append(expected, schools.School{Line: i + 2, Name: sc.Name, Code: sc.Code, Year: sc.Year, Fields: sc.Fields})
		used := s.used(bySchool[sc.Code], locks[sc.Code])
		if used == nil {
			continue
		}
		data, err := s.cfg.Store.Data(ctx, used.ID)
		if err != nil {
			return nil, err
		}
		f := filepath.Join(in, filepath.FromSlash(webFile(sc.Code, used.ID, used.Ext)))
		if err := os.WriteFile(f, data, 0o600); err != nil {
			return nil, err
		}
		files = append(files, f)
		school[f] = sc.Code
	}
	pipe := &validate.Pipeline{Program: s.cfg.Program, Lang: "zh", Annotate: s.cfg.Annotate,
		Read: func(ctx context.Context, path string) (*report.Report, []byte, error) {
			r, data, err := s.cfg.Read(ctx, path)
			if err != nil {
				return nil, nil, err
			}
			expl, err := s.cfg.Store.Explanations(ctx, school[path])
			if err != nil {
				return nil, nil, err
			}
			addExplanations(r, expl)
			return r, data, nil
		},
		Prior: func(ctx context.Context, r *report.Report) (*report.PriorYear, error) {
			return s.prior(ctx, roleValue(s, r, "school_code"), roleValue(s, r, "school_year"))
		}}
	// one consolidation at a time takes the whole pool: it reads every file
	s.regionMu.Lock()
	defer s.regionMu.Unlock()
	held := 0
	defer func() {
		for range held {
			<-s.pool
		}
	}()
	for range cap(s.pool) {
		select {
		case s.pool <- struct{}{}:
			held++
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	ran = true
	return consolidate.Run(ctx, s.cfg.Program, files, consolidate.Options{Pipeline: pipe, Expected: expected, Year: s.cfg.Year, Workers: cap(s.pool), Roots: []string{in}}, sink)
}
