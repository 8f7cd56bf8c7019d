CREATE TABLE IF NOT EXISTS serve_schools (
	code   TEXT PRIMARY KEY,
	name   TEXT NOT NULL,
	year   TEXT NOT NULL DEFAULT '',
	fields TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS serve_tokens (
	id      BIGSERIAL PRIMARY KEY,
	school  TEXT NOT NULL,
	token   TEXT NOT NULL,
	lookup  TEXT NOT NULL UNIQUE,
	created BIGINT NOT NULL,
	revoked BIGINT
);
CREATE INDEX IF NOT EXISTS serve_tokens_school ON serve_tokens (school);
CREATE TABLE IF NOT EXISTS serve_settings (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS serve_sessions (
	lookup  TEXT PRIMARY KEY,
	expires BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS serve_submissions (
	id        BIGSERIAL PRIMARY KEY,
	school    TEXT NOT NULL,
	file_name TEXT NOT NULL,
	ext       TEXT NOT NULL,
	size      BIGINT NOT NULL,
	hash      TEXT NOT NULL,
	created   BIGINT NOT NULL,
	year      TEXT NOT NULL,
	status    TEXT NOT NULL,
	errors    BIGINT NOT NULL,
	warnings  BIGINT NOT NULL,
	explained BIGINT NOT NULL,
	infos     BIGINT NOT NULL,
	error     TEXT NOT NULL,
	person    TEXT NOT NULL,
	phone     TEXT NOT NULL,
	findings  TEXT NOT NULL,
	data      BYTEA NOT NULL
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
	submission BIGINT NOT NULL
);
