package report

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/experiments/stats"
)

// synthRight returns which of n test commands a run gets right: each with
// probability acc, drawn from a generator of key.
func synthRight(n int, acc float64, key uint64) []bool {
	r := rand.New(rand.NewPCG(key, 0))
	right := make([]bool, n)
	for c := range right {
		right[c] = r.Float64() < acc
	}
	return right
}

// synthPredictions returns predictions of the commands "prefix 0", "prefix
// 1", … right where right says, and wrong in a few ways (a wrong action,
// too short, no EOS) elsewhere.
func synthPredictions(prefix string, right []bool) []outcomes.Prediction {
	ps := make([]outcomes.Prediction, len(right))
	for i, ok := range right {
		p := outcomes.Prediction{In: fmt.Sprintf("%s %d", prefix, i), Target: "I_JUMP I_JUMP", Pred: "I_JUMP I_JUMP", EOS: true}
		if !ok {
			p.Pred = [...]string{"I_WALK I_JUMP", "I_JUMP", "I_JUMP I_JUMP I_JUMP"}[i%3]
			p.EOS = i%3 != 2
		}
		ps[i] = p
	}
	return ps
}

// synthRun is a finished run of a synthetic results tree: its result.json
// with the test accuracy of right, and the files saying which commands (of
// prefix) it got right: its predictions, its outcomes, either or none.
type synthRun struct {
	run                   runner.Run
	right                 []bool
	prefix                string
	predictions, outcomes bool
}

// write writes the run's files for experiment c under l.
func (s synthRun) write(t *testing.T, c *config.Config, l runner.Layout) {
	t.Helper()
	n := 0
	for _, ok := range s.right {
		if ok {
			n++
		}
	}
	writeResult(t, c, l, s.run, float64(n)/float64(len(s.right)))
	ps := synthPredictions(s.prefix, s.right)
	if s.outcomes {
		rec, err := outcomes.FromPredictions(ps)
		if err != nil {
			t.Fatal(err)
		}
		if err := rec.Write(l.Outcomes(s.run.ID())); err != nil {
			t.Fatal(err)
		}
	}
	if s.predictions {
		writePredictionsFile(t, filepath.Join(filepath.Dir(l.Result(s.run)), outcomes.PredictionsFile), ps)
	}
}

