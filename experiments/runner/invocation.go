package runner

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
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
	Out     string   // root directory of the outputs (Layout.Out)
	Jobs    int      // runs executed at once (RunAll)
	Force   bool     // recompute finished runs and runs of other settings
	Verbose bool     // log every validation evaluation
	Sets    []string // the -set key=value the sweeps were loaded with (passed on to worker processes)

	// Summarize, if set, writes the summaries of sweep sw from its results
	// under out once RunAll has run every run, and returns the text of its
	// summary.csv and the results it left out (report.WriteSummaries).
	Summarize func(sw *config.Sweep, out string) (csv string, rejected []error, err error)
}

// RunOne runs run r of a cell alone (run -run-index, and every worker process),
// writing no summary: concurrent tasks would write it at once; aggregate
// does. It returns the exit status.
func RunOne(cell config.Cell, r Run, o Options, stderr io.Writer) int {
	_, log, base, stop := runLog(stderr, o.Verbose)
	defer stop()
	env := base
	env.Config, env.Layout, env.Force = cell.Config, CellLayout(o.Out, cell), o.Force
	if err := CheckOut(o.Out); err != nil {
		printError(stderr, err)
		return 2
	}
	stale, err := env.Stale([]Run{r})
	if err != nil {
		printError(stderr, err)
		return 2
	} else if len(stale) > 0 && !o.Force {
		printError(stderr, staleError(stale))
		return 2
	}
	env.noWait = workerNoWait()
	start := time.Now()
	err = env.Do(r)
	if errors.Is(err, errBusy) {
		return exitBusy
	}
	if code := exitStatus(log, err); code != 0 {
		return code
	}
	log.Info("done", "run", r.ID(), "seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
	return 0
}

// RunAll runs every run of the sweeps sws (each cell an experiment) in one
// pool of o.Jobs workers (schedule), sharing their pretrainings, then
// writes each sweep's summaries (o.Summarize, whose summary.csv it prints)
// and each cell's walltime.csv. It returns the exit status.
func RunAll(sws []*config.Sweep, o Options, stdout, stderr io.Writer) int {
	status, log, base, stop := runLog(stderr, o.Verbose)
	defer stop()
	if err := CheckOut(o.Out); err != nil {
		printError(stderr, err)
		return 2
	}
	var envs []*Env
	var stale []error
	for _, sw := range sws {
		plan := map[string]map[string]int{} // cell dir → run ID → plan index
		for _, st := range Plan(sw) {
			if plan[st.Cell.Dir] == nil {
				plan[st.Cell.Dir] = map[string]int{}
			}
			plan[st.Cell.Dir][st.Run.ID()] = st.Index
		}
		for _, cell := range sw.Cells {
			env := base
			env.Config, env.Source, env.Layout, env.Force = cell.Config, sw.Source, CellLayout(o.Out, cell), o.Force
			env.plan = plan[cell.Dir]
			envs = append(envs, &env)
			st, err := env.Stale(Expand(cell.Config))
			if err != nil {
				printError(stderr, err)
				return 2
			}
			stale = append(stale, st...)
		}
	}
	if len(stale) > 0 && !o.Force {
		printError(stderr, staleError(stale))
		return 2
	}
	start, times := time.Now(), newWallTimes()
	pre, methods := schedule(envs)
	pool := newWorkerPool(o.Jobs, o.Out, o.Force, o.Verbose, status)
	pool.sets = o.Sets
	err := parallel(pre, pool, times)
	if err == nil {
		err = parallel(methods, pool, times)
	}
	if code := exitStatus(log, err); code != 0 {
		return code
	}
	for _, sw := range sws {
		if o.Summarize == nil {
			break
		}
		csv, rejected, err := o.Summarize(sw, o.Out)
		for _, r := range rejected {
			log.Warn("summary leaves out a result", "err", r)
		}
		if err != nil {
			log.Error("summary failed", "experiment", sw.Name, "err", err)
			return 1
		}
		if len(sws) > 1 {
			fmt.Fprintf(stdout, "# %s\n", sw.Name)
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

// CheckOut returns an error if the output root out exists and is not a
// directory.
func CheckOut(out string) error {
	if fi, err := os.Stat(out); err == nil && !fi.IsDir() {
		return fmt.Errorf("-out %s is a file, not a directory (the root of the outputs)", out)
	}
	return nil
}

// exitStatus logs how the runs ended and returns the exit status: 0, 130
// when interrupted (checkpoints saved), 2 for bad input found while
// running (an error wrapping config.ErrConfig: a pretrained_model that no
// longer reads) or 1 after a failure.
func exitStatus(log *slog.Logger, err error) int {
	switch {
	case errors.Is(err, ErrInterrupted):
		log.Warn("interrupted: checkpoints are saved; rerun the same command to resume")
		return 130
	case errors.Is(err, config.ErrConfig):
		log.Error("run failed on bad input", "err", err)
		return 2
	case err != nil:
		log.Error("run failed", "err", err)
		return 1
	}
	return 0
}
