CREATE TABLE IF NOT EXISTS serve_schools (
	code   TEXT PRIMARY KEY,
	name   TEXT NOT NULL,
	year   TEXT NOT NULL DEFAULT '',
	fields TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS serve_tokens (
	id      INTEGER PRIMARY KEY AUTOINCREMENT,
	school  TEXT NOT NULL,
	token   TEXT NOT NULL,
	lookup  TEXT NOT NULL UNIQUE,
	created INTEGER NOT NULL,
	revoked INTEGER
);
CREATE INDEX IF NOT EXISTS serve_tokens_school ON serve_tokens (school);
CREATE TABLE IF NOT EXISTS serve_settings (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS serve_sessions (
	lookup  TEXT PRIMARY KEY,
	expires INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS serve_submissions (
	id        INTEGER PRIMARY KEY AUTOINCREMENT,
	school    TEXT NOT NULL,
	file_name TEXT NOT NULL,
	ext       TEXT NOT NULL,
	size      INTEGER NOT NULL,
	hash      TEXT NOT NULL,
	created   INTEGER NOT NULL,
	year      TEXT NOT NULL,
	status    TEXT NOT NULL,
	errors    INTEGER NOT NULL,
	warnings  INTEGER NOT NULL,
	explained INTEGER NOT NULL,
	infos     INTEGER NOT NULL,
	error     TEXT NOT NULL,
	person    TEXT NOT NULL,
	phone     TEXT NOT NULL,
	findings  TEXT NOT NULL,
	data      BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS serve_submissions_school ON serve_submissions (school, id);
CREATE TABLE IF NOT EXISTS serve_explanations (
	school  TEXT NOT NULL,
	rule    TEXT NOT NULL,
	sheet   TEXT NOT NULL,
	cell    TEXT NOT NULL,
	text    TEXT NOT NULL,
	PRIMARY KEY (school, rule, sheet, cell)
);
CREATE TABLE IF NOT EXISTS serve_locks (
	school     TEXT PRIMARY KEY,
	submission INTEGER NOT NULL
);
