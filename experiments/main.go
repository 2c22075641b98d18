// Command experiments runs an equi-tuning experiment on SCAN described by a
// TOML file: it pretrains a model per (cell, seed) (or reuses the cached
// checkpoint), evaluates each method on the test split with the
// best-validation model, and writes result.json files, a summary table and
// plots.
//
// Usage:
//
//	go run ./experiments -config add_jump.toml [-out DIR] [-jobs N] [-list] [-run-index I] [-force]
//	go run ./experiments -config add_jump.toml [-out DIR] -aggregate
//	go run ./experiments -config add_jump.toml [-out DIR] -slurm PLANDIR
//	go run ./experiments -config add_jump.toml -coverage
//	go run ./experiments -atlas atlas_quick [-out DIR]
//
// With -run-index I (or SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX) only run
// I is run and no summary is written; -aggregate writes the summary and plots
// from the result.json files there are. -slurm writes a plan of Slurm job
// arrays (see WriteSlurmPlan) and exits. -coverage prints the group coverage
// of the split (see Coverages) and exits. -atlas draws the atlas figures from
// the results of the atlas configs (see AtlasScales) and exits.
//
// A bare config name that is not a file names a built-in config:
// add_jump.toml, around_right.toml, add_jump_quick.toml, around_right_quick.toml,
// add_jump_gequivariant.toml, around_right_gequivariant.toml,
// add_jump_gequivariant_quick.toml.
// Bad input (an unknown key, split, cell or method, a bad value, a group that
// is not a symmetry of SCAN) exits with status 2 before anything is written;
// a failure while running exits with status 1.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run executes the command with args and returns its exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("experiments", flag.ContinueOnError)
	fs.SetOutput(stderr)
	config := fs.String("config", "", "experiment TOML file, or the name of a built-in one ("+strings.Join(BuiltinNames(), ", ")+"); a path that exists wins")
	out := fs.String("out", ".", "root directory of the outputs: OUT/results/NAME/, OUT/results/.cache/pretrain/ and OUT/plots/")
	list := fs.Bool("list", false, "print the experiment's indexed runs (pretrainings first) and exit")
	index := fs.Int("run-index", -1, "run only the run with this index (see -list); if not given, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX is used when set, otherwise every run is run")
	jobs := fs.Int("jobs", runtime.NumCPU(), "runs to execute in parallel (pretrainings first, then methods)")
	force := fs.Bool("force", false, "rerun method runs whose result.json exists (overwriting it)")
	verbose := fs.Bool("v", false, "log every validation evaluation")
	aggregate := fs.Bool("aggregate", false, "only write the summary tables and plots from the existing result.json files")
	coverage := fs.Bool("coverage", false, "print the group coverage of the config's split (test and validation, per group and seed) and exit")
	atlas := fs.String("atlas", "", "draw the figures of the atlas `SCALE` (atlas or atlas_quick) from the results of its configs under -out, and exit")
	slurmDir := fs.String("slurm", "", "write a Slurm plan into this `directory` (pretraining and method job arrays, then the summary; run its submit.sh) and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: experiments -config FILE [-out DIR] [-jobs N] [-list] [-run-index I] [-force] [-v]\n"+
			"       experiments -config FILE [-out DIR] -aggregate\n"+
			"       experiments -config FILE [-out DIR] -slurm PLANDIR\n"+
			"       experiments -config FILE -coverage\n"+
			"       experiments -atlas SCALE [-out DIR]\n\n"+
			"Runs an equi-tuning experiment on SCAN: pretrains each (cell, seed) or reuses its cached\n"+
			"checkpoint, runs each method (%s),\n"+
			"evaluates the best-validation model on the test split, and writes\n"+
			"  OUT/results/NAME/runs/RUN/result.json, OUT/results/NAME/summary.{csv,md}, OUT/results/NAME/coverage.csv,\n"+
			"  OUT/plots/NAME_accuracy.{png,svg} and OUT/plots/NAME_curves.{png,svg}.\n"+
			"Finished runs are skipped, so an interrupted experiment resumes. Bad input exits with 2.\n\nFlags:\n",
			strings.Join(Methods, ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "experiments: "+format+"\n", a...)
		return 2
	}
	if fs.NArg() > 0 {
		return fail("unexpected arguments %q; see -h", fs.Args())
	}
	if *atlas != "" {
		return drawAtlas(*atlas, *out, stdout, stderr)
	}
	if *config == "" {
		return fail("-config is required (a file or one of: %s)", strings.Join(BuiltinNames(), ", "))
	}
	if *jobs < 1 {
		return fail("-jobs = %d, want ≥ 1", *jobs)
	}
	indexSet := false
	fs.Visit(func(f *flag.Flag) { indexSet = indexSet || f.Name == "run-index" })
	if !indexSet {
		for _, v := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
			if s := os.Getenv(v); s != "" {
				i, err := strconv.Atoi(s)
				if err != nil {
					return fail("%s = %q is not an index", v, s)
				}
				*index, indexSet = i, true
				break
			}
		}
	}
	cfg, err := Load(*config)
	if err != nil {
		return fail("%v", err)
	}
	if *coverage {
		return printCoverage(cfg, stdout, stderr)
	}
	runs := Expand(cfg)
	if *list {
		for _, r := range runs {
			fmt.Fprintf(stdout, "%d\t%s\n", r.Index, r.ID())
		}
		return 0
	}
	if *slurmDir != "" {
		return writePlan(*slurmDir, *out, *config, cfg, stdout, stderr)
	}
	if *aggregate {
		return aggregateOnly(cfg, *out, stdout, stderr)
	}
	if indexSet && (*index < 0 || *index >= len(runs)) {
		return fail("run index %d out of range [0, %d); see -list", *index, len(runs))
	}

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	env := &Env{Config: cfg, Layout: Layout{Out: *out, Experiment: cfg.Name}, Force: *force, Log: log,
		Progress: progress(stderr, log)}
	start := time.Now()
	if indexSet {
		err = env.Do(runs[*index])
	} else {
		var pre, methods []Run
		for _, r := range runs {
			if r.Method == Pretrain {
				pre = append(pre, r)
			} else {
				methods = append(methods, r)
			}
		}
		err = parallel(env, pre, *jobs)
		if err == nil {
			err = parallel(env, methods, *jobs)
		}
	}
	if err != nil {
		log.Error("run failed", "err", err)
		return 1
	}
	if indexSet { // the summary is -aggregate's: concurrent tasks would write it at once
		log.Info("done", "run", runs[*index].ID(), "seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
		return 0
	}
	rows, err := WriteSummary(cfg, env.Layout)
	if err != nil {
		log.Error("summary failed", "err", err)
		return 1
	}
	if len(rows) > 0 {
		fmt.Fprint(stdout, CSV(rows))
	}
	log.Info("done", "experiment", cfg.Name, "seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
	return 0
}

// parallel runs rs on up to jobs goroutines and returns the first error.
func parallel(env *Env, rs []Run, jobs int) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	next := make(chan Run)
	for range min(jobs, len(rs)) {
		wg.Go(func() {
			for r := range next {
				if err := env.Do(r); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, r := range rs {
		next <- r
	}
	close(next)
	wg.Wait()
	return first
}

// progress returns the progress reporter of Env: a progress bar per run when
// w is a terminal, otherwise a log line every 10% of a run.
func progress(w io.Writer, log *slog.Logger) func(id string, total int) (func(int), func()) {
	f, ok := w.(*os.File)
	tty := ok && term.IsTerminal(int(f.Fd()))
	return func(id string, total int) (func(int), func()) {
		if tty {
			bar := progressbar.NewOptions(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(id),
				progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true),
				progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionClearOnFinish())
			return func(step int) { _ = bar.Set(step) }, func() { _ = bar.Finish() }
		}
		every := max(1, total/10)
		t0 := time.Now()
		return func(step int) {
			if step%every == 0 && step < total {
				log.Info("progress", "run", id, "step", step, "of", total,
					"elapsed", time.Since(t0).Round(time.Second).String())
			}
		}, func() {}
	}
}
