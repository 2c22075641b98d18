package runner

import (
	"errors"
	"flag"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
)

// writeTinyPlan writes the plan of testdata/slurm_tiny.toml with a fake
// executable and returns its directory and output root.
func writeTinyPlan(t *testing.T, edit func(*config.Config)) (dir, out string, p *slurmPlan) {
	t.Helper()
	cfgPath := filepath.Join("..", "testdata", "slurm_tiny.toml")
	sw, err := config.LoadSweep(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(sw.Cells[0].Config)
	}
	tmp := t.TempDir()
	exe := filepath.Join(tmp, "fake-exe")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir, out = filepath.Join(tmp, "plan"), filepath.Join(tmp, "out")
	p, err = writeSlurmPlan(dir, out, sw, exe)
	if err != nil {
		t.Fatal(err)
	}
	return dir, out, p
}

func readPlan(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, f := range []string{"pretrain.sbatch", "runs.sbatch", "aggregate.sbatch", "submit.sh", planConfig, planBinary} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		files[f] = string(b)
	}
	return files
}

// TestSlurmPlanGolden compares the plan's scripts, with the plan directory
// and output root replaced by $PLAN and $OUT, with testdata/slurm_plan.golden
// (go test -run SlurmPlanGolden -update rewrites it).
func TestSlurmPlanGolden(t *testing.T) {
	dir, out, _ := writeTinyPlan(t, nil)
	files := readPlan(t, dir)
	var got strings.Builder
	for _, f := range []string{"pretrain.sbatch", "runs.sbatch", "aggregate.sbatch", "submit.sh"} {
		got.WriteString("==> " + f + " <==\n")
		got.WriteString(strings.NewReplacer(dir, "$PLAN", out, "$OUT").Replace(files[f]))
	}
	golden := filepath.Join("testdata", "slurm_plan.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("plan differs from %s (rerun with -update if intended):\n%s", golden, got.String())
	}
}

func TestSlurmPlan(t *testing.T) {
	dir, out, p := writeTinyPlan(t, nil)
	files := readPlan(t, dir)
	if p.Pretrain != [2]int{0, 1} || p.Method != [2]int{2, 7} || p.Dir != dir || p.Out != out {
		t.Errorf("plan = %+v", p)
	}
	// The arrays cover the global run indices of -list: pretrainings, then methods.
	c, _ := config.Load(filepath.Join("..", "testdata", "slurm_tiny.toml"))
	for _, r := range Expand(c) {
		rng := p.Method
		if r.Method == Pretrain {
			rng = p.Pretrain
		}
		if r.Index < rng[0] || r.Index > rng[1] {
			t.Errorf("run %d (%s) outside its array %v", r.Index, r.ID(), rng)
		}
	}
	src, _ := os.ReadFile(filepath.Join("..", "testdata", "slurm_tiny.toml"))
	if files[planConfig] != string(src) {
		t.Error("config.toml is not a copy of the experiment's TOML")
	}
	if files[planBinary] != "#!/bin/sh\n" {
		t.Error("the executable was not copied")
	}
	for _, f := range []string{planBinary, "submit.sh"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Mode().Perm()&0o111 == 0 {
			t.Errorf("%s is not executable: %v", f, err)
		}
	}
	if st, err := os.Stat(filepath.Join(dir, "logs")); err != nil || !st.IsDir() {
		t.Errorf("no logs directory: %v", err)
	}
	sb := func(file, opt string) string {
		m := regexp.MustCompile(`(?m)^#SBATCH --`+opt+`=(.*)$`).FindAllStringSubmatch(files[file], -1)
		if len(m) != 1 {
			t.Errorf("%s: %d #SBATCH --%s lines", file, len(m), opt)
			return ""
		}
		return m[0][1]
	}
	for _, c := range []struct{ file, opt, want string }{
		{"pretrain.sbatch", "array", "0-1%4"},
		{"runs.sbatch", "array", "2-7%4"},
		{"pretrain.sbatch", "time", "00:10:00"},
		{"runs.sbatch", "time", "00:10:00"},
		{"runs.sbatch", "cpus-per-task", "1"},
		{"runs.sbatch", "mem", "500M"},
		{"runs.sbatch", "job-name", "slurm_tiny-runs"},
		{"pretrain.sbatch", "output", filepath.Join(dir, "logs", "%x_%A_%a.out")},
		{"aggregate.sbatch", "output", filepath.Join(dir, "logs", "%x_%j.out")},
	} {
		if got := sb(c.file, c.opt); got != c.want {
			t.Errorf("%s: --%s=%s, want %s", c.file, c.opt, got, c.want)
		}
	}
	if strings.Contains(files["aggregate.sbatch"], "--array") || !strings.Contains(files["aggregate.sbatch"], " aggregate -config ") {
		t.Errorf("aggregate.sbatch:\n%s", files["aggregate.sbatch"])
	}
	for _, f := range []string{"pretrain.sbatch", "runs.sbatch", "aggregate.sbatch"} {
		if strings.Contains(files[f], "--partition") || strings.Contains(files[f], "--account") {
			t.Errorf("%s has a partition or account line without [slurm] partition/account", f)
		}
		sub := " run"
		if f == "aggregate.sbatch" {
			sub = " aggregate"
		}
		cmd := filepath.Join(dir, planBinary) + sub + " -config " + filepath.Join(dir, planConfig) + " -out " + out
		if !strings.Contains(files[f], "exec "+cmd) {
			t.Errorf("%s does not run %q:\n%s", f, cmd, files[f])
		}
		if f != "aggregate.sbatch" && !strings.Contains(files[f], `-run-index "$SLURM_ARRAY_TASK_ID"`) {
			t.Errorf("%s does not pass SLURM_ARRAY_TASK_ID", f)
		}
	}
	// submit.sh chains the three with afterok, in order.
	sub := files["submit.sh"]
	order := []string{
		`pre=$(sbatch --parsable "$@" pretrain.sbatch)`,
		`runs=$(sbatch --parsable --dependency=afterok:"$pre" "$@" runs.sbatch)`,
		`agg=$(sbatch --parsable --dependency=afterok:"$runs" "$@" aggregate.sbatch)`,
		`echo "pretrain $pre"`, `echo "runs $runs"`, `echo "aggregate $agg"`,
	}
	at := 0
	for _, s := range order {
		i := strings.Index(sub[at:], s)
		if i < 0 {
			t.Fatalf("submit.sh lacks %q after offset %d:\n%s", s, at, sub)
		}
		at += i + len(s)
	}
}

