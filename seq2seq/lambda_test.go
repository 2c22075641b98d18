package seq2seq

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scan-equitune/equitune/scan"
)

// randomLambda returns a λ network for models of cfg whose weights are far
// from uniform.
func randomLambda(t *testing.T, cfg Config, r *rand.Rand) *Lambda {
	t.Helper()
	l, err := NewLambda(cfg, 5, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []*Param{l.W, l.C, l.V} {
		for i := range p.W {
			p.W[i] = r.NormFloat64()
		}
	}
	return l
}

// graphLoss returns a function running the training graph of tr on the
// batch (dropout from a fixed stream) and returning its loss.
func graphLoss(t *testing.T, tr *Trainer, ins, outs [][]int, teacher []bool) func() float64 {
	return func() float64 {
		st := tr.graph.st
		st.ins, st.outs, st.teacher, st.copies, st.rng = ins, outs, teacher, tr.Copies, rand.New(rand.NewPCG(2, 2))
		l, err := tr.graph.run()
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
}

// TestLambdaGradients checks the gradients of λ-equitune's loss, of the λ
// network (by Gorgonia's autodiff) and of the model, against central
// differences, at a small size (every entry) and at the sizes trained under
// verb (sampled entries), and that the graph's loss is the direct path's (λ
// computed by Lambda.Weights).
func TestLambdaGradients(t *testing.T) {
	t.Parallel()
	type size struct{ hidden, batch, samples int }
	sizes := []size{{3, 2, 0}, {64, 1, 6}, {64, 32, 3}}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, sz := range sizes {
		for _, cell := range []CellKind{RNN, GRU, LSTM} {
			t.Run(fmt.Sprintf("hidden=%d/batch=%d/%s", sz.hidden, sz.batch, cell), func(t *testing.T) {
				checkLambdaGradients(t, cell, sz.hidden, sz.batch, sz.samples)
			})
		}
	}
}

// checkLambdaGradients gradient-checks λ-equitune under verb (verb4 at the
// small size) for a model of cell, hidden width and batch.
func checkLambdaGradients(t *testing.T, cell CellKind, hidden, B, samples int) {
	group := "verb"
	if hidden == 3 {
		group = "verb4"
	}
	m, cp, ins, outs, teacher, r := weightedSetup(t, cell, group, hidden, B)
	cp.Combiner = randomLambda(t, m.Config, r)
	tr, err := NewTrainer(m, NewAdam(1e-3, 0, 0), cp, 0, B, r)
	if err != nil {
		t.Fatal(err)
	}
	loss := graphLoss(t, tr, ins, outs, teacher)
	direct, err := m.lossForward(ins, outs, teacher, cp, rand.New(rand.NewPCG(2, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if l := loss(); relErr(l, direct, 1) > 1e-12 {
		t.Errorf("graph loss %v, direct loss %v", l, direct)
	}
	t.Run("lambda", func(t *testing.T) {
		gradCheckParams(t, m, cp.Combiner.Params(), loss, func() { loss() }, samples, r)
	})
	t.Run("model", func(t *testing.T) { gradCheck(t, m, loss, func() { loss() }, samples, r) })
}

// TestLambdaIsEquivariant checks M_λ(g·x) = g·M_λ(x) exactly for every
// element g of verb, direction and verb4, with a λ far from uniform, in the
// shared and independent decodings, on commands that no g ≠ e fixes.
func TestLambdaIsEquivariant(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 5))
	for _, name := range []string{"verb", "direction", "verb4"} {
		g, ins := freeOrbitCommands(t, name, 60, r)
		for _, cell := range []CellKind{RNN, GRU, LSTM} {
			cfg := Default(cell, scan.InputVocab().Size(), scan.OutputVocab().Size())
			m, err := New(cfg, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				t.Fatal(err)
			}
			cp := CopiesOf(g)
			cp.Combiner = randomLambda(t, cfg, r)
			for _, mode := range []Mode{Shared, Independent} {
				t.Run(fmt.Sprintf("%s/%s/%s", name, cell, mode), func(t *testing.T) {
					checkGreedyEquivariant(t, m, g, cp, mode, ins)
				})
			}
		}
	}
}

// TestLambdaUniformIsEquitune checks that λ-equitune at its initialisation
// (λ = 1) is equi-tuning: the same training loss and gradients of M, bit
// for bit, and the same greedy outputs.
func TestLambdaUniformIsEquitune(t *testing.T) {
	for _, name := range []string{"verb", "verb4"} {
		for _, cell := range []CellKind{RNN, GRU, LSTM} {
			t.Run(name+"/"+string(cell), func(t *testing.T) {
				const B = 3
				m, cp, ins, outs, teacher, r := weightedSetup(t, cell, name, 3, B)
				run := func(cp Copies) (float64, [][]float64, [][]int) {
					tr, err := NewTrainer(m, NewAdam(1e-3, 0, 0), cp, 0, B, r)
					if err != nil {
						t.Fatal(err)
					}
					l := graphLoss(t, tr, ins, outs, teacher)()
					var gs [][]float64
					for _, p := range m.Params() {
						gs = append(gs, slices.Clone(p.G))
					}
					preds, err := m.Greedy(ins, cp, Shared)
					if err != nil {
						t.Fatal(err)
					}
					return l, gs, preds
				}
				l0, g0, p0 := run(cp)
				var err error
				if cp.Combiner, err = NewLambda(m.Config, LambdaHidden, r); err != nil {
					t.Fatal(err)
				}
				l1, g1, p1 := run(cp)
				if l0 != l1 {
					t.Errorf("losses %v (equitune) and %v (λ uniform)", l0, l1)
				}
				for i, p := range m.Params() {
					if !slices.Equal(g0[i], g1[i]) {
						t.Errorf("gradients of %s differ", p.Name)
					}
				}
				if !slices.EqualFunc(p0, p1, slices.Equal) {
					t.Errorf("greedy outputs differ")
				}
			})
		}
	}
}

// TestLambdaResumeIsExact checks that a λ-equitune run resumes exactly from
// its checkpoint, λ's parameters, Adam moments and best values included.
func TestLambdaResumeIsExact(t *testing.T) {
	train, val := shortSimple(t, 200, 20, 8)
	cfg := Default(GRU, scan.InputVocab().Size(), scan.OutputVocab().Size())
	cfg.Hidden, cfg.Embed, cfg.DecoderEmbed = 8, 8, 16
	copies := func(m *Model) Copies {
		cp := copiesNamed(t, "direction")
		l, err := NewLambda(m.Config, 4, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		cp.Combiner = l
		return cp
	}
	sched := Schedule{Iterations: 40, Batch: 2, LR: 1e-2, WeightDecay: 1e-4, Clip: 5, Teacher: 0.5, EvalEvery: 10}
	straight, resumed := checkResume(t, func(r *rand.Rand) (*Model, error) { return New(cfg, r) }, copies, sched, train, val, 20)
	l, ok := resumed.Copies.Combiner.(*Lambda)
	if !ok {
		t.Fatalf("resumed copies have combiner %T, want *Lambda", resumed.Copies.Combiner)
	}
	if v := l.V.W; slices.Equal(v, make([]float64, len(v))) {
		t.Errorf("λ's v is still 0 after training: λ was not trained")
	}
	if !slices.EqualFunc(straight.Best, resumed.Best, slices.Equal) {
		t.Errorf("best parameters differ after resuming")
	}
}
