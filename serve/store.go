package serve

import (
	"context"
	"errors"
	"time"

	"github.com/nianbao/nianbao/store"
	"github.com/nianbao/nianbao/validate"
)

// Store is what the server keeps: the bureau's schools and their links,
// the bureau's password and sessions, every submission with its bytes and
// findings, the schools' 说明 and the locks. SQLStore implements it on a
// database/sql database (SQLite or PostgreSQL).
type Store interface {
	// PutSchools adds the schools of the list, or updates them by code.
	PutSchools(ctx context.Context, list []School) error
	Schools(ctx context.Context) ([]School, error)
	School(ctx context.Context, code string) (School, bool, error)

	// SetToken makes token the school's only valid link (the old ones are
	// revoked); RevokeToken leaves it none.
	SetToken(ctx context.Context, code, token string) error
	RevokeToken(ctx context.Context, code string) error
	// TokenSchool finds the school whose valid token has this lookup key
	// (tokenLookup of the token) and returns the stored token, for the
	// caller's constant-time comparison.
	TokenSchool(ctx context.Context, lookup string) (code, token string, ok bool, err error)
	// Tokens are the valid tokens by school code.
	Tokens(ctx context.Context) (map[string]string, error)

	Setting(ctx context.Context, name string) (string, bool, error)
	SetSetting(ctx context.Context, name, value string) error

	// AddSetupCode keeps a first-login code (by its lookup) for every
	// process on the database, until a password is set.
	AddSetupCode(ctx context.Context, lookup string) error
	// SetupCodeValid tells whether a first-login code is kept.
	SetupCodeValid(ctx context.Context, lookup string) (bool, error)
	// SetFirstPassword sets the bureau's password (its hash) with a kept
	// first-login code and removes every code, when no password is set:
	// of two at once, one succeeds; false when the code is not kept or a
	// password is set.
	SetFirstPassword(ctx context.Context, lookup, hash string) (bool, error)

	// Allow takes a token from the bucket name (refilled by perSecond up
	// to burst) that every process on the database shares; false when
	// there is none.
	Allow(ctx context.Context, name string, perSecond float64, burst int, now time.Time) (bool, error)

	AddSession(ctx context.Context, lookup string, expires time.Time) error
	SessionValid(ctx context.Context, lookup string, now time.Time) (bool, error)
	DeleteSession(ctx context.Context, lookup string) error
	DeleteSessions(ctx context.Context) error // every one

	// AddSubmission stores a submission with its bytes — and, given
	// Stored, as a submission of the store, the school's uploads of that
	// year decided again (the one used accepted, the others superseded) —
	// in one transaction and sets its ID: all of it or nothing.
	AddSubmission(ctx context.Context, s *Submission, data []byte) error
	// UpdateFindings stores a submission's findings, counts and status
	// again (after a 说明), and its workbook in the store.
	UpdateFindings(ctx context.Context, s *Submission) error
	// Submissions are a school's, newest first, without findings; with
	// code "" every school's.
	Submissions(ctx context.Context, code string) ([]*Submission, error)
	// Unstored are the uploads not in the store (stored before it took
	// them, or unreadable without a 学年), oldest first.
	Unstored(ctx context.Context) ([]int64, error)
	// Submission is one with its findings, or ErrNotFound.
	Submission(ctx context.Context, id int64) (*Submission, error)
	Data(ctx context.Context, id int64) ([]byte, error)

	// Explain stores (or, with empty text, removes) a school's 说明 of a
	// warning; it holds for every submission of the school.
	Explain(ctx context.Context, code string, e Explanation) error
	Explanations(ctx context.Context, code string) ([]Explanation, error)

	// Lock fixes the submission the bureau uses for a school; Unlock
	// re-opens the school. Locks are by school code. The store's accepted
	// upload of the year follows.
	Lock(ctx context.Context, code string, id int64) error
	Unlock(ctx context.Context, code string) error
	Locks(ctx context.Context) (map[string]int64, error)
}

// ErrNotFound is a submission that does not exist.
var ErrNotFound = errors.New("not found")

// School is one school of the bureau's list.
type School struct {
	Code, Name, Year string
	// Fields are the list's values by record-field key, to prefill the
	// school's template.
	Fields map[string]string
}

// Submission is one uploaded workbook and what validation made of it.
type Submission struct {
	ID       int64
	School   string // the code of the school whose link uploaded it
	FileName string // as the school named it (shown, never used as a path)
	Ext      string // .xlsx, .xls, .et, .ods or .zip: how it is read back
	Size     int64
	Hash     string // SHA-256 of the bytes, hex
	Created  time.Time
	Year     string // 学年 read from the workbook
	Status   string // a validate.Status… key
	Counts   validate.Counts
	Error    string // why it could not be read
	Person   string // 填报人
	Phone    string
	Findings []Finding
	// Stored is what the store keeps of it (its values, findings and
	// record, as consolidate keeps a file), filed under the 学年
	// Collected; nil: serve alone keeps it. Given to AddSubmission and
	// UpdateFindings, never read back.
	Stored    *store.Workbook
	Collected string
}

// Finding is a finding of validate with the row and column of its first
// cell in words (as the annotated copy's letter names them).
type Finding struct {
	validate.Finding
	Row    string `json:"row,omitempty"`
	Column string `json:"column,omitempty"`
}

// Explanation is a school's 说明 of a warning, by rule and cell.
type Explanation struct {
	Rule, Sheet, Cell, Text string
}
