package stats

import (
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
)

// MaxPermutationSeeds is the most seeds, of both methods together, for
// which CompareUnpaired enumerates its permutation test: C(20, 10) =
// 184,756 relabellings.
const MaxPermutationSeeds = 20

// CompareUnpaired compares methods A and B whose seeds are not paired (they
// start from different models, for example a fine-tuned pretraining and a
// model trained from scratch) but which are scored on the same test
// commands in the same order: a is S_A seeds × n commands, b is S_B × n.
//
// Diff is Ā − B̄, the difference of the mean accuracies. The interval is
// the pigeonhole bootstrap's with the seeds of A and of B resampled
// independently of each other and one command resample w for both, so
// the pairing by command is kept:
//
//	θ* = Σ_c w_c (Σ_s v_s y_A[s][c] / S_A − Σ_s u_s y_B[s][c] / S_B) / n,
//
// v ~ Multinomial(S_A; 1/S_A, …), u ~ Multinomial(S_B; 1/S_B, …). A's seeds
// are drawn before B's, so CompareUnpaired(b, a) is the negation of
// CompareUnpaired(a, b) in Diff, P and Seeds but its interval is another
// draw of the same bootstrap distribution: name the generator by the
// sorted method names and pass the methods in a fixed order.
//
// P is the two-sided p-value of the exact permutation test over seeds
// (SeedPermutationP): whether the S_A + S_B per-seed accuracies, taken
// as exchangeable between the methods, would so often split so far apart.
// It is conditional on the test commands, and with few seeds it cannot be
// small: at 3 seeds each its least value is 0.1, at 5 each 0.0079. P is
// NaN beyond MaxPermutationSeeds seeds. Wins and Losses are 0: they are
// counts of paired outcomes. Seeds is S_A and SeedsB S_B.
//
// CompareUnpaired returns an error wrapping ErrShape if a or b is empty
// or ragged or they have different numbers of commands, and one wrapping
// ErrSettings for invalid settings or Settings.Nested (the seeds' test
// commands must be shared).
func CompareUnpaired(a, b [][]bool, s Settings, r *rand.Rand) (Comparison, error) {
	s, err := s.resolved()
	if err != nil {
		return Comparison{}, err
	}
	if s.Nested {
		return Comparison{}, fmt.Errorf("%w: an unpaired comparison needs test commands shared by every seed (Nested)", ErrSettings)
	}
	n, nb, err := shapes(a, b)
	if err != nil {
		return Comparison{}, err
	}
	if n != nb {
		return Comparison{}, fmt.Errorf("%w: A has %d commands but B %d", ErrShape, n, nb)
	}
	sa, sb := len(a), len(b)
	y := make([][]int8, 0, sa+sb)
	coef := make([]int64, 0, sa+sb)
	correct := make([]int64, 0, sa+sb)
	for i, m := range [][][]bool{a, b} {
		weight := int64(sb) // A's rows count S_B, B's −S_A: S_A S_B n θ*
		if i == 1 {
			weight = -int64(sa)
		}
		for _, o := range m {
			row := make([]int8, n)
			var k int64
			for c, ok := range o {
				if ok {
					row[c] = 1
					k++
				}
			}
			y, coef, correct = append(y, row), append(coef, weight), append(correct, k)
		}
	}
	var ka, kb int64
	for i, k := range correct {
		if i < sa {
			ka += k
		} else {
			kb += k
		}
	}
	d := int64(sa) * int64(sb) * int64(n)
	c := Comparison{Seeds: sa, SeedsB: sb, Commands: n, Unpaired: true}
	c.Diff = float64(int64(sb)*ka-int64(sa)*kb) / float64(d)
	c.Lo, c.Hi = percentiles(newGrouped(y, []int{sa, sb}, coef), d, s, r)
	c.P = SeedPermutationP(correct[:sa], correct[sa:])
	c.Resolved = c.Lo > 0 || c.Hi < 0
	return c, nil
}

// SeedPermutationP returns the two-sided p-value of the exact permutation
// test of two methods' per-seed scores ka (S_A seeds) and kb (S_B seeds),
// for example their numbers of correct test commands: the fraction of the
// C(N, S_A) ways, N = S_A + S_B, to label S_A of the pooled scores as A's
// whose difference of means is at least as far from 0 as the observed
//
//	T = S_B Σ ka − S_A Σ kb    (S_A S_B times Ā − B̄),
//
// counted in integers. Under the null hypothesis that the scores are
// exchangeable between the methods every labelling is equally likely. It
// returns 1 when T = 0, and NaN when N exceeds MaxPermutationSeeds or
// either method has no seeds.
func SeedPermutationP(ka, kb []int64) float64 {
	sa, sb := len(ka), len(kb)
	total := sa + sb
	if sa == 0 || sb == 0 || total > MaxPermutationSeeds {
		return math.NaN()
	}
	pool := append(append(make([]int64, 0, total), ka...), kb...)
	var sum, sumA int64
	for i, k := range pool {
		sum += k
		if i < sa {
			sumA += k
		}
	}
	// With Σ_A the labelled sum, T = S_B Σ_A − S_A (K − Σ_A) = N Σ_A − S_A K.
	stat := func(sumA int64) int64 {
		t := int64(total)*sumA - int64(sa)*sum
		return max(t, -t)
	}
	observed := stat(sumA)
	if observed == 0 {
		return 1
	}
	var extreme, all int64
	// Every total-bit mask with sa bits set, in increasing order (Gosper).
	for m := uint32(1)<<sa - 1; m < 1<<total; {
		var s int64
		for x := m; x != 0; x &= x - 1 {
			s += pool[bits.TrailingZeros32(x)]
		}
		if stat(s) >= observed {
			extreme++
		}
		all++
		low := m & -m
		next := m + low
		m = next | ((m^next)>>2)/low
	}
	return float64(extreme) / float64(all)
}
