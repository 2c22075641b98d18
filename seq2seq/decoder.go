package seq2seq

import (
	"math"
	"math/rand/v2"
	"slices"
)

// decoder is the attention decoder. With previous output y, previous state
// h (and c) and the encoder keys o_1…o_L of its row, one step is
//
//	e = dropout(E_out[y])
//	α = softmax_j(h · o_j),  ctx = Σ_j α_j o_j      (unscaled dot product)
//	u = ReLU(W_c [e; ctx] + b_c)                   (u = ReLU(W_c e + b_c) without attention)
//	h', c' = cell(u, h, c)
//	log p = log softmax(W_o h' + b_o)
//
// A decoding runs K copies of every example as one batch of R = K·B rows
// (row k·B + b is copy k of example b). Copy k reads g_k·x and g_k·y and its
// output is read back through g_k⁻¹, so the combined score of example b is
//
//	q_b(v) = (1/K) Σ_k log p_{k,b}(g_k·v)
//
// K = 1 with g = e is the plain model; K = |G| is the equi-tuned model M_G.
// The prediction is argmax q_b, the loss −Σ_t q_b(y_t).
type decoder struct {
	emb, wc, bc, wo, bo *Param
	cell                *cell
	E, Hd, V, tmax      int
	attention           bool
	dropout             float64

	run   decodeSpec
	R, S  int
	mem   []float64
	yin   []int     // S×R inputs
	mask  []float64 // S×R×E dropout multipliers
	cat   []float64 // S×R×C, C = E (+ Hd with attention)
	attn  []float64 // S×R×Tmax attention weights
	upre  []float64 // S×R×Hd
	u     []float64 // S×R×Hd
	ax    []float64 // S×R×W
	ah    []float64 // S×R×W
	act   []float64 // S×R×W
	aux   []float64 // S×R×Hd
	hs    []float64 // (S+1)×R×Hd
	cs    []float64 // (S+1)×R×Hd
	logp  []float64 // S×R×V
	wgt   []float64 // S×B: 1 where step t of example b is scored
	q     []float64 // V
	terms []float64 // K
	seqs  []float64 // B: Σ_t −q_b(y_t)
	pred  [][]int   // B predictions (argmax q), up to the stop

	ended   []bool    // K×B: copy k of example b has emitted its own EOS (Independent)
	own     [][]int   // R: equizero's per-copy outputs, read back by g_k⁻¹
	entropy []float64 // R: equizero's summed entropies
	ownDone []bool    // R
	inv     [][]int   // K inverse permutations

	dlog, dax, dah, dupre, dcat []float64
	dH, dC, dP, dQ, du          []float64
	da                          []float64 // Tmax scratch

	on       []bool   // S×R: row r is computed at step t (its example is unfinished)
	spans    [][2]int // runs [lo, hi) of computed rows at one step
	done     []bool   // B: example finished
	ids, old []int    // current example i is example ids[i]; old: ids before compaction
	lens     []int    // R: attention spans of the current rows when compacting
}

// decodeSpec says what one decoder run does.
type decodeSpec struct {
	B, K     int
	perms    [][]int    // K permutations of output ids (g_k); nil for K = 1, g = e
	lens     []int      // R encoder lengths (attention span of each row)
	targets  [][]int    // B targets ending in EOS; nil when only decoding
	teacher  []bool     // B: feed the target (true) or the prediction
	maxSteps int        // at most this many steps
	mode     Mode       // how copies are fed and combined without targets
	rng      *rand.Rand // dropout; nil turns dropout off
}

func newDecoder(cfg Config) *decoder {
	hd := cfg.Hidden * cfg.directions()
	c := cfg.decoderEmbed()
	if !cfg.NoAttention {
		c += hd
	}
	return &decoder{
		emb: newParam("dec.emb", cfg.OutVocab, cfg.decoderEmbed()),
		wc:  newParam("dec.Wc", hd, c), bc: newParam("dec.bc", hd),
		cell: newCell("dec.cell", cfg.Cell, hd, hd),
		wo:   newParam("dec.Wo", cfg.OutVocab, hd), bo: newParam("dec.bo", cfg.OutVocab),
		E: cfg.decoderEmbed(), Hd: hd, V: cfg.OutVocab, tmax: cfg.MaxInput,
		attention: !cfg.NoAttention, dropout: cfg.Dropout,
	}
}

