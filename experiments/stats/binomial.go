package stats

import (
	"math/rand/v2"
	"sort"
)

// binomial samples Bin(N, a/(a+b)) by inversion of its cumulative
// distribution, tabulated once. The weights are those of the probabilities
// relative to the mode k₀ = ⌊(N+1)a/(a+b)⌋,
//
//	w(k₀) = 1,  w(k+1) = w(k)·(N−k)a / ((k+1)b),  w(k−1) = w(k)·k b / ((N−k+1)a),
//
// computed with correctly rounded products and quotients only (no exp, log
// or fused operations), so the table, and every draw, is the same on every
// machine. A draw is the least k with W(k) > u·W(N), W the cumulative sums
// of w and u uniform in [0, 1): exact in distribution up to the rounding
// of the table (each weight is within 2|k−k₀| roundings of its exact
// value), with one Float64 per draw.
type binomial struct {
	lo  int       // the least k with a nonzero weight
	cum []float64 // cum[i] = w(lo) + … + w(lo+i)
}

// newBinomial tabulates Bin(N, a/(a+b)) for N ≥ 0, a, b ≥ 0, a+b > 0.
func newBinomial(N, a, b int) *binomial {
	switch {
	case a == 0:
		return &binomial{lo: 0, cum: []float64{1}}
	case b == 0:
		return &binomial{lo: N, cum: []float64{1}}
	}
	w := binomialWeights(N, a, b)
	lo, hi := 0, N
	for w[lo] == 0 {
		lo++
	}
	for w[hi] == 0 {
		hi--
	}
	cum := make([]float64, hi-lo+1)
	s := 0.0
	for k := lo; k <= hi; k++ {
		s = float64(s + w[k])
		cum[k-lo] = s
	}
	return &binomial{lo: lo, cum: cum}
}

// binomialWeights returns w(0), …, w(N) of Bin(N, a/(a+b)), a, b > 0,
// relative to the mode (see binomial); far tails underflow to 0.
func binomialWeights(N, a, b int) []float64 {
	w := make([]float64, N+1)
	k0 := int((int64(N) + 1) * int64(a) / (int64(a) + int64(b)))
	if k0 > N {
		k0 = N
	}
	w[k0] = 1
	for k := k0; k < N && w[k] != 0; k++ {
		w[k+1] = float64(w[k] * (float64(int64(N-k)*int64(a)) / float64(int64(k+1)*int64(b))))
	}
	for k := k0; k > 0 && w[k] != 0; k-- {
		w[k-1] = float64(w[k] * (float64(int64(k)*int64(b)) / float64(int64(N-k+1)*int64(a))))
	}
	return w
}

// draw returns one draw of the distribution, using one r.Float64.
func (t *binomial) draw(r *rand.Rand) int {
	u := float64(r.Float64() * t.cum[len(t.cum)-1])
	i := sort.Search(len(t.cum), func(i int) bool { return t.cum[i] > u })
	if i == len(t.cum) { // u rounded up to the total
		i--
	}
	return t.lo + i
}
