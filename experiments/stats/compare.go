package stats

import (
	"fmt"
	"math/rand/v2"
)

// Comparison is the comparison of methods A and B on the same test
// commands: paired by seed (Compare), through d[s][c] = y_A[s][c] −
// y_B[s][c] ∈ {−1, 0, 1}, or with seeds not paired (CompareUnpaired).
type Comparison struct {
	// Diff is the mean difference of accuracy, A − B: Σ d / (S n).
	Diff float64

	// Lo and Hi bound the percentile interval of the pigeonhole bootstrap
	// of the differences d (seeds and commands resampled as pairs, so the
	// pairing is kept).
	Lo, Hi float64

	// P is the two-sided p-value of the exact sign-flip permutation test of
	// the differences (SignFlipP(Wins, Losses)); unpaired, that of the
	// seed permutation test (SeedPermutationP).
	P float64

	// Wins counts the (seed, command) pairs that A got right and B wrong,
	// Losses those that B got right and A wrong.
	Wins, Losses int

	// Seeds (S) and Commands (n) give the shape. With one seed the
	// interval reflects the sampling of commands only. Unpaired, Seeds is
	// A's number of seeds and SeedsB B's; paired, SeedsB is 0.
	Seeds, SeedsB, Commands int

	// Unpaired reports a comparison by CompareUnpaired.
	Unpaired bool

	// Resolved reports whether the interval excludes 0 (Lo > 0 or Hi < 0).
	Resolved bool
}

// Compare compares methods A and B whose outcome matrices a and b (seed →
// command → correct) come from the same pretrainings, seed s of a with
// seed s of b, and the same test commands in the same order. The interval
// is that of Accuracy applied to the differences, with the same resample of
// seeds and commands for both methods; P is the sign-flip test's.
//
// Compare(b, a, s, r′) is exactly the negation of Compare(a, b, s, r) (Diff,
// Lo and Hi negated and swapped, P, Seeds, Commands and Resolved equal)
// when r and r′ are in the same state, so name the generator of a pair
// without regard to its order (for example by sorting the method names).
//
// Compare returns an error wrapping ErrShape if a or b is empty, ragged, or
// their shapes differ, and one wrapping ErrSettings for invalid settings.
func Compare(a, b [][]bool, s Settings, r *rand.Rand) (Comparison, error) {
	s, err := s.resolved()
	if err != nil {
		return Comparison{}, err
	}
	n, nb, err := shapes(a, b)
	if err != nil {
		return Comparison{}, err
	}
	if len(a) != len(b) || n != nb {
		return Comparison{}, fmt.Errorf("%w: A has %d seeds × %d commands but B %d × %d", ErrShape, len(a), n, len(b), nb)
	}
	c := Comparison{Seeds: len(a), Commands: n}
	d := make([][]int8, len(a))
	for i := range a {
		d[i] = make([]int8, n)
		for j := range n {
			switch {
			case a[i][j] && !b[i][j]:
				d[i][j] = 1
				c.Wins++
			case b[i][j] && !a[i][j]:
				d[i][j] = -1
				c.Losses++
			}
		}
	}
	c.Diff = float64(int64(c.Wins)-int64(c.Losses)) / float64(int64(len(a))*int64(n))
	c.Lo, c.Hi = interval(d, s, r)
	c.P = SignFlipP(c.Wins, c.Losses)
	c.Resolved = c.Lo > 0 || c.Hi < 0
	return c, nil
}

// SignFlipP returns the two-sided p-value of the exact sign-flip
// permutation test of paired binary outcomes with wins pairs (+1) and
// losses pairs (−1) among the differences, the others 0.
//
// Under the null hypothesis that within every (seed, command) pair the two
// methods' outcomes are exchangeable, each difference is as likely +d as
// −d, independently of the others, so the statistic T = Σ d = wins − losses
// has the permutation distribution T* = 2X − m, X ~ Bin(m, 1/2) over the
// m = wins + losses discordant pairs (zeros do not move), and
//
//	p = P(|T*| ≥ |T|) = min(1, 2·P(X ≥ max(wins, losses))),
//
// p = 1 when wins = losses. This is McNemar's exact test pooled over seeds.
// It is exact (enumerated, not sampled: no Monte Carlo error) and needs
// only the counts. What it assumes: pairs are independent units; it is
// conditional on the seeds run, so it asks whether A and B differ on these
// pretrainings and commands, not whether they would on new seeds. When the
// seeds disagree it is therefore more liberal than the bootstrap interval,
// which also resamples seeds; Comparison.Resolved follows the interval.
//
// Up to m = 60 the tail is summed in integers (exact up to the final
// rounding); beyond, from the weights of binomialWeights (relative error
// below 10⁻¹²). A p-value below about 10⁻³⁰⁰ is returned as 0.
func SignFlipP(wins, losses int) float64 {
	if wins < 0 || losses < 0 {
		panic(fmt.Sprintf("stats: SignFlipP(%d, %d)", wins, losses))
	}
	m, k := wins+losses, max(wins, losses)
	if wins == losses {
		return 1
	}
	if m <= 60 {
		var tail, c uint64 = 0, 1 // c = C(m, j)
		for j := 0; j <= m; j++ {
			if j >= k {
				tail += c
			}
			c = c * uint64(m-j) / uint64(j+1)
		}
		return min(1, float64(tail)/float64(uint64(1)<<(m-1)))
	}
	return signFlipFloat(m, k)
}

// signFlipFloat is min(1, 2·P(X ≥ k)), X ~ Bin(m, 1/2), summed from the
// weights of binomialWeights, smallest first.
func signFlipFloat(m, k int) float64 {
	lo, w := binomialWeights(m, 1, 1, 0)
	var total, tail float64
	for j := len(w) - 1; j >= 0; j-- {
		total = float64(total + w[j])
		if lo+j == k {
			tail = total
		}
	}
	if k > lo+len(w)-1 { // beyond the weights that did not underflow
		tail = 0
	}
	return min(1, float64(2*tail)/total)
}
