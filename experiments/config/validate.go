package config

import (
	"fmt"
	"math"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/seq2seq"
)

// Bounds of the numeric keys beyond what the model allows (seq2seq.MaxWidth
// bounds hidden and embed): a batch this large already takes gigabytes at
// the widest model, and a schedule this long years.
const (
	maxBatch      = 1024
	maxIterations = 1_000_000_000
)

// keyError is a bad value of one config key; Load adds the key's line.
type keyError struct {
	key string // dotted path, e.g. "tune.lr"
	err error
}

func (e *keyError) Error() string { return e.err.Error() }
func (e *keyError) Unwrap() error { return e.err }

// badKey returns a keyError of key whose message names the key.
func badKey(key, format string, a ...any) error {
	return &keyError{key, fmt.Errorf("%w: %s %s", ErrConfig, key, fmt.Sprintf(format, a...))}
}

// checkNumbers reports the first numeric key of c out of its range: every
// float finite; sizes at least 1 and within memory; seeds non-negative; a
// validation fraction that leaves a non-empty validation set and a
// non-empty training set for every seed.
func (c *Config) checkNumbers() error {
	m := c.Model
	for _, w := range []struct {
		key string
		v   int
	}{{"model.hidden", m.Hidden}, {"model.embed", m.Embed}} {
		if w.v < 1 || w.v > seq2seq.MaxWidth {
			return badKey(w.key, "= %d: want 1 to %d", w.v, seq2seq.MaxWidth)
		}
	}
	if !(m.Dropout >= 0 && m.Dropout < 1) {
		return badKey("model.dropout", "= %g: want in [0, 1)", m.Dropout)
	}
	for _, s := range []struct {
		table string
		s     ScheduleConfig
	}{{"pretrain", c.Pretrain}, {"tune", c.Tune}} {
		if err := s.s.check(s.table); err != nil {
			return err
		}
	}
	for _, seed := range c.Seeds {
		if seed > math.MaxInt64 { // only a negative TOML integer gets here
			return badKey("seeds", "has %d: want seeds ≥ 0", int64(seed))
		}
	}
	return c.checkValFraction()
}

// check reports the first key of the schedule [table] out of its range.
func (s ScheduleConfig) check(table string) error {
	for _, n := range []struct {
		key    string
		v, max int
	}{{"iterations", s.Iterations, maxIterations}, {"batch", s.Batch, maxBatch}, {"eval_every", s.EvalEvery, maxIterations}} {
		if n.v < 1 || n.v > n.max {
			return badKey(table+"."+n.key, "= %d: want 1 to %d", n.v, n.max)
		}
	}
	for _, f := range []struct {
		key      string
		v        float64
		min, max float64
		minOpen  bool
	}{{"lr", s.LR, 0, math.MaxFloat64, true}, {"weight_decay", s.WeightDecay, 0, math.MaxFloat64, false},
		{"clip", s.Clip, 0, math.MaxFloat64, false}, {"teacher_forcing", s.TeacherForcing, 0, 1, false}} {
		if !(f.v >= f.min && f.v <= f.max) || (f.minOpen && f.v == f.min) {
			want := fmt.Sprintf("in [%g, %g]", f.min, f.max)
			if f.max == math.MaxFloat64 {
				want = "finite and ≥ 0"
				if f.minOpen {
					want = "finite and > 0"
				}
			}
			return badKey(table+"."+f.key, "= %g: want %s", f.v, want)
		}
	}
	return nil
}

// checkValFraction reports whether val_fraction holds out no pair, or every
// pair, of the training split (not checked for an unknown split, which
// Validate reports).
func (c *Config) checkValFraction() error {
	f := c.ValFraction
	if !(f > 0 && f < 1) {
		return badKey("val_fraction", "= %g: want in (0, 1)", f)
	}
	n, _, err := scan.Sizes(c.Split)
	if err != nil {
		return nil // an unknown split, which Validate reports
	}
	if k := scan.HoldOutSize(n, f); k == 0 || k == n {
		return badKey("val_fraction", "= %g leaves %d of the %d training pairs for validation: "+
			"want at least one for validation and one for training", f, k, n)
	}
	return nil
}
