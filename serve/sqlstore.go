package serve

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nianbao/nianbao/store"
	"github.com/nianbao/nianbao/validate"
)

// SQLStore is the Store in the database of package store (SQLite or
// PostgreSQL), in the tables serve_… of its migration 00002_serve.
type SQLStore struct {
	db      *sql.DB
	backend string
	st      *store.Store
	sweepMu sync.Mutex
	swept   time.Time // when old rate-limit rows were last removed
}

// NewSQLStore keeps the server's data in an open store.
func NewSQLStore(st *store.Store) *SQLStore {
	return &SQLStore{db: st.DB(), backend: st.Backend(), st: st}
}

// q turns the ? placeholders of a query into PostgreSQL's $1, $2 … there.
func (s *SQLStore) q(query string) string { return s.st.Rebind(query) }

func (s *SQLStore) exec(ctx context.Context, query string, args ...any) error {
	_, err := s.db.ExecContext(ctx, s.q(query), args...)
	return err
}

// PutSchools implements Store.
func (s *SQLStore) PutSchools(ctx context.Context, list []School) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, sc := range list {
		fields, err := json.Marshal(sc.Fields)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO serve_schools (code, name, year, fields) VALUES (?, ?, ?, ?)
			ON CONFLICT (code) DO UPDATE SET name = excluded.name, year = excluded.year, fields = excluded.fields`),
			sc.Code, sc.Name, sc.Year, string(fields)); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Schools implements Store.
func (s *SQLStore) Schools(ctx context.Context) ([]School, error) {
	return s.schools(ctx, `SELECT code, name, year, fields FROM serve_schools ORDER BY code`)
}

// School implements Store.
func (s *SQLStore) School(ctx context.Context, code string) (School, bool, error) {
	list, err := s.schools(ctx, `SELECT code, name, year, fields FROM serve_schools WHERE code = ?`, code)
	if err != nil || len(list) == 0 {
		return School{}, false, err
	}
	return list[0], true, nil
}

func (s *SQLStore) schools(ctx context.Context, query string, args ...any) ([]School, error) {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []School
	for rows.Next() {
		var sc School
		var fields string
		if err := rows.Scan(&sc.Code, &sc.Name, &sc.Year, &fields); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(fields), &sc.Fields); err != nil {
			return nil, err
		}
		out = append(out, sc)
	}
	return out, rows.Err()
}

// SetToken implements Store.
func (s *SQLStore) SetToken(ctx context.Context, code, token string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().Unix()
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE serve_tokens SET revoked = ? WHERE school = ? AND revoked IS NULL`), now, code); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO serve_tokens (school, token, lookup, created) VALUES (?, ?, ?, ?)`),
		code, token, tokenLookup(token), now); err != nil {
		return err
	}
	return tx.Commit()
}

// RevokeToken implements Store.
func (s *SQLStore) RevokeToken(ctx context.Context, code string) error {
	return s.exec(ctx, `UPDATE serve_tokens SET revoked = ? WHERE school = ? AND revoked IS NULL`, time.Now().Unix(), code)
}

// TokenSchool implements Store.
func (s *SQLStore) TokenSchool(ctx context.Context, lookup string) (string, string, bool, error) {
	var code, token string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT school, token FROM serve_tokens WHERE lookup = ? AND revoked IS NULL`), lookup).Scan(&code, &token)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	return code, token, err == nil, err
}

// Tokens implements Store.
func (s *SQLStore) Tokens(ctx context.Context) (map[string]string, error) {
	return byCode[string](ctx, s.db, `SELECT school, token FROM serve_tokens WHERE revoked IS NULL`)
}

// byCode is the rows of a query of (school code, value), by code.
func byCode[V any](ctx context.Context, db *sql.DB, query string) (map[string]V, error) {
	rows, err := db.QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]V{}
	for rows.Next() {
		var code string
		var v V
		if err := rows.Scan(&code, &v); err != nil {
			return nil, err
		}
		out[code] = v
	}
	return out, rows.Err()
}

