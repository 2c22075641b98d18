package seq2seq

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/scan-equitune/equitune/scan"
)

// Schedule is a training schedule. The reference pretraining is
// {Iterations: 200000, Batch: 1, LR: 1e-4, Clip: 5, Teacher: 0.5}; its
// fine- and equi-tuning use 10,000 iterations, weight decay 1e-4 and a
// smaller learning rate.
type Schedule struct {
	Iterations  int     // training steps
	Batch       int     // examples per step, sampled with replacement
	LR          float64 // Adam learning rate
	WeightDecay float64 // Adam's coupled L2 weight decay
	Clip        float64 // gradient-norm clipping; 0 turns it off
	Teacher     float64 // probability of teacher forcing a sequence
	EvalEvery   int     // steps between validation evaluations (and at the end)
}

// Validate reports the first invalid field. Every rate must be finite.
func (s Schedule) Validate() error {
	finite := func(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
	switch {
	case s.Iterations < 0:
		return fmt.Errorf("%w: iterations = %d, want ≥ 0", ErrConfig, s.Iterations)
	case s.Batch < 1:
		return fmt.Errorf("%w: batch = %d, want ≥ 1", ErrConfig, s.Batch)
	case !(s.LR > 0) || !finite(s.LR):
		return fmt.Errorf("%w: lr = %g, want finite and > 0", ErrConfig, s.LR)
	case !(s.WeightDecay >= 0) || !finite(s.WeightDecay):
		return fmt.Errorf("%w: weight decay = %g, want finite and ≥ 0", ErrConfig, s.WeightDecay)
	case !(s.Clip >= 0) || !finite(s.Clip):
		return fmt.Errorf("%w: clip = %g, want finite and ≥ 0", ErrConfig, s.Clip)
	case !(s.Teacher >= 0 && s.Teacher <= 1):
		return fmt.Errorf("%w: teacher forcing = %g, want in [0, 1]", ErrConfig, s.Teacher)
	case s.EvalEvery < 1:
		return fmt.Errorf("%w: eval_every = %d, want ≥ 1", ErrConfig, s.EvalEvery)
	}
	return nil
}

// Data are encoded examples, the engine's form of SCAN pairs: example i is
// the command In[i] and its target Out[i], each a sequence of ids ending in
// EOS.
type Data struct {
	In, Out [][]int
}

// Encode encodes the pairs ps with the input and output vocabularies
// (scan.InputVocab and scan.OutputVocab for the models of this package),
// in the order of ps, or returns an error naming the first pair holding an
// unknown token.
func Encode(ps []scan.Pair, in, out *scan.Vocab) (Data, error) {
	d := Data{In: make([][]int, len(ps)), Out: make([][]int, len(ps))}
	for i, p := range ps {
		var err error
		if d.In[i], err = in.Encode(p.Command); err == nil {
			d.Out[i], err = out.Encode(p.Actions)
		}
		if err != nil {
			return Data{}, fmt.Errorf("seq2seq: pair %d (%s): %w", i, p, err)
		}
	}
	return d, nil
}

// Len returns the number of examples.
func (d Data) Len() int { return len(d.In) }

// EvalPoint is one validation evaluation.
type EvalPoint struct {
	Step    int     `json:"step"`
	ValAcc  float64 `json:"val_acc"`
	SeqLoss float64 `json:"train_loss"` // mean logged loss since the previous point
}

// Training is a model trained on a schedule: the model, its optimizer and
// random state, and the best-validation parameters so far. It can be
// checkpointed at any step and continued exactly.
type Training struct {
	Model    *Model
	Opt      *Adam
	Schedule Schedule
	Copies   Copies
	Mode     Mode // decoding mode of validation, and of training (Trainer.Mode)
	Src      *rand.PCG
	Step     int
	Best     [][]float64 // parameters (the model's, then the combiner's) of the best validation accuracy
	BestAcc  float64
	BestStep int
	Curve    []EvalPoint

	// TrainTime and ValTime are the time this process has spent in
	// training steps and in validation (not checkpointed: a resumed training
	// counts from its resumption).
	TrainTime, ValTime time.Duration

	// Identity names what the training computes, as its owner defines it
	// (for example a hash of every setting that determines its numbers).
	// The package only stores it in checkpoints, so that a loaded training
	// can be checked against the one wanted.
	Identity string

	trainer *Trainer
	rng     *rand.Rand
	lossSum float64
	lossN   int
}

// NewTraining starts training model m (already initialised) on the
// schedule.
func NewTraining(m *Model, s Schedule, cp Copies, src *rand.PCG) (*Training, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return &Training{Model: m, Opt: NewAdam(s.LR, s.WeightDecay, s.Clip), Schedule: s, Copies: cp, Src: src, BestAcc: -1}, nil
}

// Done reports whether the schedule is complete.
func (tr *Training) Done() bool { return tr.Step >= tr.Schedule.Iterations }

// Advance trains until the schedule ends or the next evaluation, evaluates
// on val, keeps the best parameters, and returns the new point. progress,
// if not nil, is called after every step.
func (tr *Training) Advance(train, val Data, progress func(step int)) (EvalPoint, error) {
	if train.Len() == 0 {
		return EvalPoint{}, fmt.Errorf("seq2seq: no training data")
	}
	if tr.trainer == nil {
		tr.rng = rand.New(tr.Src)
		t, err := NewTrainer(tr.Model, tr.Opt, tr.Copies, tr.Schedule.Teacher, tr.Schedule.Batch, tr.rng)
		if err != nil {
			return EvalPoint{}, err
		}
		t.Mode = tr.Mode
		tr.trainer = t
	}
	B := tr.Schedule.Batch
	ins, outs := make([][]int, B), make([][]int, B)
	stop := min(tr.Schedule.Iterations, (tr.Step/tr.Schedule.EvalEvery+1)*tr.Schedule.EvalEvery)
	start := time.Now()
	for tr.Step < stop {
		for i := range B {
			j := tr.rng.IntN(train.Len())
			ins[i], outs[i] = train.In[j], train.Out[j]
		}
		res, err := tr.trainer.Step(ins, outs)
		if err != nil {
			return EvalPoint{}, err
		}
		tr.lossSum += res.SeqLoss
		tr.lossN++
		tr.Step++
		if progress != nil {
			progress(tr.Step)
		}
	}
	tr.TrainTime += time.Since(start)
	start = time.Now()
	acc, err := tr.Model.Accuracy(val.In, val.Out, tr.Copies, tr.Mode)
	if err != nil {
		return EvalPoint{}, err
	}
	tr.ValTime += time.Since(start)
	p := EvalPoint{Step: tr.Step, ValAcc: acc, SeqLoss: tr.lossSum / float64(max(1, tr.lossN))}
	tr.lossSum, tr.lossN = 0, 0
	tr.Curve = append(tr.Curve, p)
	if acc > tr.BestAcc {
		tr.BestAcc, tr.BestStep = acc, tr.Step
		tr.Best = snapshot(tr.params(), tr.Best)
	}
	return p, nil
}

// UseBest loads the best-validation parameters into the model (and into
// the combiner of its copies).
func (tr *Training) UseBest() {
	if tr.Best != nil {
		restore(tr.params(), tr.Best)
	}
}

// params returns the parameters trained: the model's, followed by those of
// the copies' combiner.
func (tr *Training) params() []*Param {
	if tr.Copies.Combiner == nil {
		return tr.Model.params
	}
	return append(slices.Clip(tr.Model.params), tr.Copies.Combiner.Params()...)
}

// snapshot copies the values of ps into dst (reused when it has the shape).
func snapshot(ps []*Param, dst [][]float64) [][]float64 {
	if len(dst) != len(ps) {
		dst = make([][]float64, len(ps))
	}
	for i, p := range ps {
		dst[i] = append(dst[i][:0], p.W...)
	}
	return dst
}

// restore copies src into the values of ps.
func restore(ps []*Param, src [][]float64) {
	for i, p := range ps {
		copy(p.W, src[i])
	}
}
