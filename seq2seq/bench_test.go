package seq2seq

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/scan"
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
	trained := map[CellKind]*Model{}
	for _, path := range strings.FieldsFunc(os.Getenv("SEQ2SEQ_BENCH_CHECKPOINTS"), func(r rune) bool { return r == ',' }) {
		run, err := LoadTraining(path)
		if err != nil {
			b.Fatal(err)
		}
		run.UseBest()
		trained[run.Model.Config.Cell] = run.Model
	}
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