// Setting implements Store.
func (s *SQLStore) Setting(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT value FROM serve_settings WHERE name = ?`), name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

// SetSetting implements Store.
func (s *SQLStore) SetSetting(ctx context.Context, name, value string) error {
	return s.exec(ctx, `INSERT INTO serve_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
}

// AddSetupCode implements Store.
func (s *SQLStore) AddSetupCode(ctx context.Context, lookup string) error {
	return s.exec(ctx, `INSERT INTO serve_setup_codes (lookup, created) VALUES (?, ?) ON CONFLICT (lookup) DO NOTHING`, lookup, time.Now().Unix())
}

// SetupCodeValid implements Store.
func (s *SQLStore) SetupCodeValid(ctx context.Context, lookup string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM serve_setup_codes WHERE lookup = ?`), lookup).Scan(&n)
	return n > 0, err
}

// SetFirstPassword implements Store.
func (s *SQLStore) SetFirstPassword(ctx context.Context, lookup, hash string) (bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	// set only where no password is: the settings row is where two
	// processes at once take turns (the second waits, then finds it set)
	res, err := tx.ExecContext(ctx, s.q(`INSERT INTO serve_settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value WHERE serve_settings.value = ''`), settingPassword, hash)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	res, err = tx.ExecContext(ctx, s.q(`DELETE FROM serve_setup_codes WHERE lookup = ?`), lookup)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err // not a kept code: nothing is set
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM serve_setup_codes`); err != nil {
		return false, err
	}
	return true, tx.Commit()
}

// limitsSweep is how often old rate-limit rows are removed.
const limitsSweep = time.Minute

// Allow implements Store: a token bucket in one statement (an upsert
// that updates only when a token is left), so that processes at once
// take turns on the row.
func (s *SQLStore) Allow(ctx context.Context, name string, perSecond float64, burst int, now time.Time) (bool, error) {
	at := float64(now.UnixNano()) / 1e9
	s.sweepMu.Lock()
	sweep := now.Sub(s.swept) > limitsSweep
	if sweep {
		s.swept = now
	}
	s.sweepMu.Unlock()
	if sweep {
		if err := s.exec(ctx, `DELETE FROM serve_limits WHERE seen < ?`, at-600); err != nil {
			return false, err
		}
	}
	b := float64(burst)
	left := `(CASE WHEN serve_limits.tokens + (excluded.seen - serve_limits.seen) * ? > ? THEN ?
		ELSE serve_limits.tokens + (excluded.seen - serve_limits.seen) * ? END)`
	var tokens float64
	err := s.db.QueryRowContext(ctx, s.q(`INSERT INTO serve_limits (name, tokens, seen) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET tokens = `+left+` - 1, seen = excluded.seen
		WHERE `+left+` >= 1 RETURNING tokens`),
		name, b-1, at, perSecond, b, b, perSecond, perSecond, b, b, perSecond).Scan(&tokens)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// AddSession implements Store.
func (s *SQLStore) AddSession(ctx context.Context, lookup string, expires time.Time) error {
	if err := s.exec(ctx, `DELETE FROM serve_sessions WHERE expires < ?`, time.Now().Unix()); err != nil {
		return err
	}
	return s.exec(ctx, `INSERT INTO serve_sessions (lookup, expires) VALUES (?, ?)`, lookup, expires.Unix())
}

// SessionValid implements Store.
func (s *SQLStore) SessionValid(ctx context.Context, lookup string, now time.Time) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT COUNT(*) FROM serve_sessions WHERE lookup = ? AND expires > ?`), lookup, now.Unix()).Scan(&n)
	return n > 0, err
}

// DeleteSession implements Store.
func (s *SQLStore) DeleteSession(ctx context.Context, lookup string) error {
	return s.exec(ctx, `DELETE FROM serve_sessions WHERE lookup = ?`, lookup)
}

// DeleteSessions implements Store.
func (s *SQLStore) DeleteSessions(ctx context.Context) error {
	return s.exec(ctx, `DELETE FROM serve_sessions`)
}

// AddSubmission implements Store.
func (s *SQLStore) AddSubmission(ctx context.Context, sub *Submission, data []byte) error {
	return s.changeUpload(ctx, sub, func(tx *sql.Tx, findings string) error {
		c := sub.Counts
		return tx.QueryRowContext(ctx, s.q(`INSERT INTO serve_submissions
		(school, file_name, ext, size, hash, created, year, status, errors, warnings, explained, infos, error, person, phone, findings, data)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			sub.School, sub.FileName, sub.Ext, sub.Size, sub.Hash, sub.Created.Unix(), sub.Year, sub.Status,
			c.Errors, c.Warnings, c.Explained, c.Infos, sub.Error, sub.Person, sub.Phone, findings, data).Scan(&sub.ID)
	})
}

