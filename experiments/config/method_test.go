package config

import (
	"flag"
	"image/color"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestMethodRegistry checks what every registered method must have: a name
// and a line of doc, and a colour of its own (runner's TestMethodReads
// checks its reads).
func TestMethodRegistry(t *testing.T) {
	var colors []color.Color
	for _, m := range methods {
		if m.Name == "" || m.Name == "pretrain" || m.Doc == "" {
			t.Errorf("method %+v: want a name other than %q (a pretraining run's) and a doc", m, "pretrain")
		}
		if slices.Contains(colors, m.Color) {
			t.Errorf("%s shares its colour", m.Name)
		}
		colors = append(colors, m.Color)
	}
}

// TestREADMEMethodTable checks that the README's table of methods is
// MethodTable's; -update rewrites it.
func TestREADMEMethodTable(t *testing.T) {
	const path, begin, end = "../../README.md", "<!-- methods: MethodTable, go test ./experiments/config -run READMEMethodTable -update -->\n", "<!-- /methods -->"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q … %q", path, begin, end)
	}
	if got, want := s[i+len(begin):j], MethodTable(); got != want {
		if *update {
			if err := os.WriteFile(path, []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("%s's method table differs from MethodTable (rerun with -update):\n%s", path, want)
	}
}

var update = flag.Bool("update", false, "rewrite the README's method table")
