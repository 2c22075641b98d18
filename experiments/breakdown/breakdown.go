package breakdown

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/scan"
)

// Group is the accuracy of one class of commands.
type Group struct {
	Key      string
	Commands int // commands in the class
	Correct  int // of which exactly right
}

// Acc returns the class's accuracy Correct/Commands (0 for no commands).
func (g Group) Acc() float64 {
	if g.Commands == 0 {
		return 0
	}
	return float64(g.Correct) / float64(g.Commands)
}

// Accuracy returns the accuracy of ps in each class of key, in the order of
// the classes (compareKeys).
// An error of key is returned with the index of the prediction.
func Accuracy(ps []outcomes.Prediction, key Key) ([]Group, error) {
	idx := map[string]int{}
	var gs []Group
	for i, p := range ps {
		k, err := key(p)
		if err != nil {
			return nil, fmt.Errorf("prediction %d: %w", i, err)
		}
		j, ok := idx[k]
		if !ok {
			j = len(gs)
			idx[k] = j
			gs = append(gs, Group{Key: k})
		}
		gs[j].Commands++
		if p.Correct() {
			gs[j].Correct++
		}
	}
	slices.SortFunc(gs, func(a, b Group) int { return compareKeys(a.Key, b.Key) })
	return gs, nil
}

// rank orders the classes of Form, Relation and Repetition as the package
// comment lists them.
var rank = map[string]int{
	"S": 0, "S and S": 1, "S after S": 2,
	"plain": 0, "opposite": 1, "around": 2, "opposite+around": 3,
	"once": 0, "twice": 1, "thrice": 2, "twice+thrice": 3,
}

// compareKeys orders class keys part by part (the parts of a Class key
// are separated by " | "): parts that rank lists by their rank, others as
// strings (length buckets and "with"/"without" sort right as strings).
func compareKeys(a, b string) int {
	pa, pb := strings.Split(a, " | "), strings.Split(b, " | ")
	for i := range min(len(pa), len(pb)) {
		ra, okA := rank[pa[i]]
		rb, okB := rank[pb[i]]
		c := strings.Compare(pa[i], pb[i])
		if okA && okB {
			c = cmp.Compare(ra, rb)
		}
		if c != 0 {
			return c
		}
	}
	return cmp.Compare(len(pa), len(pb))
}

// WrongOutput is one distinct wrong output and how often it was given.
type WrongOutput struct {
	Pred    string // the actions before the first EOS
	EOS     bool   // whether the output had an EOS
	Count   int    // the commands that got this output wrong
	Example string // the first such command
	Kind    string // the kind of error (ErrorKind) of the example
}

// TopWrong returns the k most frequent distinct wrong outputs of ps (all
// if k ≤ 0), by decreasing count, then by output; heldOut is the action of
// the held-out primitive for ErrorKind ("" for none).
func TopWrong(ps []outcomes.Prediction, k int, heldOut string) []WrongOutput {
	idx := map[[2]string]int{}
	var ws []WrongOutput
	for _, p := range ps {
		if p.Correct() {
			continue
		}
		key := [2]string{p.Pred, fmt.Sprint(p.EOS)}
		j, ok := idx[key]
		if !ok {
			j = len(ws)
			idx[key] = j
			ws = append(ws, WrongOutput{Pred: p.Pred, EOS: p.EOS, Example: p.In, Kind: ErrorKind(p, heldOut)})
		}
		ws[j].Count++
	}
	slices.SortStableFunc(ws, func(a, b WrongOutput) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Pred, b.Pred))
	})
	if k > 0 && len(ws) > k {
		ws = ws[:k]
	}
	return ws
}

// Kinds of error, in the order ErrorKind tests them.
const (
	NoEOS           = "no EOS"                   // the output never ended
	HeldOutReplaced = "held-out action replaced" // right but where the target has the held-out action
	TooShort        = "too short"                // fewer actions than the target
	TooLong         = "too long"                 // more actions than the target
	SameLength      = "same length, other"       // as many actions, other differences
)

// ErrorKind classifies the wrong prediction p: NoEOS if it has no EOS;
// HeldOutReplaced if it has as many actions as the target and differs from
// it only at positions where the target has the action heldOut (for
// example "I_JUMP", every such position or some of them replaced by other
// actions); otherwise TooShort, TooLong or SameLength by its number of
// actions. It returns "" for a correct prediction.
func ErrorKind(p outcomes.Prediction, heldOut string) string {
	if p.Correct() {
		return ""
	}
	if !p.EOS {
		return NoEOS
	}
	pred, tgt := strings.Fields(p.Pred), strings.Fields(p.Target)
	switch {
	case len(pred) < len(tgt):
		return TooShort
	case len(pred) > len(tgt):
		return TooLong
	}
	if heldOut != "" {
		replaced := true
		for i := range tgt {
			if pred[i] != tgt[i] && tgt[i] != heldOut {
				replaced = false
				break
			}
		}
		if replaced {
			return HeldOutReplaced
		}
	}
	return SameLength
}

// Errors returns the number of wrong predictions of ps of each kind
// (ErrorKind), sorted by kind; Correct is 0 in every group.
func Errors(ps []outcomes.Prediction, heldOut string) []Group {
	gs, _ := Accuracy(slices.DeleteFunc(slices.Clone(ps), outcomes.Prediction.Correct),
		func(p outcomes.Prediction) (string, error) { return ErrorKind(p, heldOut), nil })
	return gs
}

// HeldOutAction returns the single action of a held-out phrase such as
// "jump" (I_JUMP) or "turn left" (I_TURN_LEFT), or "" if the phrase is not
// a command of one action.
func HeldOutAction(phrase string) string {
	a, err := scan.Interpret(strings.Fields(phrase))
	if err != nil || len(a) != 1 {
		return ""
	}
	return a[0]
}
