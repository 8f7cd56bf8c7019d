package templates

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nianbao/nianbao/spec"
	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/specs")

// TestSpecs loads each spec of testdata/specs and compares the outcome (ok, or
// every error with its file:line:column) with the case's want section.
func TestSpecs(t *testing.T) {
	files, _ := filepath.Glob("testdata/specs/*.txtar")
	if len(files) == 0 {
		t.Fatal("no cases")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var src []byte
			lang := "zh"
			wantIdx := -1
			for i, f := range ar.Files {
				switch f.Name {
				case "spec.yaml":
					src = f.Data
				case "lang":
					lang = strings.TrimSpace(string(f.Data))
				case "want":
					wantIdx = i
				}
			}
			got := "ok\n"
			if _, err := Parse(src, "spec.yaml", lang); err != nil {
				if _, ok := err.(spec.Errors); !ok {
					t.Fatalf("error of type %T, want spec.Errors: %v", err, err)
				}
				got = err.Error() + "\n"
			}
			if *update {
				ar.Files[wantIdx].Data = []byte(got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := string(ar.Files[wantIdx].Data); got != want {
				t.Errorf("got:\n%swant:\n%s", got, want)
			}
		})
	}
}

// TestDefaultSpec checks the built-in spec covers the inventory's 23 tables and
// that its source is what the binary embeds.
func TestDefaultSpec(t *testing.T) {
	p, err := Default("zh")
	if err != nil {
		t.Fatal(err)
	}
	src, err := Source(DefaultID)
	if err != nil {
		t.Fatal(err)
	}
	if embedded, _ := embedded.ReadFile("reports/" + DefaultID + "/spec.yaml"); !bytes.Equal(src, embedded) {
		t.Fatal("Source(DefaultID) differs from the embedded spec")
	}
	if len(p.Spec.Sheets) == 0 {
		t.Error("built-in spec has no sheets")
	}
	if _, err := Load("", "zh"); err != nil {
		t.Fatal(err)
	}
	if _, err := Load("testdata/no-such.yaml", "zh"); err == nil || !strings.Contains(err.Error(), "no-such.yaml") {
		t.Errorf("missing file: got %v, want an error naming the file", err)
	}
}
