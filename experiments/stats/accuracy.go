package stats

import (
	"fmt"
	"math/rand/v2"
)

// Estimate is a row's mean accuracy with its bootstrap interval.
type Estimate struct {
	// Mean is the mean accuracy Σ_s Σ_c y[s][c] / (S n): the mean over
	// seeds of the per-seed accuracies (up to rounding, as all seeds have n
	// commands).
	Mean float64

	// Lo and Hi bound the percentile interval of the pigeonhole bootstrap
	// at the level of the Settings.
	Lo, Hi float64

	// Seeds (S) and Commands (n) give the matrix's shape. With one seed
	// the interval reflects the sampling of commands only: it says nothing
	// of the variation between seeds.
	Seeds, Commands int
}

// Accuracy returns the mean accuracy of outcomes (seed → command →
// correct) and its percentile interval from s.B pigeonhole bootstrap
// resamples drawn from r (see the package comment; nested if s.Nested).
//
// The interval treats the seeds as a sample of training runs and the test
// commands as a sample of commands like them. It is the plain percentile
// interval: with few seeds whose accuracies differ much more than the
// command sampling explains, it is too narrow, as the bootstrap sees only
// S distinct seeds (its seed variance is (S−1)/S of the sample variance and
// its quantiles are normal-like rather than Student's t with S−1 degrees
// of freedom); the tests measure the coverage in that regime. If every
// outcome is equal the interval collapses to the mean.
//
// Accuracy returns an error wrapping ErrShape if outcomes is empty, has no
// commands, or its seeds have different numbers of commands, and one
// wrapping ErrSettings for invalid settings.
func Accuracy(outcomes [][]bool, s Settings, r *rand.Rand) (Estimate, error) {
	s, err := s.resolved()
	if err != nil {
		return Estimate{}, err
	}
	n, err := shape("outcomes", outcomes)
	if err != nil {
		return Estimate{}, err
	}
	y := make([][]int8, len(outcomes))
	var correct int64
	for i, o := range outcomes {
		y[i] = make([]int8, n)
		for c, ok := range o {
			if ok {
				y[i][c] = 1
				correct++
			}
		}
	}
	e := Estimate{Seeds: len(y), Commands: n}
	e.Mean = float64(correct) / float64(int64(len(y))*int64(n))
	e.Lo, e.Hi = interval(y, s, r)
	return e, nil
}

// shape returns the common number of commands of the seeds of m, or an
// error wrapping ErrShape naming m.
func shape(name string, m [][]bool) (int, error) {
	if len(m) == 0 {
		return 0, fmt.Errorf("%w: %s has no seeds", ErrShape, name)
	}
	n := len(m[0])
	if n == 0 {
		return 0, fmt.Errorf("%w: %s has no commands in seed 0", ErrShape, name)
	}
	for i, o := range m {
		if len(o) != n {
			return 0, fmt.Errorf("%w: %s has %d commands in seed %d but %d in seed 0", ErrShape, name, len(o), i, n)
		}
	}
	return n, nil
}

// shapes returns the numbers of commands of A = a and B = b (shape).
func shapes(a, b [][]bool) (na, nb int, err error) {
	if na, err = shape("A", a); err == nil {
		nb, err = shape("B", b)
	}
	return na, nb, err
}
