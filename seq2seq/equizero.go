package seq2seq

import "math"

// equizeroState is the per-copy decoding of the equizero modes: each copy's
// own outputs and the sum of its proxy over them. Copy k of example b is at
// k·B0 + b (B0 the examples of the run), wherever its row is after
// compaction.
type equizeroState struct {
	own     [][]int   // K×B0: equizero's per-copy outputs, read back by g_k⁻¹
	entropy []float64 // K×B0: Σ_t of the proxy: entropy (Equizero), −top-1 probability (EquizeroTop1)
	ownDone []bool    // K×B0: the copy has emitted its own EOS
	off     []bool    // K×B0: with run.stopAt, the copy's output has left its reference
	inv     [][]int   // K inverse permutations
}

// startEquizero clears the copies' outputs and entropies and inverts the
// permutations of the run.
func (d *decoder) startEquizero() {
	R, K := d.R, d.run.K
	if cap(d.own) < R {
		d.own = make([][]int, R)
	}
	d.own = d.own[:R]
	d.entropy = grow(d.entropy, R)
	clear(d.entropy)
	d.ownDone = make([]bool, R)
	d.off = make([]bool, R)
	for r := range d.own {
		d.own[r] = d.own[r][:0]
	}
	d.inv = make([][]int, K)
	for k := range K {
		d.inv[k] = make([]int, d.V)
		for v := range d.V {
			d.inv[k][d.perm(k, v)] = v
		}
	}
}

// equizeroStep feeds each copy of the current example i its own prediction
// of the step just computed (slot 0) and reports whether the example is
// finished: all its copies have emitted EOS or, with run.stopAt, all their
// outputs have left the reference, so that whichever copy is chosen, the
// output is not an exact match.
func (d *decoder) equizeroStep(i int, next []int) bool {
	B, K, V, B0 := d.run.B, d.run.K, d.V, len(d.done)
	b := d.ids[i]
	var ref []int
	if d.run.stopAt != nil {
		ref = d.run.stopAt[b]
	}
	all, off := true, ref != nil
	for k := range K {
		r, s := k*B+i, k*B0+b
		lp := d.logp[r*V : (r+1)*V]
		p := argmax(lp)
		next[r] = p
		if !d.ownDone[s] {
			d.entropy[s] += proxyOf(d.run.mode, lp)
			w := d.inv[k][p]
			d.own[s] = append(d.own[s], w)
			d.ownDone[s] = p == eosID
			if n := len(d.own[s]); ref != nil && !d.off[s] {
				d.off[s] = n > len(ref) || ref[n-1] != w
			}
		}
		all = all && d.ownDone[s]
		off = off && d.off[s]
	}
	return all || off
}

// finishEquizero sets each example's prediction to its least uncertain copy:
// the lowest mean proxy (entropy, or minus the top-1 probability).
func (d *decoder) finishEquizero() {
	B, K := d.run.B, d.run.K
	for b := range B {
		best := leastUncertain(d.entropy, func(r int) int { return len(d.own[r]) }, b, B, K)
		d.pred[b] = append(d.pred[b][:0], d.own[best*B+b]...)
	}
}

// leastUncertain returns the copy k of example b whose rows r = k·B + b have
// the lowest mean proxy sum[r] / n(r) (n(r) at least 1; the first of equal
// ones).
func leastUncertain(sum []float64, n func(r int) int, b, B, K int) int {
	best, bestH := 0, math.Inf(1)
	for k := range K {
		r := k*B + b
		if h := sum[r] / float64(max(1, n(r))); h < bestH {
			best, bestH = k, h
		}
	}
	return best
}

// equizeroDecoding is Equizero and EquizeroTop1: each copy decodes on its
// own until its own EOS, and finish chooses, per example, the copy of the
// lowest mean proxy. The rows of an example are dropped once all its copies
// have ended (or, in validation, all have left the reference).
type equizeroDecoding struct{}

func (equizeroDecoding) start(d *decoder)  { d.startEquizero() }
func (equizeroDecoding) finish(d *decoder) { d.finishEquizero() }
func (equizeroDecoding) compacts() bool    { return true }

func (equizeroDecoding) step(d *decoder, _ int, next []int) int {
	finished := 0
	for i := range d.run.B {
		if b := d.ids[i]; !d.done[b] && d.equizeroStep(i, next) {
			d.done[b] = true
			finished++
		}
	}
	return finished
}
