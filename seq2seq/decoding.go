package seq2seq

// decoding is how a Mode decodes without targets (decoder.decode): a small
// value whose hooks the decoding loop calls.
//
//   - start prepares the mode's state once the run is set up (decoder.begin).
//   - step reads the log-probabilities of step t (in slot 0), appends to the
//     predictions, writes the inputs of step t+1 into next (preset to EOS),
//     marks the examples that finished at t done and returns how many did.
//   - finish writes the final predictions, if the mode chooses them at the
//     end.
//
// A mode compacts when finished examples can be dropped from the batch
// (decoder.compact): the example of current row i·… is then ids[i].
type decoding interface {
	start(d *decoder)
	step(d *decoder, t int, next []int) int
	finish(d *decoder)
	compacts() bool
}

var (
	_ decoding = sharedDecoding{}
	_ decoding = independentDecoding{}
	_ decoding = equizeroDecoding{}
)

// decodingOf returns the decoding of mode m.
func decodingOf(m Mode) decoding {
	switch m {
	case Independent:
		return independentDecoding{}
	case Equizero, EquizeroTop1:
		return equizeroDecoding{}
	}
	return sharedDecoding{}
}

// sharedDecoding is Shared: every copy is fed g_k·ŷ, ŷ = argmax q.
type sharedDecoding struct{}

func (sharedDecoding) start(*decoder)  {}
func (sharedDecoding) finish(*decoder) {}
func (sharedDecoding) compacts() bool  { return true }

func (sharedDecoding) step(d *decoder, t int, next []int) int {
	return d.predictEach(t, func(k, i, p int) int { return d.perm(k, p) }, next)
}

// predictEach appends ŷ = argmax q_b to the prediction of every current
// example i (b = ids[i]) at step t, feeds copy k the input feed(k, i, ŷ),
// and returns how many examples finished: at EOS, or at their first word
// off the reference of run.stopAt.
func (d *decoder) predictEach(t int, feed func(k, i, p int) int, next []int) int {
	B, K := d.run.B, d.run.K
	ref := d.run.stopAt
	finished := 0
	for i := range B {
		b := d.ids[i]
		if d.done[b] {
			continue
		}
		p := argmax(d.combined(0, i))
		d.pred[b] = append(d.pred[b], p)
		if p == eosID || ref != nil && (t >= len(ref[b]) || p != ref[b][t]) {
			d.done[b] = true
			finished++
		}
		for k := range K {
			next[k*B+i] = feed(k, i, p)
		}
	}
	return finished
}
