package seq2seq

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/scan-equitune/equitune/scan"
)

// shortSimple returns n train and m held-out pairs, drawn at random, of the simple split whose
// targets have at most maxOut actions.
func shortSimple(t testing.TB, n, m, maxOut int) (train, val Data) {
	tr, _, err := scan.Generate("simple", 0)
	if err != nil {
		t.Fatal(err)
	}
	all, err := Encode(tr, scan.InputVocab(), scan.OutputVocab())
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 11))
	r.Shuffle(all.Len(), func(i, j int) {
		all.In[i], all.In[j] = all.In[j], all.In[i]
		all.Out[i], all.Out[j] = all.Out[j], all.Out[i]
	})
	for i, out := range all.Out {
		if len(out) > maxOut+1 {
			continue
		}
		d := &train
		if train.Len() >= n {
			d = &val
		}
		if val.Len() >= m {
			break
		}
		d.In, d.Out = append(d.In, all.In[i]), append(d.Out, out)
	}
	return train, val
}

// TestEncode checks that Encode keeps the order of the pairs and ends
// every sequence in EOS, and refuses an unknown word, naming its pair.
func TestEncode(t *testing.T) {
	in, out := scan.InputVocab(), scan.OutputVocab()
	d, err := Encode([]scan.Pair{{Command: []string{"jump", "twice"}, Actions: []string{"I_JUMP", "I_JUMP"}},
		{Command: []string{"walk"}, Actions: []string{"I_WALK"}}}, in, out)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 2 || !slices.Equal(d.In[0], []int{5, 11, scan.EOS}) || !slices.Equal(d.Out[1], []int{2, scan.EOS}) {
		t.Errorf("Encode gave %v", d)
	}
	_, err = Encode([]scan.Pair{{Command: []string{"walk"}, Actions: []string{"I_WALK"}},
		{Command: []string{"hop"}, Actions: []string{"I_JUMP"}}}, in, out)
	if want := `seq2seq: pair 1 (IN: hop OUT: I_JUMP): scan: unknown token "hop"`; err == nil || err.Error() != want {
		t.Errorf("Encode with an unknown word: %v, want %s", err, want)
	}
}

// TestLearnsSimple trains a small model on 2,000 short simple-split pairs
// and requires ≥ 95% exact match on 300 held-out pairs of the same kind.
func TestLearnsSimple(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("trains a reference-width model for thousands of steps")
	}
	src := rand.NewPCG(0, 1)
	m, err := New(Default(GRU, scan.InputVocab().Size(), scan.OutputVocab().Size()), rand.New(src))
	if err != nil {
		t.Fatal(err)
	}
	checkLearns(t, m, src, 6000, 0.95)
}

// checkLearns trains m (initialised from src) for at most the given
// iterations at batch 8 on 2,000 short simple-split pairs, stopping at the
// first evaluation whose exact match on 300 held-out pairs of the same kind
// reaches want, and fails if none does.
func checkLearns(t *testing.T, m *Model, src *rand.PCG, iterations int, want float64) {
	t.Helper()
	train, val := shortSimple(t, 2000, 300, 12)
	run, err := NewTraining(m, Schedule{Iterations: iterations, Batch: 8, LR: 2e-3, Clip: 5, Teacher: 0.5, EvalEvery: 500}, Copies{}, src)
	if err != nil {
		t.Fatal(err)
	}
	for !run.Done() && run.BestAcc < want {
		p, err := run.Advance(train, val, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("step %d: loss %.4f, held-out accuracy %.3f", p.Step, p.SeqLoss, p.ValAcc)
	}
	if run.BestAcc < want {
		t.Fatalf("best held-out accuracy %.3f, want ≥ %.2f", run.BestAcc, want)
	}
}

// TestResumeIsExact checks that a run checkpointed half way and continued
// from the file ends with the same parameters as one never stopped.
func TestResumeIsExact(t *testing.T) {
	train, val := shortSimple(t, 200, 20, 8)
	cfg := Default(LSTM, scan.InputVocab().Size(), scan.OutputVocab().Size())
	cfg.Hidden, cfg.Embed, cfg.DecoderEmbed = 8, 8, 16
	sched := Schedule{Iterations: 40, Batch: 2, LR: 1e-3, WeightDecay: 1e-4, Clip: 5, Teacher: 0.5, EvalEvery: 10}
	checkResume(t, func(r *rand.Rand) (*Model, error) { return New(cfg, r) }, nil, sched, train, val, 20)
}

// checkResume trains one run of sched straight through and another that is
// saved at step half, loaded from the file and continued; it fails unless
// both end with the same parameters (the copies' combiner's too) and curve,
// and returns them. copies gives the copies of the run (nil: Copies{}).
func checkResume(t *testing.T, model func(*rand.Rand) (*Model, error), copies func(*Model) Copies, sched Schedule, train, val Data, half int) (straight, resumed *Training) {
	t.Helper()
	newTraining := func() *Training {
		src := rand.NewPCG(5, 5)
		m, err := model(rand.New(src))
		if err != nil {
			t.Fatal(err)
		}
		var cp Copies
		if copies != nil {
			cp = copies(m)
		}
		r, err := NewTraining(m, sched, cp, src)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	advance := func(r *Training, until int) {
		for r.Step < until {
			if _, err := r.Advance(train, val, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	straight = newTraining()
	advance(straight, sched.Iterations)
	first := newTraining()
	advance(first, half)
	path := filepath.Join(t.TempDir(), "run.ckpt")
	if err := first.Save(path); err != nil {
		t.Fatal(err)
	}
	resumed, err := LoadTraining(path)
	if err != nil {
		t.Fatal(err)
	}
	advance(resumed, sched.Iterations)
	if len(straight.params()) != len(resumed.params()) {
		t.Fatalf("%d parameters, %d after resuming", len(straight.params()), len(resumed.params()))
	}
	for i, p := range straight.params() {
		if !slices.Equal(p.W, resumed.params()[i].W) {
			t.Fatalf("parameter %s differs after resuming", p.Name)
		}
	}
	if !slices.Equal(straight.Curve, resumed.Curve) {
		t.Fatalf("curves differ: %v vs %v", straight.Curve, resumed.Curve)
	}
	return straight, resumed
}
