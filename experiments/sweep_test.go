package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
)

// TestSweepRun runs testdata/tiny.toml as a sweep over two tuning rates
// given by -set, at -jobs 2 (worker processes, which get the -set too):
// each cell's results go to results/tiny/LR/, the sweep's summary.csv has a
// row per cell and method, and each cell's results are those of the plain
// config with that rate (the same identities and accuracies). list numbers
// the plan, and run -run-index of a finished step skips it.
func TestSweepRun(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models")
	}
	cfg := filepath.Join("testdata", "tiny.toml")
	sweep, plain := t.TempDir(), t.TempDir()
	var stderr bytes.Buffer
	withWorkers(t, func() {
		if code := run([]string{"run", "-config", cfg, "-set", "tune.lr=[1e-3, 2e-3]", "-out", sweep, "-jobs", "2"}, io.Discard, &stderr); code != 0 {
			t.Fatalf("sweep: exit %d\n%s", code, stderr.String())
		}
	})
	if code := run([]string{"run", "-config", cfg, "-set", "tune.lr=2e-3", "-out", plain, "-jobs", "1"}, io.Discard, &stderr); code != 0 {
		t.Fatalf("plain: exit %d\n%s", code, stderr.String())
	}
	sw, err := config.LoadSweep(cfg, []string{"tune.lr=[1e-3, 2e-3]"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := config.LoadSweep(cfg, []string{"tune.lr=2e-3"})
	if err != nil {
		t.Fatal(err)
	}
	cell := sw.Cells[1]
	if cell.Dir != "tiny/0.002" || cell.Config.Name != "tiny_0.002" {
		t.Fatalf("cell %s in %s", cell.Config.Name, cell.Dir)
	}
	for _, r := range runner.Expand(cell.Config)[1:] {
		var a, b runner.Result
		readJSON(t, runner.CellLayout(sweep, cell).Result(r), &a)
		readJSON(t, runner.CellLayout(plain, c.Cells[0]).Result(r), &b)
		if a.Identity != b.Identity || a.TestAcc != b.TestAcc || a.Experiment != "tiny_0.002" || a.Config.Tune.LR != 2e-3 {
			t.Errorf("%s: sweep cell %s %v %s, plain %s %v", r.ID(), a.Identity, a.TestAcc, a.Experiment, b.Identity, b.TestAcc)
		}
	}
	csv, err := os.ReadFile(filepath.Join(sweep, "results", "tiny", "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	if lines[0] != "tune_lr,split,cell,method,n_seeds,test_acc_mean,test_acc_std,ci95_lo,ci95_hi" || strings.HasSuffix(lines[1], ",,") || len(lines) != 1+2*len(cell.Config.Methods) ||
		!strings.HasPrefix(lines[len(lines)-1], "0.002,addprim_jump,gru,gequivariant,1,") {
		t.Errorf("the sweep's summary.csv:\n%s", csv)
	}
	var list strings.Builder
	if code := run([]string{"list", "-config", cfg, "-set", "tune.lr=[1e-3, 2e-3]"}, &list, io.Discard); code != 0 ||
		!strings.HasPrefix(list.String(), "0\ttiny/0.001/pretrain-addprim_jump-gru-s0\n1\ttiny/0.002/pretrain-addprim_jump-gru-s0\n2\ttiny/0.001/addprim_jump-gru-s0-pretrained\n") {
		t.Errorf("list: exit %d\n%s", code, list.String())
	}
	stderr.Reset()
	if code := run([]string{"run", "-config", cfg, "-set", "tune.lr=[1e-3, 2e-3]", "-out", sweep, "-run-index", "3"}, io.Discard, &stderr); code != 0 ||
		!strings.Contains(stderr.String(), "skipping finished run") {
		t.Errorf("run -run-index 3: exit %d\n%s", code, stderr.String())
	}
}
