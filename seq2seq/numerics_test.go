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
	"github.com/scan-equitune/equitune/verbgroups"
)

// pinnedNumerics are SHA-256 prefixes of the weights, Adam moments, losses
// and greedy outputs after 60 seeded training steps on add_jump pairs (see
// numericsDigest). Recorded results (results/*/result.json) are reproduced
// exactly only while these hold: a kernel change that alters any bit of the
// arithmetic must fail here, and then invalidates every recorded run.
var pinnedNumerics = map[string]string{
	"rnn/batch=1":          "05f8e118667b48ec",
	"gru/batch=1":          "0d39e7226e417d95",
	"lstm/batch=1":         "fec70175ff4a425e",
	"lstm/batch=5":         "ab137db18000da1f",
	"lstm/batch=3/equi":    "17ba5e8f956c69a5",
	"gru/batch=2/equizero": "05f7f27de6d458a3",
	"rnn/batch=40/equi":    "226c18f8a9199f53",
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
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got := numericsDigest(t, c.cell, c.batch, c.cp, c.mode, train, test)
				if want := pinnedNumerics[c.name]; got != want {
					t.Errorf("digest %s, pinned %s: the arithmetic changed", got, want)
				}
			})
		}
	})
}

// numericsDigest trains the reference model for 60 steps of the given batch
// (Adam with weight decay and clipping, teacher forcing 0.5) and decodes 64
// test commands, hashing every bit of the outcome.
func numericsDigest(t *testing.T, cell CellKind, batch int, cp Copies, mode Mode, train, test []scan.Example) string {
	r := rand.New(rand.NewPCG(3, 7))
	m, err := New(Default(cell, scan.InputVocab().Size(), scan.OutputVocab().Size()), r)
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
			ex := train[r.IntN(len(train))]
			ins[i], outs[i] = ex.In, ex.Out
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
	var cmds [][]int
	for _, ex := range test[:64] {
		cmds = append(cmds, ex.In)
	}
	preds, err := m.Greedy(cmds, cp, mode)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range preds {
		fmt.Fprint(h, p)
	}
	return fmt.Sprintf("%x", h.Sum(nil)[:8])
}
