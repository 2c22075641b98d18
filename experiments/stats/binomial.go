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
// machine. The table stops where w falls below 2⁻⁷⁰ on either side, which
// leaves out a probability below (N+1)·2⁻⁷⁰ < 10⁻¹⁶ for N < 10⁵: less than
// the resolution 2⁻⁵³ of the uniform draws. A draw is the least k with
// W(k) > u·W(hi), W the cumulative sums of w and u uniform in [0, 1):
// exact in distribution up to the rounding of the table (each weight is
// within 2|k−k₀| roundings of its exact value) and the tails left out,
// with one Float64 per draw.
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
	lo, cum := binomialWeights(N, a, b, tableFloor)
	s := 0.0
	for i, w := range cum {
		s = float64(s + w)
		cum[i] = s
	}
	return &binomial{lo: lo, cum: cum}
}

// tableFloor is the relative weight below which binomial tables stop.
const tableFloor = 0x1p-70

// binomialWeights returns the weights w(lo), w(lo+1), … of Bin(N,
// a/(a+b)), a, b > 0, relative to the mode (see binomial): those from the
// mode outwards on either side until the first below floor, or 0.
func binomialWeights(N, a, b int, floor float64) (lo int, w []float64) {
	k0 := int((int64(N) + 1) * int64(a) / (int64(a) + int64(b)))
	if k0 > N {
		k0 = N
	}
	var up, down []float64
	x := 1.0
	for k := k0; k < N; k++ {
		x = float64(x * (float64(int64(N-k)*int64(a)) / float64(int64(k+1)*int64(b))))
		if x == 0 || x < floor {
			break
		}
		up = append(up, x)
	}
	x = 1.0
	for k := k0; k > 0; k-- {
		x = float64(x * (float64(int64(k)*int64(b)) / float64(int64(N-k+1)*int64(a))))
		if x == 0 || x < floor {
			break
		}
		down = append(down, x)
	}
	w = make([]float64, 0, len(down)+1+len(up))
	for i := len(down) - 1; i >= 0; i-- {
		w = append(w, down[i])
	}
	w = append(append(w, 1), up...)
	return k0 - len(down), w
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
