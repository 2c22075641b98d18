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
	k := int(math.Round(frac * float64(len(ps))))
	inVal := make([]bool, len(ps))
	for _, i := range r.Perm(len(ps))[:k] {
		inVal[i] = true
	}
	for i, p := range ps {
		if inVal[i] {
			val = append(val, p)
		} else {
			train = append(train, p)
		}
	}
	return train, val
}
