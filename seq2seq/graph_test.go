package seq2seq

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
)

// TestGraphGradients checks the gradients the Gorgonia graph computes (the
// training path) against finite differences at the sizes trained here, and
// with EQUITUNE_LONG_TESTS set (as .ci/run sets it) at hidden 256 too, past
// the 256-apart slices Gorgonia's op hashes confuse (about 5 minutes).
func TestGraphGradients(t *testing.T) {
	t.Parallel()
	type size struct{ hidden, batch, samples int }
	sizes := []size{{2, 3, 0}, {64, 1, 6}, {64, 32, 4}}
	if os.Getenv("EQUITUNE_LONG_TESTS") != "" {
		sizes = append(sizes, size{256, 32, 3})
	}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, sz := range sizes {
		for _, cell := range []CellKind{RNN, GRU, LSTM} {
			for _, att := range []bool{true, false} {
				name := fmt.Sprintf("hidden=%d/batch=%d/%s/attention=%v", sz.hidden, sz.batch, cell, att)
				t.Run(name, func(t *testing.T) {
					r := rand.New(rand.NewPCG(3, uint64(sz.hidden)))
					cfg := Default(cell, 15, 8)
					cfg.Hidden, cfg.DecoderEmbed, cfg.Dropout = sz.hidden, 2*sz.hidden, 0.1
					if sz.hidden < 8 {
						cfg.Embed = 3
					}
					cfg.NoAttention = !att
					m, err := New(cfg, r)
					if err != nil {
						t.Fatal(err)
					}
					ins, outs, teacher := randomBatch(r, cfg, sz.batch, 49)
					gr, err := newGraph(m, sz.batch, nil)
					if err != nil {
						t.Fatal(err)
					}
					set := func() {
						gr.st.ins, gr.st.outs, gr.st.teacher, gr.st.rng = ins, outs, teacher, rand.New(rand.NewPCG(9, 9))
					}
					loss := func() float64 {
						set()
						l, err := gr.run()
						if err != nil {
							t.Fatal(err)
						}
						return l
					}
					gradCheck(t, m, loss, func() { loss() }, sz.samples, r)
				})
			}
		}
	}
}

// TestStepUpdatesOnTheTape checks the contract of the graph's last op: a
// Trainer's Step updates every parameter (the model's and λ's) with their
// complete gradients, while running the trainer's graph alone, before and
// after a Step, computes gradients (λ's collected too) and changes no weight.
func TestStepUpdatesOnTheTape(t *testing.T) {
	for _, lambda := range []bool{false, true} {
		t.Run(fmt.Sprintf("lambda=%v", lambda), func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, 5))
			cfg := Default(GRU, 15, 8)
			cfg.Hidden, cfg.Embed, cfg.DecoderEmbed = 8, 8, 16
			m, err := New(cfg, r)
			if err != nil {
				t.Fatal(err)
			}
			cp := copiesNamed(t, "verb")
			if lambda {
				cp.Combiner = randomLambda(t, m.Config, r) // v ≠ 0: every λ weight has a gradient
			}
			tr, err := NewTrainer(m, NewAdam(1e-2, 0, 5), cp, 0.5, 2, r)
			if err != nil {
				t.Fatal(err)
			}
			ins, outs, teacher := randomBatch(r, cfg, 2, 9)
			weights := func() [][]float64 {
				var ws [][]float64
				for _, p := range tr.params {
					ws = append(ws, slices.Clone(p.W))
				}
				return ws
			}
			runAlone := func() {
				before := weights()
				graphLoss(t, tr, ins, outs, teacher)()
				for i, p := range tr.params {
					if !slices.Equal(p.W, before[i]) {
						t.Errorf("running the graph alone changed %s", p.Name)
					}
					if slices.Equal(p.G, make([]float64, len(p.G))) {
						t.Errorf("running the graph alone left %s's gradient 0", p.Name)
					}
				}
			}
			runAlone()
			before := weights()
			res, err := tr.Step(ins, outs)
			if err != nil {
				t.Fatal(err)
			}
			if res.GradNorm <= 0 {
				t.Errorf("step's gradient norm %g", res.GradNorm)
			}
			for i, p := range tr.params {
				if slices.Equal(p.W, before[i]) {
					t.Errorf("the step left %s unchanged", p.Name)
				}
			}
			runAlone()
		})
	}
}
