package stats

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
)

// DefaultB is the default number of bootstrap resamples. A percentile
// endpoint at 2.5% estimated from B resamples has a Monte Carlo standard
// deviation of about √(0.025·0.975/B)/φ(1.96) ≈ 0.06 bootstrap standard
// errors at B = 2,000 (Efron & Tibshirani, 1993, ch. 19, ask for B ≥ 1,000),
// and B = 2,000 costs at most tens of milliseconds per row (see the
// benchmarks).
const DefaultB = 2000

// DefaultLevel is the default coverage of the intervals.
const DefaultLevel = 0.95

// Settings configures the bootstrap. The zero value means the defaults.
type Settings struct {
	// B is the number of bootstrap resamples; 0 means DefaultB.
	B int

	// Level is the nominal coverage of the intervals, in (0, 1); 0 means
	// DefaultLevel.
	Level float64

	// Nested selects the nested two-stage bootstrap, for rows whose seeds
	// were scored on different test commands (the simple split draws its
	// test set by seed): seeds are resampled, then the commands of each
	// chosen seed independently of the others. With shared test commands
	// (every other split) leave it false: the pigeonhole bootstrap of the
	// package comment applies one command resample to every seed.
	Nested bool
}

// resolved returns s with its defaults filled in, or an error wrapping
// ErrSettings if a field is out of range.
func (s Settings) resolved() (Settings, error) {
	if s.B == 0 {
		s.B = DefaultB
	}
	if s.Level == 0 {
		s.Level = DefaultLevel
	}
	if !(s.Level > 0 && s.Level < 1) {
		return s, fmt.Errorf("%w: Level = %v, want it in (0, 1)", ErrSettings, s.Level)
	}
	if s.B < 0 || s.tail() < 1 {
		return s, fmt.Errorf("%w: B = %d is too few resamples for a %v interval (need (B+1)(1-Level)/2 ≥ 1)",
			ErrSettings, s.B, s.Level)
	}
	return s, nil
}

// tail is j = ⌊(B+1)(1−Level)/2⌋: the interval runs from the j-th smallest
// to the j-th largest of the B resampled statistics.
func (s Settings) tail() int {
	return int(math.Floor(float64(s.B+1) * (1 - s.Level) / 2))
}

// randStream is the PCG stream of NewRand ("stats").
const randStream = 0x7374617473

// NewRand returns the generator of a row named by key, for example its
// split, cell and method: rand.New(rand.NewPCG(h, 0x7374617473)) where h is
// the 64-bit FNV-1a hash of the parts, each followed by a zero byte. One key
// gives the same draws on every run and machine.
func NewRand(key ...string) *rand.Rand {
	h := fnv.New64a()
	for _, k := range key {
		h.Write([]byte(k))
		h.Write([]byte{0})
	}
	return rand.New(rand.NewPCG(h.Sum64(), randStream))
}
