package seq2seq

import (
	"fmt"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// A Combiner weighs the copies of each example in the combination of M_G
// (Copies.Combiner; see decoder):
//
//	q_b(v) = Σ_k w_{b,k} log p_{k,b}(g_k·v)
//
// instead of the uniform w_{b,k} = 1/K of equi-tuning. Its weights are
// computed from the copies' features: row k·B+b of feats (R×F, F = D·H) is
// the encoder's final state [→h; ←h] of copy k of example b, the decoder's
// initial state. In training the weights are a node of the Trainer's
// Gorgonia graph, differentiated by Gorgonia from ∂loss/∂w (which the fused
// decoder op computes, see decoder.backward) into the combiner's parameters
// and, through the features, into the encoder.
//
// If the weight of copy k of g·x is always the weight of the copy g_k·g of
// x (for example when each copy's weight is computed from its own features
// alone), M_G stays exactly G-equivariant.
type Combiner interface {
	// Params returns the combiner's learnable tensors, trained with the
	// model's by the Trainer.
	Params() []*Param
	// Node adds to g the nodes computing the K×B weights w (w[k][b] weighs
	// copy k of example b) from the feats node (R×F) and the nodes of
	// Params (in order, holding their W).
	Node(g *G.ExprGraph, feats *G.Node, params G.Nodes, K, B int) (*G.Node, error)
	// Weights writes into w (K·B values, w[k·B+b]) the weights Node
	// computes for feats (R·F values), without a graph, for decoding. It
	// must be safe for concurrent use.
	Weights(w, feats []float64, K, B int)
}

// finalStates writes into feats (R×Hd) the encoder's final state of each
// of the R rows of mem.
func finalStates(feats, mem []float64, R, T, Hd int) {
	for r := range R {
		m := r * (T + 2) * Hd
		copy(feats[r*Hd:(r+1)*Hd], mem[m+T*Hd:m+(T+1)*Hd])
	}
}

// combinerWeights returns the weights of cp's combiner for the R = K·B rows
// of the model's memory, in m's buffers, or nil without a combiner.
func (m *Model) combinerWeights(cp Copies, B int) []float64 {
	if cp.Combiner == nil {
		return nil
	}
	K, Hd := cp.K(), m.enc.width()
	R := K * B
	m.feats = grow(m.feats, R*Hd)
	m.weights = grow(m.weights, R)
	finalStates(m.feats, m.mem, R, m.Config.MaxInput, Hd)
	cp.Combiner.Weights(m.weights, m.feats, K, B)
	return m.weights
}

// combining is a Combiner's part of a training graph.
type combining struct {
	c        Combiner
	B, K     int
	params   G.Nodes // the nodes of c.Params()
	features *fusedOp
	feats    []float64 // R×D·H
	dfeats   []float64 // R×(Tmax+2)×D·H, their gradient as one of the memory
	dw       []float64 // K×B, ∂loss/∂w from the decoder's backward
	dwT      *tensor.Dense
}

// newCombining returns the graph part of c for batches of B examples under
// K copies.
func newCombining(c Combiner, B, K int) *combining {
	cb := &combining{c: c, B: B, K: K, dw: make([]float64, K*B)}
	cb.dwT = tensor.New(tensor.WithBacking(cb.dw), tensor.WithShape(K, B))
	return cb
}

// build adds the nodes of the weights to gr, reading the features of the
// memory node mem of m's encoder, and returns the weights' node.
func (c *combining) build(gr *graph, m *Model, mem *G.Node, rows int) (*G.Node, error) {
	if rows != c.B*c.K {
		return nil, fmt.Errorf("seq2seq: graph of %d rows, combiner of %d×%d", rows, c.K, c.B)
	}
	T, Hd := m.Config.MaxInput, m.enc.width()
	c.feats, c.dfeats = make([]float64, rows*Hd), make([]float64, m.memSize(rows))
	featsT := tensor.New(tensor.WithBacking(c.feats), tensor.WithShape(rows, Hd))
	dfeatsT := tensor.New(tensor.WithBacking(c.dfeats), tensor.WithShape(mem.Shape()...))
	c.features = &fusedOp{name: "FinalStates", out: G.TensorType{Dims: 2, Of: tensor.Float64},
		shape: tensor.Shape{rows, Hd},
		forward: func([]G.Value) (G.Value, error) {
			finalStates(c.feats, gr.mem, rows, T, Hd)
			return featsT, nil
		},
		backward: func(g G.Value) {
			d := g.Data().([]float64)
			for r := range rows {
				copy(c.dfeats[(r*(T+2)+T)*Hd:(r*(T+2)+T+1)*Hd], d[r*Hd:(r+1)*Hd])
			}
		},
		grads: []*tensor.Dense{dfeatsT}}
	feats, err := c.features.apply(G.Nodes{mem})
	if err != nil {
		return nil, err
	}
	for _, p := range c.c.Params() {
		v := tensor.New(tensor.WithBacking(p.W), tensor.WithShape(p.Shape...))
		c.params = append(c.params, G.NewTensor(gr.g, tensor.Float64, len(p.Shape), G.WithShape(p.Shape...),
			G.WithName(p.Name), G.WithValue(v)))
	}
	w, err := c.c.Node(gr.g, feats, slices.Clone(c.params), c.K, c.B)
	if err != nil {
		return nil, fmt.Errorf("seq2seq: building the combiner's weights: %w", err)
	}
	if !w.Shape().Eq(tensor.Shape{c.K, c.B}) {
		return nil, fmt.Errorf("seq2seq: combiner's weights have shape %v, want (%d, %d)", w.Shape(), c.K, c.B)
	}
	return w, nil
}

// collect copies the gradients of the combiner's parameters, the values of
// their gradient nodes in the graph's run (lastOp's last inputs), into their G.
func (c *combining) collect(grads []G.Value) {
	for i, p := range c.c.Params() {
		copy(p.G, grads[i].Data().([]float64))
	}
}
