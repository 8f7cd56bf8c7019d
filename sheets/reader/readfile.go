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

// ReadFile reads a returned workbook from disk: intake.Load turns it into
// .xlsx bytes (or says why it cannot), then ReadBytes reads the report. The
// file itself is only ever read.
func ReadFile(ctx context.Context, p *formula.Program, path string, opt FileOptions) (*report.Report, error) {
	data, converted, err := intake.Load(ctx, path, opt.Options)
	if err != nil {
		return nil, err
	}
	r, err := ReadBytes(p, path, data, opt.ReadOptions)
	if err != nil {
		return nil, err
	}
	if converted != "" {
		r.Notes = append([]report.Note{{Kind: "converted", Msg: fmt.Sprintf("%s 文件已由 LibreOffice 转换为 .xlsx 后读取（原文件未改动）", converted)}}, r.Notes...)
	}
	return r, nil
}
