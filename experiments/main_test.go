package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/experiments/runner"
)

func TestMainBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.toml")
	if err := os.WriteFile(bad, []byte("name = \"x\"\nsplit = \"add_jump\"\nlearning_rate = 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	for _, args := range [][]string{
		{"-config", bad, "-out", out},
		{"-config", "no_such.toml", "-out", out},
		{"-out", out},
		{"-config", "add_jump_quick.toml", "-out", out, "-run-index", "999"},
		{"slurm", "-config", "add_jump_quick.toml", "-out", out, "-plan", filepath.Join(out, "plan"), "-run-index", "3"},
		{"list", "-config", "add_jump_quick.toml", "-out", out},
		{"list", "-config", "add_jump_quick.toml", "-run-index", "99"},
		{"aggregate", "-config", "add_jump_quick.toml", "-out", out, "-run-index", "2"},
		{"aggregate", "-config", "add_jump_quick.toml", "-out", out, "-force"},
		{"run", "-config", "add_jump_quick.toml", "-out", out, "-aggregate"},
		{"frobnicate", "-config", "add_jump_quick.toml"},
		{"slurm", "-config", "add_jump_quick.toml", "-out", out},
		{"export", "-config", "add_jump_quick.toml", "-out", out, "-run-index", "2"},
		{"export", "-config", "add_jump_quick.toml", "-out", out, "-o", filepath.Join(out, "m.safetensors")},
		{"atlas", "-out", out},
		{"atlas", "-out", out, "atlas_quick", "-force"},
		{"predict", "-out", out, "jump"},
		{"predict", "-config", "add_jump_quick.toml", "-out", out, "jump"},
		{"predict", "-config", "add_jump_quick.toml", "-run-index", "0", "-group", "verb", "jump"},
		{"predict", "-model", filepath.Join(out, "m.safetensors"), "-run-index", "0", "jump"},
		{"list", "-config", "add_jump_quick.toml", "-config", "around_right_quick.toml"},
		// #28 item 5: a flag of another subcommand is a usage error.
		{"coverage", "-config", "add_jump_quick.toml", "-force"},
		{"coverage", "-config", "add_jump_quick.toml", "-jobs", "2"},
		{"coverage", "-config", "add_jump_quick.toml", "-run-index", "1"},
		{"coverage", "-config", "add_jump_quick.toml", "-out", out},
		{"coverage", "-config", "add_jump_quick.toml", "-slurm", out},
		{"atlas", "-config", "add_jump_quick.toml", "atlas_quick"},
		{"atlas", "-force", "atlas_quick"},
		{"-config", "add_jump_quick.toml", "-out", out, "-run-index", "2", "-jobs", "2"},
		{"-config", filepath.Join(dir, "some", "add_jump_quick.toml"), "-out", out},
	} {
		var stderr bytes.Buffer
		if code := run(args, io.Discard, &stderr); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if n := strings.Count(strings.TrimSpace(stderr.String()), "\n"); n != 0 {
			t.Errorf("%v: want one message, got %q", args, stderr.String())
		}
		if strings.Count(stderr.String(), "experiments: ") != 1 {
			t.Errorf("%v: message %q", args, stderr.String())
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("bad input wrote %s", out)
	}
}

// TestEndToEnd runs a tiny experiment twice: the second run must skip every
// finished run.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models")
	}
	out := t.TempDir()
	cfg := filepath.Join("testdata", "tiny.toml")
	var stdout bytes.Buffer
	if code := run([]string{"-config", cfg, "-out", out}, &stdout, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	c, err := config.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l := runner.Layout{Out: out, Experiment: c.Name}
	mtimes := map[string]time.Time{}
	for _, r := range runner.Expand(c) {
		if r.Method == runner.Pretrain {
			if _, err := os.Stat(l.Checkpoint(c, r)); err != nil {
				t.Error(err)
			}
			continue
		}
		if r.Method == config.GEquivariant {
			if _, err := os.Stat(l.GEquivariantCheckpoint(c, r)); err != nil {
				t.Error(err)
			}
		}
		b, err := os.ReadFile(l.Result(r))
		if err != nil {
			t.Fatal(err)
		}
		var res runner.Result
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatal(err)
		}
		if res.Method != r.Method || res.Seed != r.Seed || res.GoVersion == "" || len(res.Curve) == 0 ||
			res.Config == nil || res.TestAcc < 0 || res.TestAcc > 1 {
			t.Errorf("%s: bad result %+v", r.ID(), res)
		}
		if r.Method == config.GEquivariant && (res.Group != "verb4" || res.GroupOrder != 4 || res.TuneIterations != 0 ||
			res.PretrainIterations != c.Pretrain.Iterations || res.Model.Group == nil) {
			t.Errorf("%s: bad gequivariant result %+v", r.ID(), res)
		}
		checkOutcomes(t, l, &res)
		st, _ := os.Stat(l.Result(r))
		mtimes[l.Result(r)] = st.ModTime()
	}
	csv, err := os.ReadFile(filepath.Join(l.Dir(), "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if lines[0] != "split,cell,method,n_seeds,test_acc_mean,test_acc_std,ci95_lo,ci95_hi" || len(lines) != 1+len(c.Methods) {
		t.Errorf("summary.csv:\n%s", csv)
	}
	for _, line := range lines[1:] {
		if strings.HasSuffix(line, ",,") {
			t.Errorf("summary.csv: no interval in %q", line)
		}
	}
	for _, f := range []string{"summary.md", "../../plots/tiny_accuracy.png", "../../plots/tiny_curves.png",
		"../../plots/tiny_accuracy.svg", "../../plots/tiny_curves.svg"} {
		if st, err := os.Stat(filepath.Join(l.Dir(), f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	if code := run([]string{"-config", cfg, "-out", out}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("second run: exit %d", code)
	}
	for p, m := range mtimes {
		if st, _ := os.Stat(p); !st.ModTime().Equal(m) {
			t.Errorf("%s was rewritten", p)
		}
	}
}

// checkOutcomes checks that the run of res wrote its outcomes file, the
// record of its predictions, with its test accuracy.
func checkOutcomes(t *testing.T, l runner.Layout, res *runner.Result) {
	t.Helper()
	rec, err := outcomes.Read(l.Outcomes(res.RunID))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := outcomes.ReadPredictions(filepath.Join(filepath.Dir(l.Outcomes(res.RunID)), runner.PredictionsFile))
	if err != nil {
		t.Fatal(err)
	}
	want, err := outcomes.FromPredictions(ps)
	if err != nil || !reflect.DeepEqual(rec, want) || float64(rec.Correct)/float64(rec.Commands) != res.TestAcc {
		t.Errorf("%s: outcomes %d of %d right, test_acc %v; the predictions' record %+v (%v)", res.RunID, rec.Correct, rec.Commands, res.TestAcc, want, err)
	}
}

// TestStageSeconds checks that a method run records where its wall time
// went: a tuned run its training and validation, a zero-shot run its one
// validation, both their test decoding, within the run's wall time.
func TestStageSeconds(t *testing.T) {
	runs := runTiny(t, `methods = ["equitune", "equitune_zeroshot"]`)
	for _, m := range []string{"equitune", "equitune_zeroshot"} {
		var res runner.Result
		readJSON(t, filepath.Join(runs, "addprim_jump-gru-s0-"+m, "result.json"), &res)
		s := res.StageSeconds
		if s == nil {
			t.Fatalf("%s: no stage_seconds", m)
		}
		if (s.Train > 0) != (m == "equitune") || s.Validate <= 0 || s.Test <= 0 || s.Train+s.Validate+s.Test > res.WallSeconds {
			t.Errorf("%s: stage seconds %+v of a wall time of %v s", m, *s, res.WallSeconds)
		}
	}
}

// TestMain makes the test binary the experiments command when a pool of
// worker processes starts it as one of its workers (runner's workerPool
// re-executes this binary with EQUITUNE_WORKER=1): tests that run the
// command at -jobs 2 or more then have real worker processes. With
// commandEnv set it is the command too, as a process a test can signal
// (TestSignalEndsIn130), which says commandReady once it runs.
func TestMain(m *testing.M) {
	if os.Getenv("EQUITUNE_WORKER") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	if os.Getenv(commandEnv) == "1" { // the command itself, for a test that signals it
		runner.CatchSignals()
		os.Stderr.WriteString(commandReady + "\n")
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	code := m.Run()
	removeFinishedTiny()
	os.Exit(code)
}
