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
// the plain, equi-tuned and tied models in every mode.
func TestGreedyWorkers(t *testing.T) {
	_, test := addJump(t)
	ins := test.In[:700]
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
