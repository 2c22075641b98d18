package seq2seq

import (
	"math"
	"math/rand/v2"
	"testing"

	G "gorgonia.org/gorgonia"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/verbgroups"
)

// weightedSetup returns a model of cell (hidden width 3 and small
// embeddings, or the reference embeddings and the given hidden width), a
// batch of B examples and the copies of the named group.
func weightedSetup(t *testing.T, cell CellKind, group string, hidden, B int) (*Model, Copies, [][]int, [][]int, []bool, *rand.Rand) {
	t.Helper()
	r := rand.New(rand.NewPCG(11, uint64(len(cell))))
	cfg := Default(cell, scan.InputVocab().Size(), scan.OutputVocab().Size())
	cfg.Hidden, cfg.DecoderEmbed = hidden, 2*hidden
	maxOut := 20
	if hidden == 3 {
		cfg.Embed, maxOut = 4, 8
	}
	m, err := New(cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	ins, outs, teacher := randomBatch(r, cfg, B, maxOut)
	return m, copiesNamed(t, group), ins, outs, teacher, r
}

// copiesNamed returns the copies of the named group.
func copiesNamed(t *testing.T, group string) Copies {
	t.Helper()
	g, err := verbgroups.ByName(group)
	if err != nil {
		t.Fatal(err)
	}
	return CopiesOf(g)
}

// weightedLoss returns the loss of m on the batch with the copies' weights
// w (nil: uniform), dropout drawn from a fixed stream.
func weightedLoss(t *testing.T, m *Model, cp Copies, ins, outs [][]int, teacher []bool, w []float64) float64 {
	t.Helper()
	if err := m.setInputs(ins, cp); err != nil {
		t.Fatal(err)
	}
	m.encode(len(ins) * cp.K())
	return m.lossOf(ins, outs, teacher, cp, w, rand.New(rand.NewPCG(5, 5)))
}

// relErr is |a − b| / max(|a|, |b|, floor).
func relErr(a, b, floor float64) float64 {
	return math.Abs(a-b) / math.Max(floor, math.Max(math.Abs(a), math.Abs(b)))
}

// TestCopyWeightGradients checks ∂loss/∂w_{b,k} of the weighted combination
// against central differences at random positive weights. The loss is
// linear in w along a fixed decoding path, so the differences are exact up
// to rounding.
func TestCopyWeightGradients(t *testing.T) {
	for _, cell := range []CellKind{RNN, GRU, LSTM} {
		t.Run(string(cell), func(t *testing.T) {
			m, cp, ins, outs, teacher, r := weightedSetup(t, cell, "verb4", 3, 3)
			w := make([]float64, cp.K()*len(ins))
			for i := range w {
				w[i] = 0.05 + r.Float64()
			}
			weightedLoss(t, m, cp, ins, outs, teacher, w)
			base := decodePath(m)
			m.ZeroGrad()
			m.lossBackward(1)
			dw := append([]float64(nil), m.dw[:len(w)]...)
			checked := 0
			for i := range w {
				wi := w[i]
				const eps = 1e-4
				w[i] = wi + eps
				lp := weightedLoss(t, m, cp, ins, outs, teacher, w)
				pp := decodePath(m)
				w[i] = wi - eps
				lm := weightedLoss(t, m, cp, ins, outs, teacher, w)
				pm := decodePath(m)
				w[i] = wi
				if pp != base || pm != base {
					continue // a nudge changed a greedy choice
				}
				checked++
				num := (lp - lm) / (2 * eps)
				if e := relErr(num, dw[i], 1e-6); e > 1e-6 {
					t.Errorf("∂loss/∂w[%d]: analytic %.10g, numeric %.10g, relative error %.2g", i, dw[i], num, e)
				}
			}
			if checked*10 < len(w)*9 {
				t.Errorf("only %d of %d weights checked", checked, len(w))
			}
		})
	}
}

// TestUniformWeightsAreAverage checks that the weights 1/K given explicitly
// give the loss and gradients of the uniform average (nil weights).
func TestUniformWeightsAreAverage(t *testing.T) {
	for _, cell := range []CellKind{RNN, GRU, LSTM} {
		t.Run(string(cell), func(t *testing.T) {
			m, cp, ins, outs, teacher, _ := weightedSetup(t, cell, "verb4", 3, 3)
			grads := func(w []float64) (float64, [][]float64) {
				l := weightedLoss(t, m, cp, ins, outs, teacher, w)
				m.ZeroGrad()
				m.lossBackward(1)
				var gs [][]float64
				for _, p := range m.Params() {
					gs = append(gs, append([]float64(nil), p.G...))
				}
				return l, gs
			}
			w := make([]float64, cp.K()*len(ins))
			for i := range w {
				w[i] = 1 / float64(cp.K())
			}
			l0, g0 := grads(nil)
			l1, g1 := grads(w)
			if e := relErr(l0, l1, 1); e > 1e-12 {
				t.Errorf("losses %v (average) and %v (weights 1/K) differ by %.2g", l0, l1, e)
			}
			for i, p := range m.Params() {
				for j := range g0[i] {
					if e := relErr(g0[i][j], g1[i][j], 1); e > 1e-12 {
						t.Fatalf("%s[%d]: gradients %v and %v differ by %.2g", p.Name, j, g0[i][j], g1[i][j], e)
					}
				}
			}
		})
	}
}

// expWeights is the combiner w = exp(P) of a K×B parameter P, a test of the
// graph path: its weights are Gorgonia ops of a parameter.
type expWeights struct{ p *Param }

func (e expWeights) Params() []*Param { return []*Param{e.p} }
func (e expWeights) Node(_ *G.ExprGraph, _ *G.Node, ps G.Nodes, K, B int) (*G.Node, error) {
	return G.Exp(ps[0])
}
func (e expWeights) Weights(w, _ []float64, K, B int) {
	for i, v := range e.p.W {
		w[i] = math.Exp(v)
	}
}

// TestCombinerNodeGradients checks the gradients that Gorgonia computes for
// a combiner's parameters from the fused decoder's ∂loss/∂w, and the
// model's gradients with weights, against central differences of the
// training graph's loss.
func TestCombinerNodeGradients(t *testing.T) {
	for _, cell := range []CellKind{RNN, GRU, LSTM} {
		t.Run(string(cell), func(t *testing.T) {
			const B = 2
			m, cp, ins, outs, teacher, r := weightedSetup(t, cell, "verb4", 3, B)
			comb := expWeights{newParam("P", cp.K(), B)}
			for i := range comb.p.W {
				comb.p.W[i] = r.NormFloat64() * 0.5
			}
			cp.Combiner = comb
			tr, err := NewTrainer(m, NewAdam(1e-3, 0, 0), cp, 0, B, r)
			if err != nil {
				t.Fatal(err)
			}
			gr := tr.graph
			loss := func() float64 {
				gr.st.ins, gr.st.outs, gr.st.teacher, gr.st.copies, gr.st.rng = ins, outs, teacher, cp, rand.New(rand.NewPCG(2, 2))
				l, err := gr.run()
				if err != nil {
					t.Fatal(err)
				}
				return l
			}
			// The direct path (Weights, lossForward) gives the graph's loss.
			direct, err := m.lossForward(ins, outs, teacher, cp, rand.New(rand.NewPCG(2, 2)))
			if err != nil {
				t.Fatal(err)
			}
			if l := loss(); relErr(l, direct, 1) > 1e-12 {
				t.Errorf("graph loss %v, direct loss %v", l, direct)
			}
			base := decodePath(m)
			ana := append([]float64(nil), comb.p.G...)
			for i, v := range comb.p.W {
				const eps = 1e-5
				comb.p.W[i] = v + eps
				lp := loss()
				pp := decodePath(m)
				comb.p.W[i] = v - eps
				lm := loss()
				pm := decodePath(m)
				comb.p.W[i] = v
				if pp != base || pm != base {
					t.Fatalf("P[%d]: a nudge changed a greedy choice", i)
				}
				num := (lp - lm) / (2 * eps)
				if e := relErr(num, ana[i], 1e-6); e > 1e-6 {
					t.Errorf("∂loss/∂P[%d]: Gorgonia %.10g, numeric %.10g, relative error %.2g", i, ana[i], num, e)
				}
			}
			gradCheck(t, m, loss, func() { loss() }, 0, r)
		})
	}
}
