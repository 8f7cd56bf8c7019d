// Package command is the nianbao command line: one file per subcommand, wiring
// flags and files to the packages that do the work. Main is testable: it takes
// the arguments and writers and returns the exit status.
package command
