package seq2seq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// LambdaHidden is the hidden width of λ-equitune's weight network
// (NewLambda's default).
const LambdaHidden = 16

// Lambda is the weight network of λ-equitune (Basu et al., NeurIPS 2023), a
// Combiner:
//
//	M_λ(x) = Σ_g λ(g·x) · g⁻¹·M(g·x) / Σ_g λ(g·x)
//
// combining the copies' log-probabilities with the normalised weights
// w_{b,k} = λ_{k,b} / Σ_j λ_{j,b}. λ of a copy is a function of that copy's
// own features f (its encoder's final state [→h; ←h], width F = D·H):
//
//	λ(f) = exp(v · tanh(f W + c))      W: F×N, c: 1×N, v: N
//
// exp makes λ > 0 and the normalised weights a softmax over the copies of
// a = v·tanh(fW + c) (a bias after tanh would cancel in the normalisation,
// so there is none). v starts at 0, so λ starts at exactly 1, w at 1/K and
// M_λ at M_G; W starts as PyTorch's linear layers, U(±1/√F), c at 0.
//
// Because the weight of copy k of h·x is computed from the features of
// g_k·h·x, which are those of copy g_k·h of x, M_λ is exactly G-equivariant:
// λ is computed row by row, the normalising sum and the combination are
// summed in sorted order (normaliseCopies, decoder.combined).
type Lambda struct {
	W, C, V *Param
}

var _ Combiner = (*Lambda)(nil)

// NewLambda returns the λ network of hidden width n for models of cfg,
// initialised from r so that λ is uniform.
func NewLambda(cfg Config, n int, r *rand.Rand) (*Lambda, error) {
	if n < 1 || n > MaxWidth {
		return nil, fmt.Errorf("%w: λ hidden width %d, want 1 to %d", ErrConfig, n, MaxWidth)
	}
	f := cfg.Hidden * cfg.directions()
	l := &Lambda{W: newParam("lambda.W", f, n), C: newParam("lambda.c", 1, n), V: newParam("lambda.v", n)}
	l.W.uniform(r, invSqrt(f))
	return l, nil
}

// Hidden returns the network's hidden width N.
func (l *Lambda) Hidden() int { return l.V.Shape[0] }

// Params returns W, c and v.
func (l *Lambda) Params() []*Param { return []*Param{l.W, l.C, l.V} }

// Node builds w = normaliseCopies(reshape(exp(tanh(feats·W + c)·v), K×B))
// of Gorgonia ops.
func (l *Lambda) Node(_ *G.ExprGraph, feats *G.Node, ps G.Nodes, K, B int) (*G.Node, error) {
	z, err := G.Mul(feats, ps[0])
	if err != nil {
		return nil, err
	}
	if z, err = G.BroadcastAdd(z, ps[1], nil, []byte{0}); err != nil {
		return nil, err
	}
	if z, err = G.Tanh(z); err != nil {
		return nil, err
	}
	if z, err = G.Mul(z, ps[2]); err != nil {
		return nil, err
	}
	if z, err = G.Exp(z); err != nil {
		return nil, err
	}
	if z, err = G.Reshape(z, tensor.Shape{K, B}); err != nil {
		return nil, err
	}
	return G.ApplyOp(normaliseCopies{K: K, B: B}, z)
}

// Weights computes Node's weights in Go, row by row.
func (l *Lambda) Weights(w, feats []float64, K, B int) {
	F, N := l.W.Shape[0], l.Hidden()
	z := make([]float64, N)
	for r := range K * B {
		f := feats[r*F : (r+1)*F]
		clear(z)
		for i, fi := range f {
			for j, wij := range l.W.W[i*N : (i+1)*N] {
				z[j] += fi * wij
			}
		}
		var a float64
		for j := range z {
			a += math.Tanh(z[j]+l.C.W[j]) * l.V.W[j]
		}
		w[r] = math.Exp(a)
	}
	normalise(w, w, K, B)
}

// normalise writes into w the weights λ[k·B+b] / Σ_j λ[j·B+b] of each
// example b, the sum in sorted order (independent of the copies' order).
func normalise(w, lambda []float64, K, B int) {
	col := make([]float64, K)
	for b := range B {
		for k := range K {
			col[k] = lambda[k*B+b]
		}
		slices.Sort(col)
		var s float64
		for _, x := range col {
			s += x
		}
		for k := range K {
			w[k*B+b] = lambda[k*B+b] / s
		}
	}
}