func TestSlurmPlanOptions(t *testing.T) {
	dir, _, _ := writeTinyPlan(t, func(c *config.Config) {
		c.Slurm = config.SlurmConfig{Partition: "gpu", Account: "lab", PretrainTime: "2-00:00:00", CPUsPerTask: 4,
			Logs: "slurm-logs", Extra: []string{"--qos=long", "--requeue"}}
	})
	files := readPlan(t, dir)
	for _, c := range []struct{ file, line string }{
		{"pretrain.sbatch", "#SBATCH --array=0-1\n"},
		{"runs.sbatch", "#SBATCH --array=2-7\n"},
		{"pretrain.sbatch", "#SBATCH --partition=gpu\n"},
		{"aggregate.sbatch", "#SBATCH --partition=gpu\n"},
		{"runs.sbatch", "#SBATCH --account=lab\n"},
		{"pretrain.sbatch", "#SBATCH --time=2-00:00:00\n"},
		{"runs.sbatch", "#SBATCH --time=24:00:00\n"},
		{"runs.sbatch", "#SBATCH --cpus-per-task=4\n"},
		{"aggregate.sbatch", "#SBATCH --cpus-per-task=1\n"},
		{"runs.sbatch", "#SBATCH --mem=2G\n"},
		{"runs.sbatch", "#SBATCH --qos=long\n#SBATCH --requeue\n"},
		{"runs.sbatch", "#SBATCH --output=" + filepath.Join(dir, "slurm-logs", "%x_%A_%a.out") + "\n"},
	} {
		if !strings.Contains(files[c.file], c.line) {
			t.Errorf("%s lacks %q:\n%s", c.file, c.line, files[c.file])
		}
	}
}

