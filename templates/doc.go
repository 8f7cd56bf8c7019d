// Package templates holds the built-in report specs, embedded in the binary,
// as a registry by id: one folder per report under reports/, with its spec
// (spec.yaml) and, where it has one, a demo school list (sample_schools.csv).
// Get, IDs and Schools read the built-in registry; NewRegistry reads the same
// layout from any fs.FS. Load and Parse turn a spec (built-in, by id, or a
// bureau's own file) into a checked, compiled formula.Program.
//
// To add a built-in report, add a folder reports/<id>/ whose spec.yaml has
// that id; the tests load every report of the folder.
package templates
