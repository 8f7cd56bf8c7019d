// Package outfile writes output files atomically: the content goes to a
// temporary file in the same folder, which takes the final name only once it is
// complete, so a reader never sees half a file and an interrupted run leaves
// nothing behind. An existing file is never replaced unless asked.
package outfile
