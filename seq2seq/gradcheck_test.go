package seq2seq

import (
	"fmt"
	"hash/fnv"
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

// decodePath fingerprints the non-smooth choices of the decoder's last
// run: the inputs it fed, its number of steps, which steps it scored, and
// which ReLU units of the combine layer were active.
func decodePath(m *Model) uint64 {
	d := m.dec
	h := fnv.New64a()
	fmt.Fprint(h, d.S, d.yin[:(d.S+1)*d.R], d.wgt[:d.S*d.run.B])
	for _, v := range d.upre[:d.S*d.R*d.Hd] {
		if v > 0 {
			h.Write([]byte{1})
		} else {
			h.Write([]byte{0})
		}
	}
	return h.Sum64()
}

// gradCheck compares every sampled entry of every parameter's gradient with
// central finite differences of lossFn,
// skipping entries whose nudges change a greedy choice of the decoder or
// cross a ReLU kink.
func gradCheck(t *testing.T, m *Model, lossFn func() float64, grad func(), samples int, r *rand.Rand) {
	t.Helper()
	gradCheckParams(t, m, m.Params(), lossFn, grad, samples, r)
}

// gradCheckParams is gradCheck of the parameters ps (those of m, or others
// that lossFn reads, such as a combiner's).
func gradCheckParams(t *testing.T, m *Model, ps []*Param, lossFn func() float64, grad func(), samples int, r *rand.Rand) {
	t.Helper()
	m.ZeroGrad()
	for _, p := range ps {
		clear(p.G)
	}
	grad()
	analytic := make([][]float64, len(ps))
	for i, p := range ps {
		analytic[i] = append([]float64(nil), p.G...)
	}
	base := decodePath(m)
	l0 := lossFn()
	skipped, checked := 0, 0
	worst := 0.0
	for pi, p := range ps {
		idx := make([]int, len(p.W))
		for i := range idx {
			idx[i] = i
		}
		if samples > 0 && samples < len(idx) {
			r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
			idx = idx[:samples]
		}
		for _, i := range idx {
			checked++
			// Central differences with the largest step that changes no
			// greedy choice (an input fed back, the EOS stop) and crosses
			// no ReLU kink, where the loss is not differentiable.
			w, num, eps := p.W[i], 0.0, 0.0
			for _, e := range []float64{1e-4, 1e-5, 1e-6} {
				p.W[i] = w + e
				lp := lossFn()
				pp := decodePath(m)
				p.W[i] = w - e
				lm := lossFn()
				pm := decodePath(m)
				p.W[i] = w
				if pp == base && pm == base {
					num, eps = (lp-lm)/(2*e), e
					break
				}
			}
			if eps == 0 {
				skipped++
				continue
			}
			ana := analytic[pi][i]
			// The relative error, with |∂| floored at 1e-6; the check
			// allows for the difference's rounding noise, ~1e-15·|L|/eps.
			diff := math.Abs(num - ana)
			rel := diff / math.Max(1e-6, math.Max(math.Abs(num), math.Abs(ana)))
			noise := 1e-15 * math.Abs(l0) / eps
			worst = math.Max(worst, rel)
			if rel > 1e-4 && diff > noise {
				t.Errorf("%s[%d]: analytic %.8g, numeric %.8g (step %g), relative error %.2g", p.Name, i, ana, num, eps, rel)
			}
		}
	}
	t.Logf("worst relative error %.2g; %d of %d entries skipped at a greedy flip or ReLU kink", worst, skipped, checked)
	if skipped*10 > checked {
		t.Errorf("%d of %d entries skipped: too few checked", skipped, checked)
	}
}

// TestEngineGradients gradient-checks the whole model of every registered
// cell, with and without attention, bidirectional and not.
func TestEngineGradients(t *testing.T) {
	for _, cell := range CellKinds() {
		t.Run(string(cell), func(t *testing.T) { checkEngineGradients(t, cell) })
	}
}

// checkEngineGradients gradient-checks the loss of a small model of cell in
// every layout.
func checkEngineGradients(t *testing.T, cell CellKind) {
	for _, att := range []bool{true, false} {
		for _, uni := range []bool{false, true} {
			t.Run(fmt.Sprintf("attention=%v/unidirectional=%v", att, uni), func(t *testing.T) {
				r := rand.New(rand.NewPCG(1, 2))
				cfg := Config{Cell: cell, Embed: 3, DecoderEmbed: 5, Hidden: 2, Unidirectional: uni, NoAttention: !att,
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
