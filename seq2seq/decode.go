package seq2seq

import (
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
)

// decodeChunk bounds the rows decoded at once, and so the memory used.
const decodeChunk = 128

// decodeWorkers is how many chunks are decoded at once, each by a twin of
// the model with its own buffers. Rows are computed independently, so the
// outputs do not depend on it.
var decodeWorkers = runtime.GOMAXPROCS(0)

// Greedy decodes the commands ins (ids ending in EOS) under the copies cp
// in the given mode, without dropout, for at most Config.MaxOutput steps.
// Each output ends at its first EOS (included), or has MaxOutput ids and no
// EOS.
func (m *Model) Greedy(ins [][]int, cp Copies, mode Mode) ([][]int, error) {
	return m.greedy(ins, nil, cp, mode)
}

// greedy is Greedy; with refs (one per command, ending in EOS), an output
// stops as soon as it can no longer be an exact match: at its first word
// that departs from its reference or, in the equizero modes, which choose
// a copy only at the end, once every copy's own output has departed.
func (m *Model) greedy(ins, refs [][]int, cp Copies, mode Mode) ([][]int, error) {
	out := make([][]int, len(ins))
	chunk := max(1, decodeChunk/cp.K())
	workers := min(decodeWorkers, (len(ins)+chunk-1)/chunk)
	if m.tied() {
		m.gather(m.kernelParams())
	}
	// The weights stay fixed while decoding: their packed copies, made
	// once here, feed the faster products.
	for _, p := range m.kernelParams() {
		p.pack()
		defer p.unpack()
	}
	if workers <= 1 {
		return out, m.greedyChunks(ins, refs, cp, mode, chunk, 0, 1, out)
	}
	for len(m.twins) < workers {
		m.twins = append(m.twins, m.twin())
	}
	defer kernel.Hold()()
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = m.twins[w].greedyChunks(ins, refs, cp, mode, chunk, w, workers, out)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// greedyChunks decodes chunks first, first+stride, … of ins into out.
func (m *Model) greedyChunks(ins, refs [][]int, cp Copies, mode Mode, chunk, first, stride int, out [][]int) error {
	for lo := first * chunk; lo < len(ins); lo += stride * chunk {
		hi := min(len(ins), lo+chunk)
		part := ins[lo:hi]
		var stopAt [][]int
		if refs != nil {
			stopAt = refs[lo:hi]
		}
		if err := m.setInputs(part, cp); err != nil {
			return err
		}
		R := len(part) * cp.K()
		m.encode(R)
		m.dec.decode(m.mem, decodeSpec{B: len(part), K: cp.K(), perms: cp.Out, lens: m.lens[:R],
			weights: m.combinerWeights(cp, len(part)), maxSteps: m.Config.MaxOutput, mode: mode, stopAt: stopAt})
		for i, p := range m.dec.pred {
			out[lo+i] = slices.Clone(p)
		}
	}
	return nil
}

// twin returns a plain model that reads m's kernel parameters (gathered,
// for a tied model) but has buffers of its own.
func (m *Model) twin() *Model {
	cfg := m.Config
	cfg.Group = nil
	t, err := newPlain(cfg)
	if err != nil {
		panic(err) // m was built from the same valid config
	}
	t.enc.emb = m.enc.emb
	for i, d := range t.enc.dirs {
		d.cell = m.enc.dirs[i].cell
	}
	t.dec.emb, t.dec.wc, t.dec.bc, t.dec.wo, t.dec.bo = m.dec.emb, m.dec.wc, m.dec.bc, m.dec.wo, m.dec.bo
	t.dec.cell = m.dec.cell
	t.params = t.kernelParams()
	return t
}

// ExactMatch reports whether a greedy output equals the target: the output
// up to and including its first EOS must be the target (which ends in EOS);
// an output without EOS is wrong.
func ExactMatch(pred, target []int) bool {
	if i := slices.Index(pred, eosID); i >= 0 {
		pred = pred[:i+1]
	} else {
		return false
	}
	return slices.Equal(pred, target)
}

// Accuracy returns the fraction of exact matches of Greedy's outputs on
// (ins, outs). It decodes an output only while it can still match its
// target (see greedy): the rest cannot change the count.
func (m *Model) Accuracy(ins, outs [][]int, cp Copies, mode Mode) (float64, error) {
	if len(ins) == 0 {
		return 0, nil
	}
	if len(outs) != len(ins) {
		return 0, fmt.Errorf("seq2seq: %d commands but %d targets", len(ins), len(outs))
	}
	preds, err := m.greedy(ins, outs, cp, mode)
	if err != nil {
		return 0, err
	}
	n := 0
	for i, p := range preds {
		if ExactMatch(p, outs[i]) {
			n++
		}
	}
	return float64(n) / float64(len(ins)), nil
}
