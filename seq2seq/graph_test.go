package seq2seq

import (
	"fmt"
	"math/rand/v2"
	"os"
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
