package breakdown

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/scan"
)

// A Key maps a prediction to its class under one partition of the
// commands, or returns an error for a command outside the grammar.
type Key func(p outcomes.Prediction) (string, error)

// parse returns the structure of a command.
func parse(in string) (scan.Structure, error) {
	return scan.Parse(strings.Fields(in))
}

// Form is the top-level structure: "S", "S and S" or "S after S".
func Form(p outcomes.Prediction) (string, error) {
	st, err := parse(p.In)
	if err != nil {
		return "", err
	}
	return form(st), nil
}

func form(st scan.Structure) string {
	if st.Conj == "" {
		return "S"
	}
	return "S " + st.Conj + " S"
}

// Relation is the set of relations of the sentences: "plain", "opposite",
// "around" or "opposite+around".
func Relation(p outcomes.Prediction) (string, error) {
	st, err := parse(p.In)
	if err != nil {
		return "", err
	}
	return relation(st), nil
}

func relation(st scan.Structure) string {
	has := func(rel string) bool {
		return slices.ContainsFunc(st.Clauses, func(c scan.Clause) bool { return c.Rel == rel })
	}
	return set("plain", has("opposite"), "opposite", has("around"), "around")
}

// Repetition is the set of repetitions of the sentences: "once", "twice",
// "thrice" or "twice+thrice".
func Repetition(p outcomes.Prediction) (string, error) {
	st, err := parse(p.In)
	if err != nil {
		return "", err
	}
	return repetition(st), nil
}

func repetition(st scan.Structure) string {
	has := func(reps int) bool {
		return slices.ContainsFunc(st.Clauses, func(c scan.Clause) bool { return c.Reps == reps })
	}
	return set("once", has(2), "twice", has(3), "thrice")
}

// set names the members present among two, joined by "+", or none.
func set(none string, hasA bool, a string, hasB bool, b string) string {
	switch {
	case hasA && hasB:
		return a + "+" + b
	case hasA:
		return a
	case hasB:
		return b
	}
	return none
}

// Class is "Form | Relation | Repetition".
func Class(p outcomes.Prediction) (string, error) {
	st, err := parse(p.In)
	if err != nil {
		return "", err
	}
	return form(st) + " | " + relation(st) + " | " + repetition(st), nil
}

// Template is the command's template (scan.Structure.Template), for
// example "x around D twice and x D".
func Template(p outcomes.Prediction) (string, error) {
	st, err := parse(p.In)
	if err != nil {
		return "", err
	}
	return st.Template(), nil
}

// TargetLength returns the key of the target's number of actions L in
// buckets of width w: "a-b" with a = w⌊(L−1)/w⌋+1 and b = a+w−1, written
// with two digits each so that the keys sort by length. It panics if w < 1.
func TargetLength(w int) Key {
	if w < 1 {
		panic(fmt.Sprintf("breakdown: TargetLength(%d)", w))
	}
	return func(p outcomes.Prediction) (string, error) {
		n := len(strings.Fields(p.Target))
		if n == 0 {
			return "", fmt.Errorf("breakdown: command %q has an empty target", p.In)
		}
		a := w*((n-1)/w) + 1
		return fmt.Sprintf("%02d-%02d", a, a+w-1), nil
	}
}

// Phrase returns the key "with P" or "without P": whether the command has
// the words of phrase P in a row (for example the held-out primitive
// "jump", or "turn left").
func Phrase(phrase string) Key {
	ws := strings.Fields(phrase)
	return func(p outcomes.Prediction) (string, error) {
		c := strings.Fields(p.In)
		for i := 0; i+len(ws) <= len(c); i++ {
			if slices.Equal(c[i:i+len(ws)], ws) {
				return "with " + phrase, nil
			}
		}
		return "without " + phrase, nil
	}
}