func TestSlurmConfigStrict(t *testing.T) {
	base := "name = \"x\"\n[slurm]\npartition = \"debug\"\n"
	c, err := config.Parse([]byte(base+"time = \"01:00:00\"\nconcurrency = 3\nextra = [\"--qos=x\"]\n"), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Slurm.Partition != "debug" || c.Slurm.Time != "01:00:00" || c.Slurm.Concurrency != 3 ||
		len(c.Slurm.Extra) != 1 {
		t.Errorf("slurm = %+v", c.Slurm)
	}
	_, err = config.Parse([]byte(base+"queue = \"long\"\n"), "x.toml")
	if !errors.Is(err, config.ErrConfig) || !strings.Contains(err.Error(), `x.toml:4: unknown key "slurm.queue"`) {
		t.Errorf("unknown [slurm] key: %v", err)
	}
	if err != nil && !strings.Contains(err.Error(), "[slurm] partition/") {
		t.Errorf("error does not list the [slurm] keys: %v", err)
	}
	_, err = config.Parse([]byte(base+"cpus_per_task = \"four\"\n"), "x.toml")
	if !errors.Is(err, config.ErrConfig) {
		t.Errorf("cpus_per_task string: %v", err)
	}
	for _, bad := range []struct{ kv, key string }{
		{`time = "soon"`, "time"},
		{`pretrain_time = "1h"`, "pretrain_time"},
		{`mem = "lots"`, "mem"},
		{`cpus_per_task = -1`, "cpus_per_task"},
		{`concurrency = -2`, "concurrency"},
		{`logs = "my logs"`, "logs"},
		{`extra = ["qos=long"]`, "extra"},
		{`account = "a b"`, "account"},
	} {
		c, err := config.Parse([]byte(base+bad.kv+"\n"), "x.toml")
		if err != nil {
			t.Errorf("%s: parse: %v", bad.kv, err)
			continue
		}
		err = c.Slurm.Validate()
		if !errors.Is(err, config.ErrConfig) || !strings.Contains(err.Error(), "[slurm]: "+bad.key) {
			t.Errorf("%s: Validate = %v", bad.kv, err)
		}
	}
}

// TestPretrainedConcurrent: concurrent tasks needing the same missing
// pretraining train it once; the others load the finished checkpoint.
func TestPretrainedConcurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	c, err := config.Load(filepath.Join("..", "testdata", "tiny.toml"))
	if err != nil {
		t.Fatal(err)
	}
	r := Expand(c)[0]
	d, err := loadParts(c, r.Seed)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	var trainings atomic.Int32
	env := func() *Env {
		return &Env{Config: c, Layout: Layout{Out: out, Experiment: c.Name},
			Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Progress: func(id string, total int) (func(int), func()) {
				trainings.Add(1)
				return func(int) {}, func() {}
			}}
	}
	const n = 4
	var wg sync.WaitGroup
	accs := make([]float64, n)
	for i := range n {
		wg.Go(func() {
			run, err := env().Pretrained(r, d)
			if err != nil {
				t.Error(err)
				return
			}
			if !run.Done() {
				t.Error("unfinished pretraining returned")
			}
			accs[i] = run.BestAcc
		})
	}
	wg.Wait()
	if k := trainings.Load(); k != 1 {
		t.Errorf("the pretraining was trained %d times, want once", k)
	}
	for i := range accs {
		if accs[i] != accs[0] {
			t.Errorf("task %d: best acc %g, task 0: %g", i, accs[i], accs[0])
		}
	}
	if _, err := os.Stat(env().Layout.Checkpoint(c, r) + ".lock"); err != nil {
		t.Errorf("no lock file: %v", err)
	}
}

// TestSlurmPlanWithoutPretraining checks the plan of an experiment whose only
// method is gequivariant: no pretraining array, and submit.sh starts with
// the method array.
func TestSlurmPlanWithoutPretraining(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "testdata", "slurm_tiny.toml"))
	if err != nil {
		t.Fatal(err)
	}
	src = []byte(strings.Replace(string(src), `methods = ["pretrained", "finetune", "equizero"]`, `methods = ["gequivariant"]`, 1))
	tmp := t.TempDir()
	cfgPath := filepath.Join(tmp, "geq.toml")
	exe := filepath.Join(tmp, "fake-exe")
	for path, data := range map[string][]byte{cfgPath: src, exe: []byte("#!/bin/sh\n")} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	sw, err := config.LoadSweep(cfgPath, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "plan")
	p, err := writeSlurmPlan(dir, filepath.Join(tmp, "out"), sw, exe)
	if err != nil {
		t.Fatal(err)
	}
	if p.Method != [2]int{0, 1} {
		t.Errorf("method runs %v, want [0 1]", p.Method)
	}
	if _, err := os.Stat(filepath.Join(dir, "pretrain.sbatch")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("pretrain.sbatch written for an experiment without pretraining (stat: %v)", err)
	}
	runs, _ := os.ReadFile(filepath.Join(dir, "runs.sbatch"))
	submit, _ := os.ReadFile(filepath.Join(dir, "submit.sh"))
	if !strings.Contains(string(runs), "#SBATCH --array=0-1") || strings.Contains(string(submit), "pretrain.sbatch") ||
		!strings.Contains(string(submit), `runs=$(sbatch --parsable "$@" runs.sbatch)`) {
		t.Errorf("unexpected plan:\n%s\n%s", runs, submit)
	}
}

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// TestSlurmPlanOfSweep: the plan of a sweep has one array over every cell's
// pretrainings and one over every cell's method runs, in the order of Plan,
// and its config.toml is the sweep's text.
func TestSlurmPlanOfSweep(t *testing.T) {
	sw, err := config.LoadSweep("atlas_quick.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	exe := filepath.Join(tmp, "fake-exe")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(tmp, "plan")
	p, err := writeSlurmPlan(dir, filepath.Join(tmp, "out"), sw, exe)
	if err != nil {
		t.Fatal(err)
	}
	steps := Plan(sw)
	if p.Pretrain != [2]int{0, 54} || p.Method != [2]int{55, len(steps) - 1} || steps[54].Run.Method != Pretrain || steps[55].Run.Method == Pretrain {
		t.Errorf("arrays %v and %v of %d steps", p.Pretrain, p.Method, len(steps))
	}
	files := readPlan(t, dir)
	if files[planConfig] != string(sw.Data) || !strings.Contains(files["runs.sbatch"], "--job-name=atlas_quick-runs") {
		t.Errorf("config.toml or runs.sbatch:\n%s", files["runs.sbatch"])
	}
}
