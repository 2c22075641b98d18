package seq2seq

import (
	"math/rand/v2"
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
//	q_b(v) = Σ_k w_{b,k} log p_{k,b}(g_k·v)
//
// with the copies' weights w of the run (decodeSpec.weights), uniform
// w_{b,k} = 1/K by default. K = 1 with g = e is the plain model; K = |G|
// with uniform weights is the equi-tuned model M_G. The prediction is
// argmax q_b, the loss −Σ_t q_b(y_t).
//
// Training (train) and greedy decoding (decode) are separate paths over
// the same step (decoder_step.go); a decoding mode is a decoding value
// (decoding.go) whose start, step and finish hooks the decoding loop calls.
// The decoder's state is grouped by concern: the forward buffers below
// (every step's activations, kept for the backward pass when training),
// the gradients of the backward pass (decoderGrads, decoder_backward.go),
// the rows of a greedy decoding (compaction, decoder_greedy.go), the
// per-copy decoding of Independent and Equizero (independentState,
// equizeroState), and the equizero modes' training (straightState).
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

	on    []bool   // S×R: row r is computed at step t (its example is unfinished)
	spans [][2]int // runs [lo, hi) of computed rows at one step
	done  []bool   // B: example finished

	compaction
	independentState
	equizeroState
	straightState
	decoderGrads
}

