package seq2seq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/verbgroups"
)

func mustGroup(tb testing.TB, name string) *verbgroups.Group {
	tb.Helper()
	g, err := verbgroups.ByName(name)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// equivariantConfig returns the reference config of the cell with K
// channels per group element of g (Embed = Hidden = |G|·K, E_d = 2|G|·K).
func equivariantConfig(cell CellKind, g *verbgroups.Group, k int) Config {
	cfg := Default(cell, scan.InputVocab().Size(), scan.OutputVocab().Size())
	cfg.Embed, cfg.Hidden, cfg.DecoderEmbed = g.Order()*k, g.Order()*k, 2*g.Order()*k
	return cfg
}

// TestEquivariantTies checks the tied layers against their definitions.
func TestEquivariantTies(t *testing.T) {
	g := mustGroup(t, "verb4")
	n := g.Order()
	cfg := equivariantConfig(GRU, g, 2)
	m, err := NewEquivariant(cfg, g, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if m.Config.Group == nil || m.Config.Group.Name != "verb4" {
		t.Fatalf("Config.Group = %v", m.Config.Group)
	}
	K, Ke := cfg.Hidden/n, cfg.Embed/n
	// G-embedding: E[w][(g,k)] = ψ[g⁻¹·w][k].
	emb, psi := m.enc.emb, m.ties[m.enc.emb].small
	for w := range cfg.InVocab {
		for a := range n {
			v := g.Inverse(a).In[w]
			for k := range Ke {
				if emb.W[w*cfg.Embed+a*Ke+k] != psi.W[v*Ke+k] {
					t.Fatalf("embedding of %d at (%d,%d)", w, a, k)
				}
			}
		}
	}
	// Group convolution: W_h[(g,k'),(h,k)] = ψ[g⁻¹h][k'][k] per gate block.
	c := m.enc.dirs[0].cell
	wh, psi := c.wh, m.ties[c.wh].small
	Cout := c.typ.gates * K
	for gate := range c.typ.gates {
		for a := range n {
			for kk := range K {
				row := gate*n*K + a*K + kk
				for b := range n {
					for k := range K {
						want := psi.W[(g.Mul(g.InverseIndex(a), b)*Cout+gate*K+kk)*K+k]
						if wh.W[row*cfg.Hidden+b*K+k] != want {
							t.Fatalf("W_h gate %d at (%d,%d),(%d,%d)", gate, a, kk, b, k)
						}
					}
				}
			}
		}
	}
	// Output bias: tied over orbits; verb4 moves 4 of the output ids.
	bo := m.dec.bo
	if got, want := len(m.ties[bo].small.W), cfg.OutVocab-3; got != want {
		t.Fatalf("output bias has %d free values, want %d", got, want)
	}
	if _, err := NewEquivariant(Default(GRU, cfg.InVocab, cfg.OutVocab+1), g, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Fatal("vocabulary mismatch accepted")
	}
	bad := cfg
	bad.Hidden = 6
	if _, err := NewEquivariant(bad, g, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Fatal("Hidden not a multiple of |G| accepted")
	}
}

// TestEquivariantGradients checks, through the Gorgonia graph, the
// gradients with respect to the small tied tensors against finite
// differences: all entries at K = 1, and a sample at |G|·K = 64.
func TestEquivariantGradients(t *testing.T) {
	type size struct {
		group          string
		k, batch, samp int
	}
	sizes := []size{{"verb4", 1, 3, 0}, {"direction", 1, 2, 0}, {"verb4", 16, 2, 5}}
	for _, sz := range sizes {
		g := mustGroup(t, sz.group)
		for _, cell := range []CellKind{RNN, GRU, LSTM} {
			for _, att := range []bool{true, false} {
				if !att && sz.k > 1 {
					continue
				}
				t.Run(fmt.Sprintf("%s/K=%d/%s/attention=%v", sz.group, sz.k, cell, att), func(t *testing.T) {
					r := rand.New(rand.NewPCG(3, uint64(sz.k)))
					cfg := equivariantConfig(cell, g, sz.k)
					cfg.NoAttention, cfg.Dropout = !att, 0.2
					m, err := NewEquivariant(cfg, g, r)
					if err != nil {
						t.Fatal(err)
					}
					ins, outs, teacher := randomBatch(r, cfg, sz.batch, 12)
					gr, err := newGraph(m, sz.batch, nil)
					if err != nil {
						t.Fatal(err)
					}
					loss := func() float64 {
						gr.st.ins, gr.st.outs, gr.st.teacher, gr.st.rng = ins, outs, teacher, rand.New(rand.NewPCG(9, 9))
						l, err := gr.run()
						if err != nil {
							t.Fatal(err)
						}
						return l
					}
					gradCheck(t, m, loss, func() { loss() }, sz.samp, r)
					if sz.k == 1 && cell == GRU && att {
						// The direct (non-graph) path agrees.
						direct := func() float64 {
							l, err := m.lossForward(ins, outs, teacher, Copies{}, rand.New(rand.NewPCG(9, 9)))
							if err != nil {
								t.Fatal(err)
							}
							return l
						}
						gradCheck(t, m, direct, func() { direct(); m.lossBackward(1) }, 0, r)
					}
				})
			}
		}
	}
}

// freeCommands returns n SCAN commands (with their actions) that no g ≠ e
// fixes.
func freeCommands(t *testing.T, g *verbgroups.Group, n int, r *rand.Rand) (ins, outs [][]int) {
	all := scan.All()
	in, out := scan.InputVocab(), scan.OutputVocab()
	for len(ins) < n {
		p := all[r.IntN(len(all))]
		x, err := in.Encode(p.Command)
		if err != nil {
			t.Fatal(err)
		}
		y, err := out.Encode(p.Actions)
		if err != nil {
			t.Fatal(err)
		}
		if freeOrbit(g, x) && len(y) <= 49 {
			ins, outs = append(ins, x), append(outs, y)
		}
	}
	return ins, outs
}

func actAll(ins [][]int, act func(dst, src []int)) [][]int {
	out := make([][]int, len(ins))
	for i, x := range ins {
		out[i] = make([]int, len(x))
		act(out[i], x)
	}
	return out
}

// TestEquivariantModelIsEquivariant checks M(g·x) = g·M(x) for the
// untrained G-equivariant model, every g of verb4 and direction and every
// cell: the teacher-forced log-probabilities agree after permutation to
// 1e-9 (they are equal up to floating-point summation order: permuting the
// G blocks reorders the products' sums), and greedy decoding agrees exactly
// on commands that no g ≠ e fixes.
func TestEquivariantModelIsEquivariant(t *testing.T) {
	for _, name := range []string{"verb4", "direction"} {
		g := mustGroup(t, name)
		ins, outs := freeCommands(t, g, 60, rand.New(rand.NewPCG(4, 4)))
		teacher := make([]bool, len(ins))
		for i := range teacher {
			teacher[i] = true
		}
		for _, cell := range []CellKind{RNN, GRU, LSTM} {
			t.Run(fmt.Sprintf("%s/%s", name, cell), func(t *testing.T) {
				cfg := Default(cell, scan.InputVocab().Size(), scan.OutputVocab().Size()) // |G|·K = 64
				m, err := NewEquivariant(cfg, g, rand.New(rand.NewPCG(1, 2)))
				if err != nil {
					t.Fatal(err)
				}
				base, err := m.Greedy(ins, Copies{}, Shared)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := m.lossForward(ins, outs, teacher, Copies{}, nil); err != nil {
					t.Fatal(err)
				}
				V, R, S := cfg.OutVocab, len(ins), m.dec.S
				logp := slices.Clone(m.dec.logp[:S*R*V])
				worst := 0.0
				for i, e := range g.Elements() {
					got, err := m.Greedy(actAll(ins, e.ActIn), Copies{}, Shared)
					if err != nil {
						t.Fatal(err)
					}
					sameActedOutputs(t, i, e, base, got)
					if _, err := m.lossForward(actAll(ins, e.ActIn), actAll(outs, e.ActOut), teacher, Copies{}, nil); err != nil {
						t.Fatal(err)
					}
					if m.dec.S != S {
						t.Fatalf("g%d: %d decoding steps, want %d", i, m.dec.S, S)
					}
					for row := range S * R {
						for v := range V {
							d := math.Abs(m.dec.logp[row*V+e.Out[v]] - logp[row*V+v])
							worst = max(worst, d)
							if d > 1e-9 {
								t.Fatalf("g%d: log p(g·%d) differs by %.3g at step/row %d", i, v, d, row)
							}
						}
					}
				}
				t.Logf("worst log-probability difference %.3g", worst)
			})
		}
	}
}

// TestEquivariantCheckpoint checks that a run of a tied model checkpointed
// half way and continued from the file ends like one never stopped, and
// that the loaded model is the tied one.
func TestEquivariantCheckpoint(t *testing.T) {
	train, val := shortSimple(t, 200, 20, 8)
	g := mustGroup(t, "verb4")
	cfg := equivariantConfig(LSTM, g, 2)
	sched := Schedule{Iterations: 30, Batch: 2, LR: 1e-3, WeightDecay: 1e-4, Clip: 5, Teacher: 0.5, EvalEvery: 10}
	model := func(r *rand.Rand) (*Model, error) { return NewEquivariant(cfg, g, r) }
	straight, resumed := checkResume(t, model, nil, sched, train, val, 20)
	if !resumed.Model.tied() || resumed.Model.Config.Group == nil {
		t.Fatal("loaded model is not tied")
	}
	for i, p := range straight.Model.kernelParams() {
		if !slices.Equal(p.W, resumed.Model.kernelParams()[i].W) {
			t.Fatalf("gathered tensor %s differs after resuming", p.Name)
		}
	}
	// UseBest restores small tensors; decoding must see them.
	straight.UseBest()
	acc, err := straight.Model.Accuracy(val.In, val.Out, Copies{}, Shared)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(acc-straight.BestAcc) > 1e-12 {
		t.Fatalf("accuracy after UseBest %.4f, best %.4f", acc, straight.BestAcc)
	}
}

// BenchmarkTrainStepEquivariant times one training iteration (batch 1, as
// the reference pretraining) of the G-equivariant model for verb4 with
// |G|·K = 64 on add_jump train pairs.
func BenchmarkTrainStepEquivariant(b *testing.B) {
	train, _ := addJump(b)
	g := mustGroup(b, "verb4")
	for _, cell := range []CellKind{LSTM, GRU, RNN} {
		b.Run(string(cell), func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			m, err := NewEquivariant(Default(cell, scan.InputVocab().Size(), scan.OutputVocab().Size()), g, r)
			if err != nil {
				b.Fatal(err)
			}
			tr, err := NewTrainer(m, NewAdam(1e-4, 0, 5), Copies{}, 0.5, 1, r)
			if err != nil {
				b.Fatal(err)
			}
			ins, outs := make([][]int, 1), make([][]int, 1)
			b.ResetTimer()
			for range b.N {
				j := r.IntN(train.Len())
				ins[0], outs[0] = train.In[j], train.Out[j]
				if _, err := tr.Step(ins, outs); err != nil {
					b.Fatal(err)
				}
			}
			ms := float64(b.Elapsed().Microseconds()) / 1e3 / float64(b.N)
			b.ReportMetric(ms, "ms/iter")
			b.ReportMetric(1e3/ms, "examples/s")
		})
	}
}

// TestEquivariantLearnsSimple trains the verb4-equivariant GRU (|G|·K = 64)
// on 2,000 short simple-split pairs and requires ≥ 90% exact match on 300
// held-out pairs of the same kind.
func TestEquivariantLearnsSimple(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("trains a reference-width model for thousands of steps")
	}
	src := rand.NewPCG(0, 1)
	m, err := NewEquivariant(Default(GRU, scan.InputVocab().Size(), scan.OutputVocab().Size()), mustGroup(t, "verb4"), rand.New(src))
	if err != nil {
		t.Fatal(err)
	}
	checkLearns(t, m, src, 4000, 0.9)
}

// BenchmarkTies times the gather and scatter-add of all tied tensors of
// the verb4 LSTM (|G|·K = 64), the overhead a tied training step adds.
func BenchmarkTies(b *testing.B) {
	m, err := NewEquivariant(Default(LSTM, scan.InputVocab().Size(), scan.OutputVocab().Size()), mustGroup(b, "verb4"), rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		b.Fatal(err)
	}
	kp := m.kernelParams()
	for range b.N {
		m.gather(kp)
		m.scatter(kp, true)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/iter")
}
