package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/internal/atomicfile"
)

// ErrInterrupted is returned by a run stopped through Env.Ctx. Its
// checkpoint is saved, so the same command resumes it.
var ErrInterrupted = errors.New("experiments: interrupted")

// errBusy says that another process holds a run's lock (see Env.acquire).
var errBusy = errors.New("experiments: run locked by another process")

// lockPoll is how often a process waiting for a lock tries it again.
const lockPoll = 500 * time.Millisecond

// Lock is the path of the lock that a process holds while it computes
// method run r; concurrent processes on one output root compute each run
// once.
func (l Layout) Lock(r Run) string {
	return filepath.Join(l.Out, "results", ".cache", "locks", l.Experiment, r.ID()+".lock")
}

// acquire takes the lock at path for the run named id. If another process
// holds it, acquire returns errBusy when e.noWait; otherwise it says in the
// log that it waits, and waits until it has the lock or Ctx is cancelled.
func (e *Env) acquire(path, id string) (unlock func(), err error) {
	if e.noWait {
		unlock, ok, err := tryLockFile(path)
		if err == nil && !ok {
			err = errBusy
		}
		return unlock, err
	}
	return waitLock(path, e.done(), func() {
		e.Log.Info("waiting for another process computing the run", "run", id, "lock", path)
	})
}

// waitLock takes the lock at path, waiting while another process holds it
// (and calling waiting once, if not nil, when it starts to wait), until it
// has the lock or done is closed (ErrInterrupted).
func waitLock(path string, done <-chan struct{}, waiting func()) (unlock func(), err error) {
	unlock, ok, err := tryLockFile(path)
	if err != nil || ok {
		return unlock, err
	}
	if waiting != nil {
		waiting()
	}
	t := time.NewTicker(lockPoll)
	defer t.Stop()
	for {
		select {
		case <-done:
			return nil, ErrInterrupted
		case <-t.C:
		}
		if unlock, ok, err = tryLockFile(path); err != nil || ok {
			return unlock, err
		}
	}
}

// done is closed when the runs must stop (nil: never).
func (e *Env) done() <-chan struct{} {
	if e.Ctx == nil {
		return nil
	}
	return e.Ctx.Done()
}

// interrupted returns ErrInterrupted once Ctx is cancelled.
func (e *Env) interrupted() error {
	select {
	case <-e.done():
		return ErrInterrupted
	default:
		return nil
	}
}

// claim takes method run r's lock and reports whether r is finished: its
// result.json holds r's result (checkResult). A result of other settings is
// an error wrapping ErrMismatch, or, with Force, recomputed. Once Ctx is
// cancelled no run starts (ErrInterrupted). unlock is nil when err is.
func (e *Env) claim(r Run) (unlock func(), finished bool, err error) {
	if err := e.interrupted(); err != nil {
		return nil, false, err
	}
	unlock, err = e.acquire(e.Layout.Lock(r), r.ID())
	if err != nil {
		return nil, false, err
	}
	path := e.Layout.Result(r)
	if err := atomicfile.RemoveStale(path); err != nil {
		unlock()
		return nil, false, err
	}
	err = e.check(r)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return unlock, false, nil
	case errors.Is(err, ErrDamaged):
		e.Log.Warn("redoing run: a file of its result is damaged", "run", r.ID(), "err", err)
		return unlock, false, nil
	case err == nil && !e.Force:
		e.Log.Info("skipping finished run", "run", r.ID())
		return unlock, true, nil
	case err == nil:
		e.Log.Info("rerunning finished run (-force)", "run", r.ID())
		return unlock, false, nil
	case errors.Is(err, ErrMismatch) && e.Force:
		e.Log.Warn("recomputing run (-force): its result.json was computed under other settings", "run", r.ID(), "err", err)
		return unlock, false, nil
	case errors.Is(err, errBadResult) && e.Force:
		e.Log.Warn("recomputing run (-force): its result.json is not one", "run", r.ID(), "err", err)
		return unlock, false, nil
	}
	unlock()
	return nil, false, err
}