// writePredictionsFile writes ps as a predictions file.
func writePredictionsFile(t *testing.T, path string, ps []outcomes.Prediction) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	enc := json.NewEncoder(zw)
	for _, p := range ps {
		if err := enc.Encode(p); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// intervalConfig is the experiment of synthTree.
const intervalConfig = `name = "ci"
seeds = [0, 1, 2]
cells = ["lstm"]
methods = ["pretrained", "finetune", "equitune", "gequivariant"]
`

// synthTree writes the results of intervalConfig's method runs: 300 test
// commands; finetune, equitune and gequivariant with outcomes for every
// seed, pretrained for seeds 0 and 1 only (seed 2 has a result but no
// outcomes). Its files are fixed.
func synthTree(t *testing.T, out string) (*config.Config, runner.Layout) {
	t.Helper()
	withoutErrorAnalysis(t) // the synthetic commands are not the split's
	c, err := config.Parse([]byte(intervalConfig), "ci.toml")
	if err != nil {
		t.Fatal(err)
	}
	l := runner.Layout{Out: out, Experiment: c.Name}
	acc := map[string]float64{"pretrained": 0.1, "finetune": 0.5, "equitune": 0.9, "gequivariant": 0.88}
	for i, r := range runner.Expand(c) {
		if r.Method == runner.Pretrain {
			continue
		}
		s := synthRun{run: r, right: synthRight(300, acc[r.Method]+0.03*float64(r.Seed), uint64(i)), prefix: "jump",
			outcomes: r.Method != "pretrained" || r.Seed < 2}
		s.write(t, c, l)
	}
	return c, l
}

// TestSummaryIntervalsGolden writes the summary of a synthetic results tree
// and checks summary.csv, comparisons.csv and comparisons.md against their
// golden files: intervals where every seed has outcomes (pretrained's seed 2
// has none), comparisons of the methods that share their pretrainings
// (not gequivariant) where both rows have outcomes.
func TestSummaryIntervalsGolden(t *testing.T) {
	c, l := synthTree(t, t.TempDir())
	rows, rejected, err := WriteSummary(c, l)
	if err != nil || len(rejected) > 0 {
		t.Fatal(err, rejected)
	}
	for _, r := range rows {
		if (r.Interval == nil) != (r.Method == "pretrained") {
			t.Errorf("%s: interval %v", r.Method, r.Interval)
		}
		if r.Interval != nil && !(r.Interval.Lo < r.Mean && r.Mean < r.Interval.Hi && r.Interval.Hi-r.Interval.Lo < 0.2) {
			t.Errorf("%s: mean %.4f, interval %+v", r.Method, r.Mean, *r.Interval)
		}
	}
	for _, f := range []string{"summary.csv", "comparisons.csv", "comparisons.md"} {
		b, err := os.ReadFile(filepath.Join(l.Dir(), f))
		if err != nil {
			t.Fatal(err)
		}
		checkGoldenText(t, "intervals_"+f+".golden", string(b))
	}
	md, err := os.ReadFile(filepath.Join(l.Dir(), "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"pigeonhole bootstrap of seeds × test commands", "Owen 2007", "B = 2000",
		"| addprim_jump | lstm | pretrained | 3 | 0.1311 | 0.0250 | – |\n", "| addprim_jump | lstm | finetune | 3 | 0.5144 | 0.0605 | [0.4456, 0.5822] |"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("summary.md lacks %q:\n%s", want, md)
		}
	}
}

// TestSummaryDeterministic: two summaries of one results tree, written in
// two places, are the same bytes.
func TestSummaryDeterministic(t *testing.T) {
	var first map[string][]byte
	for range 2 {
		c, l := synthTree(t, t.TempDir())
		if _, _, err := WriteSummary(c, l); err != nil {
			t.Fatal(err)
		}
		got := map[string][]byte{}
		for _, f := range []string{"summary.csv", "summary.md", "comparisons.csv", "comparisons.md"} {
			b, err := os.ReadFile(filepath.Join(l.Dir(), f))
			if err != nil {
				t.Fatal(err)
			}
			got[f] = b
		}
		if first == nil {
			first = got
			continue
		}
		for f, b := range got {
			if !bytes.Equal(b, first[f]) {
				t.Errorf("%s differs between two summaries:\n%s\n%s", f, first[f], b)
			}
		}
	}
}

// TestNestedInterval: a row whose seeds were scored on different test
// commands (the simple split's seeds) gets the nested bootstrap's interval,
// one whose seeds share them the pigeonhole bootstrap's.
func TestNestedInterval(t *testing.T) {
	c, err := config.Parse([]byte("name = \"nest\"\nsplit = \"simple\"\nseeds = [0, 1]\ncells = [\"gru\"]\nmethods = [\"finetune\", \"equitune\"]\n"), "nest.toml")
	if err != nil {
		t.Fatal(err)
	}
	l := runner.Layout{Out: t.TempDir(), Experiment: c.Name}
	var rs []*runner.Result
	var ys [2][][]bool
	for i, r := range runner.Expand(c)[2:] {
		prefix := "walk" // finetune's seeds share their commands, equitune's do not
		if r.Method == "equitune" {
			prefix = fmt.Sprint("walk", r.Seed)
		}
		s := synthRun{run: r, right: synthRight(400, 0.7, uint64(i+5)), prefix: prefix, outcomes: true}
		s.write(t, c, l)
		res, err := readResultFile(l.Result(r))
		if err != nil {
			t.Fatal(err)
		}
		rs = append(rs, res)
		k := map[string]int{"finetune": 0, "equitune": 1}[r.Method]
		ys[k] = append(ys[k], s.right)
	}
	rows := summarize(rs)
	if err := withOutcomes(c.Name, l, rows); err != nil {
		t.Fatal(err)
	}
	for k, r := range rows {
		want, err := stats.Accuracy(ys[k], stats.Settings{Nested: k == 1}, stats.NewRand("nest", r.Split, r.Cell, r.Method))
		if err != nil {
			t.Fatal(err)
		}
		if r.Outcomes.Shared != (k == 0) || r.Interval == nil || *r.Interval != want {
			t.Errorf("%s: shared %v, interval %+v, want %+v", r.Method, r.Outcomes.Shared, r.Interval, want)
		}
	}
}

// readResultFile reads a result.json.
func readResultFile(path string) (*runner.Result, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var res runner.Result
	return &res, json.Unmarshal(b, &res)
}

// TestIntervalsDisagreeWithResult: an outcomes file whose number of right
// commands is not the result's test accuracy is an error naming both.
func TestIntervalsDisagreeWithResult(t *testing.T) {
	c, l := synthTree(t, t.TempDir())
	r := runner.Expand(c)[4] // finetune, seed 0
	bad := synthRun{run: r, right: synthRight(300, 0.3, 99), prefix: "jump", outcomes: true}
	rec, err := outcomes.FromPredictions(synthPredictions(bad.prefix, bad.right))
	if err != nil {
		t.Fatal(err)
	}
	if err := rec.Write(l.Outcomes(r.ID())); err != nil {
		t.Fatal(err)
	}
	_, _, err = WriteSummary(c, l)
	if err == nil || !strings.Contains(err.Error(), l.Outcomes(r.ID())) || !strings.Contains(err.Error(), l.Result(r)) {
		t.Errorf("error %v, want one naming %s and its result.json", err, l.Outcomes(r.ID()))
	}
}

// withoutErrorAnalysis makes WriteSummary skip the error analysis until t
// ends.
func withoutErrorAnalysis(t *testing.T) {
	errorAnalysis = func(*config.Config, runner.Layout, []Row) error { return nil }
	t.Cleanup(func() { errorAnalysis = writeErrors })
}
