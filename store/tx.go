package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
)

// Tx is a transaction of the store for a program that keeps tables of its
// own in the same database (nianbao serve): its own rows and the store's
// are written in one transaction, committed together or not at all.
type Tx struct {
	s      *Store
	tx     *sql.Tx
	labels []*labelsTx
}

// Begin starts a transaction.
func (s *Store) Begin(ctx context.Context) (*Tx, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &Tx{s: s, tx: tx}, nil
}

// SQL is the transaction, for the caller's own statements (written with ?
// placeholders and Store.Rebind).
func (t *Tx) SQL() *sql.Tx { return t.tx }

// Commit commits the transaction.
func (t *Tx) Commit() error {
	if err := t.tx.Commit(); err != nil {
		return err
	}
	for _, l := range t.labels {
		l.commit()
	}
	return nil
}

// Rollback abandons the transaction (nothing once it is committed).
func (t *Tx) Rollback() error { return t.tx.Rollback() }

// PutWorkbook stores a workbook and sets its ID, replacing the one of the
// same spec fingerprint and content key (Hash) with its values and
// findings: for a workbook whose findings change after it was stored (a
// web upload whose school writes a 说明), keyed by its caller.
func (t *Tx) PutWorkbook(ctx context.Context, w *Workbook) error {
	labels, err := t.s.insertRows(ctx, t.tx, []*Workbook{w}, true)
	if err != nil {
		return err
	}
	t.labels = append(t.labels, labels)
	return nil
}

// Receive records that a file was received for a year's consolidation, as
// the workbook workbookID, and returns the submission's ID; a name received
// before now points to this workbook, undecided.
func (t *Tx) Receive(ctx context.Context, year, file string, workbookID int64) (int64, error) {
	var id int64
	err := t.tx.QueryRowContext(ctx, t.s.q(`INSERT INTO submissions (year, file, workbook_id, received_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (year, file) DO UPDATE SET workbook_id = excluded.workbook_id, received_at = excluded.received_at, decision = '', why = ''
		RETURNING id`), year, file, workbookID, now()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("记录 %s 失败: %w", file, err)
	}
	return id, nil
}

// Point makes a submission stand for another workbook (its file read
// again).
func (t *Tx) Point(ctx context.Context, submission, workbookID int64) error {
	_, err := t.tx.ExecContext(ctx, t.s.q(`UPDATE submissions SET workbook_id = ? WHERE id = ?`), workbookID, submission)
	return err
}

// DecideSchool records the decisions of submissions of one school's year
// (by submission ID: decision and why). When one of them is accepted, any
// other submission accepted for the school that year becomes a duplicate
// of it (why: dupWhy), so that the year has one accepted submission per
// school.
func (t *Tx) DecideSchool(ctx context.Context, code, year string, decisions map[int64][2]string, dupWhy string) error {
	var accepted int64
	for id, d := range decisions {
		if d[0] == DecisionAccepted {
			accepted = id
		}
	}
	if accepted != 0 {
		if _, err := t.tx.ExecContext(ctx, t.s.q(`UPDATE submissions SET decision = ?, why = ?
			WHERE year = ? AND decision = ? AND id <> ? AND workbook_id IN (SELECT id FROM workbooks WHERE school_code = ?)`),
			DecisionDuplicate, dupWhy, year, DecisionAccepted, accepted, code); err != nil {
			return err
		}
	}
	return decide(ctx, t.s, t.tx, decisions)
}

// decide records decisions in a transaction, in ID order.
func decide(ctx context.Context, s *Store, tx *sql.Tx, decisions map[int64][2]string) error {
	ids := make([]int64, 0, len(decisions))
	for id := range decisions {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	st, err := tx.PrepareContext(ctx, s.q(`UPDATE submissions SET decision = ?, why = ? WHERE id = ?`))
	if err != nil {
		return err
	}
	defer st.Close()
	for _, id := range ids {
		d := decisions[id]
		if _, err := st.ExecContext(ctx, d[0], d[1], id); err != nil {
			return err
		}
	}
	return nil
}
