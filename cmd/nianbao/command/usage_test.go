package command

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"annotate", "format", "force", "strict", "spec", "password", "lang"}
	for _, tc := range []struct{ name, want string }{
		{name: "anotate", want: "annotate"},
		{name: "fromat", want: "format"},
		{name: "pass", want: "password"},
		{name: "no-such-flag", want: ""},
		{name: "x", want: ""},
	} {
		if got := closest(tc.name, names); got != tc.want {
			t.Errorf("closest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestNormLang(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{in: "", want: "zh", ok: true},
		{in: "zh_CN.UTF-8", want: "zh", ok: true},
		{in: "en-US", want: "en", ok: true},
		{in: "EN", want: "en", ok: true},
		{in: "fr", ok: false},
		{in: "-", ok: false},
		{in: "_", ok: false},
		{in: ".UTF-8", ok: false},
	} {
		got, ok := normLang(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("normLang(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// A console made for nianbao alone (Explorer started it) is kept open until
// Enter; a console shared with a shell, and every other system, is not.
func TestPauseBeforeExit(t *testing.T) {
	for _, tc := range []struct {
		goos  string
		procs int
		want  bool
	}{
		{goos: "windows", procs: 1, want: true},
		{goos: "windows", procs: 2, want: false}, // cmd.exe or PowerShell is attached too
		{goos: "windows", procs: 0, want: false}, // not known
		{goos: "linux", procs: 1, want: false},
	} {
		if got := pauseBeforeExit(tc.goos, tc.procs); got != tc.want {
			t.Errorf("pauseBeforeExit(%s, %d) = %v", tc.goos, tc.procs, got)
		}
	}
}

func TestFlagsFirstAfterGlobalLang(t *testing.T) {
	app := newApp(nil, nil)
	got := flagsFirst(app, []string{"nianbao", "--lang", "en", "consolidate", "DIR", "-o", "x.xlsx"})
	want := []string{"nianbao", "--lang", "en", "consolidate", "-o", "x.xlsx", "DIR"}
	if len(got) != len(want) {
		t.Fatalf("got %q", got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
}

func TestFlagHelpZh(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{in: "--force\t覆盖 (default: false)", want: "--force\t覆盖"},
		{in: "-n N\t学校数 N (default: 10)", want: "-n N\t学校数 N（默认：10）"},
		{in: "--workers value\t并行数（默认：CPU 核数） (default: 0)", want: "--workers value\t并行数（默认：CPU 核数）"},
		{in: "--x value\tx [$X_Y]", want: "--x value\tx（环境变量 X_Y）"},
	} {
		if got := flagHelpZh(tc.in); got != tc.want {
			t.Errorf("flagHelpZh(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
