package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/runner"
)

// TestEquituneIndependent checks that equitune_independent is equitune
// decoded in the independent mode: with decode = "independent", the two
// runs have the same validation curve, selected step and test accuracy.
func TestEquituneIndependent(t *testing.T) {
	runs := runTiny(t, `methods = ["equitune", "equitune_independent"]`+"\ndecode = \"independent\"")
	var a, b runner.Result
	readJSON(t, filepath.Join(runs, "addprim_jump-gru-s0-equitune", "result.json"), &a)
	readJSON(t, filepath.Join(runs, "addprim_jump-gru-s0-equitune_independent", "result.json"), &b)
	if a.Decode != "independent" || b.Decode != "independent" {
		t.Errorf("decoding modes %q and %q, want independent", a.Decode, b.Decode)
	}
	if a.TestAcc != b.TestAcc || a.BestStep != b.BestStep || len(a.Curve) != len(b.Curve) {
		t.Fatalf("equitune (test %v, step %d) and equitune_independent (test %v, step %d) differ",
			a.TestAcc, a.BestStep, b.TestAcc, b.BestStep)
	}
	for i := range a.Curve {
		if a.Curve[i] != b.Curve[i] {
			t.Fatalf("curves differ at %d: %+v, %+v", i, a.Curve[i], b.Curve[i])
		}
	}
}

// runTiny runs testdata/tiny.toml with its methods line replaced by
// methods (which may add keys on lines of its own) in a temporary
// directory, and returns the directory of its runs; it skips a short test.
func runTiny(t *testing.T, methods string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("trains models")
	}
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("testdata", "tiny.toml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "tiny.toml")
	toml := strings.Replace(string(data), `methods = ["pretrained", "finetune", "equitune", "equizero", "gequivariant"]`, methods, 1)
	if err := os.WriteFile(cfg, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if code := run([]string{"-config", cfg, "-out", out}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	return filepath.Join(out, "results", "tiny", "runs")
}
