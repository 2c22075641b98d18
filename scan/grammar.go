package scan

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Words lists SCAN's input words in the fixed order used for vocabulary ids.
var Words = []string{"walk", "look", "run", "jump", "turn", "left", "right", "opposite", "around", "twice", "thrice", "and", "after"}

// Actions lists SCAN's output actions in the fixed order used for vocabulary ids.
var Actions = []string{"I_WALK", "I_LOOK", "I_RUN", "I_JUMP", "I_TURN_LEFT", "I_TURN_RIGHT"}

// Primitives are the words U of the grammar, in order.
var Primitives = []string{"walk", "look", "run", "jump"}

var primitiveAction = map[string]string{"walk": "I_WALK", "look": "I_LOOK", "run": "I_RUN", "jump": "I_JUMP"}
var turnAction = map[string]string{"left": "I_TURN_LEFT", "right": "I_TURN_RIGHT"}

// Pair is one SCAN example: a command and its action sequence.
type Pair struct {
	Command []string
	Actions []string
}

// String formats p as one line of the official file format, without newline.
func (p Pair) String() string {
	return "IN: " + strings.Join(p.Command, " ") + " OUT: " + strings.Join(p.Actions, " ")
}

// verbPhrases returns every V of the grammar in generation order.
func verbPhrases() [][]string {
	var vs [][]string
	dirs := []string{"left", "right"}
	for _, u := range Primitives { // D → U left | U right
		for _, d := range dirs {
			vs = append(vs, []string{u, d})
		}
	}
	for _, d := range dirs { // D → turn left | turn right
		vs = append(vs, []string{"turn", d})
	}
	for _, u := range Primitives { // V → U
		vs = append(vs, []string{u})
	}
	for _, rel := range []string{"opposite", "around"} { // V → D[1] rel D[2]
		for _, x := range append(append([]string{}, Primitives...), "turn") {
			for _, d := range dirs {
				vs = append(vs, []string{x, rel, d})
			}
		}
	}
	return vs
}

// sentences returns every S of the grammar in generation order.
func sentences() [][]string {
	var ss [][]string
	for _, v := range verbPhrases() {
		ss = append(ss, v)
		ss = append(ss, append(append([]string{}, v...), "twice"))
		ss = append(ss, append(append([]string{}, v...), "thrice"))
	}
	return ss
}

// Commands returns all 20,910 SCAN commands in a fixed order.
func Commands() [][]string {
	ss := sentences()
	cs := make([][]string, 0, len(ss)+2*len(ss)*len(ss))
	cs = append(cs, ss...)
	for _, conj := range []string{"and", "after"} {
		for _, a := range ss {
			for _, b := range ss {
				c := make([]string, 0, len(a)+len(b)+1)
				c = append(append(append(c, a...), conj), b...)
				cs = append(cs, c)
			}
		}
	}
	return cs
}

// All returns every SCAN pair, in the order of Commands. Each call returns a
// new slice, but the pairs' word slices are shared between calls (computed
// once per process) and must not be modified.
func All() []Pair { return slices.Clone(allPairs()) }

var allPairs = sync.OnceValue(func() []Pair {
	cs := Commands()
	ps := make([]Pair, len(cs))
	for i, c := range cs {
		a, err := Interpret(c)
		if err != nil {
			panic(err) // the generator only produces grammatical commands
		}
		ps[i] = Pair{Command: c, Actions: a}
	}
	return ps
})

// Interpret returns ⟦c⟧, or an error if c is not a command of the grammar.
func Interpret(c []string) ([]string, error) {
	for i, w := range c {
		if w == "and" || w == "after" {
			a, err := interpretSentence(c[:i])
			if err != nil {
				return nil, err
			}
			b, err := interpretSentence(c[i+1:])
			if err != nil {
				return nil, err
			}
			if w == "after" {
				a, b = b, a
			}
			return append(a, b...), nil
		}
	}
	return interpretSentence(c)
}

func interpretSentence(s []string) ([]string, error) {
	reps := 1
	if n := len(s); n > 0 {
		switch s[n-1] {
		case "twice":
			reps, s = 2, s[:n-1]
		case "thrice":
			reps, s = 3, s[:n-1]
		}
	}
	v, err := interpretVerb(s)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, reps*len(v))
	for range reps {
		out = append(out, v...)
	}
	return out, nil
}

func interpretVerb(v []string) ([]string, error) {
	bad := fmt.Errorf("scan: %q is not a verb phrase of the SCAN grammar", strings.Join(v, " "))
	x := func(w string) ([]string, bool) { // ⟦x⟧ for x ∈ U ∪ {turn}
		if w == "turn" {
			return nil, true
		}
		a, ok := primitiveAction[w]
		return []string{a}, ok
	}
	switch len(v) {
	case 1:
		if a, ok := primitiveAction[v[0]]; ok {
			return []string{a}, nil
		}
	case 2:
		xa, ok1 := x(v[0])
		t, ok2 := turnAction[v[1]]
		if ok1 && ok2 {
			return append([]string{t}, xa...), nil
		}
	case 3:
		xa, ok1 := x(v[0])
		t, ok2 := turnAction[v[2]]
		if !ok1 || !ok2 {
			return nil, bad
		}
		switch v[1] {
		case "opposite":
			return append([]string{t, t}, xa...), nil
		case "around":
			out := make([]string, 0, 4*(1+len(xa)))
			for range 4 {
				out = append(append(out, t), xa...)
			}
			return out, nil
		}
	}
	return nil, bad
}
