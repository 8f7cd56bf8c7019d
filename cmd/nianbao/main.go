// Command nianbao builds, checks and consolidates the numeric tables of
// vocational schools' annual quality reports. See the README.
package main

import (
	"os"

	"github.com/nianbao/nianbao/cmd/nianbao/command"
)

func main() { os.Exit(command.Main(os.Args, os.Stdout, os.Stderr)) }
