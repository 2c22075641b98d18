package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/report"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/seq2seq"
)

// TestBadNumbers: every out-of-range number (NaN and Inf rates, sizes that
// would not fit in memory, a negative seed, a validation fraction that
// leaves the validation or the training set empty) is refused by the
// command with exit 2, before anything is written, in one message that
// names the file, the line and the key.
func TestBadNumbers(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, src, want string
	}{
		{"nan lr", "[tune]\nlr = nan\n", "x.toml:3: bad config: tune.lr = NaN"},
		{"inf lr", "[pretrain]\nlr = inf\n", "x.toml:3: bad config: pretrain.lr = +Inf"},
		{"nan weight decay", "[tune]\nweight_decay = nan\n", "x.toml:3: bad config: tune.weight_decay = NaN"},
		{"inf clip", "[pretrain]\nclip = inf\n", "x.toml:3: bad config: pretrain.clip = +Inf"},
		{"nan teacher forcing", "[pretrain]\nteacher_forcing = nan\n", "x.toml:3: bad config: pretrain.teacher_forcing = NaN"},
		{"nan dropout", "[model]\ndropout = nan\n", "x.toml:3: bad config: model.dropout = NaN"},
		{"huge hidden", "[model]\nhidden = 4000000000\n", "x.toml:3: bad config: model.hidden = 4000000000: want 1 to 1024"},
		{"huge embed", "[model]\nembed = 2000000000\n", "x.toml:3: bad config: model.embed = 2000000000"},
		{"huge batch", "[tune]\nbatch = 100000\n", "x.toml:3: bad config: tune.batch = 100000"},
		{"no iterations", "[tune]\niterations = 0\n", "x.toml:3: bad config: tune.iterations = 0"},
		{"negative seed", "seeds = [0, -1]\n", "x.toml:2: bad config: seeds has -1: want seeds ≥ 0"},
		{"empty validation", "val_fraction = 1e-9\n", "x.toml:2: bad config: val_fraction = 1e-09 leaves 0 of the"},
		{"empty training", "val_fraction = 0.99999999\n", "x.toml:2: bad config: val_fraction = 0.99999999 leaves 14670 of the 14670"},
		{"dotted key", "pretrain.lr = nan\n", "x.toml:2: bad config: pretrain.lr = NaN"},
		{"commented header", "[tune]  # tuning\nclip = -1\n", "x.toml:3: bad config: tune.clip = -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "x.toml")
			if err := os.WriteFile(path, []byte("name = \"x\"\n"+tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out")
			var stderr bytes.Buffer
			if code := run([]string{"-config", path, "-out", out}, io.Discard, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			msg := strings.TrimSpace(stderr.String())
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "experiments: "+path[:len(path)-len("x.toml")]) ||
				!strings.Contains(msg, tc.want) || strings.Count(msg, "experiments: ") != 1 {
				t.Errorf("message %q, want one line with one prefix containing %q", msg, tc.want)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("bad input wrote %s", out)
			}
		})
	}
}

