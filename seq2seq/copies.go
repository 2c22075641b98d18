package seq2seq

import "github.com/scan-equitune/equitune/verbgroups"

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
