package seq2seq

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
)

// CellKind names a recurrent cell: one of CellKinds.
type CellKind string

// The recurrent cells of the reference code, with PyTorch's equations and
// gate orders (rnn.go, gru.go, lstm.go). For input x and previous state h,
// every cell computes its gates from a_x = W_x x + b_x and a_h = W_h h + b_h.
const (
	RNN  CellKind = "rnn"
	GRU  CellKind = "gru"
	LSTM CellKind = "lstm"
)

// cellType is one kind of recurrent cell, registered in cellTypes. W_x
// and W_h have gates H-wide blocks; a_x and a_h (one row each, biases
// included) enter forward, which sets the row's new state.
type cellType struct {
	// kind is the cell's name.
	kind CellKind
	// gates is the number G of H-wide blocks of W_x and W_h.
	gates int
	// carriesC says whether the cell has a c state besides h; a cell
	// without one leaves c unread and unwritten.
	carriesC bool
	// forward computes units [j0, j1) of one row's new state from the row's
	// a_x, a_h and previous state, saving what backward needs in act and
	// aux, and computing σ and tanh a block of unitBlock units at a time
	// (kernel.Exps, kernel.Sigmoids, kernel.Tanhs).
	forward func(H, j0, j1 int, r cellRow)
	// backward turns one row's gradients dh and dc with respect to the new
	// state into those with respect to a_x and a_h, and sets dhPrev and
	// dcPrev to the parts of the previous state's gradient that do not pass
	// through W_h.
	backward func(H int, r cellRow, g cellGrad)
}

// cellTypes are the registered cells, in the order CellKinds lists them. A
// new cell is one file with its cellType and one entry here.
var cellTypes = []cellType{rnnCell, gruCell, lstmCell}

// cellRow is one row of a cell's step: all but h and c are read by
// forward, and all but ax, ah, h and c by backward.
type cellRow struct {
	ax, ah       []float64 // G·H: W_x x + b_x and W_h h + b_h
	hPrev, cPrev []float64 // H: the previous state
	act          []float64 // G·H: the gate activations
	aux          []float64 // H: what else the cell keeps for backward
	h, c         []float64 // H: the new state
}

// cellGrad is one row of a cell's backward pass.
type cellGrad struct {
	dh, dc         []float64 // H: gradients with respect to the new state
	dax, dah       []float64 // G·H: set to the gradients with respect to a_x and a_h
	dhPrev, dcPrev []float64 // H: set to the previous state's gradient outside W_h
}

// CellKinds returns the registered cells.
func CellKinds() []CellKind {
	var ks []CellKind
	for _, t := range cellTypes {
		ks = append(ks, t.kind)
	}
	return ks
}

// lookup returns k's cellType, or nil if k is not registered.
func (k CellKind) lookup() *cellType {
	i := slices.IndexFunc(cellTypes, func(t cellType) bool { return t.kind == k })
	if i < 0 {
		return nil
	}
	return &cellTypes[i]
}

// Gates returns how many H-wide blocks W_x and W_h have (1 for an unknown
// cell).
func (k CellKind) Gates() int {
	if t := k.lookup(); t != nil {
		return t.gates
	}
	return 1
}

// Validate reports whether k is a registered cell.
func (k CellKind) Validate() error {
	if k.lookup() != nil {
		return nil
	}
	var valid []string
	for _, v := range CellKinds() {
		valid = append(valid, string(v))
	}
	return fmt.Errorf("seq2seq: unknown cell %q (valid: %s)", string(k), strings.Join(valid, ", "))
}

// cell holds one recurrent cell's parameters: W_x (G·H × in), W_h (G·H × H),
// b_x and b_h (G·H).
type cell struct {
	typ     *cellType
	in, hid int
	wx, wh  *Param
	bx, bh  *Param
}

// newCell returns a cell of a registered kind; it panics on another.
func newCell(name string, kind CellKind, in, hid int) *cell {
	t := kind.lookup()
	if t == nil {
		panic(kind.Validate())
	}
	g := t.gates * hid
	return &cell{typ: t, in: in, hid: hid,
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
func (c *cell) width() int { return c.typ.gates * c.hid }

// forward computes, for each of the rows and the units [j0, j1), the new
// state from ax and ah (rows × G·H, biases included) and the previous state
// (cellType.forward).
func (c *cell) forward(rows, j0, j1 int, ax, ah, hPrev, cPrev, h, cNext, act, aux []float64) {
	H, W := c.hid, c.width()
	for r := range rows {
		c.typ.forward(H, j0, j1, cellRow{ax: ax[r*W : (r+1)*W], ah: ah[r*W : (r+1)*W], act: act[r*W : (r+1)*W],
			aux: aux[r*H : (r+1)*H], hPrev: hPrev[r*H : (r+1)*H], cPrev: cPrev[r*H : (r+1)*H],
			h: h[r*H : (r+1)*H], c: cNext[r*H : (r+1)*H]})
	}
}

// unitBlock is how many units a cell's forward takes at once.
const unitBlock = 32

// backward turns dh (and dc), the gradients with respect to the new state,
// into the gradients with respect to a_x (dax) and a_h (dah), and sets
// dhPrev and dcPrev to the parts of the previous state's gradient that do
// not pass through W_h (cellType.backward).
func (c *cell) backward(rows int, dh, dc, act, aux, hPrev, cPrev, dax, dah, dhPrev, dcPrev []float64) {
	H, W := c.hid, c.width()
	for r := range rows {
		g := cellGrad{dh: dh[r*H : (r+1)*H], dc: dc[r*H : (r+1)*H], dax: dax[r*W : (r+1)*W], dah: dah[r*W : (r+1)*W],
			dhPrev: dhPrev[r*H : (r+1)*H], dcPrev: dcPrev[r*H : (r+1)*H]}
		row := cellRow{act: act[r*W : (r+1)*W], aux: aux[r*H : (r+1)*H], hPrev: hPrev[r*H : (r+1)*H], cPrev: cPrev[r*H : (r+1)*H]}
		c.typ.backward(H, row, g)
	}
}

// transcendentalWork is the cost of one exp or tanh in multiply-adds, for
// deciding when to split a loop of them (see kernel.Split).
const transcendentalWork = 16

// forwardRows is forward over all units, split over two threads when big.
func (c *cell) forwardRows(rows int, ax, ah, hPrev, cPrev, h, cNext, act, aux []float64) {
	work := rows * c.hid * (c.typ.gates + 1) * transcendentalWork
	if !kernel.Splits(work) {
		c.forward(rows, 0, c.hid, ax, ah, hPrev, cPrev, h, cNext, act, aux)
		return
	}
	kernel.Split(c.hid, 4, work, func(lo, hi int) {
		c.forward(rows, lo, hi, ax, ah, hPrev, cPrev, h, cNext, act, aux)
	})
}