// TestAddMethod adds a toy method through the registry alone — the
// pretrained model validated once, as a zero-shot method does — and runs it
// end to end beside pretrained: the config accepts it, -list lists it, the
// runner runs it and the summary and figures report it, with pretrained's
// test accuracy.
func TestAddMethod(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	t.Cleanup(config.Register(config.Method{Name: "plain_zeroshot", Doc: "M validated once", Start: config.FromPretrained, Schedule: config.ZeroShot}))
	tiny, err := os.ReadFile(filepath.Join("testdata", "tiny.toml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "toy.toml")
	toml := strings.Replace(string(tiny), `methods = ["pretrained", "finetune", "equitune", "equizero", "gequivariant"]`,
		`methods = ["pretrained", "plain_zeroshot"]`, 1)
	if err := os.WriteFile(cfg, []byte(strings.Replace(toml, `name = "tiny"`, `name = "toy"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	var list strings.Builder
	if code := run([]string{"list", "-config", cfg}, &list, io.Discard); code != 0 ||
		!strings.Contains(list.String(), "addprim_jump-gru-s0-plain_zeroshot") {
		t.Fatalf("-list: exit %d, %q", code, list.String())
	}
	out := filepath.Join(dir, "out")
	// In this process: a worker process would not know the toy method.
	if code := run([]string{"-config", cfg, "-out", out, "-jobs", "1"}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	res := map[string]runner.Result{}
	for _, m := range []string{"pretrained", "plain_zeroshot"} {
		b, err := os.ReadFile(filepath.Join(out, "results", "toy", "runs", "addprim_jump-gru-s0-"+m, "result.json"))
		if err != nil {
			t.Fatal(err)
		}
		var r runner.Result
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		res[m] = r
	}
	toy := res["plain_zeroshot"]
	if toy.TestAcc != res["pretrained"].TestAcc || toy.Decode != "shared" || toy.TuneIterations != 0 ||
		len(toy.Curve) != 1 || toy.Curve[0].Step != 0 || toy.BestValAcc != res["pretrained"].BestValAcc {
		t.Errorf("toy result %+v, pretrained %+v", toy, res["pretrained"])
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "results", "toy", "runs", "addprim_jump-gru-s0-plain_zeroshot", runner.ModelFile)); err == nil {
		t.Errorf("an untrained method wrote %s", runner.ModelFile)
	}
	csv, err := os.ReadFile(filepath.Join(out, "results", "toy", "summary.csv"))
	if err != nil || !strings.Contains(string(csv), "addprim_jump,gru,plain_zeroshot,1,") {
		t.Errorf("summary.csv: %v\n%s", err, csv)
	}
	for _, f := range []string{"toy_accuracy.png", "toy_curves.png"} {
		if _, err := os.Stat(filepath.Join(out, "plots", f)); err != nil {
			t.Error(err)
		}
	}
}

// TestEditedConfig: a config edited after its runs finished ([pretrain]
// iterations and [tune] lr) is refused with exit 2 naming what differs,
// leaving every file as it was; with -force its runs are recomputed, and
// the result.json files and the summary describe the new settings.
func TestEditedConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	cfg := filepath.Join(dir, "tiny.toml")
	src, err := os.ReadFile(filepath.Join("testdata", "tiny.toml"))
	if err != nil {
		t.Fatal(err)
	}
	src = bytes.Replace(src, []byte(`methods = ["pretrained", "finetune", "equitune", "equizero", "gequivariant"]`),
		[]byte(`methods = ["pretrained", "finetune"]`), 1)
	if err := os.WriteFile(cfg, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if code := run([]string{"-config", cfg, "-out", out}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("first run: exit %d", code)
	}
	summary := filepath.Join(out, "results", "tiny", "summary.md")
	before, err := os.ReadFile(summary)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(src, []byte("iterations = 6"), []byte("iterations = 8"), 1)
	edited = bytes.Replace(edited, []byte("lr = 1e-3"), []byte("lr = 2e-3"), 1)
	if err := os.WriteFile(cfg, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	if code := run([]string{"-config", cfg, "-out", out}, io.Discard, &stderr); code != 2 {
		t.Fatalf("edited config: exit %d, want 2; %s", code, stderr.String())
	}
	for _, w := range []string{"2 finished runs were computed under other settings", "Pretrain.Iterations: 6 → 8",
		"Tune.LR: 0.001 → 0.002", "-force"} {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("message %q does not contain %q", stderr.String(), w)
		}
	}
	if after, _ := os.ReadFile(summary); !bytes.Equal(after, before) {
		t.Error("the refused run rewrote summary.md")
	}
	stderr.Reset()
	if code := run([]string{"-config", cfg, "-out", out, "-force"}, io.Discard, &stderr); code != 0 {
		t.Fatalf("-force: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "recomputing run (-force)") {
		t.Errorf("no log line about recomputing: %s", stderr.String())
	}
	c, err := config.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l := runner.Layout{Out: out, Experiment: c.Name}
	rs, rejected, err := runner.ReadResults(c, l, runner.Expand(c))
	if err != nil || len(rs) != 2 || len(rejected) > 0 {
		t.Fatalf("after -force: %d results, rejected %v, %v", len(rs), rejected, err)
	}
	for _, res := range rs {
		if res.Config.Pretrain.Iterations != 8 || res.Config.Tune.LR != 2e-3 || res.PretrainIterations != 8 {
			t.Errorf("%s records pretrain iterations %d, tune lr %g", res.RunID, res.Config.Pretrain.Iterations,
				res.Config.Tune.LR)
		}
	}
	if md, _ := os.ReadFile(summary); !bytes.Contains(md, []byte("8 pretraining iterations")) ||
		!bytes.Contains(md, []byte("lr 0.002")) {
		t.Errorf("summary.md does not state the new settings:\n%s", md)
	}
	if code := run([]string{"-config", cfg, "-out", out}, io.Discard, io.Discard); code != 0 {
		t.Errorf("rerun after -force: exit %d", code)
	}
}

// TestSummaryRemovesStaleTemporaries: the temporaries that a killed
// aggregation left next to the summary and the plots are removed by the
// next one, which writes the same summary.
func TestSummaryRemovesStaleTemporaries(t *testing.T) {
	c, err := config.Load("add_jump_quick.toml")
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	copyTree(t, filepath.Join("..", "results", c.Name), filepath.Join(out, "results", c.Name))
	stale := []string{
		filepath.Join(out, "results", c.Name, ".summary.csv.tmp123"),
		filepath.Join(out, "results", c.Name, ".summary.md.tmp4"),
		filepath.Join(out, "plots", "."+c.Name+"_accuracy.png.tmp99"),
	}
	for _, p := range stale {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code := run([]string{"aggregate", "-config", c.Name + ".toml", "-out", out}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("-aggregate: exit %d", code)
	}
	for _, p := range stale {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s is left (%v)", p, err)
		}
	}
	got, _ := os.ReadFile(filepath.Join(out, "results", c.Name, "summary.csv"))
	want, _ := os.ReadFile(filepath.Join("..", "results", c.Name, "summary.csv"))
	if !bytes.Equal(got, want) {
		t.Errorf("summary.csv =\n%s\nwant the committed\n%s", got, want)
	}
}

func TestMainSlurmAndAggregateFlags(t *testing.T) {
	tmp := t.TempDir()
	dir, out := filepath.Join(tmp, "plan"), filepath.Join(tmp, "out")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"slurm", "-config", "add_jump_quick.toml", "-out", out, "-plan", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("-slurm: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), filepath.Join(dir, "submit.sh")) {
		t.Errorf("-slurm printed %q", stdout.String())
	}
	plan, _ := os.ReadFile(filepath.Join(dir, "config.toml"))
	builtinSrc, _ := config.ConfigSource("add_jump_quick.toml")
	if string(plan) != string(builtinSrc) {
		t.Error("config.toml of a built-in config is not its TOML")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("-slurm wrote the output root %s", out)
	}
	// -aggregate with nothing finished fails; the plan's config loads.
	if code := run([]string{"aggregate", "-config", filepath.Join(dir, "config.toml"), "-out", out}, io.Discard, io.Discard); code != 1 {
		t.Errorf("-aggregate without results: exit %d, want 1", code)
	}
}

// TestIndexedRunThenAggregate: an indexed run writes its result but no
// summary; -aggregate writes the summary of what is there.
func TestIndexedRunThenAggregate(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	out := t.TempDir()
	cfg := filepath.Join("testdata", "slurm_tiny.toml")
	t.Setenv("SLURM_ARRAY_TASK_ID", "4") // addprim_jump-gru-s0-equizero
	if code := run([]string{"-config", cfg, "-out", out}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("indexed run: exit %d", code)
	}
	c, _ := config.Load(cfg)
	l := runner.Layout{Out: out, Experiment: c.Name}
	r := runner.Expand(c)[4]
	if _, err := os.Stat(l.Result(r)); err != nil || r.Method != "equizero" {
		t.Fatalf("%s: %v", r.ID(), err)
	}
	if _, err := os.Stat(filepath.Join(l.Dir(), "summary.csv")); !os.IsNotExist(err) {
		t.Errorf("an indexed run wrote summary.csv (%v)", err)
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"aggregate", "-config", cfg, "-out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("-aggregate: exit %d: %s", code, stderr.String())
	}
	csv, err := os.ReadFile(filepath.Join(l.Dir(), "summary.csv"))
	if err != nil || string(csv) != stdout.String() ||
		!strings.Contains(string(csv), "\naddprim_jump,gru,equizero,1,") || strings.Count(string(csv), "\n") != 2 {
		t.Errorf("summary.csv (%v):\n%s", err, csv)
	}
	if !strings.Contains(stderr.String(), "5 method runs have no result.json") {
		t.Errorf("no warning about the missing runs: %q", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(out, "plots", c.Name+"_accuracy.png")); err != nil {
		t.Error(err)
	}
}

// TestWorkerProcesses: testdata/tiny.toml at -jobs 2, each run a worker
// process, writes the same results as at -jobs 1 in process: every
// result.json equal but for its timings, the same summary.csv, and a
// walltime.csv with every run.
func TestWorkerProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models")
	}
	cfg := filepath.Join("testdata", "tiny.toml")
	inProcess, workers := t.TempDir(), t.TempDir()
	var stderr bytes.Buffer
	if code := run([]string{"-config", cfg, "-out", inProcess, "-jobs", "1"}, new(bytes.Buffer), &stderr); code != 0 {
		t.Fatalf("-jobs 1: exit %d\n%s", code, stderr.String())
	}
	stderr.Reset()
	withWorkers(t, func() {
		if code := run([]string{"-config", cfg, "-out", workers, "-jobs", "2"}, new(bytes.Buffer), &stderr); code != 0 {
			t.Fatalf("-jobs 2: exit %d\n%s", code, stderr.String())
		}
	})
	c, err := config.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	runs := runner.Expand(c)
	// Each worker process logs its run's "done" line; a run in process does not.
	if n := strings.Count(stderr.String(), "msg=done run="); n != len(runs) {
		t.Errorf("%d worker processes said done, want one per run (%d):\n%s", n, len(runs), stderr.String())
	}
	timings := regexp.MustCompile(`(?m)^\s*"(wall_seconds|finished|train|validate|test)":.*\n`)
	for _, r := range runs[1:] {
		rel := filepath.Join("results", "tiny", "runs", r.ID(), "result.json")
		a, errA := os.ReadFile(filepath.Join(inProcess, rel))
		b, errB := os.ReadFile(filepath.Join(workers, rel))
		if errA != nil || errB != nil {
			t.Fatalf("%s: %v, %v", rel, errA, errB)
		}
		if !bytes.Equal(timings.ReplaceAll(a, nil), timings.ReplaceAll(b, nil)) {
			t.Errorf("%s differs between in-process and worker runs:\n%s\n%s", rel, a, b)
		}
	}
	summary := filepath.Join("results", "tiny", "summary.csv")
	a, _ := os.ReadFile(filepath.Join(inProcess, summary))
	b, _ := os.ReadFile(filepath.Join(workers, summary))
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("summary.csv differs:\n%s\n%s", a, b)
	}
	wt, err := os.ReadFile(filepath.Join(workers, "results", "tiny", "walltime.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		if !bytes.Contains(wt, []byte("\n"+r.ID()+",")) {
			t.Errorf("walltime.csv lacks %s:\n%s", r.ID(), wt)
		}
	}
	if !bytes.Contains(wt, []byte("-jobs 2")) {
		t.Errorf("walltime.csv does not record -jobs 2:\n%s", wt)
	}
}

// TestAtlasFlag writes the quick atlas's tables and figures from two results
// and checks what the tables say; no results exit with 1,
// an unknown scale with 2.
func TestAtlasFlag(t *testing.T) {
	out := t.TempDir()
	sw, err := config.LoadSweep("atlas_quick.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []struct {
		group, method string
		acc           float64
	}{{"verb", "equitune", 0.75}, {"identity", "finetune", 0.01}} {
		for _, cell := range sw.Cells {
			if cell.Config.Split == "addprim_jump" && cell.Config.Group.Name == r.group {
				writeResult(t, cell.Config, runner.CellLayout(out, cell), runner.Run{Method: r.method, Split: "addprim_jump", Cell: "rnn", Seed: 0}, r.acc)
			}
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"atlas", "-out", out, sw.Name}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, f := range []string{"atlas_quick_heatmap.png", "atlas_quick_gain.svg"} {
		if _, err := os.Stat(filepath.Join(out, "plots", f)); err != nil {
			t.Error(err)
		}
	}
	csv, err := os.ReadFile(filepath.Join(out, "results", sw.Name, "summary.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "addprim_jump,verb,0.7711,rnn,equitune,1,0.7500,0.0000,,\n"; !strings.Contains(string(csv), want) {
		t.Errorf("summary.csv lacks %q:\n%s", want, csv)
	}
	md, err := os.ReadFile(filepath.Join(out, "results", sw.Name, "summary.md"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "| addprim_jump | verb | 0.7711 | – | – | 0.7500 ± 0.0000 | – | – | +0.7400 |\n"; !strings.Contains(string(md), want) {
		t.Errorf("summary.md lacks %q:\n%s", want, md)
	}
	if code := run([]string{"atlas", "-out", t.TempDir(), sw.Name}, io.Discard, io.Discard); code != 1 {
		t.Errorf("-atlas without results: exit %d, want 1", code)
	}
	if code := run([]string{"atlas", "atlas_huge"}, io.Discard, io.Discard); code != 2 {
		t.Errorf("-atlas atlas_huge: exit %d, want 2", code)
	}
}

// TestCoverageFlag runs -coverage on add_jump_quick.toml and checks its
// table against coverage.csv of the same rows (report's TestCoverageGolden
// checks that against its golden file): add_jump under
// verb covers the 5,942 of 7,706 test commands without "run".
func TestCoverageFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run([]string{"coverage", "-config", "add_jump_quick.toml"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	c, err := config.Load("add_jump_quick.toml")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := report.Coverages(c)
	if err != nil {
		t.Fatal(err)
	}
	got := report.CoverageCSV(rows)
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	for i, l := range strings.Split(strings.TrimSpace(got), "\n") {
		if i >= len(lines) || strings.Join(strings.Fields(lines[i]), ",") != l {
			t.Errorf("-coverage line %d = %q, want the fields of %q", i, lines, l)
			break
		}
	}
	if !strings.Contains(got, "addprim_jump,verb,2,0,5942,7706,0.7711,") {
		t.Errorf("add_jump under verb: %s", got)
	}
}

// withWorkers runs f where worker processes are supported (Linux); the
// test binary is then a worker when the pool starts it (TestMain).
func withWorkers(t *testing.T, f func()) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("worker processes are Linux-only")
	}
	f()
}

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
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