// check reports whether method run r's result.json is there (an error
// wrapping os.ErrNotExist if not), matches its digests if it has them (an
// error wrapping ErrDamaged naming the file if not; gitignored files may be
// absent, which the debug log says) and holds r's result (checkResult).
func (e *Env) check(r Run) error {
	path := e.Layout.Result(r)
	res, err := readResult(path)
	if errors.Is(err, os.ErrNotExist) {
		return err
	}
	rc, cerr := checkRun(filepath.Dir(path))
	switch {
	case cerr != nil:
		return cerr
	case len(rc.Damaged) > 0:
		return rc.Damaged[0]
	case len(rc.Absent) > 0 && e.Log != nil:
		e.Log.Debug("the result stands without its gitignored files (as in a fresh clone)", "run", r.ID(), "absent", len(rc.Absent))
	}
	if err != nil {
		return err
	}
	return checkResult(e.Config, r, res, path)
}

// Stale returns an error for each method run of runs whose result.json was
// computed under other settings than e.Config's, saying what differs. err
// is the first result.json that is not one, or that it cannot read; a
// damaged or absent result is no error: the run is redone.
func (e *Env) Stale(runs []Run) (stale []error, err error) {
	for _, r := range runs {
		if r.Method == Pretrain {
			continue
		}
		switch cerr := e.check(r); {
		case cerr == nil || errors.Is(cerr, os.ErrNotExist) || errors.Is(cerr, ErrDamaged):
		case errors.Is(cerr, ErrMismatch):
			stale = append(stale, cerr)
		case errors.Is(cerr, errBadResult) && e.Force:
		case err == nil:
			err = cerr
		}
	}
	return stale, err
}

// staleError summarises the errors of Stale in one message: the first few,
// and what to do.
func staleError(errs []error) error {
	const show = 3
	var msgs []string
	for _, err := range errs[:min(show, len(errs))] {
		msgs = append(msgs, err.Error())
	}
	more := ""
	if len(errs) > show {
		more = fmt.Sprintf(" (and %d more)", len(errs)-show)
	}
	return fmt.Errorf("%d finished runs were %w than the config's%s: %s; "+
		"rerun with -force to recompute them, or give the edited experiment another name",
		len(errs), ErrMismatch, more, strings.Join(msgs, "; "))
}

// ReadResults reads the result.json of every method run of runs that has
// one and that holds the run's result of c (checkResult); rejected lists
// the others, each an error naming the file and saying why. A run whose
// files do not match their digests is an error wrapping ErrDamaged that
// names the file: its numbers are not to be summarized.
func ReadResults(c *config.Config, l Layout, runs []Run) (rs []*Result, rejected []error, err error) {
	for _, r := range runs {
		if r.Method == Pretrain {
			continue
		}
		path := l.Result(r)
		res, err := readResult(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if rc, cerr := checkRun(filepath.Dir(path)); cerr != nil {
			return nil, nil, cerr
		} else if len(rc.Damaged) > 0 {
			return nil, nil, errors.Join(rc.Damaged...)
		}
		if err != nil {
			return nil, nil, err
		}
		if err := checkResult(c, r, res, path); errors.Is(err, ErrMismatch) {
			rejected = append(rejected, err)
			continue
		} else if err != nil {
			return nil, nil, err
		}
		rs = append(rs, res)
	}
	return rs, rejected, nil
}

// LockSummary takes the lock of the experiment's summary, waiting while
// another process holds it: concurrent writers of a summary take turns.
func (l Layout) LockSummary() (unlock func(), err error) {
	return waitLock(filepath.Join(l.Out, "results", ".cache", "locks", l.Experiment, "summary.lock"), nil, nil)
}

// MaxResultBytes bounds a result.json (the longest the reference runs
// wrote is 25 KB).
const MaxResultBytes = 16 << 20

// errBadResult is wrapped by readResult's error about a file that is not a
// result.json.
var errBadResult = errors.New("not a result.json")

// readResult reads a result.json; an absent file gives an error wrapping
// os.ErrNotExist, one that is not a result.json (not JSON, or beyond
// MaxResultBytes) an error wrapping errBadResult that names it.
func readResult(path string) (*Result, error) {
	b, err := readLimited(path, MaxResultBytes)
	if errors.Is(err, errTooLarge) {
		return nil, fmt.Errorf("%w: %w", errBadResult, err)
	} else if err != nil {
		return nil, err
	}
	return decodeResult(b, path)
}

// decodeResult decodes the result.json data read from path.
func decodeResult(data []byte, path string) (*Result, error) {
	var res Result
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, fmt.Errorf("%s: %w (%v): delete it, or rerun with -force to recompute its run", path, errBadResult, err)
	}
	return &res, nil
}
