package scan

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// DefaultValFrac is the fraction of the training set held out for validation
// in the reference code.
const DefaultValFrac = 0.2

// HoldOut splits ps into a training part and a validation part holding
// round(frac·len(ps)) pairs chosen uniformly by r. Both parts keep the order
// of ps. Repeated pairs (as in the addprim splits) are drawn independently,
// so copies may land on both sides. HoldOut panics if frac is outside [0, 1]
// or r is nil.
func HoldOut(ps []Pair, frac float64, r *rand.Rand) (train, val []Pair) {
	if !(frac >= 0 && frac <= 1) || r == nil {
		panic(fmt.Sprintf("scan: HoldOut with frac %v and rand %p", frac, r))
	}
	return drawOut(ps, HoldOutSize(len(ps), frac), r)
}

// HoldOutSize is the size of HoldOut's validation part of n pairs,
// round(frac·n).
func HoldOutSize(n int, frac float64) int {
	return int(math.Round(frac * float64(n)))
}

// drawOut splits ps into the pairs left and the k pairs at the first k
// indices of r.Perm(len(ps)), both in the order of ps.
func drawOut(ps []Pair, k int, r *rand.Rand) (left, drawn []Pair) {
	in := make([]bool, len(ps))
	for _, i := range r.Perm(len(ps))[:k] {
		in[i] = true
	}
	left, drawn = make([]Pair, 0, len(ps)-k), make([]Pair, 0, k)
	for i, p := range ps {
		if in[i] {
			drawn = append(drawn, p)
		} else {
			left = append(left, p)
		}
	}
	return left, drawn
}
