package seq2seq

// A tie makes a big parameter a gather of a small one,
//
//	big.W[i] = small.W[idx[i]]   (0 where idx[i] < 0, a structural zero),
//
// so that a layer with tied weights is the ordinary layer run by the fused
// kernels on big, while the learnable tensor is small. The gradient is the
// adjoint scatter-add: small.G[idx[i]] += big.G[i].
//
// A tied model (NewEquivariant) has one tie per tensor of the plain model
// it is built on. Its Params (what Adam, checkpoints and gradient checks
// see) are the small tensors; the kernels keep reading the big ones, which
// are refreshed from the small ones at the start of every forward pass
// (Model.encode and the graph's fused ops), so they are never stale after
// an optimizer step or a restore.
type tie struct {
	big, small *Param
	idx        []int32
	runs       []tieRun // idx as runs of consecutive indices
}

// tieRun is big.W[big+i] = small.W[small+i] for i < n (small < 0: zeros).
type tieRun struct{ big, small, n int32 }

// compile splits idx into runs, so that gathers and scatters are copies
// and vector additions (a group convolution's runs are K channels long).
func (t *tie) compile() {
	t.runs = t.runs[:0]
	for i := 0; i < len(t.idx); {
		j := i + 1
		for j < len(t.idx) && ((t.idx[i] < 0 && t.idx[j] < 0) || (t.idx[i] >= 0 && t.idx[j] == t.idx[i]+int32(j-i))) {
			j++
		}
		t.runs = append(t.runs, tieRun{big: int32(i), small: t.idx[i], n: int32(j - i)})
		i = j
	}
}

// forward gathers small into big.
func (t *tie) forward() {
	w, s := t.big.W, t.small.W
	for _, r := range t.runs {
		dst := w[r.big : r.big+r.n]
		if r.small < 0 {
			clear(dst)
		} else {
			copy(dst, s[r.small:r.small+r.n])
		}
	}
}

// backward adds big.G, scattered, to small.G.
func (t *tie) backward() {
	g, s := t.big.G, t.small.G
	for _, r := range t.runs {
		if r.small < 0 {
			continue
		}
		src, dst := g[r.big:r.big+r.n], s[r.small:r.small+r.n]
		for i, v := range src {
			dst[i] += v
		}
	}
}

// tied reports whether m's parameters are gathered from smaller ones.
func (m *Model) tied() bool { return m.ties != nil }

// sources returns the learnable tensors behind the kernel tensors ps: the
// small tensor of each tied one, ps itself for a plain model.
func (m *Model) sources(ps []*Param) []*Param {
	if !m.tied() {
		return ps
	}
	out := make([]*Param, len(ps))
	for i, p := range ps {
		out[i] = p
		if t := m.ties[p]; t != nil {
			out[i] = t.small
		}
	}
	return out
}

// gather refreshes the tied tensors among ps from their small tensors.
func (m *Model) gather(ps []*Param) {
	for _, p := range ps {
		if t := m.ties[p]; t != nil {
			t.forward()
		}
	}
}

// scatter adds the gradients of the tied tensors among ps to their small
// tensors, after clearing those first if reset. (Every small tensor
// belongs to one tie.)
func (m *Model) scatter(ps []*Param, reset bool) {
	for _, p := range ps {
		if t := m.ties[p]; t != nil {
			if reset {
				clear(t.small.G)
			}
			t.backward()
		}
	}
}

// kernelParams returns the tensors the kernels read, encoder first.
func (m *Model) kernelParams() []*Param {
	return append(m.enc.params(), m.dec.params()...)
}
