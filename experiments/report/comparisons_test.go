package report

import (
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/experiments/stats"
)

// outcomeRow returns a row of method m whose seeds (in the order given) got
// right[k] of commands hashed hashes[k].
func outcomeRow(m string, seeds []uint64, hashes []string, right [][]bool) Row {
	r := Row{Split: "addprim_jump", Cell: "gru", Method: m, N: len(seeds), Outcomes: &Outcomes{Correct: right, Hashes: hashes}}
	for _, s := range seeds {
		r.Runs = append(r.Runs, &runner.Result{RunID: runner.Run{Method: m, Split: "addprim_jump", Cell: "gru", Seed: s}.ID(), Seed: s})
	}
	return r
}

// TestComparePairSeeds: a pair is compared over the seeds both rows have,
// seed with seed whatever the order of the rows' runs, on the same
// commands; a seed scored on different commands by the two is an error
// naming both runs; a row without outcomes is left out.
func TestComparePairSeeds(t *testing.T) {
	y := func(key uint64) []bool { return synthRight(200, 0.6, key) }
	a := outcomeRow("equitune", []uint64{0, 1, 2}, []string{"h", "h", "h"}, [][]bool{y(0), y(1), y(2)})
	b := outcomeRow("finetune", []uint64{2, 1}, []string{"h", "h"}, [][]bool{y(12), y(11)})
	got, ok, err := comparePair(a, b, "equitune", "finetune", "x", "addprim_jump", "gru")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	want, err := stats.Compare([][]bool{y(1), y(2)}, [][]bool{y(11), y(12)}, stats.Settings{}, stats.NewRand("x", "addprim_jump", "gru", "equitune", "finetune"))
	if err != nil || got != want {
		t.Errorf("compared %+v, want %+v (%v)", got, want, err)
	}
	b.Outcomes.Hashes[0] = "other"
	if _, _, err := comparePair(a, b, "equitune", "finetune", "x"); err == nil ||
		!strings.Contains(err.Error(), "addprim_jump-gru-s2-equitune and addprim_jump-gru-s2-finetune") {
		t.Errorf("different commands: %v", err)
	}
	b.Outcomes = nil
	if _, ok, err := comparePair(a, b, "equitune", "finetune", "x"); ok || err != nil {
		t.Errorf("no outcomes: compared (%v)", err)
	}
}
