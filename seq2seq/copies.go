package seq2seq

import (
	"fmt"

	"github.com/scan-equitune/equitune/verbgroups"
)

// CopiesOf returns the copies of the equi-tuned model M_G for group g, in
// g's element order (identity first):
//
//	M_G(x) = (1/|G|) Σ_g g⁻¹·M(g·x)
//
// averaged as log-probabilities at every decoding step (see decoder).
func CopiesOf(g *verbgroups.Group) Copies {
	var cp Copies
	for _, e := range g.Elements() {
		cp.In = append(cp.In, e.In)
		cp.Out = append(cp.Out, e.Out)
	}
	return cp
}

// check reports whether c are not copies a model of the given vocabulary
// sizes can run under: as many input as output maps, each a permutation of
// the ids.
func (c Copies) check(inVocab, outVocab int) error {
	if len(c.In) != len(c.Out) {
		return fmt.Errorf("%d input and %d output maps in the copies", len(c.In), len(c.Out))
	}
	for k := range c.In {
		for _, p := range []struct {
			perm []int
			n    int
		}{{c.In[k], inVocab}, {c.Out[k], outVocab}} {
			if !isPerm(p.perm, p.n) {
				return fmt.Errorf("copy %d does not permute %d ids: %v", k, p.n, p.perm)
			}
		}
	}
	return nil
}

// isPerm reports whether p is a permutation of 0…n−1.
func isPerm(p []int, n int) bool {
	if len(p) != n {
		return false
	}
	seen := make([]bool, n)
	for _, v := range p {
		if v < 0 || v >= n || seen[v] {
			return false
		}
		seen[v] = true
	}
	return true
}
