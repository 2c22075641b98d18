package seq2seq

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// CellKind names a recurrent cell.
type CellKind string

// The recurrent cells, with PyTorch's equations and gate order. For input x
// and previous state h (and c), with a_x = W_x x + b_x and a_h = W_h h + b_h:
//
//	rnn:  h' = tanh(a_x + a_h)
//	gru:  r = σ(a_x^r + a_h^r), z = σ(a_x^z + a_h^z),
//	      n = tanh(a_x^n + r ⊙ a_h^n), h' = (1 − z) ⊙ n + z ⊙ h
//	lstm: i, f, o = σ(a_x + a_h), g = tanh(a_x^g + a_h^g) (order i, f, g, o),
//	      c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c')
const (
	RNN  CellKind = "rnn"
	GRU  CellKind = "gru"
	LSTM CellKind = "lstm"
)

// Gates returns how many H-wide blocks W_x and W_h have.
func (k CellKind) Gates() int {
	switch k {
	case GRU:
		return 3
	case LSTM:
		return 4
	}
	return 1
}

// Validate reports whether k is a known cell.
func (k CellKind) Validate() error {
	switch k {
	case RNN, GRU, LSTM:
		return nil
	}
	return fmt.Errorf("seq2seq: unknown cell %q (valid: rnn, gru, lstm)", string(k))
}

// cell holds one recurrent cell's parameters: W_x (G·H × in), W_h (G·H × H),
// b_x and b_h (G·H).
type cell struct {
	kind    CellKind
	in, hid int
	wx, wh  *Param
	bx, bh  *Param
}

func newCell(name string, kind CellKind, in, hid int) *cell {
	g := kind.Gates() * hid
	return &cell{kind: kind, in: in, hid: hid,
		wx: newParam(name+".Wx", g, in), wh: newParam(name+".Wh", g, hid),
		bx: newParam(name+".bx", g), bh: newParam(name+".bh", g)}
}

func (c *cell) params() []*Param { return []*Param{c.wx, c.wh, c.bx, c.bh} }

func (c *cell) init(r *rand.Rand) {
	a := invSqrt(c.hid)
	for _, p := range c.params() {
		p.uniform(r, a)
	}
}

// width returns G·H, the width of a_x and a_h.
func (c *cell) width() int { return c.kind.Gates() * c.hid }

// forward computes, for each of the rows and the units [j0, j1), the new state
// from ax and ah (rows × G·H, biases included) and the previous state. It
// stores the gate activations in act (rows × G·H) and, for GRU a_h^n and for
// LSTM tanh(c'), in aux (rows × H). c and cPrev are ignored unless the cell
// is an LSTM. σ and tanh are math.Exp and math.Tanh's arithmetic, a block
// of units at a time (expRow, sigmoids, tanhs).
func (c *cell) forward(rows, j0, j1 int, ax, ah, hPrev, cPrev, h, cNext, act, aux []float64) {
	H, W := c.hid, c.width()
	var e [4 * unitBlock]float64 // exponentials of one block of units
	for r := range rows {
		x, hh := ax[r*W:(r+1)*W], ah[r*W:(r+1)*W]
		a := act[r*W : (r+1)*W]
		hp, hn := hPrev[r*H:(r+1)*H], h[r*H:(r+1)*H]
		for b0 := j0; b0 < j1; b0 += unitBlock {
			b1 := min(j1, b0+unitBlock)
			nb := b1 - b0
			switch c.kind {
			case RNN:
				for j := b0; j < b1; j++ {
					a[j] = x[j] + hh[j]
					e[j-b0] = 2 * math.Abs(a[j])
				}
				expRow(e[:nb], e[:nb])
				tanhs(a[b0:b1], a[b0:b1], e[:nb])
				copy(hn[b0:b1], a[b0:b1])
			case GRU:
				ahn := aux[r*H : (r+1)*H]
				for j := b0; j < b1; j++ {
					e[j-b0] = -(x[j] + hh[j])
					e[nb+j-b0] = -(x[H+j] + hh[H+j])
				}
				expRow(e[:2*nb], e[:2*nb])
				sigmoids(a[b0:b1], e[:nb])
				sigmoids(a[H+b0:H+b1], e[nb:2*nb])
				for j := b0; j < b1; j++ {
					ahn[j] = hh[2*H+j]
					v := x[2*H+j] + a[j]*hh[2*H+j]
					a[2*H+j] = v
					e[2*nb+j-b0] = 2 * math.Abs(v)
				}
				expRow(e[2*nb:3*nb], e[2*nb:3*nb])
				tanhs(a[2*H+b0:2*H+b1], a[2*H+b0:2*H+b1], e[2*nb:3*nb])
				for j := b0; j < b1; j++ {
					z, n := a[H+j], a[2*H+j]
					hn[j] = (1-z)*n + z*hp[j]
				}
			case LSTM:
				cp, cn, tc := cPrev[r*H:(r+1)*H], cNext[r*H:(r+1)*H], aux[r*H:(r+1)*H]
				for j := b0; j < b1; j++ {
					k := j - b0
					e[k] = -(x[j] + hh[j])
					e[nb+k] = -(x[H+j] + hh[H+j])
					a[2*H+j] = x[2*H+j] + hh[2*H+j]
					e[2*nb+k] = 2 * math.Abs(a[2*H+j])
					e[3*nb+k] = -(x[3*H+j] + hh[3*H+j])
				}
				expRow(e[:4*nb], e[:4*nb])
				sigmoids(a[b0:b1], e[:nb])
				sigmoids(a[H+b0:H+b1], e[nb:2*nb])
				tanhs(a[2*H+b0:2*H+b1], a[2*H+b0:2*H+b1], e[2*nb:3*nb])
				sigmoids(a[3*H+b0:3*H+b1], e[3*nb:4*nb])
				for j := b0; j < b1; j++ {
					cn[j] = a[H+j]*cp[j] + a[j]*a[2*H+j]
					e[j-b0] = 2 * math.Abs(cn[j])
				}
				expRow(e[:nb], e[:nb])
				tanhs(tc[b0:b1], cn[b0:b1], e[:nb])
				for j := b0; j < b1; j++ {
					hn[j] = a[3*H+j] * tc[j]
				}
			}
		}
	}
}

