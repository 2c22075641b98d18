package runner

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"time"

	"github.com/scan-equitune/equitune/experiments/config"
)

// runLog returns the log of a running invocation, written through a status
// line on w, and its Envs' shared context, cancelled by SIGINT or SIGTERM;
// stop releases the signals.
func runLog(w io.Writer, verbose bool) (status *statusLine, log *slog.Logger, env Env, stop func()) {
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	status = newStatusLine(w)
	log = slog.New(slog.NewTextHandler(status, &slog.HandlerOptions{Level: level}))
	ctx, stop := interruptible(log)
	return status, log, Env{Log: log, Progress: status.progress(log), Ctx: ctx}, stop
}

// Options are how one invocation runs its experiments.
type Options struct {
	Out     string // root directory of the outputs (Layout.Out)
	Jobs    int    // runs executed at once (RunAll)
	Force   bool   // recompute finished runs and runs of other settings
	Verbose bool   // log every validation evaluation

	// Summarize, if set, writes the summary of experiment c from its
	// results under l once RunAll has run every run, and returns the text
	// of its summary.csv and the results it left out (report.WriteSummary).
	Summarize func(c *config.Config, l Layout) (csv string, rejected []error, err error)
}

// RunOne runs run r of c alone (run -run-index, and every worker process),
// writing no summary: concurrent tasks would write it at once; aggregate
// does. It returns the exit status.
func RunOne(c *config.Config, r Run, o Options, stderr io.Writer) int {
	_, log, base, stop := runLog(stderr, o.Verbose)
	defer stop()
	env := base
	env.Config, env.Layout, env.Force = c, Layout{Out: o.Out, Experiment: c.Name}, o.Force
	if errs := env.Stale([]Run{r}); len(errs) > 0 && !o.Force {
		printError(stderr, staleError(errs))
		return 2
	}
	env.noWait = workerNoWait()
	start := time.Now()
	err := env.Do(r)
	if errors.Is(err, errBusy) {
		return exitBusy
	}
	if code := exitStatus(log, err); code != 0 {
		return code
	}
	log.Info("done", "run", r.ID(), "seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
	return 0
}

// RunAll runs every run of the experiments cs, loaded from sources, in one
// pool of o.Jobs workers (schedule), sharing their pretrainings, then
// writes each one's summary (o.Summarize, whose summary.csv it prints) and
// walltime.csv. It returns the exit status.
func RunAll(cs []*config.Config, sources []string, o Options, stdout, stderr io.Writer) int {
	status, log, base, stop := runLog(stderr, o.Verbose)
	defer stop()
	var envs []*Env
	var stale []error
	for i, c := range cs {
		env := base
		env.Config, env.Source, env.Layout, env.Force = c, sources[i], Layout{Out: o.Out, Experiment: c.Name}, o.Force
		envs = append(envs, &env)
		stale = append(stale, env.Stale(Expand(c))...)
	}
	if len(stale) > 0 && !o.Force {
		printError(stderr, staleError(stale))
		return 2
	}
	start, times := time.Now(), newWallTimes()
	pre, methods := schedule(envs)
	pool := newWorkerPool(o.Jobs, o.Out, o.Force, o.Verbose, status)
	err := parallel(pre, pool, times)
	if err == nil {
		err = parallel(methods, pool, times)
	}
	if code := exitStatus(log, err); code != 0 {
		return code
	}
	for _, env := range envs {
		if o.Summarize == nil {
			break
		}
		csv, rejected, err := o.Summarize(env.Config, env.Layout)
		for _, r := range rejected {
			log.Warn("summary leaves out a result", "err", r)
		}
		if err != nil {
			log.Error("summary failed", "experiment", env.Config.Name, "err", err)
			return 1
		}
		if len(envs) > 1 {
			fmt.Fprintf(stdout, "# %s\n", env.Config.Name)
		}
		fmt.Fprint(stdout, csv)
	}
	if err := times.write(envs, o.Jobs, runtime.NumCPU()); err != nil {
		log.Error("wall times", "err", err)
		return 1
	}
	log.Info("done", "experiments", len(envs), "seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
	return 0
}

// printError prints err to w as one line after the command's name.
func printError(w io.Writer, err error) {
	fmt.Fprintf(w, "experiments: %v\n", err)
}

// exitStatus logs how the runs ended and returns the exit status: 0, 130
// when interrupted (checkpoints saved) or 1 after a failure.
func exitStatus(log *slog.Logger, err error) int {
	switch {
	case errors.Is(err, ErrInterrupted):
		log.Warn("interrupted: checkpoints are saved; rerun the same command to resume")
		return 130
	case err != nil:
		log.Error("run failed", "err", err)
		return 1
	}
	return 0
}
