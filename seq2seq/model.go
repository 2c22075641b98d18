package seq2seq

import (
	"fmt"
	"math/rand/v2"
)

// Token ids shared with package scan.
const (
	sosID = 0
	eosID = 1
)

// Copies are the K group elements a model is run under: In[k] and Out[k]
// are g_k acting on input and output ids. The zero value is the single
// identity copy, the plain model. Combiner, if set, weighs the copies of
// each example; nil averages them (w = 1/K).
type Copies struct {
	In, Out  [][]int
	Combiner Combiner
}

// K returns the number of copies.
func (c Copies) K() int { return max(1, len(c.In)) }

// Model is the encoder–decoder of the package comment. Its parameters live
// in Params; the Gorgonia graph of a Trainer reads and writes them in place.
//
// A Model is not safe for concurrent use: training (Trainer.Step) and
// decoding (Greedy, Accuracy) both write its buffers, and decoding packs
// its weights (and gathers a tied model's), so one goroutine at a time may
// use it. Greedy itself spreads its chunks over up to GOMAXPROCS
// goroutines, each a twin of the model with buffers of its own reading the
// shared parameters, and keeps the kernel helper thread asleep meanwhile;
// its outputs do not depend on the number of workers. Distinct models may
// be trained and decoded concurrently.
type Model struct {
	Config Config
	enc    *encoder
	dec    *decoder
	params []*Param
	ties   map[*Param]*tie // by big tensor; nil for a plain model (tied.go)

	twins []*Model // decoding workers sharing the parameters (decode.go)

	mem     []float64 // R×(Tmax+2)×D·H encoder memory
	dmem    []float64
	feats   []float64 // R×D·H, the rows' features for a Combiner
	weights []float64 // K×B, its weights
	dw      []float64 // their gradient
	tokens  []int     // R×Tmax
	lens    []int     // R
}

// New returns a model initialised from r like PyTorch's defaults. If
// cfg.Group is set, it returns the G-equivariant model of NewEquivariant
// for the group cfg.Group builds (bound to SCAN's vocabularies).
func New(cfg Config, r *rand.Rand) (*Model, error) {
	if cfg.Group != nil {
		g, err := cfg.Group.Group()
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrConfig, err)
		}
		return NewEquivariant(cfg, g, r)
	}
	m, err := newPlain(cfg)
	if err != nil {
		return nil, err
	}
	m.enc.init(r)
	m.dec.init(r)
	return m, nil
}

// newPlain returns the uninitialised plain model of cfg.
func newPlain(cfg Config) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m := &Model{Config: cfg, enc: newEncoder(cfg), dec: newDecoder(cfg)}
	m.params = m.kernelParams()
	return m, nil
}

// Params returns the learnable tensors in a fixed order. For a tied model
// (NewEquivariant) these are the small tensors the layers are gathered from.
func (m *Model) Params() []*Param { return m.params }

// ZeroGrad clears every gradient.
func (m *Model) ZeroGrad() {
	for _, p := range m.params {
		clear(p.G)
	}
	if m.tied() {
		for _, p := range m.kernelParams() {
			clear(p.G)
		}
	}
}

// memSize returns the length of the memory of R rows.
func (m *Model) memSize(rows int) int {
	return rows * (m.Config.MaxInput + 2) * m.enc.width()
}

// setInputs writes the K copies of the commands ins (ids ending in EOS) into
// the encoder's token rows.
func (m *Model) setInputs(ins [][]int, cp Copies) error {
	B, K, T := len(ins), cp.K(), m.Config.MaxInput
	R := B * K
	m.tokens = growInt(m.tokens, R*T)
	m.lens = growInt(m.lens, R)
	for b, in := range ins {
		if len(in) > T {
			return fmt.Errorf("seq2seq: command of %d tokens exceeds MaxInput %d", len(in), T)
		}
		for k := range K {
			r := k*B + b
			m.lens[r] = len(in)
			row := m.tokens[r*T : (r+1)*T]
			for t, w := range in {
				if w < 0 || w >= m.Config.InVocab {
					return fmt.Errorf("seq2seq: input id %d outside vocabulary of %d", w, m.Config.InVocab)
				}
				if cp.In != nil {
					w = cp.In[k][w]
				}
				row[t] = w
			}
			clear(row[len(in):])
		}
	}
	return nil
}

// encode runs the encoder over the rows set by setInputs, after refreshing
// tied tensors (those of the decoder too, which runs next).
func (m *Model) encode(rows int) {
	if m.tied() {
		m.gather(m.kernelParams())
	}
	m.mem = grow(m.mem, m.memSize(rows))
	m.enc.forward(rows, m.tokens, m.lens, m.mem)
}

// lossForward runs the model on a batch and returns (1/B) Σ_b Σ_t −q_b(y_t).
func (m *Model) lossForward(ins, outs [][]int, teacher []bool, cp Copies, rng *rand.Rand) (float64, error) {
	if err := m.setInputs(ins, cp); err != nil {
		return 0, err
	}
	for _, y := range outs {
		for _, v := range y {
			if v < 0 || v >= m.Config.OutVocab {
				return 0, fmt.Errorf("seq2seq: output id %d outside vocabulary of %d", v, m.Config.OutVocab)
			}
		}
	}
	R := len(ins) * cp.K()
	m.encode(R)
	return m.lossOf(ins, outs, teacher, cp, m.combinerWeights(cp, len(ins)), rng), nil
}

// lossOf runs the decoder of lossForward, on the memory of its encoder, with
// the copies' weights w (nil: uniform).
func (m *Model) lossOf(ins, outs [][]int, teacher []bool, cp Copies, w []float64, rng *rand.Rand) float64 {
	steps := 0
	for _, y := range outs {
		steps = max(steps, len(y))
	}
	R := len(ins) * cp.K()
	return m.dec.train(m.mem, decodeSpec{B: len(ins), K: cp.K(), perms: cp.Out, lens: m.lens[:R],
		targets: outs, teacher: teacher, weights: w, maxSteps: steps, rng: rng})
}

// lossBackward adds scale × the gradient of the last lossForward to every
// parameter's G, and writes the gradient of its weights, if it had any,
// into m.dw.
func (m *Model) lossBackward(scale float64) {
	R := m.dec.R
	m.dmem = grow(m.dmem, m.memSize(R))
	m.dw = grow(m.dw, R)
	clear(m.dmem)
	if m.tied() {
		for _, p := range m.kernelParams() {
			clear(p.G)
		}
	}
	m.dec.backward(scale, m.dmem, m.dw)
	m.enc.backward(m.dmem)
	m.scatter(m.kernelParams(), false)
}
