package seq2seq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scan-equitune/equitune/scan"
)

// straightSetup returns a small model of cell without dropout, the graph of
// M_G under verb4 for batches of B, and a batch.
func straightSetup(t *testing.T, cell CellKind, B int) (*Model, *graph, Copies, [][]int, [][]int, []bool, *rand.Rand) {
	t.Helper()
	r := rand.New(rand.NewPCG(21, uint64(len(cell))))
	cfg := Default(cell, scan.InputVocab().Size(), scan.OutputVocab().Size())
	cfg.Hidden, cfg.Embed, cfg.DecoderEmbed, cfg.Dropout = 3, 4, 6, 0
	m, err := New(cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	cp := copiesNamed(t, "verb4")
	gr, err := newGraph(m, B*cp.K(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ins, outs, teacher := randomBatch(r, cfg, B, 8)
	return m, gr, cp, ins, outs, teacher, r
}

// runGraph runs gr on the batch under mode and returns its loss.
func runGraph(t *testing.T, gr *graph, cp Copies, mode Mode, ins, outs [][]int, teacher []bool) float64 {
	t.Helper()
	gr.st.ins, gr.st.outs, gr.st.teacher, gr.st.copies, gr.st.mode, gr.st.rng = ins, outs, teacher, cp, mode, nil
	l, err := gr.run()
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// averageLoss is (1/B) Σ_b Σ_t −q_b(y_t) of the decoder's last training
// run, q_b the average over the copies with log p = 0 for a copy that
// has ended on its own: the loss whose gradient the straight-through
// training uses.
func averageLoss(m *Model) float64 {
	d := m.dec
	B, K, R, V := d.run.B, d.run.K, d.R, d.V
	var l float64
	for t := range d.S {
		for b := range B {
			if d.wgt[t*B+b] == 0 {
				continue
			}
			y := d.run.targets[b][t]
			for k := range K {
				if r := k*B + b; d.on[t*R+r] {
					l -= d.logp[(t*R+r)*V+d.perm(k, y)] / float64(K)
				}
			}
		}
	}
	return l / float64(B)
}

// TestStraightThroughGradients gradient-checks the equizero modes'
// training: its gradient is that of the average of the copies, each fed
// its own prediction without teacher forcing, against central differences
// of that average, for every cell.
func TestStraightThroughGradients(t *testing.T) {
	for _, cell := range []CellKind{RNN, GRU, LSTM} {
		for _, mode := range []Mode{Equizero, EquizeroTop1} {
			t.Run(fmt.Sprintf("%s/%s", cell, mode), func(t *testing.T) {
				m, gr, cp, ins, outs, _, r := straightSetup(t, cell, 3)
				teacher := []bool{false, true, false}
				loss := func() float64 {
					runGraph(t, gr, cp, mode, ins, outs, teacher)
					return averageLoss(m)
				}
				// Raise EOS until some copies, not all, end on their own
				// before their targets do.
				ended := 0
				for bias := 0.0; ended == 0 || ended == len(m.dec.ended); bias += 0.25 {
					if bias > 5 {
						t.Fatal("no bias of EOS ends some copies and not all")
					}
					m.dec.bo.W[eosID] += 0.25
					loss()
					ended = 0
					for _, e := range m.dec.ended {
						if e {
							ended++
						}
					}
				}
				t.Logf("%d of %d copies ended on their own", ended, len(m.dec.ended))
				gradCheck(t, m, loss, func() { loss() }, 0, r)
			})
		}
	}
}

// TestStraightThroughTeacherForced checks that on teacher-forced sequences
// the equizero modes' training has equi-tuning's gradient bit for bit, and
// reports the loss of the copy of lowest mean proxy.
func TestStraightThroughTeacherForced(t *testing.T) {
	for _, cell := range []CellKind{RNN, GRU, LSTM} {
		for _, mode := range []Mode{Equizero, EquizeroTop1} {
			t.Run(fmt.Sprintf("%s/%s", cell, mode), func(t *testing.T) {
				m, gr, cp, ins, outs, _, _ := straightSetup(t, cell, 2)
				teacher := []bool{true, true}
				grads := func(mode Mode) (float64, [][]float64) {
					m.ZeroGrad()
					l := runGraph(t, gr, cp, mode, ins, outs, teacher)
					var gs [][]float64
					for _, p := range m.Params() {
						gs = append(gs, slices.Clone(p.G))
					}
					return l, gs
				}
				lShared, gShared := grads(Shared)
				// The best copy's loss, read off equi-tuning's forward pass,
				// which is the same pass under teacher forcing.
				d := m.dec
				B, K, R, V := d.run.B, d.run.K, d.R, d.V
				var want float64
				for b := range B {
					bestH, bestL := math.Inf(1), 0.0
					for k := range K {
						r := k*B + b
						var h, l float64
						n := 0
						for s := range d.S {
							if d.wgt[s*B+b] == 0 {
								continue
							}
							lp := d.logp[(s*R+r)*V : (s*R+r+1)*V]
							h += proxyOf(mode, lp)
							l -= lp[d.perm(k, outs[b][s])]
							n++
						}
						if h /= float64(n); h < bestH {
							bestH, bestL = h, l
						}
					}
					want += bestL
				}
				l, g := grads(mode)
				for i, p := range m.Params() {
					if !slices.Equal(g[i], gShared[i]) {
						t.Fatalf("%s: gradients differ from equi-tuning's", p.Name)
					}
				}
				want /= float64(len(ins))
				if relErr(l, want, 1) > 1e-12 {
					t.Errorf("loss %v, want the best copies' %v (equi-tuning's %v)", l, want, lShared)
				}
			})
		}
	}
}

// TestStraightThroughIsEquivariant trains M_G under each of verb,
// direction and verb4 a few steps in each equizero mode and checks that the
// tuned model, decoded in that mode, is exactly equivariant:
// M(g·x) = g·M(x).
func TestStraightThroughIsEquivariant(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	train, _ := shortSimple(t, 64, 1, 12)
	for _, name := range []string{"verb", "direction", "verb4"} {
		g, ins := freeOrbitCommands(t, name, 40, r)
		for _, mode := range []Mode{Equizero, EquizeroTop1} {
			t.Run(fmt.Sprintf("%s/%s", name, mode), func(t *testing.T) {
				cfg := Default(GRU, scan.InputVocab().Size(), scan.OutputVocab().Size())
				cfg.Hidden, cfg.DecoderEmbed = 16, 32
				m, err := New(cfg, rand.New(rand.NewPCG(3, 3)))
				if err != nil {
					t.Fatal(err)
				}
				cp := CopiesOf(g)
				tr, err := NewTrainer(m, NewAdam(1e-2, 0, 5), cp, 0.5, 4, rand.New(rand.NewPCG(4, 4)))
				if err != nil {
					t.Fatal(err)
				}
				tr.Mode = mode
				for i := range 20 {
					j := (4 * i) % (train.Len() - 4)
					if _, err := tr.Step(train.In[j:j+4], train.Out[j:j+4]); err != nil {
						t.Fatal(err)
					}
				}
				checkGreedyEquivariant(t, m, g, cp, mode, ins)
			})
		}
	}
}
