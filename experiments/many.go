package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"strings"
	"time"
)

// configList is the -config flag: one or more configurations.
type configList []string

func (c *configList) String() string { return strings.Join(*c, ",") }

func (c *configList) Set(v string) error {
	*c = append(*c, v)
	return nil
}

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

// runOne runs run r of c alone (-run-index), writing no summary:
// concurrent tasks would write it at once; -aggregate does.
func runOne(c *Config, r Run, out string, force, verbose bool, stderr io.Writer) int {
	_, log, base, stop := runLog(stderr, verbose)
	defer stop()
	env := base
	env.Config, env.Layout, env.Force = c, Layout{Out: out, Experiment: c.Name}, force
	if errs := env.Stale([]Run{r}); len(errs) > 0 && !force {
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

// runAll runs every run of the experiments cs in one pool of jobs workers
// (schedule), sharing their pretrainings, then writes each one's summary,
// plots and walltime.csv.
func runAll(cs []*Config, sources []string, out string, jobs int, force, verbose bool, stdout, stderr io.Writer) int {
	status, log, base, stop := runLog(stderr, verbose)
	defer stop()
	var envs []*Env
	var stale []error
	for i, c := range cs {
		env := base
		env.Config, env.Source, env.Layout, env.Force = c, sources[i], Layout{Out: out, Experiment: c.Name}, force
		envs = append(envs, &env)
		stale = append(stale, env.Stale(Expand(c))...)
	}
	if len(stale) > 0 && !force {
		printError(stderr, staleError(stale))
		return 2
	}
	start, times := time.Now(), newWallTimes()
	pre, methods := schedule(envs)
	pool := newWorkerPool(jobs, out, force, verbose, status)
	err := parallel(pre, pool, times)
	if err == nil {
		err = parallel(methods, pool, times)
	}
	if code := exitStatus(log, err); code != 0 {
		return code
	}
	for _, env := range envs {
		rows, rejected, err := WriteSummary(env.Config, env.Layout)
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
		fmt.Fprint(stdout, CSV(rows))
	}
	if err := times.write(envs, jobs, runtime.NumCPU()); err != nil {
		log.Error("wall times", "err", err)
		return 1
	}
	log.Info("done", "experiments", len(envs), "seconds", fmt.Sprintf("%.1f", time.Since(start).Seconds()))
	return 0
}

// runMany runs (or, with aggregate, aggregates) several configurations
// given by -config.
func runMany(paths []string, out string, jobs int, force, verbose, aggregate bool, stdout, stderr io.Writer) int {
	var cs []*Config
	names := map[string]string{}
	for _, p := range paths {
		c, err := Load(p)
		if err != nil {
			printError(stderr, err)
			return 2
		}
		if other, ok := names[c.Name]; ok {
			printError(stderr, fmt.Errorf("%s and %s both name experiment %q: their results would collide", other, p, c.Name))
			return 2
		}
		names[c.Name] = p
		cs = append(cs, c)
	}
	if !aggregate {
		return runAll(cs, paths, out, jobs, force, verbose, stdout, stderr)
	}
	code := 0
	for _, c := range cs {
		code = max(code, aggregateOnly(c, out, stdout, stderr))
	}
	return code
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
