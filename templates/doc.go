// Package templates holds the built-in report specs, embedded in the binary, and
// loads a spec (built-in or a bureau's own file) into a checked, compiled form.
package templates
