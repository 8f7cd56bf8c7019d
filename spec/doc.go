// Package spec is the declarative model of a report: its sheets, their rows and
// columns with stable keys, value types, units, derived cells and checks.
//
// A spec is data (YAML, or JSON, which is YAML too). Decode reads one, keeping the
// line and column of every value so that a mistake in a bureau's own spec is
// reported at its place in the file. The package knows nothing about Excel and
// nothing about how expressions are evaluated: expressions are kept as source text
// with their position (see package formula for the engine).
package spec
