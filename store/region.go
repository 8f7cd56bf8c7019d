package store

import (
	"context"
	"sort"
)

// RegionYear is the region's figures of one school year, as 汇总 showed
// them at the year's last consolidation: value texts by address
// (students.enrolled.cur).
type RegionYear struct {
	Year    string
	Schools int
	Values  map[string]string
	Numbers map[string]bool // which of Values are numbers
}

// SetRegion replaces a year's region figures.
func (s *Store) SetRegion(ctx context.Context, specID string, r RegionYear) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// the year's row first: it locks the year until commit, so two runs
	// at once replace its figures one after the other
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO region_years (spec_id, year, schools, made_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (spec_id, year) DO UPDATE SET schools = excluded.schools, made_at = excluded.made_at`), specID, r.Year, r.Schools, now()); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM region_values WHERE spec_id = ? AND year = ?`), specID, r.Year); err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, s.q(`INSERT INTO region_values (spec_id, year, addr, value, num) VALUES (?, ?, ?, ?, ?)`))
	if err != nil {
		return err
	}
	addrs := make([]string, 0, len(r.Values))
	for a := range r.Values {
		addrs = append(addrs, a)
	}
	sort.Strings(addrs)
	for _, a := range addrs {
		var num any
		if r.Numbers[a] {
			num = r.Values[a]
		}
		if _, err := st.ExecContext(ctx, specID, r.Year, a, r.Values[a], num); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Region is every stored year's region figures of a spec, oldest first.
func (s *Store) Region(ctx context.Context, specID string) ([]RegionYear, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT y.year, y.schools, v.addr, v.value, v.num IS NOT NULL
		FROM region_years y LEFT JOIN region_values v ON v.spec_id = y.spec_id AND v.year = y.year
		WHERE y.spec_id = ? ORDER BY y.year, v.addr`), specID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RegionYear
	for rows.Next() {
		var year string
		var schools int
		var addr, value *string
		var number *bool
		if err := rows.Scan(&year, &schools, &addr, &value, &number); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Year != year {
			out = append(out, RegionYear{Year: year, Schools: schools, Values: map[string]string{}, Numbers: map[string]bool{}})
		}
		if addr != nil {
			y := &out[len(out)-1]
			y.Values[*addr] = *value
			y.Numbers[*addr] = number != nil && *number
		}
	}
	return out, rows.Err()
}
