package seq2seq

import (
	"math"

	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
)

// step runs step t for the rows computed at t. Every row draws its dropout
// mask, so the random stream does not depend on which rows idle.
func (d *decoder) step(t int) {
	R, E, Hd, C := d.R, d.E, d.Hd, d.catWidth()
	cat := d.cat[t*R*C : (t+1)*R*C]
	mask := d.mask[t*R*E : (t+1)*R*E]
	for r := range R {
		y := d.yin[t*R+r]
		e, m := cat[r*C:r*C+E], mask[r*E:(r+1)*E]
		copy(e, d.emb.W[y*E:(y+1)*E])
		if d.run.rng != nil && d.dropout > 0 {
			keep := 1 / (1 - d.dropout)
			for j := range m {
				m[j] = keep
				if d.run.rng.Float64() < d.dropout {
					m[j] = 0
				}
				e[j] *= m[j]
			}
		} else {
			for j := range m {
				m[j] = 1
			}
		}
	}
	for r, on := range d.on[t*R : (t+1)*R] {
		if !on { // idle rows hold zeros, which the weight gradients multiply by zero
			clear(cat[r*C+E : (r+1)*C])
			clear(d.upre[(t*R+r)*Hd : (t*R+r+1)*Hd])
			clear(d.u[(t*R+r)*Hd : (t*R+r+1)*Hd])
			clear(d.hs[((t+1)*R+r)*Hd : ((t+1)*R+r+1)*Hd])
		}
	}
	for _, sp := range d.spansAt(t) {
		d.stepRows(t, sp[0], sp[1])
	}
}

// spansAt returns the runs [lo, hi) of rows computed at step t.
func (d *decoder) spansAt(t int) [][2]int {
	d.spans = d.spans[:0]
	on := d.on[t*d.R : (t+1)*d.R]
	for r := 0; r < len(on); {
		if !on[r] {
			r++
			continue
		}
		lo := r
		for r < len(on) && on[r] {
			r++
		}
		d.spans = append(d.spans, [2]int{lo, r})
	}
	return d.spans
}

// stepRows runs step t for rows [lo, hi) after their embeddings are in cat.
func (d *decoder) stepRows(t, lo, hi int) {
	R, Hd, V, W, C := d.R, d.Hd, d.V, d.cell.width(), d.catWidth()
	n := hi - lo
	at := func(x []float64, w int) []float64 { return x[(t*R+lo)*w : (t*R+hi)*w] }
	if d.attention {
		hp, cat := d.hs[t*R*Hd:(t+1)*R*Hd], d.cat[t*R*C:(t+1)*R*C]
		if work := n * Hd * (d.tmax + 1) * 2; kernel.Splits(work) {
			kernel.Split(n, 1, work, func(a, b int) {
				for r := lo + a; r < lo+b; r++ {
					d.attend(t, r, hp, cat)
				}
			})
		} else {
			for r := lo; r < hi; r++ {
				d.attend(t, r, hp, cat)
			}
		}
	}
	cat, upre, u := at(d.cat, C), at(d.upre, Hd), at(d.u, Hd)
	mulWeights(n, cat, d.wc, d.bc, upre)
	for i, v := range upre {
		u[i] = max(v, 0)
	}
	ax, ah, hp := at(d.ax, W), at(d.ah, W), at(d.hs, Hd)
	mulWeights(n, u, d.cell.wx, d.cell.bx, ax)
	mulWeights(n, hp, d.cell.wh, d.cell.bh, ah)
	h := d.hs[((t+1)*R+lo)*Hd : ((t+1)*R+hi)*Hd]
	cn := d.cs[((t+1)*R+lo)*Hd : ((t+1)*R+hi)*Hd]
	d.cell.forwardRows(n, ax, ah, hp, at(d.cs, Hd), h, cn, at(d.act, W), at(d.aux, Hd))
	lp := at(d.logp, V)
	mulWeights(n, h, d.wo, d.bo, lp)
	if work := n * V * transcendentalWork; kernel.Splits(work) {
		kernel.Split(n, 1, work, func(a, b int) { logSoftmaxRows(lp[a*V:b*V], V) })
	} else {
		logSoftmaxRows(lp, V)
	}
}

// attend writes row r's attention weights at step t and its context into cat.
func (d *decoder) attend(t, r int, hp, cat []float64) {
	R, E, Hd, C, T := d.R, d.E, d.Hd, d.catWidth(), d.tmax
	h := hp[r*Hd : (r+1)*Hd]
	mem := d.mem[r*(T+2)*Hd:]
	L := d.run.lens[r]
	a := d.attn[(t*R+r)*T : (t*R+r)*T+L]
	mx := math.Inf(-1)
	for j := range a {
		a[j] = kernel.Dot(h, mem[j*Hd:(j+1)*Hd])
		mx = max(mx, a[j])
	}
	var s float64
	for j := range a {
		a[j] = math.Exp(a[j] - mx)
		s += a[j]
	}
	ctx := cat[r*C+E : (r+1)*C]
	clear(ctx)
	for j := range a {
		a[j] /= s
		kernel.Axpy(a[j], mem[j*Hd:(j+1)*Hd], ctx)
	}
}

// logSoftmaxRows replaces each row of lp (rows of V) by its log-softmax.
func logSoftmaxRows(lp []float64, V int) {
	for r := 0; r+V <= len(lp); r += V {
		l := lp[r : r+V]
		kernel.LogSoftmax(l, l)
	}
}