// unitBlock is how many units forward takes at once.
const unitBlock = 32

// tanhWith returns math.Tanh(x) given s = math.Exp(2|x|), by the same
// operations as math.Tanh (which computes s itself when it needs it).
func tanhWith(x, s float64) float64 {
	z := math.Abs(x)
	switch {
	case z > 0.5*maxLog:
		if x < 0 {
			return -1
		}
		return 1
	case z >= 0.625:
		z = 1 - 2/(s+1)
		if x < 0 {
			z = -z
		}
	default:
		if x == 0 {
			return x
		}
		s := x * x
		z = x + x*s*((tanhP0*s+tanhP1)*s+tanhP2)/(((s+tanhQ0)*s+tanhQ1)*s+tanhQ2)
	}
	return z
}

// math.Tanh's constants: beyond maxLog/2 it is ±1, and below 0.625 it is
// a rational approximation (Cephes).
const (
	maxLog = 8.8029691931113054295988e+01 // log(2¹²⁷)
	tanhP0 = -9.64399179425052238628e-1
	tanhP1 = -9.92877231001918586564e1
	tanhP2 = -1.61468768441708447952e3
	tanhQ0 = 1.12811678491632931402e2
	tanhQ1 = 2.23548839060100448583e3
	tanhQ2 = 4.84406305325125486048e3
)

// backward turns dh (and dc for LSTM), the gradients with respect to the new
// state, into the gradients with respect to a_x (dax) and a_h (dah), and sets
// dhPrev and dcPrev to the parts of the previous state's gradient that do not
// pass through W_h (GRU's z ⊙ h path and LSTM's f ⊙ c path; zero for rnn).
func (c *cell) backward(rows int, dh, dc, act, aux, hPrev, cPrev, dax, dah, dhPrev, dcPrev []float64) {
	H, W := c.hid, c.width()
	for r := range rows {
		a := act[r*W : (r+1)*W]
		dx, dhh := dax[r*W:(r+1)*W], dah[r*W:(r+1)*W]
		g, dp := dh[r*H:(r+1)*H], dhPrev[r*H:(r+1)*H]
		switch c.kind {
		case RNN:
			for j := range H {
				v := g[j] * (1 - a[j]*a[j])
				dx[j], dhh[j], dp[j] = v, v, 0
			}
		case GRU:
			hp, ahn := hPrev[r*H:(r+1)*H], aux[r*H:(r+1)*H]
			for j := range H {
				rg, z, n := a[j], a[H+j], a[2*H+j]
				dn := g[j] * (1 - z) * (1 - n*n)
				dz := g[j] * (hp[j] - n) * z * (1 - z)
				dr := dn * ahn[j] * rg * (1 - rg)
				dx[j], dx[H+j], dx[2*H+j] = dr, dz, dn
				dhh[j], dhh[H+j], dhh[2*H+j] = dr, dz, dn*rg
				dp[j] = g[j] * z
			}
		case LSTM:
			cp, tc := cPrev[r*H:(r+1)*H], aux[r*H:(r+1)*H]
			gc, dcp := dc[r*H:(r+1)*H], dcPrev[r*H:(r+1)*H]
			for j := range H {
				i, f, gg, o := a[j], a[H+j], a[2*H+j], a[3*H+j]
				dct := gc[j] + g[j]*o*(1-tc[j]*tc[j])
				di := dct * gg * i * (1 - i)
				df := dct * cp[j] * f * (1 - f)
				dg := dct * i * (1 - gg*gg)
				do := g[j] * tc[j] * o * (1 - o)
				dx[j], dx[H+j], dx[2*H+j], dx[3*H+j] = di, df, dg, do
				dhh[j], dhh[H+j], dhh[2*H+j], dhh[3*H+j] = di, df, dg, do
				dcp[j] = dct * f
				dp[j] = 0
			}
		}
	}
}

// transcendentalWork is the cost of one exp or tanh in multiply-adds, for
// deciding when to split a loop of them (see split).
const transcendentalWork = 16

// forwardRows is forward over all units, split over two threads when big.
func (c *cell) forwardRows(rows int, ax, ah, hPrev, cPrev, h, cNext, act, aux []float64) {
	split(c.hid, 4, rows*c.hid*(c.kind.Gates()+1)*transcendentalWork, func(lo, hi int) {
		c.forward(rows, lo, hi, ax, ah, hPrev, cPrev, h, cNext, act, aux)
	})
}
