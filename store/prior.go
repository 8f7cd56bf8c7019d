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
// year, from its accepted submission of that year, and that workbook's ID:
// nil and 0 when there is none.
func (s *Store) Prior(ctx context.Context, specID, code, year string) (*report.PriorYear, int64, error) {
	prev, ok := report.PreviousYear(year)
	if !ok || code == "" {
		return nil, 0, nil
	}
	var id int64
	p := &report.PriorYear{Year: prev, Values: map[report.Addr]report.Value{}}
	err := s.db.QueryRowContext(ctx, s.q(`SELECT w.id, s.file FROM submissions s JOIN workbooks w ON w.id = s.workbook_id
		WHERE s.year = ? AND w.school_code = ? AND w.spec_id = ? AND s.decision = 'accepted' ORDER BY w.id DESC LIMIT 1`),
		prev, code, specID).Scan(&id, &p.File)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT l.sheet_key, l.field_key, v.value, v.cell, v.num IS NOT NULL
		FROM cell_values v JOIN value_labels l ON l.id = v.label_id
		WHERE v.workbook_id = ? AND l.col_key = 'cur' AND v.row_index = -1 AND v.input = 1`), id)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	for rows.Next() {
		var sheet, field, text, cell string
		var number bool
		if err := rows.Scan(&sheet, &field, &text, &cell, &number); err != nil {
			return nil, 0, err
		}
		v := report.Str(text)
		if number {
			d, err := decimal.NewFromString(text)
			if err != nil {
				return nil, 0, fmt.Errorf("库中 %s 的 %s.%s 不是数: %q", p.File, sheet, field, text)
			}
			v = report.Num(d)
		}
		if c, ok := report.ParseCell(cell); ok {
			v.Cell = c
		}
		p.Values[report.ColAddr(sheet, field, "cur")] = v
	}
	return p, id, rows.Err()
}

// Accepted are the workbooks used in each year's consolidation, by school
// code and 学年: a run compares them with the PriorID of the workbooks it
// knows, and reads again a file whose check used another year's workbook.
func (s *Store) Accepted(ctx context.Context, specID string) (map[[2]string]int64, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT w.school_code, s.year, MAX(w.id) FROM submissions s JOIN workbooks w ON w.id = s.workbook_id
		WHERE s.decision = 'accepted' AND w.spec_id = ? GROUP BY w.school_code, s.year`), specID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[[2]string]int64{}
	for rows.Next() {
		var code, year string
		var id int64
		if err := rows.Scan(&code, &year, &id); err != nil {
			return nil, err
		}
		out[[2]string{code, year}] = id
	}
	return out, rows.Err()
}
