package seq2seq

// independentState is the per-copy stopping of Independent decoding.
type independentState struct {
	ended []bool // K×B: copy k of example b has emitted its own EOS (Independent)
}

// startIndependent marks every copy of every example as running.
func (d *decoder) startIndependent() {
	n := d.run.K * d.run.B
	if cap(d.ended) < n {
		d.ended = make([]bool, n)
	}
	d.ended = d.ended[:n]
	clear(d.ended)
}

// independentStep applies Independent's stopping rule to the log-probabilities
// of step t: a copy whose own argmax was EOS at an earlier step has stopped,
// and its row reads log p = 0 for every word from then on.
func (d *decoder) independentStep(t int) {
	B, K, R, V, B0 := d.run.B, d.run.K, d.R, d.V, len(d.done)
	for i := range B {
		b := d.ids[i]
		if d.done[b] {
			continue
		}
		for k := range K {
			row := d.logp[(t*R+k*B+i)*V : (t*R+k*B+i+1)*V]
			switch {
			case d.ended[k*B0+b]:
				clear(row)
			case argmax(row) == eosID:
				d.ended[k*B0+b] = true
			}
		}
	}
}

// independentDecoding is Independent: each copy is fed its own argmax, and
// a copy that has emitted its own EOS reads log p = 0 (independentStep).
type independentDecoding struct{}

func (independentDecoding) start(d *decoder) { d.startIndependent() }
func (independentDecoding) finish(*decoder)  {}
func (independentDecoding) compacts() bool   { return true }

func (independentDecoding) step(d *decoder, t int, next []int) int {
	d.independentStep(0)
	V := d.V
	return d.predictEach(t, func(k, i, _ int) int {
		r := k*d.run.B + i
		return argmax(d.logp[r*V : (r+1)*V])
	}, next)
}
