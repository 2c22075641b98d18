package seq2seq

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// leakyCell is a toy cell registered only by TestAddCell: a tanh RNN that
// keeps half of its state,
//
//	h' = ½ h + ½ tanh(a_x + a_h)
//
// Its act is tanh(a_x + a_h); it has no c state.
var leakyCell = cellType{kind: "leaky", gates: 1, forward: leakyForward, backward: leakyBackward}

func leakyForward(H, j0, j1 int, r cellRow) {
	for j := j0; j < j1; j++ {
		r.act[j] = math.Tanh(r.ax[j] + r.ah[j])
		r.h[j] = 0.5*r.hPrev[j] + 0.5*r.act[j]
	}
}

// leakyBackward: ∂a = ½ ∂h' ⊙ (1 − tanh²) for a_x and a_h, and h reaches h' by ½ h.
func leakyBackward(H int, r cellRow, g cellGrad) {
	for j := range H {
		v := 0.5 * g.dh[j] * (1 - r.act[j]*r.act[j])
		g.dax[j], g.dah[j], g.dhPrev[j] = v, v, 0.5*g.dh[j]
	}
}

// registerCell adds a cell to cellTypes for the rest of the test.
func registerCell(t *testing.T, ct cellType) {
	saved := cellTypes
	cellTypes = append(slices.Clip(cellTypes), ct)
	t.Cleanup(func() { cellTypes = saved })
}

// TestAddCell shows that a cell is one cellType and one entry in cellTypes:
// registered, the toy cell is valid, listed, and its model's gradients pass
// the checks every cell gets (TestEngineGradients).
func TestAddCell(t *testing.T) {
	if err := CellKind("leaky").Validate(); err == nil || !strings.Contains(err.Error(), "valid: rnn, gru, lstm") {
		t.Fatalf("unregistered: Validate() = %v, want an error listing rnn, gru, lstm", err)
	}
	registerCell(t, leakyCell)
	if err := CellKind("leaky").Validate(); err != nil {
		t.Fatal(err)
	}
	if got := CellKinds(); !slices.Equal(got, []CellKind{RNN, GRU, LSTM, "leaky"}) {
		t.Fatalf("CellKinds() = %v", got)
	}
	checkEngineGradients(t, "leaky")
}
