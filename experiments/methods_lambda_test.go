package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/scan-equitune/equitune/experiments/runner"
)

// TestLambdaEquitune runs lambda_equitune end to end on testdata/tiny.toml:
// it tunes, writes its result with the tuning's curve, and exports the
// model M alone (λ lives in the tuning's checkpoint only).
func TestLambdaEquitune(t *testing.T) {
	runs := runTiny(t, `methods = ["equitune", "lambda_equitune"]`)
	var a, b runner.Result
	readJSON(t, filepath.Join(runs, "addprim_jump-gru-s0-equitune", "result.json"), &a)
	readJSON(t, filepath.Join(runs, "addprim_jump-gru-s0-lambda_equitune", "result.json"), &b)
	if b.Method != "lambda_equitune" || b.TuneIterations != 4 || len(b.Curve) != 2 || b.Decode != "shared" {
		t.Errorf("lambda_equitune result: method %q, %d tuning iterations, curve %v, decoding %q",
			b.Method, b.TuneIterations, b.Curve, b.Decode)
	}
	if a.Identity == b.Identity {
		t.Errorf("equitune and lambda_equitune share the run identity %s", a.Identity)
	}
	ma := readFile(t, filepath.Join(runs, "addprim_jump-gru-s0-equitune", runner.ModelFile))
	mb := readFile(t, filepath.Join(runs, "addprim_jump-gru-s0-lambda_equitune", runner.ModelFile))
	if len(ma) != len(mb) || bytes.Contains(mb, []byte("lambda")) {
		t.Errorf("lambda_equitune's model file (%d bytes) is not M's alone (%d bytes)", len(mb), len(ma))
	}
}

// readFile returns the contents of path.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
