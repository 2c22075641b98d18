package seq2seq

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/verbgroups"
)

// TestGreedyWorkers checks that decoding in parallel chunks, each by a twin
// of the model, gives the outputs of decoding the chunks one by one, for
// the plain, equi-tuned and tied models in every mode. 400 commands are
// four chunks of the plain model, so one of the three workers takes two.
func TestGreedyWorkers(t *testing.T) {
	_, test := addJump(t)
	ins := test.In[:400]
	verb, err := verbgroups.ByName("verb")
	if err != nil {
		t.Fatal(err)
	}
	verb4, err := verbgroups.ByName("verb4")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Default(GRU, scan.InputVocab().Size(), scan.OutputVocab().Size())
	plain, err := New(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	tied, err := NewEquivariant(cfg, verb4, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	defer func(saved int) { decodeWorkers = saved }(decodeWorkers)
	for _, c := range []struct {
		name string
		m    *Model
		cp   Copies
	}{{"plain", plain, Copies{}}, {"equituned", plain, CopiesOf(verb)}, {"tied", tied, Copies{}}} {
		for _, mode := range []Mode{Shared, Independent, Equizero, EquizeroTop1} {
			decodeWorkers = 1
			want, err := c.m.Greedy(ins, c.cp, mode)
			if err != nil {
				t.Fatal(err)
			}
			decodeWorkers = 3
			got, err := c.m.Greedy(ins, c.cp, mode)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(got, want, slices.Equal) {
				t.Fatalf("%s, mode %d: parallel decoding differs from serial", c.name, mode)
			}
		}
		for i, p := range c.m.twin().kernelParams() {
			if p != c.m.kernelParams()[i] {
				t.Fatalf("%s: twin does not share %s", c.name, p.Name)
			}
		}
	}
}

// TestAccuracyStopsAtMismatch checks that Accuracy, which stops decoding an
// output at its first word off the target, counts exactly the outputs of a
// full Greedy decoding that match, for targets equal to, cut from and
// altered from those outputs, in every mode, with and without copies.
func TestAccuracyStopsAtMismatch(t *testing.T) {
	train, _ := addJump(t)
	ins := train.In[:600]
	verb, err := verbgroups.ByName("verb")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Default(LSTM, scan.InputVocab().Size(), scan.OutputVocab().Size())
	cfg.Embed, cfg.Hidden, cfg.DecoderEmbed = 16, 16, 32
	r := rand.New(rand.NewPCG(3, 4))
	m, err := New(cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	// A partly trained model: outputs of many lengths, near their targets.
	tr, err := NewTrainer(m, NewAdam(1e-2, 0, 5), Copies{}, 0.5, 32, r)
	if err != nil {
		t.Fatal(err)
	}
	in, out := make([][]int, 32), make([][]int, 32)
	for range 300 {
		for i := range in {
			j := r.IntN(train.Len())
			in[i], out[i] = train.In[j], train.Out[j]
		}
		if _, err := tr.Step(in, out); err != nil {
			t.Fatal(err)
		}
	}
	V := cfg.OutVocab
	for _, cp := range []Copies{{}, CopiesOf(verb)} {
		for _, mode := range []Mode{Shared, Independent, Equizero, EquizeroTop1} {
			preds, err := m.Greedy(ins, cp, mode)
			if err != nil {
				t.Fatal(err)
			}
			targets := make([][]int, len(preds))
			for i, p := range preds {
				y := slices.Clone(p)
				if e := slices.Index(y, eosID); e >= 0 {
					y = y[:e+1]
				}
				switch i % 3 {
				case 1: // cut
					y = y[:r.IntN(len(y))]
				case 2: // one word altered
					j := r.IntN(len(y))
					y[j] = y[j]%(V-1) + 1
				}
				if len(y) == 0 || y[len(y)-1] != eosID {
					y = append(y, eosID)
				}
				targets[i] = y
			}
			n := 0
			for i, p := range preds {
				if ExactMatch(p, targets[i]) {
					n++
				}
			}
			want := float64(n) / float64(len(ins))
			got, err := m.Accuracy(ins, targets, cp, mode)
			if err != nil {
				t.Fatal(err)
			}
			if got != want || want == 0 || want == 1 {
				t.Fatalf("copies %d, mode %d: Accuracy %v, full decoding's %v (want it strictly between 0 and 1)", cp.K(), mode, got, want)
			}
		}
	}
}

// TestValidationBatched checks that validation (Accuracy), which decodes
// the commands in batches and drops each at its first word off its target,
// counts exactly what decoding the commands one at a time counts, with the
// same output for every command: for untrained, partly trained and trained
// small models of every cell (and a G-equivariant one), under the decodings
// validation uses: the plain model, the copies of M_G in every mode, and
// λ-weighted copies.
func TestValidationBatched(t *testing.T) {
	t.Parallel()
	train, _ := addJump(t)
	var val Data // 240 commands spread over the training pairs
	for i := 0; i < train.Len() && val.Len() < 240; i += train.Len() / 240 {
		val.In, val.Out = append(val.In, train.In[i]), append(val.Out, train.Out[i])
	}
	verb, err := verbgroups.ByName("verb")
	if err != nil {
		t.Fatal(err)
	}
	verb4, err := verbgroups.ByName("verb4")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		cell CellKind
		tied bool
	}{{"lstm", LSTM, false}, {"gru", GRU, false}, {"rnn", RNN, false}, {"tied/gru", GRU, true}} {
		r := rand.New(rand.NewPCG(5, 6))
		cfg := Default(c.cell, scan.InputVocab().Size(), scan.OutputVocab().Size())
		cfg.Embed, cfg.Hidden, cfg.DecoderEmbed = 16, 16, 32
		m, err := New(cfg, r)
		if c.tied {
			m, err = NewEquivariant(cfg, verb4, r)
		}
		if err != nil {
			t.Fatal(err)
		}
		lambda := CopiesOf(verb)
		lambda.Combiner = randomLambda(t, m.Config, r)
		tr, err := NewTrainer(m, NewAdam(1e-2, 0, 5), Copies{}, 0.5, 32, r)
		if err != nil {
			t.Fatal(err)
		}
		in, out := make([][]int, 32), make([][]int, 32)
		trained := 0
		for _, stage := range []struct {
			name  string
			steps int
		}{{"untrained", 0}, {"partly", 40}, {"trained", 400}} {
			for ; trained < stage.steps; trained++ {
				for i := range in {
					j := r.IntN(train.Len())
					in[i], out[i] = train.In[j], train.Out[j]
				}
				if _, err := tr.Step(in, out); err != nil {
					t.Fatal(err)
				}
			}
			acc := sameValidation(t, m, val, Copies{}, Shared)
			t.Logf("%s, %s: accuracy %.3f", c.name, stage.name, acc)
			if stage.name == "trained" && !(acc > 0) {
				t.Fatalf("%s trained: accuracy %v, want a model that gets some right", c.name, acc)
			}
			for _, mode := range []Mode{Shared, Independent, Equizero, EquizeroTop1} {
				sameValidation(t, m, val, CopiesOf(verb), mode)
			}
			sameValidation(t, m, val, lambda, Shared)
		}
	}
}

// sameValidation checks that Accuracy on val, and the outputs of its
// batched decoding, are those of decoding the commands one at a time, and
// returns the accuracy.
func sameValidation(t *testing.T, m *Model, val Data, cp Copies, mode Mode) float64 {
	t.Helper()
	batched, err := m.greedy(val.In, val.Out, cp, mode)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := range val.In {
		one, err := m.greedy(val.In[i:i+1], val.Out[i:i+1], cp, mode)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(one[0], batched[i]) {
			t.Fatalf("copies %d, mode %s, command %d: batched output %v, alone %v", cp.K(), mode, i, batched[i], one[0])
		}
		if ExactMatch(one[0], val.Out[i]) {
			n++
		}
	}
	acc, err := m.Accuracy(val.In, val.Out, cp, mode)
	if err != nil {
		t.Fatal(err)
	}
	if want := float64(n) / float64(len(val.In)); acc != want {
		t.Fatalf("copies %d, mode %s: Accuracy %v, one at a time %v", cp.K(), mode, acc, want)
	}
	return acc
}
