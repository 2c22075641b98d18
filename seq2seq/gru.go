package seq2seq

import (
	"math"

	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
)

// gruCell is the gated recurrent unit (PyTorch's nn.GRU, gates r, z, n):
//
//	r = σ(a_x^r + a_h^r),  z = σ(a_x^z + a_h^z)
//	n = tanh(a_x^n + r ⊙ a_h^n)
//	h' = (1 − z) ⊙ n + z ⊙ h
//
// Its act holds r, z and n; its aux holds a_h^n. It has no c state.
var gruCell = cellType{kind: GRU, gates: 3, carriesC: false, forward: gruForward, backward: gruBackward}

// gruForward is gruCell's forward (cellType.forward).
func gruForward(H, j0, j1 int, r cellRow) {
	x, hh, a, hp, hn, ahn := r.ax, r.ah, r.act, r.hPrev, r.h, r.aux
	var e [3 * unitBlock]float64 // exponentials of one block of units
	for b0 := j0; b0 < j1; b0 += unitBlock {
		b1 := min(j1, b0+unitBlock)
		nb := b1 - b0
		for j := b0; j < b1; j++ {
			e[j-b0] = -(x[j] + hh[j])
			e[nb+j-b0] = -(x[H+j] + hh[H+j])
		}
		kernel.Exps(e[:2*nb], e[:2*nb])
		kernel.Sigmoids(a[b0:b1], e[:nb])
		kernel.Sigmoids(a[H+b0:H+b1], e[nb:2*nb])
		for j := b0; j < b1; j++ {
			ahn[j] = hh[2*H+j]
			v := x[2*H+j] + a[j]*hh[2*H+j]
			a[2*H+j] = v
			e[2*nb+j-b0] = 2 * math.Abs(v)
		}
		kernel.Exps(e[2*nb:3*nb], e[2*nb:3*nb])
		kernel.Tanhs(a[2*H+b0:2*H+b1], a[2*H+b0:2*H+b1], e[2*nb:3*nb])
		for j := b0; j < b1; j++ {
			z, n := a[H+j], a[2*H+j]
			hn[j] = (1-z)*n + z*hp[j]
		}
	}
}

// gruBackward: with ∂n = ∂h' ⊙ (1 − z) ⊙ (1 − n²), ∂z = ∂h' ⊙ (h − n) ⊙ z ⊙ (1 − z)
// and ∂r = ∂n ⊙ a_h^n ⊙ r ⊙ (1 − r), ∂a_x = (∂r, ∂z, ∂n), ∂a_h = (∂r, ∂z,
// ∂n ⊙ r), and h reaches h' outside W_h by z ⊙ h.
func gruBackward(H int, r cellRow, g cellGrad) {
	a, hp, ahn, dx, dhh, dp := r.act, r.hPrev, r.aux, g.dax, g.dah, g.dhPrev
	for j := range H {
		rg, z, n := a[j], a[H+j], a[2*H+j]
		dn := g.dh[j] * (1 - z) * (1 - n*n)
		dz := g.dh[j] * (hp[j] - n) * z * (1 - z)
		dr := dn * ahn[j] * rg * (1 - rg)
		dx[j], dx[H+j], dx[2*H+j] = dr, dz, dn
		dhh[j], dhh[H+j], dhh[2*H+j] = dr, dz, dn*rg
		dp[j] = g.dh[j] * z
	}
}
