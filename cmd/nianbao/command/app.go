package command

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/nianbao/nianbao/formula"
	"github.com/nianbao/nianbao/internal/runtemp"
	"github.com/nianbao/nianbao/outfile"
	"github.com/nianbao/nianbao/templates"
	"github.com/urfave/cli/v2"
)

// Version of nianbao.
const Version = "0.1.0"

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1 // the work could not be done (bad spec, bad list, write error)
	exitUsage = 2 // bad usage
)

// usageError marks an error in how the command was called.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// Main runs nianbao with args (args[0] is the program name) and returns the
// exit status. Launched on its own by Windows (a double-click, or files
// dropped on the exe), it waits for Enter before its window closes.
func Main(args []string, stdout, stderr io.Writer) int {
	status := run(args, stdout, stderr)
	if pauseBeforeExit(runtime.GOOS, consoleProcesses()) {
		waitForEnter(os.Stdin, stderr, argLang(args))
	}
	return status
}

func run(args []string, stdout, stderr io.Writer) int {
	cleanup, err := runtemp.Start()
	if err != nil {
		fmt.Fprintln(stderr, "nianbao:", err)
		return exitFail
	}
	defer cleanup()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var interrupted atomic.Bool
	stopSignals := onSignal(func() { interrupted.Store(true); cancel() }, stderr, cleanup)
	defer stopSignals()
	app := newApp(stdout, stderr)
	args = flagsFirst(app, defaultCommand(app, args))
	err = app.RunContext(ctx, args)
	if interrupted.Load() {
		outfile.RemovePending()
		return exitInterrupted
	}
	if err == nil {
		return exitOK
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) && ec.Error() == "" {
		return ec.ExitCode() // the command has said everything
	}
	if _, ok := usageErrorOf(err); ok {
		printUsageError(stderr, app, commandAt(app, args), err, argLang(args))
		return exitUsage
	}
	fmt.Fprintln(stderr, "nianbao:", printableText(err.Error())) // errors quote file names and contents
	return exitFail
}

// gracefulStop is set by a command that stops by itself when its context
// is cancelled (serve: in-flight requests finish first): a signal then
// waits for it, not for a fixed grace.
var gracefulStop atomic.Bool

// exitInterrupted is the status of a run ended by Ctrl-C or SIGTERM (128+2,
// as shells report an interrupted command).
const exitInterrupted = 130

// onSignal handles Ctrl-C and SIGTERM: the run's context is cancelled, so
// the commands stop reading; after a short grace the half-written outputs and
// the run's temporary folder are removed and the process ends with status 130.
// The returned function stops listening.
func onSignal(cancel func(), stderr io.Writer, cleanup func()) (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		cancel()
		if gracefulStop.Load() {
			fmt.Fprintln(stderr, "nianbao: 正在停止：等待进行中的请求完成（再按一次 Ctrl-C 立即退出）……")
			<-sigs // the command returns by itself; a second signal does not wait
		} else {
			fmt.Fprintln(stderr, "nianbao: 已中断，正在清理临时文件……")
			select {
			case <-sigs: // a second signal: do not wait
			case <-time.After(2 * time.Second):
			}
		}
		outfile.RemovePending()
		cleanup()
		os.Exit(exitInterrupted) // the command has not returned yet: end it here
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
	}
}

// langFlag is --lang, both global and of each command (see langOf); the
// environment's NIANBAO_LANG is read by langOf, not by urfave/cli, so that
// it never hides a --lang given on the command line.
var langFlag = &cli.StringFlag{Name: "lang", Value: "zh", Usage: "消息语言：zh 或 en（不给时用环境变量 NIANBAO_LANG）"}

var specFlag = &cli.StringFlag{Name: "spec", Usage: "规格：内置规格的 id（见 nianbao spec --list），或教育局自己的规格文件 `FILE`（YAML/JSON，格式同内置规格）；不给则用内置的 " + templates.DefaultID}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:      "nianbao",
		Usage:     "中职学校质量年度报告数据表：生成模板、审核、汇总",
		UsageText: "nianbao [--lang zh|en] 命令 [选项] [FILE|DIR...]\nnianbao FILE|DIR...（不写命令即审核，同 nianbao validate；也可把文件拖到 nianbao.exe 上）",
		Version:   Version,
		Writer:    stdout,
		ErrWriter: stderr,
		Flags:     []cli.Flag{langFlag},
		Commands:  []*cli.Command{templateCommand(), specCommand(), validateCommand(), consolidateCommand(), summaryCommand(), sampleCommand(), dumpCommand(), migrateCommand(), demoCommand(), serveCommand()},
		// errors are printed once, by Main
		ExitErrHandler:  func(*cli.Context, error) {},
		HideHelpCommand: true,
		Before:          checkLang,
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return usageError{flagErr{err, c.App.Flags}}
		},
		Action: func(c *cli.Context) error {
			if c.Args().Present() {
				return unknownCommand(c.App, c.Args().First(), langOf(c))
			}
			return cli.ShowAppHelp(c)
		},
	}
	for _, cmd := range app.Commands {
		cmd.HideHelpCommand = true
		cmd.Before = checkLang
		cmd.OnUsageError = func(c *cli.Context, err error, _ bool) error {
			return usageError{flagErr{err, c.Command.Flags}}
		}
	}
	return app
}

// flagsFirst moves a command's flags before its arguments, so that
// "nianbao consolidate DIR -o 汇总.xlsx" works as people write it (urfave/cli
// stops reading flags at the first argument). "--" ends the flags.
func flagsFirst(app *cli.App, args []string) []string {
	if len(args) < 3 {
		return args
	}
	i := firstArg(args) // after the global flags
	if i >= len(args) {
		return args
	}
	cmd := app.Command(args[i])
	if cmd == nil {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var flags, rest []string
	for j := i + 1; j < len(args); j++ {
		a := args[j]
		switch {
		case a == "--":
			rest = append(rest, args[j:]...)
			j = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if !strings.Contains(name, "=") && takesValue[name] && j+1 < len(args) {
				flags = append(flags, args[j+1])
				j++
			}
		default:
			rest = append(rest, a)
		}
	}
	out := append(append([]string{}, args[:i+1]...), flags...)
	return append(out, rest...)
}

// loadSpec loads the spec named by --spec (a built-in id or a file), or the
// default built-in one.
func loadSpec(c *cli.Context) (*formula.Program, error) {
	return templates.Load(c.String("spec"), langOf(c))
}

// noArgs refuses stray arguments.
func noArgs(c *cli.Context) error {
	if c.Args().Present() {
		return usagef("%s 不接受参数 %q（选项请写在参数前，如 -o 文件名）", c.Command.Name, c.Args().First())
	}
	return nil
}

// writeJSON prints v as indented JSON, with <, > and & as they are (the
// output is read by people and programs, never put into a web page), and
// with the characters a terminal acts on that encoding/json leaves raw —
// C1 codes, DEL, bidirectional overrides — written as \u escapes: the
// same strings to a program, nothing a file can use on a terminal.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(jsonTermSafe(buf.Bytes()))
	return err
}

// jsonTermSafe is JSON text with every unsafeRune as a \u escape (JSON's
// own syntax is ASCII, so such a character can only be inside a string).
func jsonTermSafe(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == '\t' || r == '\n' || !unsafeRune(r) {
			if out != nil {
				out = append(out, b[i:i+n]...)
			}
			i += n
			continue
		}
		if out == nil {
			out = append(make([]byte, 0, len(b)+64), b[:i]...)
		}
		out = fmt.Appendf(out, `\u%04x`, r)
		i += n
	}
	if out == nil {
		return b
	}
	return out
}