// decodeSpec says what one decoder run does.
type decodeSpec struct {
	B, K     int
	perms    [][]int    // K permutations of output ids (g_k); nil for K = 1, g = e
	lens     []int      // R encoder lengths (attention span of each row)
	targets  [][]int    // B targets ending in EOS; nil when only decoding
	stopAt   [][]int    // decoding only: B references ending in EOS; an example stops once it cannot match its reference (greedy)
	teacher  []bool     // B: feed the target (true) or the prediction
	weights  []float64  // K×B: weights[k·B+b] = w_{b,k}; nil for uniform 1/K
	maxSteps int        // at most this many steps
	mode     Mode       // how copies are fed and combined without targets, and in training (straightState)
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

// begin sets up a run of spec on mem with S step slots: the buffers, every
// row's initial state (read from mem), its SOS input, and every example
// unfinished, with example ids[i] = i.
func (d *decoder) begin(mem []float64, spec decodeSpec, S int) {
	d.run, d.mem = spec, mem
	B, K := spec.B, spec.K
	R := B * K
	d.R = R
	E, Hd, V, W, C := d.E, d.Hd, d.V, d.cell.width(), d.catWidth()
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
	clear(d.wgt)
	if cap(d.on) < S*R {
		d.on = make([]bool, S*R)
	}
	d.on = d.on[:S*R]
	d.q = grow(d.q, V)
	d.terms = grow(d.terms, K)
	d.seqs = grow(d.seqs, B)
	clear(d.seqs)
	if cap(d.pred) < B {
		d.pred = make([][]int, B)
	}
	d.pred = d.pred[:B]
	for b := range B {
		d.pred[b] = d.pred[b][:0]
	}
	for r := range R {
		m := r * (d.tmax + 2) * Hd
		copy(d.hs[r*Hd:(r+1)*Hd], mem[m+d.tmax*Hd:m+(d.tmax+1)*Hd])
		copy(d.cs[r*Hd:(r+1)*Hd], mem[m+(d.tmax+1)*Hd:m+(d.tmax+2)*Hd])
		d.yin[r] = sosID
	}
	d.done = d.done[:0]
	d.ids = d.ids[:0]
	for b := range B {
		d.done = append(d.done, false)
		d.ids = append(d.ids, b)
	}
}

// train runs the decoder on the memory written by the encoder, teacher
// forcing the examples of spec.teacher and feeding the others the
// prediction argmax q_b, and returns the loss (1/B) Σ_b Σ_t −q_b(y_t).
// It keeps every step for the backward pass. In an equizero mode the copies
// not teacher forced are fed their own predictions and the loss is that of
// the best-proxy copy (straightState).
func (d *decoder) train(mem []float64, spec decodeSpec) float64 {
	d.begin(mem, spec, spec.maxSteps)
	straight := spec.mode.equizero()
	if straight {
		d.startStraight()
	}
	active, t := spec.B, 0
	for ; t < spec.maxSteps && active > 0; t++ {
		R := d.R
		on := d.on[t*R : (t+1)*R]
		for r := range on {
			// The rows of finished examples idle until the batch ends:
			// nothing reads them and their gradients are zero. So do the
			// copies that have ended on their own (straight), which read
			// log p = 0.
			on[r] = !d.done[r%spec.B] && !(straight && d.ended[r])
		}
		d.step(t)
		if straight {
			for r, on := range d.on[t*R : (t+1)*R] {
				if !on {
					clear(d.logp[(t*R+r)*d.V : (t*R+r+1)*d.V])
				}
			}
		}
		active -= d.score(t, straight)
	}
	d.S = t
	if straight {
		d.finishStraight()
	}
	var loss float64
	for b := range spec.B {
		loss += d.seqs[b]
	}
	return loss / float64(spec.B)
}

// score adds the loss of training step t, chooses the inputs of step t+1,
// and returns how many examples finished at t: at their target's end, or,
// not teacher forced, at EOS (straight: when all their copies have emitted
// their own EOS).
func (d *decoder) score(t int, straight bool) int {
	B, K, R := d.run.B, d.run.K, d.R
	next := d.yin[(t+1)*R : (t+2)*R]
	for r := range next {
		next[r] = eosID
	}
	finished := 0
	for b := range B {
		if d.done[b] {
			continue
		}
		q := d.combined(t, b)
		p := argmax(q)
		d.pred[b] = append(d.pred[b], p)
		y := d.run.targets[b]
		d.wgt[t*B+b] = 1
		d.seqs[b] -= q[y[t]]
		if straight {
			d.straightStep(t, b, y[t])
		}
		in := p
		if d.run.teacher[b] {
			in = y[t]
		}
		done := t+1 >= len(y)
		own := straight && !d.run.teacher[b]
		if own {
			done = d.ownStep(t, b, next) || done
		} else {
			done = p == eosID || done
			for k := range K {
				next[k*B+b] = d.perm(k, in)
			}
		}
		if done {
			d.done[b] = true
			finished++
		}
	}
	return finished
}

// decode decodes greedily, without targets, in the run's mode (see Mode
// and decoding), at most spec.maxSteps steps. It keeps one step slot: its
// buffers stay in cache, and after each step the new state and inputs
// move to slot 0 for the next. The outputs are in d.pred.
func (d *decoder) decode(mem []float64, spec decodeSpec) {
	d.begin(mem, spec, 1)
	mode := decodingOf(spec.mode)
	mode.start(d)
	// In a mode that compacts, the rows of finished examples are dropped:
	// example ids[i] is then example i of the B current ones.
	compact := mode.compacts()
	if compact {
		d.lens = append(d.lens[:0], spec.lens...)
		d.run.lens = d.lens
	}
	active, t := spec.B, 0
	for ; t < spec.maxSteps && active > 0; t++ {
		if compact && active < d.run.B {
			d.compact(0)
		}
		R, Hd := d.R, d.Hd
		on := d.on[:R]
		for r := range on {
			on[r] = true
		}
		d.step(0)
		next := d.yin[R : 2*R]
		for r := range next {
			next[r] = eosID
		}
		active -= mode.step(d, t, next)
		copy(d.yin[:R], next)
		copy(d.hs[:R*Hd], d.hs[R*Hd:2*R*Hd])
		copy(d.cs[:R*Hd], d.cs[R*Hd:2*R*Hd])
	}
	d.S = t
	if compact {
		d.run.B, d.R = spec.B, spec.B*spec.K
		d.run.lens = spec.lens
	}
	mode.finish(d)
}

// argmax returns the index of the first largest entry of x.
func argmax(x []float64) int {
	a := 0
	for i, v := range x {
		if v > x[a] {
			a = i
		}
	}
	return a
}
