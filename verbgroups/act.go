package verbgroups

// ActIn sets dst to g·src for a sequence src of input ids:
// dst[k] = e.In[src[k]]. dst may be src itself (in place) but must not
// otherwise overlap it. It does not allocate, and panics if
// len(dst) != len(src) or an id is out of range.
func (e Element) ActIn(dst, src []int) { act(e.In, dst, src) }

// ActOut sets dst to g·src for a sequence src of output ids:
// dst[k] = e.Out[src[k]]. dst may be src itself (in place) but must not
// otherwise overlap it. It does not allocate, and panics if
// len(dst) != len(src) or an id is out of range.
func (e Element) ActOut(dst, src []int) { act(e.Out, dst, src) }

func act(p, dst, src []int) {
	if len(dst) != len(src) {
		panic("verbgroups: length mismatch")
	}
	for k, id := range src {
		dst[k] = p[id]
	}
}

// PermuteScores sets dst to g·src, where src is a row-major matrix of scores
// (logits, probabilities or log-probabilities) with V = len(e.Out) columns,
// one per output id:
//
//	dst[r*V + e.Out[v]] = src[r*V + v]
//
// for every row r and output id v. For a distribution p over output tokens
// this is (g·p)(g·v) = p(v). The equi-tuned model averages g⁻¹·M(g·x), so it
// calls PermuteScores on the element returned by Group.Inverse.
//
// dst may be src itself (the rows are permuted in place by following the
// cycles of e.Out) but must not otherwise overlap it. PermuteScores does not
// allocate. It panics if V != len(e.Out), len(src) is not a multiple of V,
// or len(dst) != len(src).
func (e Element) PermuteScores(dst, src []float64, V int) {
	p := e.Out
	if V != len(p) || len(src)%V != 0 || len(dst) != len(src) {
		panic("verbgroups: PermuteScores shape mismatch")
	}
	if len(src) == 0 {
		return
	}
	if &dst[0] != &src[0] {
		for r := 0; r < len(src); r += V {
			d, s := dst[r:r+V], src[r:r+V]
			for v, gv := range p {
				d[gv] = s[v]
			}
		}
		return
	}
	for v, gv := range p {
		if gv == v || !leads(p, v) {
			continue
		}
		// Rotate the cycle v → p[v] → p[p[v]] → … → v in every row.
		for r := 0; r < len(src); r += V {
			s := src[r : r+V]
			carry := s[v]
			for u := gv; u != v; u = p[u] {
				s[u], carry = carry, s[u]
			}
			s[v] = carry
		}
	}
}

// leads reports whether v is the smallest id on its cycle of p.
func leads(p []int, v int) bool {
	for u := p[v]; u != v; u = p[u] {
		if u < v {
			return false
		}
	}
	return true
}

// ActWords returns g_i·c for a command c given as words: each word moved by
// g_i is replaced by its image, every other word is kept. It panics if i is
// out of range.
func (g *Group) ActWords(i int, c []string) []string {
	return actTokens(g.words[i], make([]string, len(c)), c)
}

// ActActions returns g_i·a for an action sequence a: each action moved by
// g_i is replaced by its image, every other token is kept. It panics if i is
// out of range.
func (g *Group) ActActions(i int, a []string) []string {
	return actTokens(g.acts[i], make([]string, len(a)), a)
}

func actTokens(m map[string]string, dst, src []string) []string {
	dst = dst[:len(src)]
	for k, t := range src {
		if u, ok := m[t]; ok {
			t = u
		}
		dst[k] = t
	}
	return dst
}
