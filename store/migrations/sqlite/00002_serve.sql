-- +goose Up
-- The tables of nianbao serve (package serve), the same for SQLite and
-- PostgreSQL (postgres/00002_serve.sql says the same in its dialect): the
-- schools of the bureau's list, their links (a token is found by its
-- SHA-256, lookup), the bureau's password hash (settings) and sessions,
-- every upload with its bytes and findings, the schools' 说明, the locks.

CREATE TABLE serve_schools (
	code   TEXT PRIMARY KEY,
	name   TEXT NOT NULL,
	year   TEXT NOT NULL DEFAULT '',
	fields TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE serve_tokens (
	id      INTEGER PRIMARY KEY,
	school  TEXT NOT NULL,
	token   TEXT NOT NULL,
	lookup  TEXT NOT NULL UNIQUE,
	created INTEGER NOT NULL,
	revoked INTEGER
);
CREATE INDEX serve_tokens_school ON serve_tokens (school);
CREATE TABLE serve_settings (
	name  TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
CREATE TABLE serve_sessions (
	lookup  TEXT PRIMARY KEY,
	expires INTEGER NOT NULL
);
CREATE TABLE serve_submissions (
	id        INTEGER PRIMARY KEY,
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
CREATE INDEX serve_submissions_school ON serve_submissions (school, id);
CREATE TABLE serve_explanations (
	school  TEXT NOT NULL,
	rule    TEXT NOT NULL,
	sheet   TEXT NOT NULL,
	cell    TEXT NOT NULL,
	text    TEXT NOT NULL,
	PRIMARY KEY (school, rule, sheet, cell)
);
CREATE TABLE serve_locks (
	school     TEXT PRIMARY KEY,
	submission INTEGER NOT NULL
);

-- +goose Down
DROP TABLE serve_locks;
DROP TABLE serve_explanations;
DROP TABLE serve_submissions;
DROP TABLE serve_sessions;
DROP TABLE serve_settings;
DROP TABLE serve_tokens;
DROP TABLE serve_schools;
