package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/internal/atomicfile"
)

// slurmPlan describes a plan written by writeSlurmPlan.
type slurmPlan struct {
	Dir, Out         string // absolute plan directory and output root
	Pretrain, Method [2]int // run index ranges [first, last] of the two arrays
}

// Plan file names inside the plan directory.
const (
	planBinary = "experiments"
	planConfig = "config.toml"
)

// writeSlurmPlan writes the Slurm plan of experiment c into dir:
//
//	experiments       a copy of the executable exe, run by every task
//	config.toml       the experiment's TOML source src
//	pretrain.sbatch   an array over the pretraining run indices 0..P-1
//	runs.sbatch       an array over the method run indices P..N-1
//	aggregate.sbatch  one task writing the summary and plots (experiments aggregate)
//	submit.sh         submits the three, each afterok on the one before, and
//	                  prints their job ids
//	logs/             the tasks' output
//
// Array task ids are the global run indices of experiments list. Every task writes under
// the output root out. src must parse to the same runs as c.
func writeSlurmPlan(dir, out string, sw *config.Sweep, exe string) (*slurmPlan, error) {
	src := sw.Data
	copySweep, err := config.ParseSweep(src, planConfig, nil)
	if err != nil {
		return nil, err
	}
	runs := Plan(sw)
	if fmt.Sprint(planIDs(Plan(copySweep))) != fmt.Sprint(planIDs(runs)) {
		return nil, fmt.Errorf("experiments: the config source does not expand to the experiment's runs")
	}
	c := sw.Cells[0].Config // the [slurm] options
	name := sw.Name
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	if out, err = filepath.Abs(out); err != nil {
		return nil, err
	}
	if strings.ContainsAny(dir+out, " \t\n\r'\"%") {
		return nil, fmt.Errorf("%w: plan directory %q and output root %q must not contain spaces, quotes or %%",
			config.ErrConfig, dir, out)
	}
	p := &slurmPlan{Dir: dir, Out: out}
	nPre := 0
	for _, r := range runs {
		if r.Run.Method == Pretrain {
			nPre++
		}
	}
	p.Pretrain, p.Method = [2]int{0, nPre - 1}, [2]int{nPre, len(runs) - 1}
	s := c.Slurm.WithDefaults()
	logs := s.Logs
	if !filepath.IsAbs(logs) {
		logs = filepath.Join(dir, logs)
	}
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return nil, err
	}
	if err := copyExecutable(exe, filepath.Join(dir, planBinary)); err != nil {
		return nil, err
	}
	files := map[string]string{
		planConfig:         string(src),
		"runs.sbatch":      p.sbatch(name, s, "runs", s.Time, p.Method, logs),
		"aggregate.sbatch": p.sbatch(name, s, "aggregate", "01:00:00", [2]int{-1, -1}, logs),
		"submit.sh":        p.submit(name),
	}
	if nPre > 0 { // an experiment of gequivariant alone pretrains nothing
		files["pretrain.sbatch"] = p.sbatch(name, s, "pretrain", s.PretrainTime, p.Pretrain, logs)
	}
	for name, text := range files {
		mode := os.FileMode(0o644)
		if name == "submit.sh" {
			mode = 0o755
		}
		if err := atomicfile.WriteFile(filepath.Join(dir, name), []byte(text), mode); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// sbatch returns a batch script running the plan's binary: an array over the
// run indices rng, or the aggregation when rng[0] < 0.
func (p *slurmPlan) sbatch(name string, s config.SlurmConfig, kind, time string, rng [2]int, logs string) string {
	var b strings.Builder
	opt := func(format string, a ...any) { fmt.Fprintf(&b, "#SBATCH "+format+"\n", a...) }
	b.WriteString("#!/bin/bash\n")
	opt("--job-name=%s-%s", name, kind)
	if rng[0] >= 0 {
		array := fmt.Sprintf("%d-%d", rng[0], rng[1])
		if rng[0] == rng[1] {
			array = fmt.Sprint(rng[0])
		}
		if s.Concurrency > 0 {
			array += fmt.Sprintf("%%%d", s.Concurrency)
		}
		opt("--array=%s", array)
		opt("--output=%s", filepath.Join(logs, "%x_%A_%a.out"))
	} else {
		opt("--output=%s", filepath.Join(logs, "%x_%j.out"))
	}
	opt("--open-mode=append")
	if s.Partition != "" {
		opt("--partition=%s", s.Partition)
	}
	if s.Account != "" {
		opt("--account=%s", s.Account)
	}
	opt("--time=%s", time)
	cpus := s.CPUsPerTask
	if rng[0] < 0 {
		cpus = 1
	}
	opt("--nodes=1")
	opt("--ntasks=1")
	opt("--cpus-per-task=%d", cpus)
	opt("--mem=%s", s.Mem)
	for _, e := range s.Extra {
		opt("%s", e)
	}
	bin, cfg := shellQuote(filepath.Join(p.Dir, planBinary)), shellQuote(filepath.Join(p.Dir, planConfig))
	b.WriteString("set -euo pipefail\n")
	switch {
	case rng[0] < 0:
		fmt.Fprintf(&b, "# Summary tables and plots of experiment %s from its result.json files.\n", name)
		fmt.Fprintf(&b, "exec %s aggregate -config %s -out %s\n", bin, cfg, shellQuote(p.Out))
	default:
		what := "pretraining"
		if kind != "pretrain" {
			what = "method"
		}
		fmt.Fprintf(&b, "# Task i runs the %s run with index i of `experiments list -config %s`;\n", what, planConfig)
		b.WriteString("# a finished run is skipped, so a requeued or resubmitted task is harmless.\n")
		fmt.Fprintf(&b, "exec %s run -config %s -out %s -run-index \"$SLURM_ARRAY_TASK_ID\"\n", bin, cfg, shellQuote(p.Out))
	}
	return b.String()
}

// submit returns submit.sh: it submits the three scripts with sbatch
// --parsable, chained with afterok dependencies, passing its arguments to
// every sbatch, and prints the job ids.
func (p *slurmPlan) submit(name string) string {
	if p.Pretrain[1] < p.Pretrain[0] {
		return fmt.Sprintf(`#!/bin/bash
# Submits experiment %[1]s: its method runs %[2]d-%[3]d (it has no pretraining),
# then the summary after every method run succeeded. Arguments are passed to
# each sbatch (e.g. --qos=long). Resubmitting skips finished runs; cancel a
# stale pending aggregate job first.
set -euo pipefail
cd %[4]s
runs=$(sbatch --parsable "$@" runs.sbatch)
runs=${runs%%%%;*}
agg=$(sbatch --parsable --dependency=afterok:"$runs" "$@" aggregate.sbatch)
agg=${agg%%%%;*}
echo "runs $runs"
echo "aggregate $agg"
`, name, p.Method[0], p.Method[1], shellQuote(p.Dir))
	}
	return fmt.Sprintf(`#!/bin/bash
# Submits experiment %[1]s: pretrainings (runs %[2]d-%[3]d), then methods (runs %[4]d-%[5]d)
# after every pretraining succeeded, then the summary after every method run
# succeeded. Arguments are passed to each sbatch (e.g. --qos=long).
# Resubmitting skips finished runs; cancel a stale pending aggregate job first.
set -euo pipefail
cd %[6]s
pre=$(sbatch --parsable "$@" pretrain.sbatch)
pre=${pre%%%%;*}
runs=$(sbatch --parsable --dependency=afterok:"$pre" "$@" runs.sbatch)
runs=${runs%%%%;*}
agg=$(sbatch --parsable --dependency=afterok:"$runs" "$@" aggregate.sbatch)
agg=${agg%%%%;*}
echo "pretrain $pre"
echo "runs $runs"
echo "aggregate $agg"
`, name, p.Pretrain[0], p.Pretrain[1], p.Method[0], p.Method[1], shellQuote(p.Dir))
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	if s != "" && regexp.MustCompile(`^[A-Za-z0-9_./:=,+-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// copyExecutable copies the executable src to dst (atomically, mode 0755).
func copyExecutable(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return atomicfile.Write(dst, 0o755, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// WritePlan is the slurm command: it writes the plan of cfg (read from
// source) into dir with a copy of the running executable, prints how to
// submit it and returns the exit status. A dir that is not empty (a plan
// written before) is refused unless force.
func WritePlan(dir, out string, sw *config.Sweep, force bool, stdout, stderr io.Writer) int {
	fail := func(code int, err error) int {
		printError(stderr, err)
		return code
	}
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return fail(2, fmt.Errorf("-plan %s is a file, not a directory", dir))
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 && !force {
		return fail(2, fmt.Errorf("-plan %s is not empty (it holds %s); rerun with -force to overwrite the plan in it", dir, entries[0].Name()))
	}
	exe, err := os.Executable()
	if err != nil {
		return fail(1, err)
	}
	p, err := writeSlurmPlan(dir, out, sw, exe)
	if errors.Is(err, config.ErrConfig) {
		return fail(2, err)
	} else if err != nil {
		return fail(1, err)
	}
	fmt.Fprintf(stdout, "wrote the Slurm plan of %s to %s: pretrainings %d-%d, methods %d-%d, output root %s\n"+
		"submit with: %s\n", sw.Name, p.Dir, p.Pretrain[0], p.Pretrain[1], p.Method[0], p.Method[1], p.Out,
		filepath.Join(p.Dir, "submit.sh"))
	return 0
}

// planIDs returns the cell and run of each step of a plan, for comparing
// two plans.
func planIDs(steps []Step) []string {
	ids := make([]string, len(steps))
	for i, s := range steps {
		ids[i] = s.Cell.Dir + "/" + s.Run.ID()
	}
	return ids
}
