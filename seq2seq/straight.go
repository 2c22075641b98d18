package seq2seq

import "math"

// straightState is the training of M_G in an equizero mode, the authors'
// equizero fine-tuning (equizero_scan.py): the loss reported is that of the
// copy g* of best proxy, while the gradient is that of the copies' average,
// straight through,
//
//	out = avg + stopgrad(out_{g*} − avg),   loss = −Σ_t out_t(y_t)
//
// so loss = −Σ_t log p_{g*,t}(g*·y_t) and, the loss being linear in the
// log-probabilities, ∂loss/∂log p_{k,t}(u) = −(1/K) [u = g_k·y_t]: exactly
// equi-tuning's gradient on the same forward pass. What differs from
// equi-tuning is that forward pass: on a sequence without teacher forcing
// each copy is fed its own prediction until its own EOS, as the authors'
// copies each run the model on their own, and counts log p = 0 after it
// (their zeroed buffers), like Independent decoding.
type straightState struct {
	ownLoss []float64 // R: Σ_t −log p_{k,b,t}(g_k·y_t) over the row's running steps
	proxy   []float64 // R: Σ_t of the proxy over them (see proxyOf)
	ran     []int     // R: the row's running steps
}

// startStraight clears the per-row sums and marks every copy running.
func (d *decoder) startStraight() {
	R := d.R
	d.ownLoss = grow(d.ownLoss, R)
	d.proxy = grow(d.proxy, R)
	clear(d.ownLoss)
	clear(d.proxy)
	d.ran = growInt(d.ran, R)
	clear(d.ran)
	d.startIndependent()
}

// straightStep adds step t of example b, target word y, to the sums of its
// running copies.
func (d *decoder) straightStep(t, b, y int) {
	B, K, R, V := d.run.B, d.run.K, d.R, d.V
	for k := range K {
		r := k*B + b
		if !d.on[t*R+r] {
			continue
		}
		lp := d.logp[(t*R+r)*V : (t*R+r+1)*V]
		d.ownLoss[r] -= lp[d.perm(k, y)]
		d.proxy[r] += proxyOf(d.run.mode, lp)
		d.ran[r]++
	}
}

// ownStep feeds each copy of example b (not teacher forced) its own
// prediction of step t, marks the copies that emitted EOS as ended, and
// reports whether all have.
func (d *decoder) ownStep(t, b int, next []int) bool {
	B, K, R, V := d.run.B, d.run.K, d.R, d.V
	all := true
	for k := range K {
		r := k*B + b
		p := argmax(d.logp[(t*R+r)*V : (t*R+r+1)*V])
		next[r] = p
		if d.on[t*R+r] && p == eosID {
			d.ended[r] = true
		}
		all = all && d.ended[r]
	}
	return all
}

// finishStraight sets each example's loss to that of its copy of lowest
// mean proxy (the first of equal ones).
func (d *decoder) finishStraight() {
	B, K := d.run.B, d.run.K
	for b := range B {
		best := leastUncertain(d.proxy, func(r int) int { return d.ran[r] }, b, B, K)
		d.seqs[b] = d.ownLoss[best*B+b]
	}
}

// proxyOf is the uncertainty of one step's log-probabilities lp under an
// equizero mode, lower meaning more certain: the entropy −Σ_v p(v) ln p(v)
// (Equizero), or minus the top-1 probability (EquizeroTop1).
func proxyOf(m Mode, lp []float64) float64 {
	if m == EquizeroTop1 {
		return -math.Exp(lp[argmax(lp)])
	}
	var h float64
	for _, l := range lp {
		h -= math.Exp(l) * l
	}
	return h
}
