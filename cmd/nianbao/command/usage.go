package command

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"
)

// Usage errors are told in the user's language in three lines: what is
// wrong (with a "did you mean" where a name is close to a real one), the
// command's usage line and where the whole help is. urfave/cli's own
// messages ("flag provided but not defined", "Incorrect Usage" followed by
// the whole help) never reach the user.

// languages are the languages of messages (--lang, NIANBAO_LANG).
var languages = []string{"zh", "en"}

// normLang reads a language as people give it: zh, zh-CN, zh_CN.UTF-8, en,
// en_US… ("" is Chinese). ok is false for a language we do not speak.
func normLang(s string) (lang string, ok bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "zh", true
	}
	base, _, _ := strings.Cut(s, ".")
	parts := strings.FieldsFunc(base, func(r rune) bool { return r == '-' || r == '_' })
	if len(parts) == 0 { // "-", "_": no language at all
		return "", false
	}
	base = parts[0]
	for _, l := range languages {
		if base == l {
			return l, true
		}
	}
	return "", false
}

// langOf is the language of messages: the command's --lang when given, else
// the global one, else NIANBAO_LANG, else Chinese.
func langOf(c *cli.Context) string {
	l, _ := normLang(rawLang(c))
	return l
}

// rawLang is the language as given (see langOf).
func rawLang(c *cli.Context) string {
	for _, x := range c.Lineage() {
		for _, n := range x.LocalFlagNames() {
			if n == "lang" {
				return x.String("lang")
			}
		}
	}
	return os.Getenv("NIANBAO_LANG")
}

// checkLang refuses a language we do not speak.
func checkLang(c *cli.Context) error {
	if s := rawLang(c); !validLang(s) {
		return usagef("不支持的语言 %q：--lang（或环境变量 NIANBAO_LANG）只能是 %s", s, strings.Join(languages, " 或 "))
	}
	return nil
}

func validLang(s string) bool {
	_, ok := normLang(s)
	return ok
}

// argLang is the language asked for on the command line or in the
// environment, read before the arguments are parsed (for messages about the
// arguments themselves).
func argLang(args []string) string {
	lang := os.Getenv("NIANBAO_LANG")
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			lang = v
		} else if v, ok := strings.CutPrefix(a, "-lang="); ok {
			lang = v
		} else if (a == "--lang" || a == "-lang") && i+1 < len(args) {
			lang = args[i+1]
		}
	}
	l, ok := normLang(lang)
	if !ok {
		return "zh"
	}
	return l
}

// flagErr is an error of the flag package about flags; it is put in the
// user's language when printed (see flagError).
type flagErr struct {
	err   error
	flags []cli.Flag
}

func (e flagErr) Error() string { return e.err.Error() }

// flagError turns the flag package's English message into ours, with the
// name of a close flag of cmd when there is one.
func flagError(err error, flags []cli.Flag, lang string) string {
	msg := err.Error()
	en := lang == "en"
	var names []string
	for _, f := range flags {
		names = append(names, f.Names()...)
	}
	dash := func(n string) string {
		if len(n) == 1 {
			return "-" + n
		}
		return "--" + n
	}
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		s := fmt.Sprintf("没有选项 %s", dash(name))
		if en {
			s = fmt.Sprintf("unknown option %s", dash(name))
		}
		if near := closest(name, names); near != "" {
			if en {
				return s + fmt.Sprintf(" (did you mean %s?)", dash(near))
			}
			return s + fmt.Sprintf("，您是不是要用 %s？", dash(near))
		}
		return s
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		name = strings.TrimLeft(name, "-")
		if en {
			return fmt.Sprintf("option %s needs a value", dash(name))
		}
		return fmt.Sprintf("选项 %s 后面要给出值", dash(name))
	}
	if m := invalidValue.FindStringSubmatch(msg); m != nil {
		name := strings.TrimLeft(m[2], "-")
		want := "一个整数"
		wantEn := "a whole number"
		for _, f := range flags {
			for _, n := range f.Names() {
				if n != name {
					continue
				}
				switch f.(type) {
				case *cli.BoolFlag:
					want, wantEn = "true 或 false", "true or false"
				case *cli.Float64Flag:
					want, wantEn = "一个数", "a number"
				}
			}
		}
		if en {
			return fmt.Sprintf("option %s: %q is not %s", dash(name), m[1], wantEn)
		}
		return fmt.Sprintf("选项 %s 的值 %q 不对：应为%s", dash(name), m[1], want)
	}
	if name, ok := strings.CutPrefix(msg, "bad flag syntax: "); ok {
		if en {
			return fmt.Sprintf("cannot read the option %s", name)
		}
		return fmt.Sprintf("无法识别选项 %s", name)
	}
	return msg
}

