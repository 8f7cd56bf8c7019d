// Package store keeps every submission a bureau receives, year after year,
// in a database: SQLite (modernc.org/sqlite, pure Go) for a file path,
// PostgreSQL (jackc/pgx) for a postgres:// URL. One schema for both,
// versioned migrations embedded and applied on first use (pressly/goose).
package store
