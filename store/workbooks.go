package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/nianbao/nianbao/validate"
)

// Workbook is what was read from one file's content with one spec: the
// school, the checks' outcome, every value and finding, and the record its
// reader (consolidate) needs to use it again without the file.
type Workbook struct {
	ID                         int64
	Fingerprint, SpecID, Spec  string // Spec: the spec's version
	Hash                       string // SHA-256 of the bytes, hex
	Size                       int64
	Code, Name, Year, FillDate string
	Person, Phone, Email       string
	Version                    string // the template version the file says
	Status, Error              string
	Counts                     validate.Counts
	ListRows                   map[string]int // data rows per list sheet
	// PriorID is the workbook of the school's previous year whose 本学年
	// the cross-year check compared with (0: none).
	PriorID      int64
	RecordFormat int
	Record       []byte
	Values       []Value
	Findings     []validate.Finding
	ReadAt       string
}

// Value is one value of a workbook as 学校数据 shows it.
type Value struct {
	Sheet, Field, Col string // keys; Col prev, cur, pct, total or ""
	Row               int    // a list's data row, -1 otherwise
	Addr              string // students.enrolled.cur, majors[0].name
	SheetName, Item   string // 表, 指标
	Column, Unit      string // 列, 单位
	Cell              string // 学生情况!D5
	Text              string // the exact value
	Number            bool   // Text is a decimal number
	Places            int    // the field's decimal places
	Input             bool   // typed by the school (else computed)
}

// Known is a stored workbook as a run needs it before reading files.
type Known struct {
	ID      int64
	Code    string
	Year    string // the 学年 it reports
	PriorID int64  // the previous year's workbook its check used (0: none)
}