// UpdateFindings implements Store.
func (s *SQLStore) UpdateFindings(ctx context.Context, sub *Submission) error {
	return s.changeUpload(ctx, sub, func(tx *sql.Tx, findings string) error {
		c := sub.Counts
		_, err := tx.ExecContext(ctx, s.q(`UPDATE serve_submissions SET status = ?, errors = ?, warnings = ?, explained = ?, infos = ?, findings = ? WHERE id = ?`),
			sub.Status, c.Errors, c.Warnings, c.Explained, c.Infos, findings, sub.ID)
		return err
	})
}

// changeUpload writes an upload's row (change, given its findings as
// JSON) and its workbook in the store in one transaction that holds its
// school (lockSchool).
func (s *SQLStore) changeUpload(ctx context.Context, sub *Submission, change func(tx *sql.Tx, findings string) error) error {
	findings, err := json.Marshal(sub.Findings)
	if err != nil {
		return err
	}
	t, err := s.st.Begin(ctx)
	if err != nil {
		return err
	}
	defer t.Rollback()
	tx := t.SQL()
	if err := s.lockSchool(ctx, tx, sub.School); err != nil {
		return err
	}
	if err := change(tx, string(findings)); err != nil {
		return err
	}
	if err := s.toStore(ctx, t, sub); err != nil {
		return err
	}
	return t.Commit()
}

// lockSchool makes the transactions that change a school's uploads take
// turns (on PostgreSQL; a SQLite write transaction holds the database),
// so that two uploads at once cannot both be accepted.
func (s *SQLStore) lockSchool(ctx context.Context, tx *sql.Tx, code string) error {
	if s.backend != store.Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT code FROM serve_schools WHERE code = $1 FOR UPDATE`, code)
	return err
}

// webFile is an upload's file name in the store.
func webFile(code string, id int64, ext string) string {
	return fmt.Sprintf("网上填报/%s_%d%s", code, id, ext)
}

// toStore writes an upload's workbook (sub.Stored) into the store: as a
// new submission of its year, the school's uploads of that year decided
// again; or, for one there already, its workbook replaced (a 说明 changed
// its findings).
func (s *SQLStore) toStore(ctx context.Context, t *store.Tx, sub *Submission) error {
	if sub.Stored == nil || sub.Collected == "" {
		return nil
	}
	w := sub.Stored
	w.Hash = fmt.Sprintf("serve:%d:%s", sub.ID, sub.Hash)
	if err := t.PutWorkbook(ctx, w); err != nil {
		return err
	}
	tx := t.SQL()
	var linked sql.NullInt64
	if err := tx.QueryRowContext(ctx, s.q(`SELECT store_submission FROM serve_submissions WHERE id = ?`), sub.ID).Scan(&linked); err != nil {
		return err
	}
	if linked.Valid {
		return t.Point(ctx, linked.Int64, w.ID)
	}
	id, err := t.Receive(ctx, sub.Collected, webFile(sub.School, sub.ID, sub.Ext), w.ID)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE serve_submissions SET store_submission = ? WHERE id = ?`), id, sub.ID); err != nil {
		return err
	}
	return s.decide(ctx, t, sub.School, sub.Collected)
}

