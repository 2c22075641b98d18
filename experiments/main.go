// Command experiments runs an equi-tuning experiment on SCAN described by a
// TOML file: it pretrains a model per (cell, seed) (or reuses the cached
// checkpoint), evaluates each method on the test split with the
// best-validation model, and writes result.json files, a summary table and
// plots.
//
// Usage:
//
//	go run ./experiments -config add_jump.toml [-out DIR] [-jobs N] [-force] [-v]
//	go run ./experiments -config add_jump.toml [-out DIR] -run-index I [-force] [-v]
//	go run ./experiments -config add_jump.toml -list
//	go run ./experiments -config add_jump.toml [-out DIR] -aggregate
//	go run ./experiments -config add_jump.toml [-out DIR] -slurm PLANDIR
//	go run ./experiments -config add_jump.toml [-out DIR] -run-index I -export FILE [-vocab-from REF]
//
// With -run-index I (or SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX) only run
// I is run and no summary is written; -aggregate writes the summary and plots
// from the result.json files there are. -slurm writes a plan of Slurm job
// arrays (see WriteSlurmPlan) and exits. -export writes run I's model as
// the reference PyTorch code's safetensors state_dict and exits.
//
// A bare config name that is not a file names a built-in config:
// add_jump.toml, around_right.toml, add_jump_quick.toml, around_right_quick.toml,
// add_jump_gequivariant.toml, around_right_gequivariant.toml,
// add_jump_gequivariant_quick.toml.
// Bad input (an unknown key, split, cell or method, a bad value, a group that
// is not a symmetry of SCAN, conflicting flags, finished runs computed under
// other settings without -force) exits with status 2 before anything is
// written; a failure while running exits with status 1. SIGINT or SIGTERM
// stops the runs after their current checkpoint and exits with status 130;
// the same command resumes them.
//
// The methods are values registered in one list (Method, MethodNames):
// config validation, the runs, their identities, the runner (Env.Do), the
// summary and the figures read it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
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
	export := fs.String("export", "", "with -run-index I, write run I's model (a pretraining's or an untrained method's best-validation pretrained model, a training method's selected model) to this `file` as the reference PyTorch code's safetensors state_dict, and exit")
	vocabFrom := fs.String("vocab-from", "", "with -export, order the words as in the metadata of this safetensors `file` (e.g. a model of the reference code) instead of this project's order")
	slurmDir := fs.String("slurm", "", "write a Slurm plan into this `directory` (pretraining and method job arrays, then the summary; run its submit.sh) and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: experiments -config FILE [-out DIR] [-jobs N] [-force] [-v]\n"+
			"       experiments -config FILE [-out DIR] -run-index I [-force] [-v]\n"+
			"       experiments -config FILE -list\n"+
			"       experiments -config FILE [-out DIR] -aggregate\n"+
			"       experiments -config FILE [-out DIR] -slurm PLANDIR\n"+
			"       experiments -config FILE [-out DIR] -run-index I -export FILE [-vocab-from REF]\n\n"+
			"Runs an equi-tuning experiment on SCAN: pretrains each (cell, seed) or reuses its cached\n"+
			"checkpoint, runs each method (%s),\n"+
			"evaluates the best-validation model on the test split, and writes\n"+
			"  OUT/results/NAME/runs/RUN/result.json, OUT/results/NAME/summary.{csv,md},\n"+
			"  OUT/plots/NAME_accuracy.{png,svg} and OUT/plots/NAME_curves.{png,svg}.\n"+
			"Finished runs of the same settings are skipped, so an interrupted experiment resumes (Ctrl-C stops\n"+
			"after the current checkpoints and exits with 130). Bad input exits with 2.\n\nFlags:\n",
			strings.Join(MethodNames(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(code int, err error) int {
		printError(stderr, err)
		return code
	}
	if fs.NArg() > 0 {
		return fail(2, fmt.Errorf("unexpected arguments %q; see -h", fs.Args()))
	}
	if *config == "" {
		return fail(2, fmt.Errorf("-config is required (a file or one of: %s)", strings.Join(BuiltinNames(), ", ")))
	}
	if *jobs < 1 {
		return fail(2, fmt.Errorf("-jobs = %d, want ≥ 1", *jobs))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := flagConflict(set); err != nil {
		return fail(2, err)
	}
	indexSet := set["run-index"]
	if !indexSet && !*list && !*aggregate && *slurmDir == "" {
		for _, v := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
			if s := os.Getenv(v); s != "" {
				i, err := strconv.Atoi(s)
				if err != nil {
					return fail(2, fmt.Errorf("%s = %q is not an index", v, s))
				}
				*index, indexSet = i, true
				break
			}
		}
	}
	cfg, err := Load(*config)
	if err != nil {
		return fail(2, err)
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
		return fail(2, fmt.Errorf("run index %d out of range [0, %d); see -list", *index, len(runs)))
	}
	todo := runs
	if indexSet {
		todo = runs[*index : *index+1]
	}
	if *export != "" {
		if err := exportModel(&Env{Config: cfg, Layout: Layout{Out: *out, Experiment: cfg.Name}}, runs[*index], *export, *vocabFrom); err != nil {
			if errors.Is(err, ErrConfig) {
				return fail(2, err)
			}
			return fail(1, err)
		}
		fmt.Fprintf(stdout, "wrote %s (run %d, %s)\n", *export, *index, runs[*index].ID())
		return 0
	}

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	status := newStatusLine(stderr)
	log := slog.New(slog.NewTextHandler(status, &slog.HandlerOptions{Level: level}))
	ctx, stopSignals := interruptible(log)
	defer stopSignals()
	env := &Env{Config: cfg, Layout: Layout{Out: *out, Experiment: cfg.Name}, Force: *force, Log: log,
		Progress: status.progress(log), Ctx: ctx}
	if errs := env.Stale(todo); len(errs) > 0 && !*force {
		return fail(2, staleError(errs))
	}
	start := time.Now()
	if indexSet {
		err = env.Do(todo[0])
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
	if errors.Is(err, ErrInterrupted) {
		log.Warn("interrupted: checkpoints are saved; rerun the same command to resume")
		return 130
	} else if err != nil {
		log.Error("run failed", "err", err)
		return 1
	}
	if indexSet { // the summary is -aggregate's: concurrent tasks would write it at once
		log.Info("done", "run", todo[0].ID(), "seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
		return 0
	}
	rows, rejected, err := WriteSummary(cfg, env.Layout)
	for _, r := range rejected {
		log.Warn("summary leaves out a result", "err", r)
	}
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

// printError prints err to w as one line after the command's name.
func printError(w io.Writer, err error) {
	fmt.Fprintf(w, "experiments: %v\n", err)
}

// flagConflict reports two explicitly set flags that cannot go together:
// -list, -aggregate, -slurm and -run-index each choose what the command
// does; -force and -jobs only apply to running.
func flagConflict(set map[string]bool) error {
	var modes []string
	for _, m := range []string{"list", "aggregate", "slurm", "run-index"} {
		if set[m] {
			modes = append(modes, m)
		}
	}
	if len(modes) > 1 {
		return fmt.Errorf("-%s and -%s cannot be used together; see -h", modes[0], modes[1])
	}
	for _, f := range []string{"force", "jobs"} {
		if set[f] && len(modes) == 1 && (modes[0] != "run-index" || f == "jobs") {
			return fmt.Errorf("-%s does not apply to -%s; see -h", f, modes[0])
		}
	}
	switch {
	case set["export"] && (!set["run-index"] || set["force"]):
		return fmt.Errorf("-export needs -run-index I (the run whose model it writes) and nothing else; see -h")
	case set["vocab-from"] && !set["export"]:
		return fmt.Errorf("-vocab-from applies to -export only; see -h")
	}
	return nil
}

// interruptible returns a context cancelled at the first SIGINT or SIGTERM,
// which it reports in the log; a second signal kills the process at once.
// stop releases the signals.
func interruptible(log *slog.Logger) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	quit := make(chan struct{})
	go func() {
		select {
		case s := <-sigs:
			signal.Stop(sigs) // the next signal has its default effect
			log.Warn("stopping after the current checkpoints (signal again to quit at once)", "signal", s.String())
			cancel()
		case <-quit:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(quit)
		cancel()
	}
}

// parallel runs rs on up to jobs goroutines and returns the first error. A
// run whose lock another process holds is put off until the others are
// done, then waited for, so that concurrent processes on one output root
// share the work. Once env.Ctx is cancelled no further run starts.
func parallel(env *Env, rs []Run, jobs int) error {
	first := *env
	first.noWait = true
	var (
		mu    sync.Mutex
		later []Run
	)
	err := each(env, rs, jobs, func(r Run) error {
		err := first.Do(r)
		if errors.Is(err, errBusy) {
			mu.Lock()
			later = append(later, r)
			mu.Unlock()
			return nil
		}
		return err
	})
	if err != nil || len(later) == 0 {
		return err
	}
	slices.SortFunc(later, func(a, b Run) int { return a.Index - b.Index })
	return each(env, later, jobs, env.Do)
}

// each calls do on every run of rs from up to jobs goroutines and returns
// the first error, or ErrInterrupted if env.Ctx stopped it early.
func each(env *Env, rs []Run, jobs int, do func(Run) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	next := make(chan Run)
	for range min(jobs, len(rs)) {
		wg.Go(func() {
			for r := range next {
				if err := do(r); err != nil {
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
		if env.interrupted() != nil {
			break
		}
		next <- r
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = env.interrupted()
	}
	return first
}
