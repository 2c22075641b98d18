package report

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/experiments/runner"
)

// predictionsTree writes the results of intervalConfig's finetune and
// equitune runs with their predictions but no outcomes (runs finished
// before runs wrote them), and returns the sweep, the layout and the runs.
func predictionsTree(t *testing.T, out string) (*config.Sweep, runner.Layout, []synthRun) {
	t.Helper()
	withoutErrorAnalysis(t) // the synthetic commands are not the split's
	sw, err := config.ParseSweep([]byte(intervalConfig), "ci.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := sw.Cells[0].Config
	l := runner.CellLayout(out, sw.Cells[0])
	var runs []synthRun
	for i, r := range runner.Expand(c) {
		if r.Method == "finetune" || r.Method == "equitune" {
			s := synthRun{run: r, right: synthRight(300, 0.6, uint64(i)), prefix: "jump", predictions: true}
			s.write(t, c, l)
			runs = append(runs, s)
		}
	}
	return sw, l, runs
}

// TestAggregateDerivesOutcomes: aggregate gives finished runs with
// predictions but no outcomes the record of their predictions, leaves
// result.json as it was, and writes intervals and comparisons from them; a
// second aggregation writes the same bytes.
func TestAggregateDerivesOutcomes(t *testing.T) {
	sw, l, runs := predictionsTree(t, t.TempDir())
	results := map[string][]byte{}
	for _, s := range runs {
		b, _ := os.ReadFile(l.Result(s.run))
		results[s.run.ID()] = b
	}
	var summaries [2]map[string][]byte
	for i := range summaries {
		var stdout, stderr bytes.Buffer
		if code := Aggregate(sw, l.Out, &stdout, &stderr); code != 0 {
			t.Fatalf("aggregate %d: exit %d: %s", i, code, stderr.String())
		}
		if wrote := strings.Contains(stderr.String(), "wrote the outcomes.json.gz of 6 finished runs from their predictions"); wrote != (i == 0) {
			t.Errorf("aggregate %d: stderr %q", i, stderr.String())
		}
		summaries[i] = map[string][]byte{}
		for _, f := range []string{"summary.csv", "summary.md", "comparisons.csv", "comparisons.md"} {
			summaries[i][f], _ = os.ReadFile(filepath.Join(l.Dir(), f))
		}
	}
	if !reflect.DeepEqual(summaries[0], summaries[1]) {
		t.Error("two aggregations wrote different summaries")
	}
	if csv := string(summaries[0]["summary.csv"]); !strings.Contains(csv, "\naddprim_jump,lstm,finetune,3,0.5867,0.0203,0.5400,0.6322\n") {
		t.Errorf("summary.csv has no interval for finetune:\n%s", csv)
	}
	if csv := string(summaries[0]["comparisons.csv"]); !strings.Contains(csv, "\naddprim_jump,lstm,equitune,finetune,3,300,") {
		t.Errorf("comparisons.csv:\n%s", csv)
	}
	for _, s := range runs {
		got, err := outcomes.Read(l.Outcomes(s.run.ID()))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := outcomes.FromPredictions(synthPredictions(s.prefix, s.right))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: derived %+v, want %+v", s.run.ID(), got, want)
		}
		if b, _ := os.ReadFile(l.Result(s.run)); !bytes.Equal(b, results[s.run.ID()]) {
			t.Errorf("%s: result.json was rewritten", s.run.ID())
		}
	}
}

// TestAggregateRefusesDisagreement: an outcomes file that disagrees with
// its run's predictions, or predictions that disagree with its result.json,
// make aggregate fail with an error naming the files; nothing is written
// over them.
func TestAggregateRefusesDisagreement(t *testing.T) {
	for _, tc := range []struct {
		name  string
		spoil func(t *testing.T, l runner.Layout, s synthRun)
		names func(l runner.Layout, s synthRun) []string
	}{
		{"outcomes disagree with predictions", func(t *testing.T, l runner.Layout, s synthRun) {
			ps := synthPredictions(s.prefix, s.right)
			i := slices.Index(s.right, false)
			ps[i].Pred = "I_LOOK" // another wrong output: the same number right
			rec, err := outcomes.FromPredictions(ps)
			if err != nil {
				t.Fatal(err)
			}
			if err := rec.Write(l.Outcomes(s.run.ID())); err != nil {
				t.Fatal(err)
			}
		}, func(l runner.Layout, s synthRun) []string { return []string{l.Outcomes(s.run.ID())} }},
		{"predictions disagree with result.json", func(t *testing.T, l runner.Layout, s synthRun) {
			right := slices.Clone(s.right)
			right[0] = !right[0] // one more or one fewer right than result.json says
			writePredictionsFile(t, filepath.Join(filepath.Dir(l.Result(s.run)), outcomes.PredictionsFile), synthPredictions(s.prefix, right))
		}, func(l runner.Layout, s synthRun) []string {
			return []string{filepath.Join(filepath.Dir(l.Result(s.run)), outcomes.PredictionsFile), l.Result(s.run)}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sw, l, runs := predictionsTree(t, t.TempDir())
			s := runs[2]
			tc.spoil(t, l, s)
			before, _ := os.ReadFile(l.Outcomes(s.run.ID()))
			var stderr bytes.Buffer
			if code := Aggregate(sw, l.Out, &bytes.Buffer{}, &stderr); code != 1 {
				t.Fatalf("exit %d, want 1: %s", code, stderr.String())
			}
			for _, name := range tc.names(l, s) {
				if !strings.Contains(stderr.String(), name) {
					t.Errorf("stderr does not name %s: %s", name, stderr.String())
				}
			}
			if after, _ := os.ReadFile(l.Outcomes(s.run.ID())); !bytes.Equal(after, before) {
				t.Error("the outcomes file changed")
			}
			if _, err := os.Stat(filepath.Join(l.Dir(), "summary.csv")); !os.IsNotExist(err) {
				t.Errorf("a summary was written (%v)", err)
			}
		})
	}
}

// TestAggregateSkipsUnrecordable: predictions with an output word that is
// neither an action nor SOS (no model outputs one; a damaged file can)
// leave their run without outcomes, with a warning naming the file; the
// row's interval is empty, the others' are there.
func TestAggregateSkipsUnrecordable(t *testing.T) {
	sw, l, runs := predictionsTree(t, t.TempDir())
	s := runs[0] // finetune, seed 0
	ps := synthPredictions(s.prefix, s.right)
	i := slices.Index(s.right, false)
	ps[i].Pred = "I_JUMP I_FLY"
	path := filepath.Join(filepath.Dir(l.Result(s.run)), outcomes.PredictionsFile)
	writePredictionsFile(t, path, ps)
	var stdout, stderr bytes.Buffer
	if code := Aggregate(sw, l.Out, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "warning: no outcomes: "+path) {
		t.Errorf("stderr: %s", stderr.String())
	}
	if _, err := os.Stat(l.Outcomes(s.run.ID())); !os.IsNotExist(err) {
		t.Errorf("%s: %v", l.Outcomes(s.run.ID()), err)
	}
	if !strings.Contains(stdout.String(), "\naddprim_jump,lstm,finetune,3,0.5867,0.0203,,\naddprim_jump,lstm,equitune,3,0.6100,0.0120,0.") {
		t.Errorf("summary.csv:\n%s", stdout.String())
	}
}
