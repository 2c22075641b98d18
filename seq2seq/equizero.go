package seq2seq

import "math"

// equizeroState is the per-copy decoding of the equizero modes: each copy's
// own outputs and the sum of its proxy over them.
type equizeroState struct {
	own     [][]int   // R: equizero's per-copy outputs, read back by g_k⁻¹
	entropy []float64 // R: Σ_t of the proxy: entropy (Equizero), −top-1 probability (EquizeroTop1)
	ownDone []bool    // R
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

// equizeroStep feeds each copy of example b its own prediction and reports
// whether all of them have emitted EOS.
func (d *decoder) equizeroStep(t, b int) bool {
	B, K, R, V := d.run.B, d.run.K, d.R, d.V
	next := d.yin[(t+1)*R : (t+2)*R]
	all := true
	for k := range K {
		r := k*B + b
		lp := d.logp[(t*R+r)*V : (t*R+r+1)*V]
		p := argmax(lp)
		next[r] = p
		if d.ownDone[r] {
			continue
		}
		d.entropy[r] += proxyOf(d.run.mode, lp)
		d.own[r] = append(d.own[r], d.inv[k][p])
		d.ownDone[r] = p == eosID
		all = all && d.ownDone[r]
	}
	return all
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
// lowest mean proxy. No rows are dropped: the copies' sums run to the end.
type equizeroDecoding struct{}

func (equizeroDecoding) start(d *decoder)  { d.startEquizero() }
func (equizeroDecoding) finish(d *decoder) { d.finishEquizero() }
func (equizeroDecoding) compacts() bool    { return false }

func (equizeroDecoding) step(d *decoder, _ int, _ []int) int {
	finished := 0
	for b := range d.run.B {
		if !d.done[b] && d.equizeroStep(0, b) {
			d.done[b] = true
			finished++
		}
	}
	return finished
}
