package seq2seq

import "slices"

// decodeChunk bounds the rows decoded at once, and so the memory used.
const decodeChunk = 128

// Greedy decodes the commands ins (ids ending in EOS) under the copies cp
// in the given mode, without dropout, for at most Config.MaxOutput steps.
// Each output ends at its first EOS (included), or has MaxOutput ids and no
// EOS.
func (m *Model) Greedy(ins [][]int, cp Copies, mode Mode) ([][]int, error) {
	out := make([][]int, 0, len(ins))
	chunk := max(1, decodeChunk/cp.K())
	for lo := 0; lo < len(ins); lo += chunk {
		part := ins[lo:min(len(ins), lo+chunk)]
		if err := m.setInputs(part, cp); err != nil {
			return nil, err
		}
		R := len(part) * cp.K()
		m.encode(R)
		m.dec.forward(m.mem, decodeSpec{B: len(part), K: cp.K(), perms: cp.Out, lens: m.lens[:R],
			maxSteps: m.Config.MaxOutput, mode: mode})
		for _, p := range m.dec.pred {
			out = append(out, slices.Clone(p))
		}
	}
	return out, nil
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
// (ins, outs).
func (m *Model) Accuracy(ins, outs [][]int, cp Copies, mode Mode) (float64, error) {
	if len(ins) == 0 {
		return 0, nil
	}
	preds, err := m.Greedy(ins, cp, mode)
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
