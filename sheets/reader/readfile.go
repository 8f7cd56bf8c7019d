package reader

import (
	"context"
	"fmt"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/report"
	"github.com/nianbao/nianbao/sheets/intake"
)

// FileOptions adjusts reading a file from disk.
type FileOptions struct {
	ReadOptions
	intake.Options
}

// ReadFile reads a returned workbook from disk with a Reader made for this
// one call; to read many files, make one Reader with New.
func ReadFile(ctx context.Context, p *formula.Program, path string, opt FileOptions) (*report.Report, error) {
	r, _, err := New(p).ReadFile(ctx, path, opt)
	return r, err
}

// ReadFile reads a returned workbook from disk: intake.Load turns it into
// .xlsx bytes (or says why it cannot), then ReadBytes reads the report
// (from the zip directory intake read, when it read one). It
// returns the .xlsx bytes too (to write an annotated copy from). The file
// itself is only ever read.
func (rd *Reader) ReadFile(ctx context.Context, path string, opt FileOptions) (*report.Report, []byte, error) {
	data, zr, converted, err := intake.LoadZip(ctx, path, opt.Options)
	if err != nil {
		return nil, nil, err
	}
	r, err := rd.read(path, data, zr, opt.ReadOptions)
	if err != nil {
		return nil, nil, err
	}
	if converted != "" {
		r.Notes = append([]report.Note{{Kind: "converted", Msg: fmt.Sprintf("%s 文件已由 LibreOffice 转换为 .xlsx 后读取（原文件未改动）", converted)}}, r.Notes...)
	}
	return r, data, nil
}
