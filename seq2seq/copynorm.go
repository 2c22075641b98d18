package seq2seq

import (
	"fmt"
	"hash"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// normaliseCopies is the Gorgonia op w = λ / Σ_k λ_k of a K×B node, each
// example's (column's) sum taken in sorted order, so that permuting the
// copies permutes w exactly (a Gorgonia Sum adds in memory order). Its
// gradient, for the gradient g of w and s_b = Σ_k λ_{k,b}, is
//
//	∂/∂λ_{k,b} = (g_{k,b} − Σ_j w_{j,b} g_{j,b}) / s_b
type normaliseCopies struct{ K, B int }

func (o normaliseCopies) Arity() int { return 1 }
func (o normaliseCopies) Type() hm.Type {
	t := G.TensorType{Dims: 2, Of: tensor.Float64}
	return hm.NewFnType(t, t)
}
func (o normaliseCopies) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{o.K, o.B}, nil
}
func (o normaliseCopies) Do(in ...G.Value) (G.Value, error) {
	w := make([]float64, o.K*o.B)
	normalise(w, in[0].Data().([]float64), o.K, o.B)
	return tensor.New(tensor.WithBacking(w), tensor.WithShape(o.K, o.B)), nil
}
func (o normaliseCopies) ReturnsPtr() bool      { return false }
func (o normaliseCopies) CallsExtern() bool     { return false }
func (o normaliseCopies) OverwritesInput() int  { return -1 }
func (o normaliseCopies) String() string        { return fmt.Sprintf("NormaliseCopies%d×%d", o.K, o.B) }
func (o normaliseCopies) WriteHash(h hash.Hash) { fmt.Fprintf(h, "NormaliseCopies/%d/%d", o.K, o.B) }
func (o normaliseCopies) Hashcode() uint32      { return hashOf(o) }
func (o normaliseCopies) DiffWRT(int) []bool    { return []bool{true} }
func (o normaliseCopies) SymDiff(in G.Nodes, _, grad *G.Node) (G.Nodes, error) {
	d, err := G.ApplyOp(normaliseCopiesGrad(o), in[0], grad)
	if err != nil {
		return nil, fmt.Errorf("seq2seq: gradient of %v: %w", o, err)
	}
	return G.Nodes{d}, nil
}

// normaliseCopiesGrad is ∂loss/∂λ of normaliseCopies: its inputs are λ and
// the gradient of w.
type normaliseCopiesGrad normaliseCopies

func (o normaliseCopiesGrad) Arity() int { return 2 }
func (o normaliseCopiesGrad) Type() hm.Type {
	t := G.TensorType{Dims: 2, Of: tensor.Float64}
	return hm.NewFnType(t, t, t)
}
func (o normaliseCopiesGrad) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return tensor.Shape{o.K, o.B}, nil
}
func (o normaliseCopiesGrad) Do(in ...G.Value) (G.Value, error) {
	K, B := o.K, o.B
	lambda, g := in[0].Data().([]float64), in[1].Data().([]float64)
	w := make([]float64, K*B)
	normalise(w, lambda, K, B)
	d := make([]float64, K*B)
	for b := range B {
		var s, wg float64
		for k := range K {
			s += lambda[k*B+b]
			wg += w[k*B+b] * g[k*B+b]
		}
		for k := range K {
			d[k*B+b] = (g[k*B+b] - wg) / s
		}
	}
	return tensor.New(tensor.WithBacking(d), tensor.WithShape(K, B)), nil
}
func (o normaliseCopiesGrad) ReturnsPtr() bool     { return false }
func (o normaliseCopiesGrad) CallsExtern() bool    { return false }
func (o normaliseCopiesGrad) OverwritesInput() int { return -1 }
func (o normaliseCopiesGrad) String() string {
	return fmt.Sprintf("∂NormaliseCopies%d×%d", o.K, o.B)
}
func (o normaliseCopiesGrad) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "NormaliseCopiesGrad/%d/%d", o.K, o.B)
}
func (o normaliseCopiesGrad) Hashcode() uint32 { return hashOf(o) }
