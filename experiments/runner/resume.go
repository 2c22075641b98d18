package runner

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/scan-equitune/equitune/internal/atomicfile"
	"github.com/scan-equitune/equitune/seq2seq"
)

// TuneCheckpoint is the path of the checkpoint that method run r keeps while
// it tunes, so that an interrupted tuning resumes; it is removed once the
// run's result.json is written.
func (l Layout) TuneCheckpoint(r Run) string {
	return filepath.Join(l.Out, "results", ".cache", "tune", l.Experiment, r.ID()+".ckpt")
}

// resume returns the checkpoint at path if it holds run r (checkCheckpoint),
// or nil if there is none, or if it is unreadable or holds another run, which
// the log then says. The caller holds the right to write path.
func (e *Env) resume(path string, r Run) (*seq2seq.Training, error) {
	if err := atomicfile.RemoveStale(path); err != nil {
		return nil, err
	}
	tr, err := seq2seq.LoadTraining(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		e.Log.Warn("ignoring unreadable checkpoint", "run", r.ID(), "path", path, "err", err)
		return nil, nil
	}
	if err := checkCheckpoint(e.Config, r, tr); errors.Is(err, ErrMismatch) {
		e.Log.Warn("training anew: the checkpoint holds another run", "run", r.ID(), "path", path, "err", err)
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if tr.Identity == "" { // written before checkpoints stored identities
		if tr.Identity, err = RunIdentity(e.Config, r); err != nil {
			return nil, err
		}
	}
	if !tr.Done() {
		e.Log.Info("resuming training", "run", r.ID(), "step", tr.Step, "checkpoint", path)
	}
	return tr, nil
}

// advance trains tr to the end of its schedule, saving it to path at
// every evaluation. Once Ctx is cancelled it stops after the next save with
// ErrInterrupted. id names the run in logs and progress.
func (e *Env) advance(id, path string, tr *seq2seq.Training, d Parts) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	step, done := e.Progress(id, tr.Schedule.Iterations)
	defer done()
	if tr.Step > 0 {
		step(tr.Step)
	}
	for !tr.Done() {
		if err := e.interrupted(); err != nil {
			return err
		}
		p, err := tr.Advance(d.Train, d.Val, step)
		if err != nil {
			return fmt.Errorf("%s: %w", id, err)
		}
		if err := tr.Save(path); err != nil {
			return err
		}
		e.Log.Debug("training", "run", id, "step", p.Step, "val_acc", p.ValAcc, "loss", p.SeqLoss)
	}
	return nil
}

// tune trains the pretrained model m further with the tuning schedule under
// the copies cp, validating in mode, for method run r, whose lock the
// caller holds. It checkpoints at every evaluation (TuneCheckpoint) and
// resumes a checkpoint of r.
func (e *Env) tune(r Run, m *seq2seq.Model, cp seq2seq.Copies, mode seq2seq.Mode, d Parts) (*seq2seq.Training, error) {
	path := e.Layout.TuneCheckpoint(r)
	tr, err := e.resume(path, r)
	if err != nil {
		return nil, err
	}
	if tr == nil {
		if tr, err = seq2seq.NewTraining(m, e.Config.Tune.Schedule(), cp, rand.NewPCG(r.Seed, streamTune)); err != nil {
			return nil, err
		}
		tr.Mode = mode
		if tr.Identity, err = RunIdentity(e.Config, r); err != nil {
			return nil, err
		}
	}
	return tr, e.advance(r.ID(), path, tr, d)
}

// dropTuneCheckpoint removes method run r's tuning checkpoint, if any.
func (e *Env) dropTuneCheckpoint(r Run) error {
	if err := os.Remove(e.Layout.TuneCheckpoint(r)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
