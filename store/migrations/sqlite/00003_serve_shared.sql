-- +goose Up
-- nianbao serve's uploads in the store, and what several serve processes
-- on one database share; the same for SQLite and PostgreSQL
-- (postgres/00003_serve_shared.sql says the same in its dialect).
--
-- Every upload is also a submission of the store (a workbook with its
-- values and findings), written in the transaction that stores the upload:
-- submissions.file is 网上填报/<学校标识码>_<upload id><ext>, year the 学年
-- serve collects (--year), else the one the workbook reports (an
-- unreadable upload without --year is kept by serve only), and the
-- workbook's content key (hash) serve:<upload id>:<SHA-256>, so a web
-- upload's workbook is its own (its findings follow the school's 说明)
-- and never taken for a file of a consolidate run. Of a school's uploads
-- of a year the one serve uses (the locked one, else the newest readable
-- one of the year) is accepted, every other one superseded (a decision
-- only serve gives: submissions.why says why — an upload after it, a lock
-- on another, unreadable, another 学年); when serve accepts an upload, a
-- file accepted for the school that year becomes a duplicate. consolidate
-- --db leaves superseded submissions out and decides between the accepted
-- upload and files by its duplicate rule.
--
-- serve_submissions.store_submission: the upload's submission in the
-- store (NULL: not in the store — unreadable without a year, or stored
-- before this migration).
ALTER TABLE serve_submissions ADD COLUMN store_submission INTEGER;

-- serve_setup_codes: the one-time codes of the bureau's first login, by
-- their SHA-256: each serve process started while no password is set
-- prints one; any of them works on any process until a password is set
-- (then all are removed).
CREATE TABLE serve_setup_codes (
	lookup  TEXT PRIMARY KEY,
	created INTEGER NOT NULL
);

-- serve_limits: the rate limits every process counts in (token buckets,
-- by name: login:<client address>, upload:<学校标识码>): tokens left when
-- last seen (Unix seconds); rows unused for ten minutes are removed.
CREATE TABLE serve_limits (
	name   TEXT PRIMARY KEY,
	tokens REAL NOT NULL,
	seen   REAL NOT NULL
);

-- +goose Down
DROP TABLE serve_limits;
DROP TABLE serve_setup_codes;
ALTER TABLE serve_submissions DROP COLUMN store_submission;
