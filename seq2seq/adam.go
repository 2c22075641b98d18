package seq2seq

import (
	"math"

	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
)

// adamWork is the cost of one element's update in multiply-adds (see kernel.Split).
const adamWork = 4

// Adam is PyTorch's Adam with coupled L2 weight decay, preceded by
// gradient-norm clipping; its moments are exported so a checkpoint can
// store them. For a gradient g of parameter θ at step t:
//
//	g ← g · min(1, clip/‖g‖)              (‖·‖ over all parameters; clip 0 = off)
//	g ← g + λθ
//	m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²
//	θ ← θ − lr · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)
type Adam struct {
	LR, Beta1, Beta2, Eps float64
	WeightDecay           float64 // λ
	Clip                  float64 // maximal gradient norm; 0 turns clipping off
	Step                  int     // updates done
	M, V                  [][]float64
}

// NewAdam returns Adam with β = (0.9, 0.999) and ε = 1e-8, PyTorch's defaults.
func NewAdam(lr, weightDecay, clip float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: weightDecay, Clip: clip}
}

// GradNorm returns ‖g‖ over all parameters.
func GradNorm(ps []*Param) float64 {
	var s float64
	for _, p := range ps {
		s += kernel.Dot(p.G, p.G)
	}
	return math.Sqrt(s)
}

// Update applies one step to ps using their gradients, and returns the
// gradient norm before clipping.
func (a *Adam) Update(ps []*Param) float64 {
	if a.M == nil {
		a.M, a.V = make([][]float64, len(ps)), make([][]float64, len(ps))
		for i, p := range ps {
			a.M[i], a.V[i] = make([]float64, len(p.W)), make([]float64, len(p.W))
		}
	}
	norm := GradNorm(ps)
	c := 1.0
	if a.Clip > 0 && norm > a.Clip {
		c = a.Clip / (norm + 1e-6) // as torch.nn.utils.clip_grad_norm_
	}
	a.Step++
	bc1 := 1 - math.Pow(a.Beta1, float64(a.Step))
	bc2 := 1 - math.Pow(a.Beta2, float64(a.Step))
	k := &kernel.AdamConsts{C: c, WD: a.WeightDecay, B1: a.Beta1, OmB1: 1 - a.Beta1, B2: a.Beta2, OmB2: 1 - a.Beta2,
		Step: a.LR / bc1, S2: 1 / math.Sqrt(bc2), Eps: a.Eps}
	// One function value serves every tensor (not one per tensor and step).
	var w, g, m, v []float64
	update := func(lo, hi int) { kernel.Adam(w[lo:hi], g[lo:hi], m[lo:hi], v[lo:hi], k) }
	for i, p := range ps {
		w, g, m, v = p.W, p.G, a.M[i], a.V[i]
		kernel.Split(len(p.W), 4, len(p.W)*adamWork, update)
	}
	return norm
}
