package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/seq2seq"
)

// TestCoveragesGroups checks which groups a config reports: its group, and
// the gequivariant group when that method is run.
func TestCoveragesGroups(t *testing.T) {
	for _, tc := range []struct {
		src  string
		want []string
	}{
		{"name = \"x\"\nseeds = [3]\nmethods = [\"equitune\"]\n", []string{"verb"}},
		{"name = \"x\"\nseeds = [3]\nmethods = [\"equitune\", \"gequivariant\"]\n", []string{"verb", "verb4"}},
		{"name = \"x\"\nseeds = [3]\nsplit = \"around_right\"\nmethods = [\"gequivariant\"]\n", []string{"direction"}},
	} {
		c, err := config.Parse([]byte(tc.src), "x.toml")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := Coverages(c)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.Group)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("%q: groups %v, want %v", tc.src, got, tc.want)
		}
	}
}

// TestSummaryCoverage checks that the summary of finished runs has the
// coverage: a section of summary.md and coverage.csv.
func TestSummaryCoverage(t *testing.T) {
	c, err := config.Parse([]byte("name = \"x\"\nseeds = [0]\ncells = [\"lstm\"]\nmethods = [\"pretrained\"]\n"), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	l := runner.Layout{Out: t.TempDir(), Experiment: c.Name}
	writeResult(t, c, l, runner.Expand(c)[1], 0.5)
	if _, rejected, err := WriteSummary(c, l); err != nil || len(rejected) > 0 {
		t.Fatal(err, rejected)
	}
	md, err := os.ReadFile(filepath.Join(l.Dir(), "summary.md"))
	if err != nil || !bytes.Contains(md, []byte("| addprim_jump | verb | 2 | 0 | 0.7711 | 0.1033 |")) {
		t.Errorf("summary.md (%v):\n%s", err, md)
	}
	if b, err := os.ReadFile(filepath.Join(l.Dir(), "coverage.csv")); err != nil || !bytes.HasPrefix(b, []byte("split,group,")) {
		t.Errorf("coverage.csv (%v):\n%s", err, b)
	}
}

// writeResult writes a result.json for run r of c under l that the summary
// accepts (its identity, run and config), with test accuracy acc.
func writeResult(t *testing.T, c *config.Config, l runner.Layout, r runner.Run, acc float64) {
	t.Helper()
	id, err := runner.RunIdentity(c, r)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := c.ModelConfig(seq2seq.CellKind(r.Cell))
	if err != nil {
		t.Fatal(err)
	}
	res, err := json.Marshal(&runner.Result{Experiment: c.Name, RunID: r.ID(), Identity: id, Split: r.Split, Cell: r.Cell,
		Method: r.Method, Seed: r.Seed, Config: c, Model: mc, TestAcc: acc,
		Curve: []seq2seq.EvalPoint{{Step: 1000, ValAcc: acc}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(l.Result(r)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(l.Result(r), res, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCoverageGolden checks the coverage rows of add_jump_quick.toml against
// the golden coverage.csv: add_jump under verb covers the 5,942 of 7,706
// test commands without "run".
func TestCoverageGolden(t *testing.T) {
	c, err := config.Load("add_jump_quick.toml")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Coverages(c)
	if err != nil {
		t.Fatal(err)
	}
	got := CoverageCSV(rows)
	checkGoldenText(t, "coverage.csv.golden", got)
	if !strings.Contains(got, "addprim_jump,verb,2,0,5942,7706,0.7711,") {
		t.Errorf("add_jump under verb: %s", got)
	}
}