// Known are the stored workbooks read with a spec, by content hash: a file
// whose hash is here need not be read again. Unreadable ones are left out:
// why a file could not be read may be this machine's (no LibreOffice, a
// time limit), so it is tried again.
func (s *Store) Known(ctx context.Context, fingerprint string) (map[string]Known, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT hash, id, school_code, year, prior_id FROM workbooks WHERE fingerprint = ? AND status <> 'unreadable'`), fingerprint)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	known := map[string]Known{}
	for rows.Next() {
		var h string
		var k Known
		if err := rows.Scan(&h, &k.ID, &k.Code, &k.Year, &k.PriorID); err != nil {
			return nil, err
		}
		known[h] = k
	}
	return known, rows.Err()
}

// AddWorkbooks stores workbooks in one transaction and sets their IDs. A
// workbook whose content another run stored meanwhile keeps that one's ID
// (the same content read with the same spec gives the same workbook).
func (s *Store) AddWorkbooks(ctx context.Context, wbs []*Workbook) error {
	if len(wbs) == 0 {
		return nil
	}
	if s.backend == Postgres {
		return s.addPostgres(ctx, wbs)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	labels, err := s.insertRows(ctx, tx, wbs, false)
	if err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	labels.commit()
	return nil
}

// insertRows inserts the workbooks of one SQL transaction with their values
// and findings, a batch of rows a statement.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, wbs []*Workbook, replace bool) (*labelsTx, error) {
	vals := &rowInserter{tx: tx, table: "cell_values", cols: valueColumns, q: s.q}
	finds := &rowInserter{tx: tx, table: "findings", cols: findingColumns, q: s.q}
	labels, err := s.add(ctx, sqlTx{tx}, wbs, replace, func(row []any) error { return vals.add(ctx, row) }, func(row []any) error { return finds.add(ctx, row) })
	if err != nil {
		return nil, err
	}
	if err := vals.flush(ctx); err != nil {
		return nil, err
	}
	if err := finds.flush(ctx); err != nil {
		return nil, err
	}
	return labels, nil
}

// add inserts the workbooks of one transaction and hands their values' and
// findings' rows to value and finding; with replace, a workbook already
// there (the same spec and content key) is replaced by this one. Rows that
// two transactions may both insert (workbooks by content, labels) are taken
// in one order, by key, so that two runs at once wait for each other
// instead of deadlocking.
func (s *Store) add(ctx context.Context, t tx, wbs []*Workbook, replace bool, value, finding func([]any) error) (*labelsTx, error) {
	sorted := append([]*Workbook(nil), wbs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Hash < sorted[j].Hash })
	var fresh []*Workbook
	for _, w := range sorted {
		ok, err := s.insertWorkbook(ctx, t, w, replace)
		if err != nil {
			return nil, err
		}
		if ok {
			fresh = append(fresh, w)
		}
	}
	labels := s.labelsTx()
	var keys []labelKey
	for _, w := range fresh {
		for _, v := range w.Values {
			keys = append(keys, keyOf(v))
		}
	}
	if err := labels.resolve(ctx, t, keys); err != nil {
		return nil, err
	}
	for _, w := range fresh {
		for i, v := range w.Values {
			if err := value(valueArgs(w.ID, i, labels.get(keyOf(v)), v)); err != nil {
				return nil, fmt.Errorf("%s: %w", w.Hash, err)
			}
		}
		for i, f := range w.Findings {
			if err := finding(findingArgs(w.ID, i, f)); err != nil {
				return nil, err
			}
		}
	}
	return labels, nil
}

// rowInserter inserts rows into a table many at a time: one statement per
// call costs more than the row itself.
type rowInserter struct {
	tx    *sql.Tx
	table string
	cols  []string
	args  []any
	full  *sql.Stmt // the statement of rowsPerInsert rows
	n     int
	q     func(string) string // the store's: ? to $1 … on PostgreSQL
}

// rowsPerInsert is how many rows one statement inserts.
const rowsPerInsert = 64

func (r *rowInserter) add(ctx context.Context, row []any) error {
	r.args = append(r.args, row...)
	r.n++
	if r.n < rowsPerInsert {
		return nil
	}
	if r.full == nil {
		st, err := r.tx.PrepareContext(ctx, r.statement(rowsPerInsert))
		if err != nil {
			return err
		}
		r.full = st
	}
	_, err := r.full.ExecContext(ctx, r.args...)
	r.args, r.n = r.args[:0], 0
	return err
}

func (r *rowInserter) flush(ctx context.Context) error {
	if r.n == 0 {
		return nil
	}
	_, err := r.tx.ExecContext(ctx, r.statement(r.n), r.args...)
	r.args, r.n = r.args[:0], 0
	return err
}

func (r *rowInserter) statement(rows int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(r.cols)), ", ") + ")"
	return r.q("INSERT INTO " + r.table + " (" + strings.Join(r.cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", rows), ", "))
}

const insertWorkbook = `INSERT INTO workbooks (fingerprint, spec_id, spec_version, hash, size, school_code, school_name, year, fill_date,
	contact_person, contact_phone, contact_email, version, status, error, errors, warnings, explained, infos, list_rows, prior_id, record_format, record, read_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (fingerprint, hash) DO NOTHING`

var valueColumns = []string{"workbook_id", "seq", "label_id", "row_index", "cell", "value", "num", "input"}
var findingColumns = []string{"workbook_id", "seq", "severity", "rule", "sheet", "cell", "message", "reported", "expected", "explanation"}

func workbookArgs(w *Workbook) []any {
	if w.ReadAt == "" {
		w.ReadAt = now()
	}
	return []any{w.Fingerprint, w.SpecID, w.Spec, w.Hash, w.Size, w.Code, w.Name, w.Year, w.FillDate,
		w.Person, w.Phone, w.Email, w.Version, w.Status, w.Error,
		w.Counts.Errors, w.Counts.Warnings, w.Counts.Explained, w.Counts.Infos, encodeRows(w.ListRows), w.PriorID, w.RecordFormat, w.Record, w.ReadAt}
}

// encodeRows is majors=12,courses=30.
func encodeRows(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(k + "=" + strconv.Itoa(m[k]))
	}
	return b.String()
}

func decodeRows(s string) map[string]int {
	m := map[string]int{}
	for _, kv := range strings.Split(s, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k], _ = strconv.Atoi(v)
		}
	}
	return m
}

func valueArgs(id int64, seq int, label int64, v Value) []any {
	var num any // NULL for a text
	if v.Number {
		num = v.Text // exact: NUMERIC in PostgreSQL, an integer or real in SQLite
	}
	input := 0
	if v.Input {
		input = 1
	}
	return []any{id, seq, label, v.Row, v.Cell, v.Text, num, input}
}

func findingArgs(id int64, seq int, f validate.Finding) []any {
	return []any{id, seq, f.Severity, f.Rule, f.Sheet, f.Cell, f.Message, f.Reported, f.Expected, f.Explanation}
}

// tx is a transaction of either backend, as insertWorkbook needs it.
type tx interface {
	queryRow(ctx context.Context, query string, args ...any) func(dest ...any) error
	exec(ctx context.Context, query string, args ...any) error
}

type sqlTx struct{ *sql.Tx }

func (t sqlTx) queryRow(ctx context.Context, query string, args ...any) func(dest ...any) error {
	return t.QueryRowContext(ctx, query, args...).Scan
}

func (t sqlTx) exec(ctx context.Context, query string, args ...any) error {
	_, err := t.ExecContext(ctx, query, args...)
	return err
}

type pgTx struct{ pgx.Tx }

func (t pgTx) queryRow(ctx context.Context, query string, args ...any) func(dest ...any) error {
	return func(dest ...any) error {
		err := t.QueryRow(ctx, query, args...).Scan(dest...)
		if errors.Is(err, pgx.ErrNoRows) {
			return sql.ErrNoRows
		}
		return err
	}
}

func (t pgTx) exec(ctx context.Context, query string, args ...any) error {
	_, err := t.Exec(ctx, query, args...)
	return err
}

// insertWorkbook inserts one workbook and sets its ID; fresh is false when
// it was there already (its values and findings are there too). With
// replace, one already there is replaced (fresh is then true).
func (s *Store) insertWorkbook(ctx context.Context, t tx, w *Workbook, replace bool) (fresh bool, err error) {
	err = t.queryRow(ctx, s.q(insertWorkbook+` RETURNING id`), workbookArgs(w)...)(&w.ID)
	if err == nil {
		return true, s.upsertSchool(ctx, t, w)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return false, fmt.Errorf("保存 %s 失败: %w", w.Hash, err)
	}
	var status string
	var prior int64
	if err := t.queryRow(ctx, s.q(`SELECT id, status, prior_id FROM workbooks WHERE fingerprint = ? AND hash = ?`), w.Fingerprint, w.Hash)(&w.ID, &status, &prior); err != nil {
		return false, err
	}
	if (status != "unreadable" || w.Status == "unreadable") && prior == w.PriorID && !replace {
		return false, nil
	}
	// stored as unreadable (no values, no findings), read this time, read
	// again against another year before, or replaced by its caller: replaced
	err = t.exec(ctx, s.q(`UPDATE workbooks SET school_code = ?, school_name = ?, year = ?, fill_date = ?, contact_person = ?, contact_phone = ?,
		contact_email = ?, version = ?, status = ?, error = ?, errors = ?, warnings = ?, explained = ?, infos = ?, list_rows = ?,
		prior_id = ?, record_format = ?, record = ?, read_at = ? WHERE id = ?`),
		w.Code, w.Name, w.Year, w.FillDate, w.Person, w.Phone, w.Email, w.Version, w.Status, w.Error,
		w.Counts.Errors, w.Counts.Warnings, w.Counts.Explained, w.Counts.Infos, encodeRows(w.ListRows), w.PriorID, w.RecordFormat, w.Record, w.ReadAt, w.ID)
	if err != nil {
		return false, err
	}
	for _, table := range []string{"cell_values", "findings"} {
		if err := t.exec(ctx, s.q(`DELETE FROM `+table+` WHERE workbook_id = ?`), w.ID); err != nil {
			return false, err
		}
	}
	return true, s.upsertSchool(ctx, t, w)
}

func (s *Store) upsertSchool(ctx context.Context, t tx, w *Workbook) error {
	if w.Code == "" {
		return nil
	}
	return t.exec(ctx, s.q(`INSERT INTO schools (code, name) VALUES (?, ?) ON CONFLICT (code) DO UPDATE SET name = excluded.name`), w.Code, w.Name)
}

// addPostgres is AddWorkbooks on PostgreSQL: the workbooks one by one, their
// values and findings with COPY, all in one transaction.
func (s *Store) addPostgres(ctx context.Context, wbs []*Workbook) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		var vals, finds [][]any
		labels, err := s.add(ctx, pgTx{tx}, wbs, false, func(row []any) error { vals = append(vals, row); return nil },
			func(row []any) error { finds = append(finds, row); return nil })
		if err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"cell_values"}, valueColumns, pgx.CopyFromRows(vals)); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"findings"}, findingColumns, pgx.CopyFromRows(finds)); err != nil {
			return err
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		labels.commit()
		return nil
	})
}

// Record is a stored workbook's record.
func (s *Store) Record(ctx context.Context, id int64) (format int, record []byte, err error) {
	err = s.db.QueryRowContext(ctx, s.q(`SELECT record_format, record FROM workbooks WHERE id = ?`), id).Scan(&format, &record)
	return format, record, err
}

// Decisions of a submission (submissions.decision): accepted is the one a
// year's consolidation uses for its school (v_values counts only these);
// duplicate, wrong_year and unreadable are consolidate's reasons not to
// use a file; superseded is a web upload (nianbao serve) the bureau does
// not use — an earlier or later one of the school is used, or the bureau
// locked another, or it could not be read (why says which). A consolidate
// run leaves superseded submissions out and their decision as it is.
const (
	DecisionAccepted   = "accepted"
	DecisionDuplicate  = "duplicate"
	DecisionSuperseded = "superseded"
)

// Submission is one file received for a school year's consolidation, with
// what was read from it (Workbook without values, findings or record).
type Submission struct {
	ID         int64
	Year, File string
	Decision   string // accepted, duplicate, wrong_year, unreadable, superseded; "" until decided
	Why        string
	ReceivedAt string
	Workbook   Workbook
}

// Receive records that files were received for a year's consolidation,
// each pointing to its workbook (file → workbook ID). A name received
// again with other content now points to the new workbook.
func (s *Store) Receive(ctx context.Context, year string, files map[string]int64) error {
	names := make([]string, 0, len(files))
	for f := range files {
		names = append(names, f)
	}
	sort.Strings(names)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, s.q(`INSERT INTO submissions (year, file, workbook_id, received_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (year, file) DO UPDATE SET workbook_id = excluded.workbook_id, received_at = excluded.received_at, decision = '', why = ''
		WHERE submissions.workbook_id <> excluded.workbook_id`))
	if err != nil {
		return err
	}
	at := now()
	for _, f := range names {
		if _, err := st.ExecContext(ctx, year, f, files[f], at); err != nil {
			return fmt.Errorf("记录 %s 失败: %w", f, err)
		}
	}
	return tx.Commit()
}

// Submissions are the files received for a year's consolidation, in file
// name order.
func (s *Store) Submissions(ctx context.Context, year string) ([]*Submission, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT s.id, s.year, s.file, s.decision, s.why, s.received_at,
		w.id, w.fingerprint, w.spec_id, w.spec_version, w.hash, w.size, w.school_code, w.school_name, w.year, w.fill_date,
		w.contact_person, w.contact_phone, w.contact_email, w.version, w.status, w.error,
		w.errors, w.warnings, w.explained, w.infos, w.list_rows, w.record_format, w.read_at
		FROM submissions s JOIN workbooks w ON w.id = s.workbook_id WHERE s.year = ? ORDER BY s.file`), year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Submission
	for rows.Next() {
		x := &Submission{}
		w := &x.Workbook
		var listRows string
		if err := rows.Scan(&x.ID, &x.Year, &x.File, &x.Decision, &x.Why, &x.ReceivedAt,
			&w.ID, &w.Fingerprint, &w.SpecID, &w.Spec, &w.Hash, &w.Size, &w.Code, &w.Name, &w.Year, &w.FillDate,
			&w.Person, &w.Phone, &w.Email, &w.Version, &w.Status, &w.Error,
			&w.Counts.Errors, &w.Counts.Warnings, &w.Counts.Explained, &w.Counts.Infos, &listRows, &w.RecordFormat, &w.ReadAt); err != nil {
			return nil, err
		}
		w.ListRows = decodeRows(listRows)
		out = append(out, x)
	}
	return out, rows.Err()
}

// Decide records which submissions of a year are used (accepted) and why
// the others are not, by submission ID.
func (s *Store) Decide(ctx context.Context, decisions map[int64][2]string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := decide(ctx, s, tx, decisions); err != nil {
		return err
	}
	return tx.Commit()
}

// Years are the school years with submissions, newest first.
func (s *Store) Years(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT year FROM submissions ORDER BY year DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ys []string
	for rows.Next() {
		var y string
		if err := rows.Scan(&y); err != nil {
			return nil, err
		}
		ys = append(ys, y)
	}
	return ys, rows.Err()
}
