package seq2seq

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/verbgroups"
)

// TestEquitunedIsEquivariant checks M_G(g·x) = g·M_G(x) exactly for every
// element g, for untrained models of each cell, in every decoding mode, on
// commands that no g ≠ e fixes. (A command fixed by some g ≠ e, such as
// "turn left" under verb, has an output distribution with exact ties
// between the tokens g swaps, and greedy decoding must break them somehow.)
func TestEquitunedIsEquivariant(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(4, 4))
	in, out := scan.InputVocab(), scan.OutputVocab()
	for _, name := range []string{"verb", "direction", "verb×direction", "verb4"} {
		g, ins := freeOrbitCommands(t, name, 60, r)
		cp := CopiesOf(g)
		for _, cell := range []CellKind{RNN, GRU, LSTM} {
			m, err := New(Default(cell, in.Size(), out.Size()), rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				t.Fatal(err)
			}
			for _, mode := range []Mode{Shared, Independent, Equizero, EquizeroTop1} {
				t.Run(fmt.Sprintf("%s/%s/mode=%d", name, cell, mode), func(t *testing.T) {
					checkGreedyEquivariant(t, m, g, cp, mode, ins)
				})
			}
		}
	}
}

// freeOrbitCommands returns the group of that name and n SCAN commands
// drawn from r that no element g ≠ e fixes.
func freeOrbitCommands(t *testing.T, name string, n int, r *rand.Rand) (*verbgroups.Group, [][]int) {
	t.Helper()
	g, err := verbgroups.ByName(name)
	if err != nil {
		t.Fatal(err)
	}
	all, in := scan.All(), scan.InputVocab()
	var ins [][]int
	for len(ins) < n {
		ids, err := in.Encode(all[r.IntN(len(all))].Command)
		if err != nil {
			t.Fatal(err)
		}
		if freeOrbit(g, ids) {
			ins = append(ins, ids)
		}
	}
	return g, ins
}

// checkGreedyEquivariant checks M(g·x) = g·M(x) for the greedy outputs of
// m under the copies cp in mode, for every element g of g and command x
// of ins.
func checkGreedyEquivariant(t *testing.T, m *Model, g *verbgroups.Group, cp Copies, mode Mode, ins [][]int) {
	t.Helper()
	base, err := m.Greedy(ins, cp, mode)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range g.Elements() {
		got, err := m.Greedy(actAll(ins, e.ActIn), cp, mode)
		if err != nil {
			t.Fatal(err)
		}
		if !sameActedOutputs(t, i, e, base, got) {
			t.FailNow()
		}
	}
}

// TestTrivialGroupIsModel checks that M_G for the trivial group is M, both
// in decoding and in the training loss.
func TestTrivialGroupIsModel(t *testing.T) {
	g, err := verbgroups.ByName("identity")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(8, 8))
	cfg := Default(LSTM, scan.InputVocab().Size(), scan.OutputVocab().Size())
	m, err := New(cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	ins, outs, teacher := randomBatch(r, cfg, 5, 20)
	a, _ := m.Greedy(ins, Copies{}, Shared)
	b, _ := m.Greedy(ins, CopiesOf(g), Shared)
	if !slices.EqualFunc(a, b, slices.Equal) {
		t.Fatalf("decodings differ: %v vs %v", a, b)
	}
	la, _ := m.lossForward(ins, outs, teacher, Copies{}, rand.New(rand.NewPCG(1, 1)))
	lb, _ := m.lossForward(ins, outs, teacher, CopiesOf(g), rand.New(rand.NewPCG(1, 1)))
	if la != lb {
		t.Fatalf("losses differ: %v vs %v", la, lb)
	}
}

// TestEquitunedGradients checks the gradient of M_G's loss.
func TestEquitunedGradients(t *testing.T) {
	g, err := verbgroups.ByName("verb4")
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(6, 6))
	cfg := Default(GRU, scan.InputVocab().Size(), scan.OutputVocab().Size())
	cfg.Hidden, cfg.Embed, cfg.DecoderEmbed = 3, 4, 6
	m, err := New(cfg, r)
	if err != nil {
		t.Fatal(err)
	}
	ins, outs, teacher := randomBatch(r, cfg, 2, 8)
	gr, err := newGraph(m, 2*g.Order(), nil)
	if err != nil {
		t.Fatal(err)
	}
	loss := func() float64 {
		gr.st.ins, gr.st.outs, gr.st.teacher, gr.st.copies, gr.st.rng = ins, outs, teacher, CopiesOf(g), rand.New(rand.NewPCG(2, 2))
		l, err := gr.run()
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	gradCheck(t, m, loss, func() { loss() }, 0, r)
}

// freeOrbit reports whether g·x ≠ x for every g ≠ e.
func freeOrbit(g *verbgroups.Group, x []int) bool {
	gx := make([]int, len(x))
	for i, e := range g.Elements() {
		e.ActIn(gx, x)
		if i > 0 && slices.Equal(gx, x) {
			return false
		}
	}
	return true
}

// sameActedOutputs reports whether got[j] = g·base[j] for every j, the
// outputs of M(g·x) and M(x); it reports each mismatch as an error.
func sameActedOutputs(t *testing.T, i int, e verbgroups.Element, base, got [][]int) bool {
	t.Helper()
	ok := true
	for j := range base {
		want := make([]int, len(base[j]))
		e.ActOut(want, base[j])
		if !slices.Equal(got[j], want) {
			t.Errorf("g%d: M(g·x) = %v, g·M(x) = %v", i, got[j], want)
			ok = false
		}
	}
	return ok
}
