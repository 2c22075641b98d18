package seq2seq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// randomBatch returns B SCAN-shaped examples: commands of 2–MaxInput ids and
// targets of 2–maxOut ids, each ending in EOS, with mixed teacher forcing.
func randomBatch(r *rand.Rand, cfg Config, B, maxOut int) (ins, outs [][]int, teacher []bool) {
	for range B {
		in := make([]int, 1+r.IntN(cfg.MaxInput-1)+1)
		for i := range in {
			in[i] = 2 + r.IntN(cfg.InVocab-2)
		}
		in[len(in)-1] = eosID
		out := make([]int, 2+r.IntN(maxOut-1))
		for i := range out {
			out[i] = 2 + r.IntN(cfg.OutVocab-2)
		}
		out[len(out)-1] = eosID
		ins, outs = append(ins, in), append(outs, out)
		teacher = append(teacher, r.IntN(2) == 0)
	}
	return ins, outs, teacher
}

// gradCheck compares every sampled entry of every parameter's gradient with
// central finite differences of lossFn.
func gradCheck(t *testing.T, m *Model, lossFn func() float64, grad func(), samples int, r *rand.Rand) {
	t.Helper()
	m.ZeroGrad()
	grad()
	analytic := make([][]float64, len(m.Params()))
	for i, p := range m.Params() {
		analytic[i] = append([]float64(nil), p.G...)
	}
	const eps = 1e-4
	worst := 0.0
	for pi, p := range m.Params() {
		idx := make([]int, len(p.W))
		for i := range idx {
			idx[i] = i
		}
		if samples > 0 && samples < len(idx) {
			r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
			idx = idx[:samples]
		}
		for _, i := range idx {
			w := p.W[i]
			p.W[i] = w + eps
			lp := lossFn()
			p.W[i] = w - eps
			lm := lossFn()
			p.W[i] = w
			num, ana := (lp-lm)/(2*eps), analytic[pi][i]
			// Below |∂| = 1e-6 the finite difference's rounding noise
			// (~1e-10 on losses of ~100) dominates: compare absolutely there.
			rel := math.Abs(num-ana) / math.Max(1e-6, math.Max(math.Abs(num), math.Abs(ana)))
			worst = math.Max(worst, rel)
			if rel > 1e-4 {
				t.Errorf("%s[%d]: analytic %.8g, numeric %.8g, relative error %.2g", p.Name, i, ana, num, rel)
			}
		}
	}
	t.Logf("worst relative error %.2g", worst)
}

func TestEngineGradients(t *testing.T) {
	for _, cell := range []CellKind{RNN, GRU, LSTM} {
		for _, att := range []bool{true, false} {
			for _, uni := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/attention=%v/unidirectional=%v", cell, att, uni), func(t *testing.T) {
					r := rand.New(rand.NewPCG(1, 2))
					cfg := Config{Cell: cell, Embed: 3, Hidden: 2, Unidirectional: uni, NoAttention: !att,
						Dropout: 0.3, InVocab: 6, OutVocab: 5, MaxInput: 5, MaxOutput: 10}
					m, err := New(cfg, r)
					if err != nil {
						t.Fatal(err)
					}
					ins, outs, teacher := randomBatch(r, cfg, 3, 7)
					loss := func() float64 {
						l, err := m.lossForward(ins, outs, teacher, Copies{}, rand.New(rand.NewPCG(7, 7)))
						if err != nil {
							t.Fatal(err)
						}
						return l
					}
					gradCheck(t, m, loss, func() { loss(); m.lossBackward(1) }, 0, r)
				})
			}
		}
	}
}
