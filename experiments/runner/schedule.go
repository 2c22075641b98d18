package runner

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/internal/atomicfile"
)

// A task is one run of one experiment: what the pool of workers executes
// when one invocation runs several configurations (-config a.toml -config
// b.toml), which then share their pretrainings.
type task struct {
	env *Env
	run Run
}

// schedule returns the tasks of the experiments in two phases, each ordered
// longest first (by cost; ties in configuration and index order):
// pretrainings, without repeats (two experiments whose runs share a cached
// checkpoint train it once), then method runs, which read them.
func schedule(envs []*Env) (pre, methods []task) {
	seen := map[string]bool{}
	for _, e := range envs {
		for _, r := range Expand(e.Config) {
			switch {
			case r.Method != Pretrain:
				methods = append(methods, task{e, r})
			case !seen[e.Layout.Checkpoint(e.Config, r)]:
				seen[e.Layout.Checkpoint(e.Config, r)] = true
				pre = append(pre, task{e, r})
			}
		}
	}
	longestFirst := func(a, b task) int { return cmp.Compare(cost(b.env.Config, b.run), cost(a.env.Config, a.run)) }
	slices.SortStableFunc(pre, longestFirst)
	slices.SortStableFunc(methods, longestFirst)
	return pre, methods
}

// cost estimates the relative time of run r of c: the examples it trains on
// (iterations × batch × copies) times the cell's step cost, and for the
// methods that only decode, a decoding's worth.
func cost(c *config.Config, r Run) float64 {
	meth, _ := config.Lookup(r.Method)
	copies := 1.0
	if g, err := c.Group.Group(); err == nil && meth.Equi {
		copies = float64(g.Order())
	}
	examples := 2000 * copies // a decoding of the validation and test sets
	switch {
	case r.Method == Pretrain || meth.Start == config.FromScratchEquivariant:
		examples = float64(c.Pretrain.Iterations * c.Pretrain.Batch)
	case meth.Schedule == config.Tuned:
		examples = float64(c.Tune.Iterations*c.Tune.Batch) * copies
	}
	return examples * map[string]float64{"rnn": 1, "gru": 2, "lstm": 2.5}[r.Cell]
}

// parallel runs ts on the pool's workers and returns the first error. A
// run whose lock another process holds is put off until the others are
// done, then waited for, so that concurrent processes on one output root
// share the work. Once the context of the first task's Env is cancelled no
// further run starts (all Envs of one invocation share it). It adds the
// wall time of every run it executes to times.
func parallel(ts []task, pool *workerPool, times *wallTimes) error {
	if len(ts) == 0 {
		return nil
	}
	var (
		mu    sync.Mutex
		later []task
	)
	err := each(ts, pool.jobs, func(w int, t task) error {
		err := times.measure(t, func() error { return pool.do(w, t, true) })
		if errors.Is(err, errBusy) {
			mu.Lock()
			later = append(later, t)
			mu.Unlock()
			return nil
		}
		return err
	})
	if err != nil || len(later) == 0 {
		return err
	}
	return each(later, pool.jobs, func(w int, t task) error {
		return times.measure(t, func() error { return pool.do(w, t, false) })
	})
}

// each calls do(w, t) on every task t of ts from up to jobs workers w =
// 0, 1, … and returns the first error, or ErrInterrupted if the context
// stopped it early.
func each(ts []task, jobs int, do func(w int, t task) error) error {
	env := ts[0].env
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	next := make(chan task)
	for w := range min(jobs, len(ts)) {
		wg.Go(func() {
			for t := range next {
				if env.interrupted() != nil {
					continue // handed over as the signal came
				}
				if err := do(w, t); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		})
	}
	for _, t := range ts {
		if env.interrupted() != nil {
			break
		}
		next <- t
	}
	close(next)
	wg.Wait()
	if first == nil {
		first = env.interrupted()
	}
	return first
}

// wallTimes records the wall time of the runs of one invocation, by
// experiment.
type wallTimes struct {
	mu    sync.Mutex
	start time.Time
	runs  map[string][][]string // experiment → {run_id, seconds} records
}

func newWallTimes() *wallTimes { return &wallTimes{start: time.Now(), runs: map[string][][]string{}} }

// measure runs task t by calling do and records its wall time unless it
// failed.
func (w *wallTimes) measure(t task, do func() error) error {
	start := time.Now()
	err := do()
	if err == nil {
		w.mu.Lock()
		w.runs[t.env.Config.Name] = append(w.runs[t.env.Config.Name],
			[]string{t.run.ID(), seconds(time.Since(start))})
		w.mu.Unlock()
	}
	return err
}

// write writes walltime.csv beside each experiment's summary: the wall time
// of every run this invocation executed (a skipped finished run takes about
// none; a pretraining shared by several experiments is listed under the
// one that ran it) and of the whole invocation, with the machine's core
// count and the number of parallel jobs.
func (w *wallTimes) write(envs []*Env, jobs, cores int) error {
	total := time.Since(w.start)
	for _, e := range envs {
		records := slices.Clone(w.runs[e.Config.Name])
		slices.SortFunc(records, func(a, b []string) int { return cmp.Compare(a[0], b[0]) })
		records = slices.Insert(records, 0, []string{"run", "seconds"})
		records = append(records, []string{fmt.Sprintf("invocation (%d configs, -jobs %d, %d cores)", len(envs), jobs, cores), seconds(total)})
		var b bytes.Buffer
		if err := csv.NewWriter(&b).WriteAll(records); err != nil {
			return err
		}
		if err := atomicfile.WriteFile(filepath.Join(e.Layout.Dir(), "walltime.csv"), b.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// seconds formats a wall time in seconds to a tenth.
func seconds(d time.Duration) string { return fmt.Sprintf("%.1f", d.Seconds()) }
