package seq2seq

import (
	"encoding/binary"
	"fmt"
	"hash"
	"hash/fnv"

	"math/rand/v2"
	"slices"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// graph is the Gorgonia graph of one training step, built once per model,
// batch size and group and run by a TapeMachine at every step:
//
//	memory = Encode(E_in, W_x, W_h, b_x, b_h, …)     (fused op)
//	loss   = DecodeNLL(memory, E_out, W_c, b_c, …)   (fused op)
//	∂loss/∂θ for every parameter θ by gorgonia.Grad
//	Last(∂loss/∂θ, …)                               (the trainer's update, lastOp)
//
// With a Combiner, the copies' weights are a node too, built by the
// combiner from the rows' features (combiner.go) and read by DecodeNLL:
//
//	w    = combiner(FinalStates(memory), its parameters)   (Gorgonia ops)
//	loss = DecodeNLL(memory, w, E_out, W_c, b_c, …)
//
// so that Gorgonia differentiates the combiner from ∂loss/∂w, which
// DecodeNLL's gradient op computes, and adds the gradient of the features
// to DecodeNLL's gradient of the memory for Encode's.
//
// The fused ops run this package's hand-written kernels over the products
// of package kernel; their gradient ops run the matching backward kernels,
// once per step for all inputs of an op. The graph uses none of Gorgonia's slice or concat
// ops, whose one-byte hashes merge distinct nodes and silently corrupt
// gradients, and every op here hashes its full identity.
type graph struct {
	g      *G.ExprGraph
	vm     G.VM
	params []*G.Node
	loss   *G.Node
	st     *stepInput
	mem    []float64 // R×(Tmax+2)×D·H, the encoder's output
	dmem   []float64 // its gradient
	comb   *combining
	last   func() // run by the tape after every gradient (lastOp), if set
}

// stepInput is the batch the fused ops read at each run, set before RunAll.
type stepInput struct {
	ins, outs [][]int
	teacher   []bool
	copies    Copies
	mode      Mode       // the Trainer's
	rng       *rand.Rand // dropout
	gen       int        // forward runs so far
}

// newGraph builds the training graph of m for batches of rows = B·K rows,
// weighing the copies with c if it is not nil (for batches of c.B examples).
func newGraph(m *Model, rows int, c *combining) (*graph, error) {
	gr := &graph{g: G.NewGraph(), st: &stepInput{}, comb: c}
	gr.mem = make([]float64, m.memSize(rows))
	gr.dmem = make([]float64, m.memSize(rows))
	nodes := func(ps []*Param) G.Nodes {
		var ns G.Nodes
		for _, p := range ps {
			v := tensor.New(tensor.WithBacking(p.W), tensor.WithShape(p.Shape...))
			n := G.NewTensor(gr.g, tensor.Float64, len(p.Shape), G.WithShape(p.Shape...), G.WithName(p.Name), G.WithValue(v))
			ns = append(ns, n)
		}
		gr.params = append(gr.params, ns...)
		return ns
	}
	// A tied model's graph reads its small tensors: each fused op gathers
	// its big tensors first and scatters their gradients back (tied.go).
	encIn, decIn := nodes(m.sources(m.enc.params())), nodes(m.sources(m.dec.params()))
	memShape := tensor.Shape{rows, m.Config.MaxInput + 2, m.enc.width()}
	memT := tensor.New(tensor.WithBacking(gr.mem), tensor.WithShape(memShape...))
	dmemT := tensor.New(tensor.WithBacking(gr.dmem), tensor.WithShape(memShape...))

	encode := gr.encodeOp(m, rows, memShape, memT)
	mem, err := encode.apply(encIn)
	if err != nil {
		return nil, err
	}
	decIns, decGrads := G.Nodes{mem}, []*tensor.Dense{dmemT}
	if c != nil {
		w, err := c.build(gr, m, mem, rows)
		if err != nil {
			return nil, err
		}
		decIns, decGrads = append(decIns, w), append(decGrads, c.dwT)
	}
	decode := gr.decodeOp(m, rows, c, decGrads)
	if gr.loss, err = decode.apply(append(decIns, decIn...)); err != nil {
		return nil, err
	}
	encode.gen, decode.gen = &gr.st.gen, &gr.st.gen
	if c != nil {
		c.features.gen = &gr.st.gen
	}
	wrt := gr.params
	if c != nil {
		wrt = append(slices.Clip(wrt), c.params...)
	}
	grads, err := G.Grad(gr.loss, wrt...)
	if err != nil {
		return nil, fmt.Errorf("seq2seq: differentiating the graph: %w", err)
	}
	if _, err := G.ApplyOp(&lastOp{gr: gr, in: tensorTypes(grads)}, grads...); err != nil {
		return nil, fmt.Errorf("seq2seq: building the graph's last op: %w", err)
	}
	gr.vm = G.NewTapeMachine(gr.g)
	return gr, nil
}

// encodeOp is the fused op Encode: it sets the batch's inputs, runs the
// encoder into gr.mem (memT, of the given shape), and in its backward the
// encoder's backward from the gradient of the memory.
func (gr *graph) encodeOp(m *Model, rows int, memShape tensor.Shape, memT *tensor.Dense) *fusedOp {
	return &fusedOp{name: "Encode", out: G.TensorType{Dims: 3, Of: tensor.Float64}, shape: memShape,
		forward: func([]G.Value) (G.Value, error) {
			st := gr.st
			if got := len(st.ins) * st.copies.K(); got != rows {
				return nil, fmt.Errorf("seq2seq: graph built for %d rows, batch has %d", rows, got)
			}
			if err := m.setInputs(st.ins, st.copies); err != nil {
				return nil, err
			}
			m.gather(m.enc.params())
			m.enc.forward(rows, m.tokens, m.lens, gr.mem)
			return memT, nil
		},
		backward: func(g G.Value) {
			for _, p := range m.enc.params() {
				clear(p.G)
			}
			// g is gr.dmem, or with a combiner the sum of gr.dmem and
			// the gradient of the features it reads.
			m.enc.backward(g.Data().([]float64))
			m.scatter(m.enc.params(), true)
		},
		grads: paramGrads(m.sources(m.enc.params()))}
}

// decodeOp is the fused op DecodeNLL: the decoder's training forward on
// gr.mem (and the copies' weights, with a combiner) returning the loss, and
// in its backward the decoder's backward into gr.dmem and the parameters'
// gradients; grads are the gradient buffers of its inputs before the
// parameters.
func (gr *graph) decodeOp(m *Model, rows int, c *combining, grads []*tensor.Dense) *fusedOp {
	return &fusedOp{name: "DecodeNLL", out: tensor.Float64, shape: tensor.ScalarShape(),
		forward: func(in []G.Value) (G.Value, error) {
			st := gr.st
			steps := 0
			for _, y := range st.outs {
				steps = max(steps, len(y))
			}
			st.gen++
			m.gather(m.dec.params())
			var w []float64
			if c != nil {
				w = in[1].Data().([]float64)
			}
			return G.NewF64(m.dec.train(gr.mem, decodeSpec{B: len(st.ins), K: st.copies.K(), perms: st.copies.Out,
				lens: m.lens[:rows], targets: st.outs, teacher: st.teacher, weights: w, maxSteps: steps, mode: st.mode, rng: st.rng})), nil
		},
		backward: func(g G.Value) {
			clear(gr.dmem)
			for _, p := range m.dec.params() {
				clear(p.G)
			}
			var dw []float64
			if c != nil {
				dw = c.dw
			}
			m.dec.backward(g.Data().(float64), gr.dmem, dw)
			m.scatter(m.dec.params(), true)
		},
		grads: append(grads, paramGrads(m.sources(m.dec.params()))...)}
}

func paramGrads(ps []*Param) []*tensor.Dense {
	ts := make([]*tensor.Dense, len(ps))
	for i, p := range ps {
		ts[i] = tensor.New(tensor.WithBacking(p.G), tensor.WithShape(p.Shape...))
	}
	return ts
}

// run executes the forward and backward pass of the batch in gr.st and
// returns the loss; the parameters' G (the combiner's too) then hold its
// gradient, and gr.last, if set, has run once they were complete.
func (gr *graph) run() (float64, error) {
	defer gr.vm.Reset()
	if err := gr.vm.RunAll(); err != nil {
		return 0, fmt.Errorf("seq2seq: running the graph: %w", err)
	}
	return gr.loss.Value().Data().(float64), nil
}

// fusedOp is a Gorgonia op whose forward and backward are hand-written
// kernels. Its gradient with respect to input i is the buffer grads[i],
// filled by one call of backward per forward run.
type fusedOp struct {
	name     string
	in       []hm.Type
	out      hm.Type
	shape    tensor.Shape
	forward  func(in []G.Value) (G.Value, error)
	backward func(outGrad G.Value)
	grads    []*tensor.Dense
	gen      *int // forward generation, advanced by the graph's last op
	done     int  // generation of the last backward
}

func (o *fusedOp) apply(inputs G.Nodes) (*G.Node, error) {
	for _, n := range inputs {
		o.in = append(o.in, G.TensorType{Dims: n.Dims(), Of: tensor.Float64})
	}
	n, err := G.ApplyOp(o, inputs...)
	if err != nil {
		return nil, fmt.Errorf("seq2seq: building op %s: %w", o.name, err)
	}
	return n, nil
}

func (o *fusedOp) Arity() int { return len(o.in) }
func (o *fusedOp) Type() hm.Type {
	return hm.NewFnType(append(append([]hm.Type{}, o.in...), o.out)...)
}
func (o *fusedOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return o.shape.Clone(), nil }
func (o *fusedOp) Do(in ...G.Value) (G.Value, error)              { return o.forward(in) }
func (o *fusedOp) ReturnsPtr() bool                               { return false }
func (o *fusedOp) CallsExtern() bool                              { return false }
func (o *fusedOp) OverwritesInput() int                           { return -1 }
func (o *fusedOp) String() string                                 { return o.name }
func (o *fusedOp) WriteHash(h hash.Hash)                          { fmt.Fprintf(h, "%s/%p", o.name, o) }
func (o *fusedOp) Hashcode() uint32                               { return hashOf(o) }
func (o *fusedOp) DiffWRT(n int) []bool {
	d := make([]bool, n)
	for i := range d {
		d[i] = true
	}
	return d
}

func (o *fusedOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	out := make(G.Nodes, len(inputs))
	for i := range inputs {
		n, err := G.ApplyOp(&gradOp{of: o, index: i}, append(append(G.Nodes{}, inputs...), grad)...)
		if err != nil {
			return nil, fmt.Errorf("seq2seq: gradient of %s input %d: %w", o.name, i, err)
		}
		out[i] = n
	}
	return out, nil
}

// gradOp is ∂loss/∂input(index) of a fused op: its inputs are the op's
// inputs followed by the gradient of the op's output.
type gradOp struct {
	of    *fusedOp
	index int
}

func (o *gradOp) Arity() int { return len(o.of.in) + 1 }
func (o *gradOp) Type() hm.Type {
	ts := append(append([]hm.Type{}, o.of.in...), o.of.out, o.of.in[o.index])
	return hm.NewFnType(ts...)
}
func (o *gradOp) InferShape(...G.DimSizer) (tensor.Shape, error) {
	return o.of.grads[o.index].Shape().Clone(), nil
}
func (o *gradOp) Do(vals ...G.Value) (G.Value, error) {
	if f := o.of; f.done != *f.gen {
		f.backward(vals[len(vals)-1])
		f.done = *f.gen
	}
	return o.of.grads[o.index], nil
}
func (o *gradOp) ReturnsPtr() bool     { return false }
func (o *gradOp) CallsExtern() bool    { return false }
func (o *gradOp) OverwritesInput() int { return -1 }
func (o *gradOp) String() string       { return fmt.Sprintf("∂%s/∂x%d", o.of.name, o.index) }
func (o *gradOp) WriteHash(h hash.Hash) {
	fmt.Fprintf(h, "grad/%s/%p/", o.of.name, o.of)
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], uint64(o.index))
	h.Write(b[:])
}
func (o *gradOp) Hashcode() uint32 { return hashOf(o) }

