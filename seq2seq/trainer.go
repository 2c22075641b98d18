package seq2seq

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
)

// Trainer runs training steps of a model through its Gorgonia graph: for a
// batch of B examples it chooses teacher forcing per sequence, runs the
// fused forward and backward ops, clips the gradient and updates the
// parameters with Adam.
//
// A Trainer is not safe for concurrent use, and while Step runs it owns its
// Model, Opt, Rand and Copies.Combiner: use one Trainer per goroutine, and
// neither decode its model nor step another Trainer of the same model
// meanwhile. Trainers of distinct models may step at once in different
// goroutines (as the experiments' -jobs 2 does); the helper thread that
// takes half of a lone step's loops (kernel.Split) then stays asleep,
// which changes no result.
type Trainer struct {
	Model   *Model
	Opt     *Adam
	Copies  Copies  // the group the model is trained under (zero: plain model)
	Teacher float64 // probability of teacher forcing a sequence
	Rand    *rand.Rand
	// Mode is how M_G is trained: under Shared and Independent every copy
	// of a sequence without teacher forcing is fed the combined prediction
	// and the loss is that of the combination; under the equizero modes
	// each copy is fed its own, and the loss reported is the best-proxy
	// copy's with the combination's gradient (straight through, see
	// straightState), as the authors' equizero fine-tuning does.
	Mode Mode

	graph  *graph
	rows   int
	params []*Param // the model's and the combiner's
}

// NewTrainer returns a trainer for batches of the given size. A combiner
// of cp (Copies.Combiner) is trained with the model: opt updates the
// model's parameters followed by the combiner's, clipped together.
func NewTrainer(m *Model, opt *Adam, cp Copies, teacher float64, batch int, r *rand.Rand) (*Trainer, error) {
	if batch < 1 {
		return nil, fmt.Errorf("%w: batch size %d, want ≥ 1", ErrConfig, batch)
	}
	var c *combining
	params := m.params
	if cp.Combiner != nil {
		c = newCombining(cp.Combiner, batch, cp.K())
		params = append(slices.Clip(params), cp.Combiner.Params()...)
	}
	g, err := newGraph(m, batch*cp.K(), c)
	if err != nil {
		return nil, err
	}
	return &Trainer{Model: m, Opt: opt, Copies: cp, Teacher: teacher, Rand: r, graph: g, rows: batch * cp.K(),
		params: params}, nil
}

// StepResult reports one training step.
type StepResult struct {
	Loss     float64 // (1/B) Σ_b Σ_t −q_b(y_t), the differentiated loss
	SeqLoss  float64 // (1/B) Σ_b (Σ_t −q_b(y_t)) / |y_b|, the reference's logged loss
	GradNorm float64 // before clipping
}

// Step trains on one batch of commands and targets (ids ending in EOS).
func (t *Trainer) Step(ins, outs [][]int) (StepResult, error) {
	if len(ins) != len(outs) || len(ins)*t.Copies.K() != t.rows {
		return StepResult{}, fmt.Errorf("seq2seq: batch of %d commands and %d targets, trainer built for %d", len(ins), len(outs), t.rows/t.Copies.K())
	}
	defer kernel.Step()()
	st := t.graph.st
	st.ins, st.outs, st.copies, st.mode, st.rng = ins, outs, t.Copies, t.Mode, t.Rand
	st.teacher = st.teacher[:0]
	for range ins {
		st.teacher = append(st.teacher, t.Rand.Float64() < t.Teacher)
	}
	// The update runs on the tape (lastOp), on the thread that computed
	// the gradients.
	var norm float64
	t.graph.last = func() { norm = t.Opt.Update(t.params) }
	defer func() { t.graph.last = nil }()
	loss, err := t.graph.run()
	if err != nil {
		return StepResult{}, err
	}
	var seq float64
	for b, y := range outs {
		seq += t.Model.dec.seqs[b] / float64(len(y))
	}
	return StepResult{Loss: loss, SeqLoss: seq / float64(len(ins)), GradNorm: norm}, nil
}