func (d *decoder) params() []*Param {
	return append([]*Param{d.emb, d.wc, d.bc}, append(d.cell.params(), d.wo, d.bo)...)
}

func (d *decoder) init(r *rand.Rand) {
	d.emb.normal(r)
	a := invSqrt(d.wc.Shape[1])
	d.wc.uniform(r, a)
	d.bc.uniform(r, a)
	d.cell.init(r)
	a = invSqrt(d.Hd)
	d.wo.uniform(r, a)
	d.bo.uniform(r, a)
}

func (d *decoder) catWidth() int { return d.wc.Shape[1] }

// forward runs the decoder on the memory written by the encoder and returns
// (1/B) Σ_b Σ_t −q_b(y_t) (zero without targets).
func (d *decoder) forward(mem []float64, spec decodeSpec) float64 {
	d.run, d.mem = spec, mem
	B, K := spec.B, spec.K
	R := B * K
	d.R = R
	E, Hd, V, W, C, S := d.E, d.Hd, d.V, d.cell.width(), d.catWidth(), spec.maxSteps
	// Training keeps every step for the backward pass. Decoding alone
	// keeps one: its buffers stay in cache, and after each step the new
	// state and inputs move to slot 0 for the next.
	train := spec.targets != nil
	S, steps := 1, S
	if train {
		S = steps
	}
	d.yin = growInt(d.yin, (S+1)*R)
	d.mask = grow(d.mask, S*R*E)
	d.cat = grow(d.cat, S*R*C)
	d.attn = grow(d.attn, S*R*d.tmax)
	d.upre = grow(d.upre, S*R*Hd)
	d.u = grow(d.u, S*R*Hd)
	d.ax = grow(d.ax, S*R*W)
	d.ah = grow(d.ah, S*R*W)
	d.act = grow(d.act, S*R*W)
	d.aux = grow(d.aux, S*R*Hd)
	d.hs = grow(d.hs, (S+1)*R*Hd)
	d.cs = grow(d.cs, (S+1)*R*Hd)
	d.logp = grow(d.logp, S*R*V)
	d.wgt = grow(d.wgt, S*B)
	if cap(d.on) < S*R {
		d.on = make([]bool, S*R)
	}
	d.on = d.on[:S*R]
	clear(d.wgt)
	d.q = grow(d.q, V)
	d.terms = grow(d.terms, K)
	d.seqs = grow(d.seqs, B)
	clear(d.seqs)
	if cap(d.pred) < B {
		d.pred = make([][]int, B)
	}
	d.pred = d.pred[:B]
	active := 0
	for b := range B {
		d.pred[b] = d.pred[b][:0]
		active++
	}
	for r := range R {
		m := r * (d.tmax + 2) * Hd
		copy(d.hs[r*Hd:(r+1)*Hd], mem[m+d.tmax*Hd:m+(d.tmax+1)*Hd])
		copy(d.cs[r*Hd:(r+1)*Hd], mem[m+(d.tmax+1)*Hd:m+(d.tmax+2)*Hd])
		d.yin[r] = sosID
	}
	d.done = d.done[:0]
	for range B {
		d.done = append(d.done, false)
	}
	done := d.done
	if spec.mode == Equizero && spec.targets == nil {
		d.startEquizero()
	}
	independent := spec.mode == Independent && spec.targets == nil
	if independent {
		d.startIndependent()
	}
	// Greedy decoding (no targets, no backward) drops the rows of finished
	// examples: example ids[i] is then example i of the B current ones.
	compact := spec.targets == nil && spec.mode != Equizero
	d.ids = d.ids[:0]
	for b := range B {
		d.ids = append(d.ids, b)
	}
	if compact {
		d.lens = append(d.lens[:0], spec.lens...)
		d.run.lens = d.lens
	}
	var loss float64
	t := 0
	for ; t < steps && active > 0; t++ {
		tb := 0 // the step's slot in the buffers
		if train {
			tb = t
		}
		if compact && active < B {
			d.compact(tb)
			B, R = d.run.B, d.R
		}
		for r, on := 0, d.on[tb*R:(tb+1)*R]; r < R; r++ {
			// In training, the rows of finished examples idle until the
			// batch ends: nothing reads them and their gradients are zero.
			on[r] = !train || !done[d.ids[r%B]]
		}
		d.step(tb)
		if independent {
			d.independentStep(tb)
		}
		next := d.yin[(tb+1)*R : (tb+2)*R]
		for r := range next {
			next[r] = eosID
		}
		for i := range B {
			b := d.ids[i]
			if done[b] {
				continue
			}
			if spec.mode == Equizero && spec.targets == nil {
				if d.equizeroStep(tb, b) {
					done[b] = true
					active--
				}
				continue
			}
			q := d.combined(tb, i)
			p := argmax(q)
			d.pred[b] = append(d.pred[b], p)
			in := p
			if spec.targets != nil {
				y := spec.targets[b]
				d.wgt[t*B+b] = 1
				d.seqs[b] -= q[y[t]]
				if spec.teacher[b] {
					in = y[t]
				}
				if t+1 >= len(y) {
					done[b] = true
				}
			}
			if p == eosID {
				done[b] = true
			}
			if done[b] {
				active--
			}
			for k := range K {
				if independent {
					r := k*B + i
					next[r] = argmax(d.logp[(tb*R+r)*V : (tb*R+r+1)*V])
				} else {
					next[k*B+i] = d.perm(k, in)
				}
			}
		}
		if !train {
			copy(d.yin[:R], next)
			copy(d.hs[:R*Hd], d.hs[R*Hd:2*R*Hd])
			copy(d.cs[:R*Hd], d.cs[R*Hd:2*R*Hd])
		}
	}
	d.S = t
	if compact {
		d.run.B, d.R = spec.B, spec.B*K
		d.run.lens = spec.lens
	}
	B = spec.B
	if spec.mode == Equizero && spec.targets == nil {
		d.finishEquizero()
	}
	for b := range B {
		loss += d.seqs[b]
	}
	return loss / float64(B)
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

// combined returns q_b at step t (valid until the next call).
func (d *decoder) combined(t, b int) []float64 {
	B, K, V, R := d.run.B, d.run.K, d.V, d.R
	if d.run.perms == nil && K == 1 {
		return d.logp[(t*R+b)*V : (t*R+b+1)*V]
	}
	q := d.q
	terms := d.terms[:K]
	for v := range q {
		for k := range K {
			terms[k] = d.logp[(t*R+k*B+b)*V+d.perm(k, v)]
		}
		// Summing in sorted order makes q independent of the order of the
		// copies, so M_G(h·x) = h·M_G(x) holds exactly in floating point.
		slices.Sort(terms)
		var s float64
		for _, x := range terms {
			s += x
		}
		q[v] = s / float64(K)
	}
	return q
}

func argmax(x []float64) int {
	a := 0
	for i, v := range x {
		if v > x[a] {
			a = i
		}
	}
	return a
}

// step runs step t for the rows computed at t. Every row draws its dropout
// mask, so the random stream does not depend on which rows idle.
func (d *decoder) step(t int) {
	R, E, Hd, C := d.R, d.E, d.Hd, d.catWidth()
	cat := d.cat[t*R*C : (t+1)*R*C]
	mask := d.mask[t*R*E : (t+1)*R*E]
	for r := range R {
		y := d.yin[t*R+r]
		e, m := cat[r*C:r*C+E], mask[r*E:(r+1)*E]
		copy(e, d.emb.W[y*E:(y+1)*E])
		if d.run.rng != nil && d.dropout > 0 {
			keep := 1 / (1 - d.dropout)
			for j := range m {
				m[j] = keep
				if d.run.rng.Float64() < d.dropout {
					m[j] = 0
				}
				e[j] *= m[j]
			}
		} else {
			for j := range m {
				m[j] = 1
			}
		}
	}
	for r, on := range d.on[t*R : (t+1)*R] {
		if !on { // idle rows hold zeros, which the weight gradients multiply by zero
			clear(cat[r*C+E : (r+1)*C])
			clear(d.upre[(t*R+r)*Hd : (t*R+r+1)*Hd])
			clear(d.u[(t*R+r)*Hd : (t*R+r+1)*Hd])
			clear(d.hs[((t+1)*R+r)*Hd : ((t+1)*R+r+1)*Hd])
		}
	}
	for _, sp := range d.spansAt(t) {
		d.stepRows(t, sp[0], sp[1])
	}
}

// spansAt returns the runs [lo, hi) of rows computed at step t.
func (d *decoder) spansAt(t int) [][2]int {
	d.spans = d.spans[:0]
	on := d.on[t*d.R : (t+1)*d.R]
	for r := 0; r < len(on); {
		if !on[r] {
			r++
			continue
		}
		lo := r
		for r < len(on) && on[r] {
			r++
		}
		d.spans = append(d.spans, [2]int{lo, r})
	}
	return d.spans
}

// stepRows runs step t for rows [lo, hi) after their embeddings are in cat.
func (d *decoder) stepRows(t, lo, hi int) {
	R, Hd, V, W, C := d.R, d.Hd, d.V, d.cell.width(), d.catWidth()
	n := hi - lo
	at := func(x []float64, w int) []float64 { return x[(t*R+lo)*w : (t*R+hi)*w] }
	if d.attention {
		hp, cat := d.hs[t*R*Hd:(t+1)*R*Hd], d.cat[t*R*C:(t+1)*R*C]
		split(n, 1, n*Hd*(d.tmax+1)*2, func(a, b int) {
			for r := lo + a; r < lo+b; r++ {
				d.attend(t, r, hp, cat)
			}
		})
	}
	cat, upre, u := at(d.cat, C), at(d.upre, Hd), at(d.u, Hd)
	mulWeights(n, cat, d.wc, d.bc, upre)
	for i, v := range upre {
		u[i] = max(v, 0)
	}
	ax, ah, hp := at(d.ax, W), at(d.ah, W), at(d.hs, Hd)
	mulWeights(n, u, d.cell.wx, d.cell.bx, ax)
	mulWeights(n, hp, d.cell.wh, d.cell.bh, ah)
	h := d.hs[((t+1)*R+lo)*Hd : ((t+1)*R+hi)*Hd]
	cn := d.cs[((t+1)*R+lo)*Hd : ((t+1)*R+hi)*Hd]
	d.cell.forwardRows(n, ax, ah, hp, at(d.cs, Hd), h, cn, at(d.act, W), at(d.aux, Hd))
	lp := at(d.logp, V)
	mulWeights(n, h, d.wo, d.bo, lp)
	split(n, 1, n*V*transcendentalWork, func(a, b int) {
		for r := a; r < b; r++ {
			l := lp[r*V : (r+1)*V]
			logSoftmax(l, l)
		}
	})
}

// attend writes row r's attention weights at step t and its context into cat.
func (d *decoder) attend(t, r int, hp, cat []float64) {
	R, E, Hd, C, T := d.R, d.E, d.Hd, d.catWidth(), d.tmax
	h := hp[r*Hd : (r+1)*Hd]
	mem := d.mem[r*(T+2)*Hd:]
	L := d.run.lens[r]
	a := d.attn[(t*R+r)*T : (t*R+r)*T+L]
	mx := math.Inf(-1)
	for j := range a {
		a[j] = dot(h, mem[j*Hd:(j+1)*Hd])
		mx = max(mx, a[j])
	}
	var s float64
	for j := range a {
		a[j] = math.Exp(a[j] - mx)
		s += a[j]
	}
	ctx := cat[r*C+E : (r+1)*C]
	clear(ctx)
	for j := range a {
		a[j] /= s
		axpy(a[j], mem[j*Hd:(j+1)*Hd], ctx)
	}
}

// backward accumulates the gradients of scale × the last forward's loss into
// the parameters and into dmem.
func (d *decoder) backward(scale float64, dmem []float64) {
	B, K, R, S := d.run.B, d.run.K, d.R, d.S
	Hd, V, W, C, T := d.Hd, d.V, d.cell.width(), d.catWidth(), d.tmax
	lstm := d.cell.kind == LSTM
	d.dlog = grow(d.dlog, S*R*V)
	d.dax = grow(d.dax, S*R*W)
	d.dah = grow(d.dah, S*R*W)
	d.dupre = grow(d.dupre, S*R*Hd)
	d.dcat = grow(d.dcat, R*C)
	d.du = grow(d.du, R*Hd)
	d.da = grow(d.da, T)
	for _, p := range []*[]float64{&d.dH, &d.dC, &d.dP, &d.dQ} {
		*p = grow(*p, R*Hd)
		clear(*p)
	}
	w := scale / float64(B*K)
	for t := S - 1; t >= 0; t-- {
		dlog := d.dlog[t*R*V : (t+1)*R*V]
		clear(dlog)
		for b := range B {
			if d.wgt[t*B+b] == 0 {
				continue
			}
			y := d.run.targets[b][t]
			for k := range K {
				r := k*B + b
				lp, dl := d.logp[(t*R+r)*V:(t*R+r+1)*V], dlog[r*V:(r+1)*V]
				for v, l := range lp {
					dl[v] = w * math.Exp(l)
				}
				dl[d.perm(k, y)] -= w
			}
		}
		for r, on := range d.on[t*R : (t+1)*R] {
			if !on { // zero coefficients in the weight gradients below
				clear(d.dax[(t*R+r)*W : (t*R+r+1)*W])
				clear(d.dah[(t*R+r)*W : (t*R+r+1)*W])
				clear(d.dupre[(t*R+r)*Hd : (t*R+r+1)*Hd])
			}
		}
		for _, sp := range d.spansAt(t) {
			d.backwardRows(t, sp[0], sp[1], dmem)
		}
		d.dH, d.dP = d.dP, d.dH
		d.dC, d.dQ = d.dQ, d.dC
	}
	for r := range R {
		m := dmem[r*(T+2)*Hd:]
		axpy(1, d.dH[r*Hd:(r+1)*Hd], m[T*Hd:(T+1)*Hd])
		if lstm {
			axpy(1, d.dC[r*Hd:(r+1)*Hd], m[(T+1)*Hd:(T+2)*Hd])
		}
	}
	n := S * R
	gemmTN(V, Hd, n, d.dlog[:n*V], d.hs[R*Hd:(S+1)*R*Hd], d.wo.G)
	sumRows(d.bo.G, d.dlog[:n*V])
	gemmTN(W, Hd, n, d.dax[:n*W], d.u[:n*Hd], d.cell.wx.G)
	sumRows(d.cell.bx.G, d.dax[:n*W])
	gemmTN(W, Hd, n, d.dah[:n*W], d.hs[:n*Hd], d.cell.wh.G)
	sumRows(d.cell.bh.G, d.dah[:n*W])
	gemmTN(Hd, C, n, d.dupre[:n*Hd], d.cat[:n*C], d.wc.G)
	sumRows(d.bc.G, d.dupre[:n*Hd])
}

// backwardRows runs the backward pass of step t for rows [lo, hi): from
// dlog and the state gradients dH, dC (R×Hd) to the parameter gradients of
// the step, dmem, and the previous state's gradients in dP, dQ.
func (d *decoder) backwardRows(t, lo, hi int, dmem []float64) {
	R, E, Hd, V, W, C, T := d.R, d.E, d.Hd, d.V, d.cell.width(), d.catWidth(), d.tmax
	n := hi - lo
	at := func(x []float64, w int) []float64 { return x[(t*R+lo)*w : (t*R+hi)*w] }
	rows := func(x []float64, w int) []float64 { return x[lo*w : hi*w] }
	dH, dC, dP, dQ := rows(d.dH, Hd), rows(d.dC, Hd), rows(d.dP, Hd), rows(d.dQ, Hd)
	gemmNN(n, Hd, V, at(d.dlog, V), d.wo.W, 1, dH)
	dax, dah, hp := at(d.dax, W), at(d.dah, W), at(d.hs, Hd)
	d.cell.backward(n, dH, dC, at(d.act, W), at(d.aux, Hd), hp, at(d.cs, Hd), dax, dah, dP, dQ)
	du := rows(d.du, Hd)
	gemmNN(n, Hd, W, dax, d.cell.wx.W, 0, du)
	dupre, upre := at(d.dupre, Hd), at(d.upre, Hd)
	for i, v := range upre {
		if v > 0 {
			dupre[i] = du[i]
		} else {
			dupre[i] = 0
		}
	}
	dcat := rows(d.dcat, C)
	gemmNN(n, C, Hd, dupre, d.wc.W, 0, dcat)
	mask := at(d.mask, E)
	hpAll := d.hs[t*R*Hd : (t+1)*R*Hd]
	for i := range n {
		r := lo + i
		y := d.yin[t*R+r]
		de, g := dcat[i*C:i*C+E], d.emb.G[y*E:(y+1)*E]
		for j, m := range mask[i*E : (i+1)*E] {
			g[j] += de[j] * m
		}
		if !d.attention {
			continue
		}
		dctx := dcat[i*C+E : (i+1)*C]
		h, dh := hpAll[r*Hd:(r+1)*Hd], dP[i*Hd:(i+1)*Hd]
		mem, dm := d.mem[r*(T+2)*Hd:], dmem[r*(T+2)*Hd:]
		a := d.attn[(t*R+r)*T : (t*R+r)*T+d.run.lens[r]]
		var s float64
		da := d.da[:0]
		for j := range a {
			da = append(da, dot(dctx, mem[j*Hd:(j+1)*Hd]))
			s += a[j] * da[j]
		}
		for j, aj := range a {
			oj, doj := mem[j*Hd:(j+1)*Hd], dm[j*Hd:(j+1)*Hd]
			axpy(aj, dctx, doj)
			ds := aj * (da[j] - s)
			axpy(ds, oj, dh)
			axpy(ds, h, doj)
		}
	}
	gemmNN(n, Hd, W, dah, d.cell.wh.W, 1, dP)
}

// Mode says how the copies of an example are fed and read when decoding
// without targets.
type Mode int

const (
	// Shared feeds every copy g_k·ŷ, where ŷ = argmax q is the averaged
	// model's own prediction: the decoder is exactly G-equivariant.
	Shared Mode = iota
	// Independent lets each copy decode greedily on its own until its own
	// EOS and averages the copies' log-probabilities step by step, a copy
	// that has stopped counting as log-probability 0 for every word (the
	// authors' equitune_scan.py, whose copies fill a zeroed buffer of
	// MAX_LENGTH rows; when all have stopped, argmax q is id 0).
	Independent
	// Equizero lets each copy decode on its own and outputs, per example,
	// g*⁻¹·M(g*·x) for the copy g* whose outputs have the lowest mean
	// entropy (Basu et al., NeurIPS 2023).
	Equizero
)

func (d *decoder) startEquizero() {
	R, K := d.R, d.run.K
	if cap(d.own) < R {
		d.own = make([][]int, R)
	}
	d.own = d.own[:R]
	d.entropy = grow(d.entropy, R)
	clear(d.entropy)
	d.ownDone = make([]bool, R)
	for r := range d.own {
		d.own[r] = d.own[r][:0]
	}
	d.inv = make([][]int, K)
	for k := range K {
		d.inv[k] = make([]int, d.V)
		for v := range d.V {
			d.inv[k][d.perm(k, v)] = v
		}
	}
}

// equizeroStep feeds each copy of example b its own prediction and reports
// whether all of them have emitted EOS.
func (d *decoder) equizeroStep(t, b int) bool {
	B, K, R, V := d.run.B, d.run.K, d.R, d.V
	next := d.yin[(t+1)*R : (t+2)*R]
	all := true
	for k := range K {
		r := k*B + b
		lp := d.logp[(t*R+r)*V : (t*R+r+1)*V]
		p := argmax(lp)
		next[r] = p
		if d.ownDone[r] {
			continue
		}
		var h float64
		for _, l := range lp {
			h -= math.Exp(l) * l
		}
		d.entropy[r] += h
		d.own[r] = append(d.own[r], d.inv[k][p])
		d.ownDone[r] = p == eosID
		all = all && d.ownDone[r]
	}
	return all
}

// finishEquizero sets each example's prediction to its least uncertain copy.
func (d *decoder) finishEquizero() {
	B, K := d.run.B, d.run.K
	for b := range B {
		best, bestH := 0, math.Inf(1)
		for k := range K {
			r := k*B + b
			if h := d.entropy[r] / float64(max(1, len(d.own[r]))); h < bestH {
				best, bestH = k, h
			}
		}
		d.pred[b] = append(d.pred[b][:0], d.own[best*B+b]...)
	}
}