func hashOf(o interface{ WriteHash(hash.Hash) }) uint32 {
	h := fnv.New32a()
	o.WriteHash(h)
	return h.Sum32()
}

// lastOp is the tape's last op: it reads every gradient the graph computes,
// so it runs after all of them; it collects the combiner's (whose nodes'
// values are Gorgonia's, not the parameters' G) and calls gr.last if set
// (Trainer.Step's update). RunAll runs the tape on a goroutine of its own
// while its caller waits on an OS thread it has locked, so work done by the
// caller after RunAll runs on another thread; when the scheduler has put
// the two threads on different cores, that work finds the gradients and
// weights it reads and writes in the other core's cache. Its output is a
// dummy scalar.
type lastOp struct {
	gr  *graph
	in  []hm.Type
	out G.F64
}

func tensorTypes(ns G.Nodes) []hm.Type {
	ts := make([]hm.Type, len(ns))
	for i, n := range ns {
		ts[i] = G.TensorType{Dims: n.Dims(), Of: tensor.Float64}
	}
	return ts
}

func (o *lastOp) Arity() int { return len(o.in) }
func (o *lastOp) Type() hm.Type {
	return hm.NewFnType(append(append([]hm.Type{}, o.in...), tensor.Float64)...)
}
func (o *lastOp) InferShape(...G.DimSizer) (tensor.Shape, error) { return tensor.ScalarShape(), nil }
func (o *lastOp) Do(grads ...G.Value) (G.Value, error) {
	if o.gr.comb != nil {
		o.gr.comb.collect(grads[len(o.gr.params):])
	}
	if o.gr.last != nil {
		o.gr.last()
	}
	return &o.out, nil
}
func (o *lastOp) ReturnsPtr() bool      { return false }
func (o *lastOp) CallsExtern() bool     { return false }
func (o *lastOp) OverwritesInput() int  { return -1 }
func (o *lastOp) String() string        { return "Last" }
func (o *lastOp) WriteHash(h hash.Hash) { fmt.Fprintf(h, "Last/%p", o) }
func (o *lastOp) Hashcode() uint32      { return hashOf(o) }
