package seq2seq

import "slices"

// compaction is what greedy decoding keeps to drop the rows of finished
// examples (decoder.compact).
type compaction struct {
	ids, old []int // current example i is example ids[i]; old: ids before compaction
	lens     []int // R: attention spans of the current rows when compacting
}

// compact keeps, before step t, only the rows of the active unfinished
// examples, in order: their input at t, state and memory move to the layout
// of the smaller batch. Rows are computed independently, so this changes
// none of their results.
func (d *decoder) compact(t int) {
	B, K, R, Hd, T := d.run.B, d.run.K, d.R, d.Hd, d.tmax
	d.old = append(d.old[:0], d.ids[:B]...)
	nB := 0
	for i := range B {
		if !d.done[d.ids[i]] {
			d.ids[nB] = d.ids[i]
			nB++
		}
	}
	nR := nB * K
	M := (T + 2) * Hd
	yin := d.yin[t*R : (t+1)*R]
	hs, cs := d.hs[t*R*Hd:(t+1)*R*Hd], d.cs[t*R*Hd:(t+1)*R*Hd]
	dst := 0
	for k := range K {
		for i := range B {
			src := k*B + i
			if d.done[d.old[i]] {
				continue
			}
			d.yin[t*nR+dst] = yin[src]
			copy(d.hs[(t*nR+dst)*Hd:(t*nR+dst+1)*Hd], hs[src*Hd:(src+1)*Hd])
			copy(d.cs[(t*nR+dst)*Hd:(t*nR+dst+1)*Hd], cs[src*Hd:(src+1)*Hd])
			copy(d.mem[dst*M:(dst+1)*M], d.mem[src*M:(src+1)*M])
			d.lens[dst] = d.lens[src]
			dst++
		}
	}
	d.run.B, d.R = nB, nR
	d.run.lens = d.lens[:nR]
}

// perm returns g_k·v.
func (d *decoder) perm(k, v int) int {
	if d.run.perms == nil {
		return v
	}
	return d.run.perms[k][v]
}

// combined returns q_b at step t of the current example i (valid until the
// next call).
func (d *decoder) combined(t, i int) []float64 {
	B, K, V, R := d.run.B, d.run.K, d.V, d.R
	w := d.run.weights
	if d.run.perms == nil && K == 1 && w == nil {
		return d.logp[(t*R+i)*V : (t*R+i+1)*V]
	}
	q := d.q
	terms := d.terms[:K]
	B0, b := len(d.done), d.ids[i] // w is laid out over all B0 examples
	for v := range q {
		for k := range K {
			terms[k] = d.logp[(t*R+k*B+i)*V+d.perm(k, v)]
			if w != nil {
				terms[k] *= w[k*B0+b]
			}
		}
		// Summing in sorted order makes q independent of the order of the
		// copies, so M_G(h·x) = h·M_G(x) holds exactly in floating point
		// (with weights, when they are equivariant too: the weight of copy
		// k of h·x is that of the copy g_k·h of x).
		slices.Sort(terms)
		var s float64
		for _, x := range terms {
			s += x
		}
		if w == nil {
			s /= float64(K)
		}
		q[v] = s
	}
	return q
}
