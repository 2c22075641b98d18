package seq2seq

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/verbgroups"
)

// addJump returns the encoded add_jump train and test pairs.
func addJump(tb testing.TB) (train, test Data) {
	tr, te, err := scan.Generate("addprim_jump", 0)
	if err != nil {
		tb.Fatal(err)
	}
	in, out := scan.InputVocab(), scan.OutputVocab()
	if train, err = Encode(tr, in, out); err != nil {
		tb.Fatal(err)
	}
	if test, err = Encode(te, in, out); err != nil {
		tb.Fatal(err)
	}
	return train, test
}

// BenchmarkTrainStep times one training iteration (forward, backward,
// clipping and Adam) of the reference model on add_jump train pairs sampled
// with replacement, teacher forcing 0.5.
func BenchmarkTrainStep(b *testing.B) {
	train, _ := addJump(b)
	for _, cell := range []CellKind{LSTM, GRU, RNN} {
		for _, batch := range []int{1, 32} {
			b.Run(fmt.Sprintf("%s/batch=%d", cell, batch), func(b *testing.B) {
				r := rand.New(rand.NewPCG(1, 1))
				m, err := New(Default(cell, scan.InputVocab().Size(), scan.OutputVocab().Size()), r)
				if err != nil {
					b.Fatal(err)
				}
				tr, err := NewTrainer(m, NewAdam(1e-4, 0, 5), Copies{}, 0.5, batch, r)
				if err != nil {
					b.Fatal(err)
				}
				ins, outs := make([][]int, batch), make([][]int, batch)
				b.ResetTimer()
				for range b.N {
					for i := range batch {
						j := r.IntN(train.Len())
						ins[i], outs[i] = train.In[j], train.Out[j]
					}
					if _, err := tr.Step(ins, outs); err != nil {
						b.Fatal(err)
					}
				}
				ms := float64(b.Elapsed().Microseconds()) / 1e3 / float64(b.N)
				b.ReportMetric(ms, "ms/iter")
				b.ReportMetric(float64(batch)*1e3/ms, "examples/s")
			})
		}
	}
}

// BenchmarkDecode times greedy decoding of the 7,706 add_jump test commands
// by an untrained reference model (which runs all 50 steps) and, for each
// checkpoint named in SEQ2SEQ_BENCH_CHECKPOINTS (comma-separated), by its
// best-validation parameters.
func BenchmarkDecode(b *testing.B) {
	_, test := addJump(b)
	ins := test.In
	trained := benchCheckpoints(b)
	for _, cell := range []CellKind{LSTM, GRU, RNN} {
		decode := func(b *testing.B, m *Model) {
			for range b.N {
				if _, err := m.Greedy(ins, Copies{}, Shared); err != nil {
					b.Fatal(err)
				}
			}
			ms := float64(b.Elapsed().Microseconds()) / 1e3 / float64(b.N)
			b.ReportMetric(ms, "ms/iter")
			b.ReportMetric(float64(len(ins))*1e3/ms, "examples/s")
		}
		b.Run(string(cell)+"/untrained", func(b *testing.B) {
			m, err := New(Default(cell, scan.InputVocab().Size(), scan.OutputVocab().Size()), rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				b.Fatal(err)
			}
			decode(b, m)
		})
		b.Run(string(cell)+"/trained", func(b *testing.B) {
			m := trained[cell]
			if m == nil {
				b.Skip("no checkpoint of this cell in SEQ2SEQ_BENCH_CHECKPOINTS")
			}
			decode(b, m)
		})
	}
}

// BenchmarkValidate times validation (Model.Accuracy) on 2,934 add_jump
// training commands, the size of the reference validation part, by
// reference models untrained, partly trained (300 steps at batch 16,
// learning rate 2e-3) and, for each checkpoint named in
// SEQ2SEQ_BENCH_CHECKPOINTS, trained; the plain model in the Shared mode,
// and the untrained model's verb copies in the Equizero mode (which decode
// every copy to its own EOS, 50 steps when it never comes).
func BenchmarkValidate(b *testing.B) {
	train, _ := addJump(b)
	var val Data
	for i := 0; val.Len() < 2934; i += 3 {
		val.In, val.Out = append(val.In, train.In[i%train.Len()]), append(val.Out, train.Out[i%train.Len()])
	}
	trained := benchCheckpoints(b)
	verb, err := verbgroups.ByName("verb")
	if err != nil {
		b.Fatal(err)
	}
	validate := func(b *testing.B, m *Model, cp Copies, mode Mode) {
		var acc float64
		b.ResetTimer()
		for range b.N {
			if acc, err = m.Accuracy(val.In, val.Out, cp, mode); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1e3/float64(b.N), "ms/iter")
		b.ReportMetric(acc, "accuracy")
	}
	for _, cell := range []CellKind{LSTM, GRU, RNN} {
		fresh := func(b *testing.B, steps int) *Model {
			r := rand.New(rand.NewPCG(1, 1))
			m, err := New(Default(cell, scan.InputVocab().Size(), scan.OutputVocab().Size()), r)
			if err != nil {
				b.Fatal(err)
			}
			tr, err := NewTrainer(m, NewAdam(2e-3, 0, 5), Copies{}, 0.5, 16, r)
			if err != nil {
				b.Fatal(err)
			}
			ins, outs := make([][]int, 16), make([][]int, 16)
			for range steps {
				for i := range ins {
					j := r.IntN(train.Len())
					ins[i], outs[i] = train.In[j], train.Out[j]
				}
				if _, err := tr.Step(ins, outs); err != nil {
					b.Fatal(err)
				}
			}
			return m
		}
		b.Run(string(cell)+"/untrained", func(b *testing.B) { validate(b, fresh(b, 0), Copies{}, Shared) })
		b.Run(string(cell)+"/untrained/verb-equizero", func(b *testing.B) { validate(b, fresh(b, 0), CopiesOf(verb), Equizero) })
		b.Run(string(cell)+"/partly", func(b *testing.B) { validate(b, fresh(b, 300), Copies{}, Shared) })
		b.Run(string(cell)+"/trained", func(b *testing.B) {
			m := trained[cell]
			if m == nil {
				b.Skip("no checkpoint of this cell in SEQ2SEQ_BENCH_CHECKPOINTS")
			}
			validate(b, m, Copies{}, Shared)
		})
	}
}

// benchCheckpoints loads the best-validation models of the checkpoints
// named in SEQ2SEQ_BENCH_CHECKPOINTS (comma-separated), by cell.
func benchCheckpoints(b *testing.B) map[CellKind]*Model {
	trained := map[CellKind]*Model{}
	for _, path := range strings.FieldsFunc(os.Getenv("SEQ2SEQ_BENCH_CHECKPOINTS"), func(r rune) bool { return r == ',' }) {
		run, err := LoadTraining(path)
		if err != nil {
			b.Fatal(err)
		}
		run.UseBest()
		trained[run.Model.Config.Cell] = run.Model
	}
	return trained
}
