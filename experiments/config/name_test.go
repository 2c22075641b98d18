package config_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/scan"
)

// TestNames: a name that could not name a folder of results (a NUL or
// control byte, a slash, a space, a leading dot such as .cache, more than
// MaxNameBytes) is refused on load, naming the file, the line and the key;
// so is a sweep whose axis values cannot name a cell's folder. Names of the
// allowed characters and length load.
func TestNames(t *testing.T) {
	dir := t.TempDir()
	const rest = "\nmethods = [\"pretrained\"]\n"
	load := func(text string) error {
		path := filepath.Join(dir, "n.toml")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := config.LoadSweep(path, nil)
		return err
	}
	for _, name := range []string{`x\u0000`, `x\u0007y`, `a\nb`, "a b", "a/b", `a\\b`, "..", ".", ".cache", ".x", "",
		"é", strings.Repeat("n", config.MaxNameBytes+1), strings.Repeat("n", 300)} {
		err := load("# an experiment\nname = \"" + name + "\"" + rest)
		if !errors.Is(err, config.ErrConfig) || !strings.Contains(err.Error(), filepath.Join(dir, "n.toml")+":2: ") ||
			!strings.Contains(err.Error(), "name = ") {
			t.Errorf("name %q: error %v, want ErrConfig naming n.toml:2 and the key", name, err)
		}
	}
	for _, name := range []string{"add_jump", "x-1.2_y", "X9", strings.Repeat("n", config.MaxNameBytes)} {
		if err := load("name = \"" + name + "\"" + rest); err != nil {
			t.Errorf("name %q: %v", name, err)
		}
	}
	long := "name = \"" + strings.Repeat("n", config.MaxNameBytes) + "\"" + rest
	if err := load(long + "splits = [\"template_jump_around_right\", \"add_jump\"]\ngroups = [\"verb×direction\", \"verb\"]\n"); err != nil {
		t.Errorf("a sweep of the longest name: %v", err)
	}
	if err := load(strings.Replace(long, "pretrained", "equitune", 1) + "decode = [\"shared\", \"in/dependent\"]\n"); !errors.Is(err, config.ErrConfig) ||
		!strings.Contains(err.Error(), "decode") || !strings.Contains(err.Error(), "'/'") {
		t.Errorf("an axis value with a slash: %v, want ErrConfig naming the axis", err)
	}
}

// TestLongestFileName checks that the names a valid experiment makes stay
// within the 255 bytes of a file name: the temporary file of a figure of
// the longest cell name, and the lock of the longest run ID (the longest
// split, cell, method and seed).
func TestLongestFileName(t *testing.T) {
	const tmp = ".tmp4294967295" // os.CreateTemp's longest random suffix
	cell := strings.Repeat("n", config.MaxNameBytes) + "_" + strings.Repeat("v", 99)
	longest := func(names []string) string {
		return slices.MaxFunc(names, func(a, b string) int { return len(a) - len(b) })
	}
	run := runner.Run{Split: longest(scan.SplitNames()), Cell: "lstm", Method: longest(config.MethodNames()), Seed: math.MaxUint64}
	for _, f := range []string{"." + cell + "_accuracy.svg" + tmp, "." + cell + "_curves.svg" + tmp,
		"." + run.ID() + ".lock" + tmp, "." + run.ID() + ".ckpt" + tmp} {
		if len(f) > 255 {
			t.Errorf("%s: %d bytes, more than 255", f, len(f))
		}
	}
	path := filepath.Join(t.TempDir(), "."+cell+"_accuracy.svg"+tmp)
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Errorf("the longest file name: %v", err)
	}
}
