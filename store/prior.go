package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/nianbao/nianbao/report"
	"github.com/shopspring/decimal"
)

// Prior is what a school reported as 本学年 in the school year before
// year, from its accepted submission of that year: nil when there is none.
func (s *Store) Prior(ctx context.Context, specID, code, year string) (*report.PriorYear, error) {
	prev, ok := report.PreviousYear(year)
	if !ok || code == "" {
		return nil, nil
	}
	var id int64
	p := &report.PriorYear{Year: prev, Values: map[report.Addr]report.Value{}}
	err := s.db.QueryRowContext(ctx, s.q(`SELECT w.id, s.file FROM submissions s JOIN workbooks w ON w.id = s.workbook_id
		WHERE s.year = ? AND w.school_code = ? AND w.spec_id = ? AND s.decision = 'accepted' ORDER BY s.id DESC LIMIT 1`),
		prev, code, specID).Scan(&id, &p.File)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT sheet_key, field_key, value, cell, num IS NOT NULL FROM cell_values
		WHERE workbook_id = ? AND col_key = 'cur' AND row_index = -1 AND input = 1`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var sheet, field, text, cell string
		var number bool
		if err := rows.Scan(&sheet, &field, &text, &cell, &number); err != nil {
			return nil, err
		}
		v := report.Str(text)
		if number {
			d, err := decimal.NewFromString(text)
			if err != nil {
				return nil, fmt.Errorf("库中 %s 的 %s.%s 不是数: %q", p.File, sheet, field, text)
			}
			v = report.Num(d)
		}
		if c, ok := report.ParseCell(cell); ok {
			v.Cell = c
		}
		p.Values[report.ColAddr(sheet, field, "cur")] = v
	}
	return p, rows.Err()
}
