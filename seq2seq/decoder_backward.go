package seq2seq

import (
	"math"

	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
)

// decoderGrads holds the decoder's backward pass: the gradients of every
// step's log-probabilities (dlog), cell pre-activations (dax, dah) and
// pre-ReLU (dupre), and the running state gradients of one step (dH, dC
// into dP, dQ) with their scratch rows.
type decoderGrads struct {
	dlog, dax, dah, dupre, dcat []float64
	dH, dC, dP, dQ, du          []float64
	da                          []float64 // Tmax scratch
}

// backward accumulates the gradients of scale × the last forward's loss L
// into the parameters and into dmem, and, when the forward had weights,
// writes ∂(scale·L)/∂w into dw (K×B, laid out as the weights). With
// L = (1/B) Σ_b Σ_t −q_b(y_t) and q_b(v) = Σ_k w_{b,k} log p_{k,b,t}(g_k·v),
//
//	∂L/∂log p_{k,b,t}(u) = −(w_{b,k}/B) [u = g_k·y_t]    (t scored)
//	∂L/∂w_{b,k}          = −(1/B) Σ_{t scored} log p_{k,b,t}(g_k·y_t)
//
// and through the log-softmax the logits of row k·B+b get
// (w_{b,k}/B)(p_{k,b,t} − onehot(g_k·y_t)). The scored steps and the fed
// inputs are those of the forward (greedy choices are not differentiated).
func (d *decoder) backward(scale float64, dmem, dw []float64) {
	B, K, R, S := d.run.B, d.run.K, d.R, d.S
	Hd, V, W, C, T := d.Hd, d.V, d.cell.width(), d.catWidth(), d.tmax
	carriesC := d.cell.typ.carriesC
	d.dlog = grow(d.dlog, S*R*V)
	d.dax = grow(d.dax, S*R*W)
	d.dah = grow(d.dah, S*R*W)
	d.dupre = grow(d.dupre, S*R*Hd)
	d.dcat = grow(d.dcat, R*C)
	d.du = grow(d.du, R*Hd)
	d.da = grow(d.da, T)
	for _, p := range []*[]float64{&d.dH, &d.dC, &d.dP, &d.dQ} {
		*p = grow(*p, R*Hd)
		clear(*p)
	}
	weights := d.run.weights
	if weights != nil {
		clear(dw[:K*B])
	}
	w, c := scale/float64(B*K), scale/float64(B)
	for t := S - 1; t >= 0; t-- {
		dlog := d.dlog[t*R*V : (t+1)*R*V]
		clear(dlog)
		for b := range B {
			if d.wgt[t*B+b] == 0 {
				continue
			}
			y := d.run.targets[b][t]
			for k := range K {
				r := k*B + b
				if !d.on[t*R+r] { // a copy that has ended on its own reads log p = 0
					continue
				}
				lp, dl := d.logp[(t*R+r)*V:(t*R+r+1)*V], dlog[r*V:(r+1)*V]
				if weights != nil {
					w = c * weights[r]
					dw[r] -= c * lp[d.perm(k, y)]
				}
				for v, l := range lp {
					dl[v] = w * math.Exp(l)
				}
				dl[d.perm(k, y)] -= w
			}
		}
		for r, on := range d.on[t*R : (t+1)*R] {
			if !on { // zero coefficients in the weight gradients below
				clear(d.dax[(t*R+r)*W : (t*R+r+1)*W])
				clear(d.dah[(t*R+r)*W : (t*R+r+1)*W])
				clear(d.dupre[(t*R+r)*Hd : (t*R+r+1)*Hd])
			}
		}
		for _, sp := range d.spansAt(t) {
			d.backwardRows(t, sp[0], sp[1], dmem)
		}
		d.dH, d.dP = d.dP, d.dH
		d.dC, d.dQ = d.dQ, d.dC
	}
	for r := range R {
		m := dmem[r*(T+2)*Hd:]
		kernel.Axpy(1, d.dH[r*Hd:(r+1)*Hd], m[T*Hd:(T+1)*Hd])
		if carriesC {
			kernel.Axpy(1, d.dC[r*Hd:(r+1)*Hd], m[(T+1)*Hd:(T+2)*Hd])
		}
	}
	n := S * R
	kernel.GemmTN(V, Hd, n, d.dlog[:n*V], d.hs[R*Hd:(S+1)*R*Hd], d.wo.G)
	kernel.SumRows(d.bo.G, d.dlog[:n*V])
	kernel.GemmTN(W, Hd, n, d.dax[:n*W], d.u[:n*Hd], d.cell.wx.G)
	kernel.SumRows(d.cell.bx.G, d.dax[:n*W])
	kernel.GemmTN(W, Hd, n, d.dah[:n*W], d.hs[:n*Hd], d.cell.wh.G)
	kernel.SumRows(d.cell.bh.G, d.dah[:n*W])
	kernel.GemmTN(Hd, C, n, d.dupre[:n*Hd], d.cat[:n*C], d.wc.G)
	kernel.SumRows(d.bc.G, d.dupre[:n*Hd])
}

