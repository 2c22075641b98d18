package seq2seq

import "github.com/scan-equitune/equitune/seq2seq/internal/kernel"

// recurrent runs one cell over a padded batch of sequences in one direction.
// Row r has length L_r; at a time t ≥ L_r the state is carried unchanged, so
// the forward direction ends on the state after its last word and the
// reverse direction starts from zero at each row's own last word.
//
// Buffers are time-major: x and ax are indexed by time t, the state buffers
// hs and cs by processing step i (hs[0] is the zero initial state).
type recurrent struct {
	cell    *cell
	reverse bool

	rows, steps    int
	x              []float64 // the last forward's input
	ax, ah         []float64 // T×R×W: W_x x_t + b_x (by t), W_h h + b_h (by i)
	act, aux       []float64 // T×R×W and T×R×H saved activations (by i)
	hs, cs         []float64 // (T+1)×R×H states (by i)
	dax, dah       []float64 // T×R×W gradients (dax by t, dah by i)
	dh, dc, dp, dq []float64 // R×H running gradients
	dhFinal        []float64 // 2×R×H: the final h's and c's gradients
}

// time returns the time index processed at step i.
func (l *recurrent) time(i int) int {
	if l.reverse {
		return l.steps - 1 - i
	}
	return i
}

// forward runs the layer over x (T×R×in, time-major) with row lengths lens.
func (l *recurrent) forward(rows, steps int, x []float64, lens []int) {
	c := l.cell
	H, W := c.hid, c.width()
	l.rows, l.steps = rows, steps
	n := steps * rows
	l.ax = grow(l.ax, n*W)
	l.ah = grow(l.ah, n*W)
	l.act = grow(l.act, n*W)
	l.aux = grow(l.aux, n*H)
	l.hs = grow(l.hs, (n+rows)*H)
	l.cs = grow(l.cs, (n+rows)*H)
	clear(l.hs[:rows*H])
	clear(l.cs[:rows*H])
	l.x = x
	mulWeights(n, x, c.wx, c.bx, l.ax)
	for i := range steps {
		t := l.time(i)
		hp, cp := l.hs[i*rows*H:(i+1)*rows*H], l.cs[i*rows*H:(i+1)*rows*H]
		hn, cn := l.hs[(i+1)*rows*H:(i+2)*rows*H], l.cs[(i+1)*rows*H:(i+2)*rows*H]
		ah := l.ah[i*rows*W : (i+1)*rows*W]
		mulWeights(rows, hp, c.wh, c.bh, ah)
		c.forwardRows(rows, l.ax[t*rows*W:(t+1)*rows*W], ah, hp, cp, hn, cn,
			l.act[i*rows*W:(i+1)*rows*W], l.aux[i*rows*H:(i+1)*rows*H])
		for r := range rows {
			if t >= lens[r] {
				copy(hn[r*H:(r+1)*H], hp[r*H:(r+1)*H])
				copy(cn[r*H:(r+1)*H], cp[r*H:(r+1)*H])
			}
		}
	}
}

// state returns the state after processing time t (its output at t).
func (l *recurrent) state(t int) []float64 {
	i := t
	if l.reverse {
		i = l.steps - 1 - t
	}
	H := l.cell.hid
	return l.hs[(i+1)*l.rows*H : (i+2)*l.rows*H]
}

// final returns the last hidden and cell states (R×H each).
func (l *recurrent) final() (h, c []float64) {
	H, n := l.cell.hid, l.steps*l.rows
	return l.hs[n*H : (n+l.rows)*H], l.cs[n*H : (n+l.rows)*H]
}

// backward takes dout(t, dst) that adds the gradient of the output at time t
// (R×H) to dst, and the gradients of the final states; it accumulates the
// parameter gradients (addInputGrad then gives the input's).
func (l *recurrent) backward(lens []int, dout func(t int, dst []float64), dhFinal, dcFinal []float64) {
	c := l.cell
	H, W, rows, steps := c.hid, c.width(), l.rows, l.steps
	n := steps * rows
	l.dax = grow(l.dax, n*W)
	l.dah = grow(l.dah, n*W)
	l.dh = grow(l.dh, rows*H)
	l.dc = grow(l.dc, rows*H)
	l.dp = grow(l.dp, rows*H)
	l.dq = grow(l.dq, rows*H)
	copy(l.dh, dhFinal)
	copy(l.dc, dcFinal)
	for i := steps - 1; i >= 0; i-- {
		t := l.time(i)
		dout(t, l.dh)
		dax, dah := l.dax[t*rows*W:(t+1)*rows*W], l.dah[i*rows*W:(i+1)*rows*W]
		c.backward(rows, l.dh, l.dc, l.act[i*rows*W:(i+1)*rows*W], l.aux[i*rows*H:(i+1)*rows*H],
			l.hs[i*rows*H:(i+1)*rows*H], l.cs[i*rows*H:(i+1)*rows*H], dax, dah, l.dp, l.dq)
		for r := range rows {
			if t >= lens[r] { // carried: the gradient passes straight through
				clear(dax[r*W : (r+1)*W])
				clear(dah[r*W : (r+1)*W])
				copy(l.dp[r*H:(r+1)*H], l.dh[r*H:(r+1)*H])
				copy(l.dq[r*H:(r+1)*H], l.dc[r*H:(r+1)*H])
			}
		}
		kernel.GemmNN(rows, H, W, dah, c.wh.W, 1, l.dp)
		l.dh, l.dp = l.dp, l.dh
		l.dc, l.dq = l.dq, l.dc
	}
	kernel.GemmTN(W, H, n, l.dah, l.hs[:n*H], c.wh.G)
	kernel.GemmTN(W, c.in, n, l.dax, l.x, c.wx.G)
	kernel.SumRows(c.bx.G, l.dax)
	kernel.SumRows(c.bh.G, l.dah)
}

// addInputGrad adds the gradient of the last backward's input to dx
// (T×R×in).
func (l *recurrent) addInputGrad(dx []float64) {
	n := l.steps * l.rows
	kernel.GemmNN(n, l.cell.in, l.cell.width(), l.dax, l.cell.wx.W, 1, dx)
}
