package report

import (
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/scan"
)

// Places of a wrong prediction's first wrong action, in the order errors.md
// lists them.
const (
	placeSingle   = "one-sentence command"
	placeFirst    = "in the first sentence done"
	placeBoundary = "at the boundary (±2 actions)"
	placeSecond   = "in the second sentence done"
)

var placeOrder = []string{placeSingle, placeFirst, placeBoundary, placeSecond}

// errorPlace returns where the wrong prediction p first departs from its
// target: with i the index of its first wrong action (the length of the
// common prefix of the two action sequences) and L the number of actions
// of the sentence done first (the left one of "S and S", the right one of
// "S after S"), placeFirst if i < L−2, placeBoundary if L−2 ≤ i ≤ L+1,
// else placeSecond; placeSingle for a command of one sentence. It returns
// "" for a correct prediction or a command outside the grammar.
func errorPlace(p outcomes.Prediction) string {
	if p.Correct() {
		return ""
	}
	ws := strings.Fields(p.In)
	j := slices.IndexFunc(ws, func(w string) bool { return w == "and" || w == "after" })
	if j < 0 {
		return placeSingle
	}
	first := ws[:j]
	if ws[j] == "after" {
		first = ws[j+1:]
	}
	a, err := scan.Interpret(first)
	if err != nil {
		return ""
	}
	pred, tgt := strings.Fields(p.Pred), strings.Fields(p.Target)
	i := 0
	for i < min(len(pred), len(tgt)) && pred[i] == tgt[i] {
		i++
	}
	switch L := len(a); {
	case i < L-2:
		return placeFirst
	case i <= L+1:
		return placeBoundary
	}
	return placeSecond
}

// errorPlaces counts the wrong predictions of ps by errorPlace, in
// placeOrder (absent places count 0).
func errorPlaces(ps []outcomes.Prediction) []int {
	n := make([]int, len(placeOrder))
	for _, p := range ps {
		if i := slices.Index(placeOrder, errorPlace(p)); i >= 0 {
			n[i]++
		}
	}
	return n
}