// decide records in the store which of a school's uploads of a year is
// accepted — the one serve uses (pickUsed: the locked one, else the newest
// readable one of the year) — and why each other one is superseded.
func (s *SQLStore) decide(ctx context.Context, t *store.Tx, code, year string) error {
	tx := t.SQL()
	rows, err := tx.QueryContext(ctx, s.q(`SELECT ss.id, ss.ext, ss.status, ss.year, ss.error, ss.store_submission
		FROM serve_submissions ss JOIN submissions s ON s.id = ss.store_submission
		WHERE ss.school = ? AND s.year = ? ORDER BY ss.id DESC`), code, year)
	if err != nil {
		return err
	}
	var subs []*Submission
	inStore := map[int64]int64{}
	for rows.Next() {
		sub := &Submission{School: code}
		var id int64
		if err := rows.Scan(&sub.ID, &sub.Ext, &sub.Status, &sub.Year, &sub.Error, &id); err != nil {
			rows.Close()
			return err
		}
		subs = append(subs, sub)
		inStore[sub.ID] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	locked, err := s.lockOf(ctx, tx, code)
	if err != nil {
		return err
	}
	if _, ok := inStore[locked]; !ok {
		locked = 0 // a lock on an upload of another year
	}
	used := pickUsed(subs, locked, year)
	usedFile := ""
	if used != nil {
		usedFile = webFile(code, used.ID, used.Ext)
	}
	d := map[int64][2]string{}
	for _, sub := range subs {
		var why string
		switch {
		case sub == used:
			d[inStore[sub.ID]] = [2]string{store.DecisionAccepted, ""}
			continue
		case sub.Status == validate.StatusUnreadable:
			why = "无法读取，未采用：" + sub.Error
		case sub.Year != year:
			why = fmt.Sprintf("学年 %s 与收集的学年 %s 不符，未采用", sub.Year, year)
		case locked != 0:
			why = "教育局锁定采用的是网上提交 " + usedFile
		default:
			why = "同一学校之后的网上提交 " + usedFile + " 已采用"
		}
		d[inStore[sub.ID]] = [2]string{store.DecisionSuperseded, why}
	}
	return t.DecideSchool(ctx, code, year, d, "同一学校的网上提交 "+usedFile+" 已采用")
}

// lockOf is the upload a school is locked on (0: none).
func (s *SQLStore) lockOf(ctx context.Context, tx *sql.Tx, code string) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, s.q(`SELECT submission FROM serve_locks WHERE school = ?`), code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// storeYear is the 学年 an upload is filed under in the store ("" when it
// is not there).
func (s *SQLStore) storeYear(ctx context.Context, tx *sql.Tx, id int64) (string, error) {
	var year string
	err := tx.QueryRowContext(ctx, s.q(`SELECT s.year FROM serve_submissions ss JOIN submissions s ON s.id = ss.store_submission WHERE ss.id = ?`), id).Scan(&year)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return year, err
}

const submissionCols = `id, school, file_name, ext, size, hash, created, year, status, errors, warnings, explained, infos, error, person, phone`

func scanSubmission(sc interface{ Scan(...any) error }, more ...any) (*Submission, error) {
	var sub Submission
	var created int64
	c := &sub.Counts
	dest := append([]any{&sub.ID, &sub.School, &sub.FileName, &sub.Ext, &sub.Size, &sub.Hash, &created, &sub.Year, &sub.Status,
		&c.Errors, &c.Warnings, &c.Explained, &c.Infos, &sub.Error, &sub.Person, &sub.Phone}, more...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	sub.Created = time.Unix(created, 0)
	return &sub, nil
}

// Submissions implements Store.
func (s *SQLStore) Submissions(ctx context.Context, code string) ([]*Submission, error) {
	query, args := `SELECT `+submissionCols+` FROM serve_submissions ORDER BY id DESC`, []any(nil)
	if code != "" {
		query, args = `SELECT `+submissionCols+` FROM serve_submissions WHERE school = ? ORDER BY id DESC`, []any{code}
	}
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Submission
	for rows.Next() {
		sub, err := scanSubmission(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sub)
	}
	return out, rows.Err()
}

// Unstored implements Store.
func (s *SQLStore) Unstored(ctx context.Context) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM serve_submissions WHERE store_submission IS NULL ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Submission implements Store.
func (s *SQLStore) Submission(ctx context.Context, id int64) (*Submission, error) {
	var findings string
	sub, err := scanSubmission(s.db.QueryRowContext(ctx, s.q(`SELECT `+submissionCols+`, findings FROM serve_submissions WHERE id = ?`), id), &findings)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	sub.Findings = []Finding{}
	if err := json.Unmarshal([]byte(findings), &sub.Findings); err != nil {
		return nil, err
	}
	return sub, nil
}

// Data implements Store.
func (s *SQLStore) Data(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, s.q(`SELECT data FROM serve_submissions WHERE id = ?`), id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return data, err
}

// Explain implements Store.
func (s *SQLStore) Explain(ctx context.Context, code string, e Explanation) error {
	if strings.TrimSpace(e.Text) == "" {
		return s.exec(ctx, `DELETE FROM serve_explanations WHERE school = ? AND rule = ? AND sheet = ? AND cell = ?`, code, e.Rule, e.Sheet, e.Cell)
	}
	return s.exec(ctx, `INSERT INTO serve_explanations (school, rule, sheet, cell, text) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (school, rule, sheet, cell) DO UPDATE SET text = excluded.text`, code, e.Rule, e.Sheet, e.Cell, e.Text)
}

// Explanations implements Store.
func (s *SQLStore) Explanations(ctx context.Context, code string) ([]Explanation, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT rule, sheet, cell, text FROM serve_explanations WHERE school = ? ORDER BY sheet, cell, rule`), code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Explanation
	for rows.Next() {
		var e Explanation
		if err := rows.Scan(&e.Rule, &e.Sheet, &e.Cell, &e.Text); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Lock implements Store.
func (s *SQLStore) Lock(ctx context.Context, code string, id int64) error {
	return s.relock(ctx, code, id)
}

// Unlock implements Store.
func (s *SQLStore) Unlock(ctx context.Context, code string) error {
	return s.relock(ctx, code, 0)
}

// relock locks a school on an upload (0: unlocks it) and decides again the
// store's accepted upload of the years of the old lock and the new.
func (s *SQLStore) relock(ctx context.Context, code string, id int64) error {
	t, err := s.st.Begin(ctx)
	if err != nil {
		return err
	}
	defer t.Rollback()
	tx := t.SQL()
	if err := s.lockSchool(ctx, tx, code); err != nil {
		return err
	}
	old, err := s.lockOf(ctx, tx, code)
	if err != nil {
		return err
	}
	if id == 0 {
		_, err = tx.ExecContext(ctx, s.q(`DELETE FROM serve_locks WHERE school = ?`), code)
	} else {
		_, err = tx.ExecContext(ctx, s.q(`INSERT INTO serve_locks (school, submission) VALUES (?, ?) ON CONFLICT (school) DO UPDATE SET submission = excluded.submission`), code, id)
	}
	if err != nil {
		return err
	}
	years := map[string]bool{}
	for _, sub := range []int64{old, id} {
		if sub == 0 {
			continue
		}
		year, err := s.storeYear(ctx, tx, sub)
		if err != nil {
			return err
		}
		if year != "" && !years[year] {
			years[year] = true
			if err := s.decide(ctx, t, code, year); err != nil {
				return err
			}
		}
	}
	return t.Commit()
}

// Locks implements Store.
func (s *SQLStore) Locks(ctx context.Context) (map[string]int64, error) {
	return byCode[int64](ctx, s.db, `SELECT school, submission FROM serve_locks`)
}
