//go:build amd64

package seq2seq

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
	"github.com/scan-equitune/equitune/verbgroups"
)

// pinnedNumerics are SHA-256 prefixes of the weights, Adam moments, losses
// and greedy outputs after 60 seeded training steps on add_jump pairs (see
// numericsDigest). Recorded results (results/*/result.json) are reproduced
// exactly only while these hold: a kernel change that alters any bit of the
// arithmetic must fail here, and then invalidates every recorded run.
//
// The "dec64" entries are the model with a 64-wide decoder embedding
// (DecoderEmbed = 64), the architecture of the results recorded before the
// reference decoder embedding (E_d = D·H = 128) became the default.
var pinnedNumerics = map[string]string{
	"dec64/rnn/batch=1":          "05f8e118667b48ec",
	"dec64/gru/batch=1":          "0d39e7226e417d95",
	"dec64/lstm/batch=1":         "fec70175ff4a425e",
	"dec64/lstm/batch=5":         "ab137db18000da1f",
	"dec64/lstm/batch=3/equi":    "17ba5e8f956c69a5",
	"dec64/gru/batch=2/equizero": "05f7f27de6d458a3",
	"dec64/rnn/batch=40/equi":    "226c18f8a9199f53",
	"rnn/batch=1":                "0cd998c895ca8673",
	"gru/batch=1":                "428b70e6347d02cb",
	"lstm/batch=1":               "39b53e31077edb6a",
	"lstm/batch=5":               "7a7fc54f506d074b",
	"lstm/batch=3/equi":          "ef974c072d7e7bd4",
	"gru/batch=2/equizero":       "0b72a00b39804d5b",
	"rnn/batch=40/equi":          "3dcb3a4ccbb29931",
}

// TestNumericsPinned checks that training and decoding compute bit for bit
// what they computed when the reference-scale results were recorded, with
// the assembly kernels and with the Go ones.
func TestNumericsPinned(t *testing.T) {
	train, test := addJump(t)
	verb, err := verbgroups.ByName("verb")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		cell  CellKind
		batch int
		cp    Copies
		mode  Mode
	}{
		{"rnn/batch=1", RNN, 1, Copies{}, Shared},
		{"gru/batch=1", GRU, 1, Copies{}, Shared},
		{"lstm/batch=1", LSTM, 1, Copies{}, Shared},
		{"lstm/batch=5", LSTM, 5, Copies{}, Shared},
		{"lstm/batch=3/equi", LSTM, 3, CopiesOf(verb), Shared},
		{"gru/batch=2/equizero", GRU, 2, CopiesOf(verb), Equizero},
		{"rnn/batch=40/equi", RNN, 40, CopiesOf(verb), Shared},
	}
	withKernels(t, func(t *testing.T) {
		for _, dec := range []int{0, 64} {
			for _, c := range cases {
				name := c.name
				if dec != 0 {
					name = fmt.Sprintf("dec%d/%s", dec, name)
				}
				t.Run(name, func(t *testing.T) {
					got := numericsDigest(t, c.cell, dec, c.batch, c.cp, c.mode, train, test)
					if want := pinnedNumerics[name]; got != want {
						t.Errorf("digest %s, pinned %s: the arithmetic changed", got, want)
					}
				})
			}
		}
	})
}

// withKernels runs f with the assembly kernels off ("go") and on ("avx2",
// when the CPU has them), restoring the setting afterwards.
func withKernels(t *testing.T, f func(t *testing.T)) {
	t.Helper()
	saved := kernel.UseAssembly(false)
	defer kernel.UseAssembly(saved)
	for _, on := range []bool{false, true} {
		if on && !saved {
			t.Log("no AVX2: only the Go kernels run")
			continue
		}
		kernel.UseAssembly(on)
		name := "go"
		if on {
			name = "avx2"
		}
		t.Run(name, f)
	}
}

// numericsDigest trains the reference model (with decoder embedding width
// dec, 0 for the default) for 60 steps of the given batch
// (Adam with weight decay and clipping, teacher forcing 0.5) and decodes 64
// test commands, hashing every bit of the outcome.
func numericsDigest(t *testing.T, cell CellKind, dec, batch int, cp Copies, mode Mode, train, test Data) string {
	r := rand.New(rand.NewPCG(3, 7))
	cfg := Default(cell, scan.InputVocab().Size(), scan.OutputVocab().Size())
	if dec != 0 {
		cfg.DecoderEmbed = dec
	}
	m, err := New(cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	opt := NewAdam(1e-3, 1e-4, 5)
	tr, err := NewTrainer(m, opt, cp, 0.5, batch, r)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	put := func(v float64) { _ = binary.Write(h, binary.LittleEndian, math.Float64bits(v)) }
	ins, outs := make([][]int, batch), make([][]int, batch)
	for range 60 {
		for i := range batch {
			j := r.IntN(train.Len())
			ins[i], outs[i] = train.In[j], train.Out[j]
		}
		res, err := tr.Step(ins, outs)
		if err != nil {
			t.Fatal(err)
		}
		put(res.Loss)
		put(res.GradNorm)
	}
	for i, p := range m.Params() {
		for j := range p.W {
			put(p.W[j])
			put(opt.M[i][j])
			put(opt.V[i][j])
		}
	}
	preds, err := m.Greedy(test.In[:64], cp, mode)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range preds {
		fmt.Fprint(h, p)
	}
	return fmt.Sprintf("%x", h.Sum(nil)[:8])
}
