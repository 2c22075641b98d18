package seq2seq

import (
	"math"

	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
)

// rnnCell is the Elman cell with tanh (PyTorch's nn.RNN):
//
//	h' = tanh(a_x + a_h)
//
// Its act is h'; it has no c state and keeps no aux.
var rnnCell = cellType{kind: RNN, gates: 1, carriesC: false, forward: rnnForward, backward: rnnBackward}

// rnnForward is rnnCell's forward (cellType.forward).
func rnnForward(H, j0, j1 int, r cellRow) {
	x, hh, a, hn := r.ax, r.ah, r.act, r.h
	var e [unitBlock]float64 // exponentials of one block of units
	for b0 := j0; b0 < j1; b0 += unitBlock {
		b1 := min(j1, b0+unitBlock)
		nb := b1 - b0
		for j := b0; j < b1; j++ {
			a[j] = x[j] + hh[j]
			e[j-b0] = 2 * math.Abs(a[j])
		}
		kernel.Exps(e[:nb], e[:nb])
		kernel.Tanhs(a[b0:b1], a[b0:b1], e[:nb])
		copy(hn[b0:b1], a[b0:b1])
	}
}

// rnnBackward: ∂a = ∂h' ⊙ (1 − h'²) for both a_x and a_h; h reaches h' only
// through W_h.
func rnnBackward(H int, r cellRow, g cellGrad) {
	a, dx, dhh, dp := r.act, g.dax, g.dah, g.dhPrev
	for j := range H {
		v := g.dh[j] * (1 - a[j]*a[j])
		dx[j], dhh[j], dp[j] = v, v, 0
	}
}
