package seq2seq

import (
	"math/rand/v2"

	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
)

// encoder embeds the command and runs one recurrent layer over it in one or
// both directions:
//
//	x_t = E_in[w_t],  →h_t = cell(x_t, →h_{t−1}),  ←h_t = cell(x_t, ←h_{t+1})
//	o_t = [→h_t; ←h_t]  (the attention keys, D·H wide)
//	s_0 = [→h_{L−1}; ←h_0]  (the decoder's initial h, and likewise c)
//
// Its output is the memory tensor read by the decoder: for each row r a
// (Tmax+2)×(D·H) block whose rows 0…Tmax−1 are o_t (zero past the row's
// length), row Tmax is s_0's h and row Tmax+1 its c.
type encoder struct {
	emb  *Param // V_in × E
	dirs []*recurrent
	tmax int

	rows, steps int
	tokens      []int // R×Tmax, padded
	lens        []int
	x, dx       []float64 // T×R×E
}

func newEncoder(cfg Config) *encoder {
	e := &encoder{emb: newParam("enc.emb", cfg.InVocab, cfg.Embed), tmax: cfg.MaxInput}
	names := []string{"enc.fwd", "enc.bwd"}
	for d := range cfg.directions() {
		e.dirs = append(e.dirs, &recurrent{cell: newCell(names[d], cfg.Cell, cfg.Embed, cfg.Hidden), reverse: d == 1})
	}
	return e
}

func (e *encoder) params() []*Param {
	ps := []*Param{e.emb}
	for _, d := range e.dirs {
		ps = append(ps, d.cell.params()...)
	}
	return ps
}

func (e *encoder) init(r *rand.Rand) {
	e.emb.normal(r)
	for _, d := range e.dirs {
		d.cell.init(r)
	}
}

// width returns D·H, the width of a memory row.
func (e *encoder) width() int { return len(e.dirs) * e.dirs[0].cell.hid }

// forward encodes rows of tokens (R×Tmax, padded) with lengths lens into mem
// (R×(Tmax+2)×D·H).
func (e *encoder) forward(rows int, tokens, lens []int, mem []float64) {
	E, Hd := e.emb.Shape[1], e.width()
	e.rows, e.tokens, e.lens = rows, tokens, lens
	e.steps = 0
	for _, l := range lens[:rows] {
		e.steps = max(e.steps, l)
	}
	T := e.steps
	e.x = grow(e.x, T*rows*E)
	for t := range T {
		for r := range rows {
			dst := e.x[(t*rows+r)*E : (t*rows+r+1)*E]
			if t < lens[r] {
				w := tokens[r*e.tmax+t]
				copy(dst, e.emb.W[w*E:(w+1)*E])
			} else {
				clear(dst)
			}
		}
	}
	clear(mem[:rows*(e.tmax+2)*Hd])
	// The directions are independent: they run on two threads when big.
	kernel.Split(len(e.dirs), 1, rows*T*Hd*e.dirs[0].cell.width(), func(lo, hi int) {
		for d := lo; d < hi; d++ {
			e.forwardDir(d, rows, T, lens, mem)
		}
	})
}

// forwardDir runs direction d and writes its part of mem.
func (e *encoder) forwardDir(d, rows, T int, lens []int, mem []float64) {
	l, Hd := e.dirs[d], e.width()
	H := l.cell.hid
	l.forward(rows, T, e.x, lens)
	for t := range T {
		st := l.state(t)
		for r := range rows {
			if t < lens[r] {
				o := (r*(e.tmax+2)+t)*Hd + d*H
				copy(mem[o:o+H], st[r*H:(r+1)*H])
			}
		}
	}
	h, c := l.final()
	for r := range rows {
		o := (r*(e.tmax+2)+e.tmax)*Hd + d*H
		copy(mem[o:o+H], h[r*H:(r+1)*H])
		copy(mem[o+Hd:o+Hd+H], c[r*H:(r+1)*H])
	}
}

// backward accumulates parameter gradients from dmem, the gradient of the
// memory written by the last forward.
func (e *encoder) backward(dmem []float64) {
	E, rows, T := e.emb.Shape[1], e.rows, e.steps
	kernel.Split(len(e.dirs), 1, rows*T*e.width()*e.dirs[0].cell.width(), func(lo, hi int) {
		for d := lo; d < hi; d++ {
			e.backwardDir(d, dmem)
		}
	})
	// The input gradient sums the directions' parts in order.
	e.dx = grow(e.dx, T*rows*E)
	clear(e.dx)
	for _, l := range e.dirs {
		l.addInputGrad(e.dx)
	}
	for t := range T {
		for r := range rows {
			if t < e.lens[r] {
				w := e.tokens[r*e.tmax+t]
				kernel.Axpy(1, e.dx[(t*rows+r)*E:(t*rows+r+1)*E], e.emb.G[w*E:(w+1)*E])
			}
		}
	}
}

// backwardDir runs direction d's backward pass from dmem.
func (e *encoder) backwardDir(d int, dmem []float64) {
	l, Hd, rows := e.dirs[d], e.width(), e.rows
	H := l.cell.hid
	l.dhFinal = grow(l.dhFinal, 2*rows*H)
	dh := l.dhFinal
	for r := range rows {
		o := (r*(e.tmax+2)+e.tmax)*Hd + d*H
		copy(dh[r*H:(r+1)*H], dmem[o:o+H])
		copy(dh[(rows+r)*H:(rows+r+1)*H], dmem[o+Hd:o+Hd+H])
	}
	dout := func(t int, dst []float64) {
		for r := range rows {
			if t < e.lens[r] {
				o := (r*(e.tmax+2)+t)*Hd + d*H
				kernel.Axpy(1, dmem[o:o+H], dst[r*H:(r+1)*H])
			}
		}
	}
	l.backward(e.lens, dout, dh[:rows*H], dh[rows*H:])
}