var invalidValue = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?(-\S+?):`)

// closest is the candidate nearest to name, when it is near enough to be a
// typo of it (an edit distance of at most a third of its length, at least
// 1), or when name is the start of exactly one of them.
func closest(name string, candidates []string) string {
	best, bestD := "", -1
	var prefixed []string
	for _, c := range candidates {
		if len(name) >= 2 && strings.HasPrefix(c, name) {
			prefixed = append(prefixed, c)
		}
		d := levenshtein(strings.ToLower(name), strings.ToLower(c))
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if bestD >= 0 && bestD <= max(1, len([]rune(name))/3) {
		return best
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return ""
}

// levenshtein is the edit distance of a and b, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// commandNames are the names of the app's commands.
func commandNames(app *cli.App) []string {
	var names []string
	for _, c := range app.Commands {
		names = append(names, c.Names()...)
	}
	return names
}

// unknownCommand is the message for a name that is no command.
func unknownCommand(app *cli.App, name, lang string) error {
	near := closest(name, commandNames(app))
	switch {
	case lang == "en" && near != "":
		return usagef("no command %q (did you mean %s?)", name, near)
	case lang == "en":
		return usagef("no command %q, and no such file or folder", name)
	case near != "":
		return usagef("没有命令 %q，您是不是要用 %s？", name, near)
	}
	return usagef("没有命令 %q，也没有叫这个名字的文件或文件夹", name)
}

// printUsageError writes a usage error: the message, the usage line of the
// command (or of nianbao) and where its help is.
func printUsageError(w io.Writer, app *cli.App, cmd *cli.Command, err error, lang string) {
	msg := err.Error()
	var fe flagErr
	if errors.As(err, &fe) {
		msg = flagError(fe.err, fe.flags, lang)
	}
	fmt.Fprintln(w, "nianbao:", printableText(msg))
	usage, help := "nianbao [--lang zh|en] 命令 [选项] [FILE|DIR...]", "nianbao --help"
	if lang == "en" {
		usage = "nianbao [--lang zh|en] COMMAND [options] [FILE|DIR...]"
	}
	if cmd != nil {
		usage, help = cmd.UsageText, "nianbao "+cmd.Name+" --help"
	}
	if lang == "en" {
		fmt.Fprintf(w, "usage: %s\nsee %s\n", usage, help)
		return
	}
	fmt.Fprintf(w, "用法：%s\n详见 %s\n", usage, help)
}

// commandAt is the command args name (after the global flags), or nil.
func commandAt(app *cli.App, args []string) *cli.Command {
	i := firstArg(args)
	if i >= len(args) {
		return nil
	}
	return app.Command(args[i])
}

// globalValueFlags are the global flags that take a value.
var globalValueFlags = map[string]bool{"lang": true}

// firstArg is the index of the first argument after the global flags.
func firstArg(args []string) int {
	i := 1
	for i < len(args) && strings.HasPrefix(args[i], "-") && args[i] != "-" {
		if args[i] == "--" {
			return i + 1
		}
		name := strings.TrimLeft(args[i], "-")
		if globalValueFlags[name] {
			i++
		}
		i++
	}
	return i
}

// defaultCommand makes "nianbao FILE|DIR..." mean "nianbao validate
// FILE|DIR...": when the first argument is no command but a file or folder
// that exists, or names a workbook or an archive, validate is put in front
// of it. That is also what Windows runs when files are dropped on the exe.
func defaultCommand(app *cli.App, args []string) []string {
	i := firstArg(args)
	if i >= len(args) || app.Command(args[i]) != nil {
		return args
	}
	a := args[i]
	_, statErr := os.Stat(a)
	switch strings.ToLower(filepath.Ext(a)) {
	case ".xlsx", ".xlsm", ".xls", ".et", ".ods", ".zip", ".rar", ".7z":
		statErr = nil
	}
	if statErr != nil {
		return args
	}
	out := append([]string{}, args[:i]...)
	out = append(out, "validate")
	return append(out, args[i:]...)
}

// usageErrorOf is err as a usage error, when it is one.
func usageErrorOf(err error) (usageError, bool) {
	var ue usageError
	ok := errors.As(err, &ue)
	return ue, ok
}

// Help in Chinese: urfave/cli's headings and the flags' defaults.
func init() {
	zh := strings.NewReplacer(
		"GLOBAL OPTIONS:", "全局选项：",
		"OPTIONS:", "选项：",
		"NAME:", "名称：",
		"USAGE:", "用法：",
		"VERSION:", "版本：",
		"DESCRIPTION:", "说明：",
		"COMMANDS:", "命令：",
		"CATEGORY:", "类别：",
		"COPYRIGHT:", "版权：",
		"[global options]", "[全局选项]",
		"command [command options]", "命令 [命令选项]",
		"[arguments...]", "[参数...]",
	)
	cli.AppHelpTemplate = zh.Replace(cli.AppHelpTemplate)
	cli.CommandHelpTemplate = zh.Replace(cli.CommandHelpTemplate)
	cli.SubcommandHelpTemplate = zh.Replace(cli.SubcommandHelpTemplate)
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "显示帮助"}
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Aliases: []string{"v"}, Usage: "显示版本"}
	stringer := cli.FlagStringer
	cli.FlagStringer = func(f cli.Flag) string { return flagHelpZh(stringer(f)) }
}

var (
	helpDefault = regexp.MustCompile(` \(default: (.*?)\)`)
	helpEnv     = regexp.MustCompile(` \[\$(\w+)\]`)
)

// flagHelpZh puts a flag's help line in Chinese: "(default: 10)" →
// "（默认：10）", a false default of a switch left out, "[$VAR]" →
// "（环境变量 VAR）".
func flagHelpZh(s string) string {
	s = strings.Replace(s, " (default: false)", "", 1)
	s = helpDefault.ReplaceAllString(s, "（默认：$1）")
	s = helpEnv.ReplaceAllString(s, "（环境变量 $1）")
	if strings.Count(s, "（默认：") > 1 { // the usage says what the default is, in words
		i := strings.LastIndex(s, "（默认：")
		if j := strings.Index(s[i:], "）"); j > 0 {
			s = s[:i] + s[i+j+len("）"):]
		}
	}
	return s
}
