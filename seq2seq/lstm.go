package seq2seq

import (
	"math"

	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
)

// lstmCell is the long short-term memory cell (PyTorch's nn.LSTM, gates i,
// f, g, o), which carries a c state besides h:
//
//	i, f, o = σ(a_x + a_h),  g = tanh(a_x^g + a_h^g)
//	c' = f ⊙ c + i ⊙ g
//	h' = o ⊙ tanh(c')
//
// Its act holds i, f, g and o; its aux holds tanh(c').
var lstmCell = cellType{kind: LSTM, gates: 4, carriesC: true, forward: lstmForward, backward: lstmBackward}

// lstmForward is lstmCell's forward (cellType.forward).
func lstmForward(H, j0, j1 int, r cellRow) {
	x, hh, a, hn := r.ax, r.ah, r.act, r.h
	cp, cn, tc := r.cPrev, r.c, r.aux
	var e [4 * unitBlock]float64 // exponentials of one block of units
	for b0 := j0; b0 < j1; b0 += unitBlock {
		b1 := min(j1, b0+unitBlock)
		nb := b1 - b0
		for j := b0; j < b1; j++ {
			k := j - b0
			e[k] = -(x[j] + hh[j])
			e[nb+k] = -(x[H+j] + hh[H+j])
			a[2*H+j] = x[2*H+j] + hh[2*H+j]
			e[2*nb+k] = 2 * math.Abs(a[2*H+j])
			e[3*nb+k] = -(x[3*H+j] + hh[3*H+j])
		}
		kernel.Exps(e[:4*nb], e[:4*nb])
		kernel.Sigmoids(a[b0:b1], e[:nb])
		kernel.Sigmoids(a[H+b0:H+b1], e[nb:2*nb])
		kernel.Tanhs(a[2*H+b0:2*H+b1], a[2*H+b0:2*H+b1], e[2*nb:3*nb])
		kernel.Sigmoids(a[3*H+b0:3*H+b1], e[3*nb:4*nb])
		for j := b0; j < b1; j++ {
			cn[j] = a[H+j]*cp[j] + a[j]*a[2*H+j]
			e[j-b0] = 2 * math.Abs(cn[j])
		}
		kernel.Exps(e[:nb], e[:nb])
		kernel.Tanhs(tc[b0:b1], cn[b0:b1], e[:nb])
		for j := b0; j < b1; j++ {
			hn[j] = a[3*H+j] * tc[j]
		}
	}
}

// lstmBackward: with ∂c' = ∂c + ∂h' ⊙ o ⊙ (1 − tanh²(c')), the gate gradients
// ∂i = ∂c' ⊙ g ⊙ i(1 − i), ∂f = ∂c' ⊙ c ⊙ f(1 − f), ∂g = ∂c' ⊙ i ⊙ (1 − g²),
// ∂o = ∂h' ⊙ tanh(c') ⊙ o(1 − o) go to a_x and a_h alike; c reaches c' by
// f ⊙ c, and h reaches h' only through W_h.
func lstmBackward(H int, r cellRow, g cellGrad) {
	a, cp, tc := r.act, r.cPrev, r.aux
	dx, dhh, dp, dcp := g.dax, g.dah, g.dhPrev, g.dcPrev
	for j := range H {
		i, f, gg, o := a[j], a[H+j], a[2*H+j], a[3*H+j]
		dct := g.dc[j] + g.dh[j]*o*(1-tc[j]*tc[j])
		di := dct * gg * i * (1 - i)
		df := dct * cp[j] * f * (1 - f)
		dg := dct * i * (1 - gg*gg)
		do := g.dh[j] * tc[j] * o * (1 - o)
		dx[j], dx[H+j], dx[2*H+j], dx[3*H+j] = di, df, dg, do
		dhh[j], dhh[H+j], dhh[2*H+j], dhh[3*H+j] = di, df, dg, do
		dcp[j] = dct * f
		dp[j] = 0
	}
}