// backwardRows runs the backward pass of step t for rows [lo, hi): from
// dlog and the state gradients dH, dC (R×Hd) to the parameter gradients of
// the step, dmem, and the previous state's gradients in dP, dQ.
func (d *decoder) backwardRows(t, lo, hi int, dmem []float64) {
	R, E, Hd, V, W, C, T := d.R, d.E, d.Hd, d.V, d.cell.width(), d.catWidth(), d.tmax
	n := hi - lo
	at := func(x []float64, w int) []float64 { return x[(t*R+lo)*w : (t*R+hi)*w] }
	rows := func(x []float64, w int) []float64 { return x[lo*w : hi*w] }
	dH, dC, dP, dQ := rows(d.dH, Hd), rows(d.dC, Hd), rows(d.dP, Hd), rows(d.dQ, Hd)
	kernel.GemmNN(n, Hd, V, at(d.dlog, V), d.wo.W, 1, dH)
	dax, dah, hp := at(d.dax, W), at(d.dah, W), at(d.hs, Hd)
	d.cell.backward(n, dH, dC, at(d.act, W), at(d.aux, Hd), hp, at(d.cs, Hd), dax, dah, dP, dQ)
	du := rows(d.du, Hd)
	kernel.GemmNN(n, Hd, W, dax, d.cell.wx.W, 0, du)
	dupre, upre := at(d.dupre, Hd), at(d.upre, Hd)
	for i, v := range upre {
		if v > 0 {
			dupre[i] = du[i]
		} else {
			dupre[i] = 0
		}
	}
	dcat := rows(d.dcat, C)
	kernel.GemmNN(n, C, Hd, dupre, d.wc.W, 0, dcat)
	mask := at(d.mask, E)
	hpAll := d.hs[t*R*Hd : (t+1)*R*Hd]
	for i := range n {
		r := lo + i
		y := d.yin[t*R+r]
		de, g := dcat[i*C:i*C+E], d.emb.G[y*E:(y+1)*E]
		for j, m := range mask[i*E : (i+1)*E] {
			g[j] += de[j] * m
		}
		if !d.attention {
			continue
		}
		dctx := dcat[i*C+E : (i+1)*C]
		h, dh := hpAll[r*Hd:(r+1)*Hd], dP[i*Hd:(i+1)*Hd]
		mem, dm := d.mem[r*(T+2)*Hd:], dmem[r*(T+2)*Hd:]
		a := d.attn[(t*R+r)*T : (t*R+r)*T+d.run.lens[r]]
		var s float64
		da := d.da[:0]
		for j := range a {
			da = append(da, kernel.Dot(dctx, mem[j*Hd:(j+1)*Hd]))
			s += a[j] * da[j]
		}
		for j, aj := range a {
			oj, doj := mem[j*Hd:(j+1)*Hd], dm[j*Hd:(j+1)*Hd]
			kernel.Axpy(aj, dctx, doj)
			ds := aj * (da[j] - s)
			kernel.Axpy(ds, oj, dh)
			kernel.Axpy(ds, h, doj)
		}
	}
	kernel.GemmNN(n, Hd, W, dah, d.cell.wh.W, 1, dP)
}
