package scan

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
)

// Canonical split names, in the order of the official repository.
const (
	Simple                  = "simple"
	Length                  = "length"
	AddPrimJump             = "addprim_jump"
	AddPrimTurnLeft         = "addprim_turn_left"
	TemplateRight           = "template_right"
	TemplateOppositeRight   = "template_opposite_right"
	TemplateAroundRight     = "template_around_right"
	TemplateJumpAroundRight = "template_jump_around_right"
)

// simpleStream is the PCG stream of the simple split's generator.
const simpleStream = 0x5343414e // "SCAN"

// splitter builds the train and test sets of a split from all pairs.
type splitter func(all []Pair, seed uint64) (train, test []Pair)

var splits = map[string]splitter{
	Simple:                  simpleSplit,
	Length:                  lengthSplit,
	AddPrimJump:             addPrimSplit("jump"),
	AddPrimTurnLeft:         addPrimSplit("turn", "left"),
	TemplateRight:           templateSplit("right"),
	TemplateOppositeRight:   templateSplit("opposite", "right"),
	TemplateAroundRight:     templateSplit("around", "right"),
	TemplateJumpAroundRight: jumpAroundRightSplit,
	"filler_num0":           fillerSplit(0),
	"filler_num1":           fillerSplit(1),
	"filler_num2":           fillerSplit(2),
	"filler_num3":           fillerSplit(3),
}

// aliases maps alternative split names to canonical ones.
var aliases = map[string]string{
	"add_jump":              AddPrimJump,
	"around_right":          TemplateAroundRight,
	"opposite_right":        TemplateOppositeRight,
	"length_generalization": Length,
}

// SplitNames returns every name Generate accepts, canonical names and
// aliases, sorted.
func SplitNames() []string {
	var ns []string
	for n := range splits {
		ns = append(ns, n)
	}
	for n := range aliases {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	return ns
}

// Canonical returns the canonical name of a split name or alias, or an error
// wrapping ErrUnknownSplit that lists the valid names.
func Canonical(name string) (string, error) {
	if c, ok := aliases[name]; ok {
		return c, nil
	}
	if _, ok := splits[name]; ok {
		return name, nil
	}
	return "", fmt.Errorf("%w %q (valid: %s)", ErrUnknownSplit, name, strings.Join(SplitNames(), ", "))
}

// Generate returns the train and test sets of the named split, built from the
// grammar by the rule documented on each split below. Pairs come in the order
// of Commands, a repeated pair in a run at its command's place, so one name
// and seed always give the same slices. Only the simple split uses seed.
//
// Rules, each checked against the official files as multisets (H(x) is a
// phrase of consecutive words):
//
//   - simple: a uniformly random 80/20 partition, 16,728 train and 4,182
//     test, drawn by rand.New(rand.NewPCG(seed, 0x5343414e)). The official
//     simple split was drawn by an unrecorded random generator and cannot be
//     regenerated; load it with LoadOfficial to get it exactly.
//   - length: train has the 16,990 commands with at most 22 actions, test the
//     3,920 with at least 24 (no command has 23).
//   - addprim_jump: test has the 7,706 commands containing "jump" except bare
//     "jump"; train the 13,203 others, plus bare "jump" 13,203/9 = 1,467
//     times (so it is 10% of the 14,670 lines).
//   - addprim_turn_left: the same with the phrase "turn left" (which occurs
//     only as the verb phrase "turn left", never inside "turn opposite
//     left"): test 1,208, train 19,701 plus "turn left" 2,189 times = 21,890.
//   - template_right, template_opposite_right, template_around_right: with
//     H(x) = "x right", "x opposite right", "x around right", test has the
//     4,476 commands containing H(x) for some primitive x but not H(turn),
//     train the 15,225 containing H(x) for no x ∈ U ∪ {turn}; the 1,209
//     commands containing H(turn) are in neither.
//   - template_jump_around_right: test has the 1,173 commands containing
//     "jump around right" but not "turn around right", train the 18,528
//     containing neither.
//   - filler_numK, K = 0..3: test is that of template_jump_around_right;
//     train has the commands without "turn around right" or "jump around
//     right" whose "x around right" phrases use x among the first K fillers
//     of look, walk, run (K = 0: no "around right" at all). filler_num3 equals
//     template_jump_around_right. These have no official files.
//
// Aliases: add_jump = addprim_jump, around_right = template_around_right,
// opposite_right = template_opposite_right, length_generalization = length.
// An unknown name gives an error wrapping ErrUnknownSplit.
func Generate(name string, seed uint64) (train, test []Pair, err error) {
	c, err := Canonical(name)
	if err != nil {
		return nil, nil, err
	}
	train, test = splits[c](All(), seed)
	return train, test, nil
}

// sizes memoizes Sizes: canonical name → [2]int.
var sizes sync.Map

// Sizes returns the numbers of training and test pairs of the named split,
// which are the same under every seed (the simple split draws a fixed
// fifth), without generating it more than once per process.
func Sizes(name string) (train, test int, err error) {
	c, err := Canonical(name)
	if err != nil {
		return 0, 0, err
	}
	if n, ok := sizes.Load(c); ok {
		return n.([2]int)[0], n.([2]int)[1], nil
	}
	tr, te := splits[c](All(), 0)
	sizes.Store(c, [2]int{len(tr), len(te)})
	return len(tr), len(te), nil
}

// contains reports whether phrase occurs as consecutive words of c.
func contains(c []string, phrase ...string) bool {
	for i := 0; i+len(phrase) <= len(c); i++ {
		if slices.Equal(c[i:i+len(phrase)], phrase) {
			return true
		}
	}
	return false
}

// simpleSplit draws a fifth of all (rounded down) into the test set,
// uniformly under the seed.
func simpleSplit(all []Pair, seed uint64) (train, test []Pair) {
	return drawOut(all, len(all)/5, rand.New(rand.NewPCG(seed, simpleStream)))
}

func lengthSplit(all []Pair, _ uint64) (train, test []Pair) {
	for _, p := range all {
		if len(p.Actions) <= 22 {
			train = append(train, p)
		} else {
			test = append(test, p)
		}
	}
	return train, test
}

// addPrimSplit holds out every command containing prim except prim itself,
// which is repeated in train to make a tenth of it.
func addPrimSplit(prim ...string) splitter {
	return func(all []Pair, _ uint64) (train, test []Pair) {
		var bare Pair
		at := -1
		for _, p := range all {
			switch {
			case slices.Equal(p.Command, prim):
				bare, at = p, len(train)
			case contains(p.Command, prim...):
				test = append(test, p)
			default:
				train = append(train, p)
			}
		}
		reps := make([]Pair, len(train)/9)
		for i := range reps {
			reps[i] = bare
		}
		return slices.Insert(train, at, reps...), test
	}
}

// templateSplit holds out the commands containing "x suffix..." for a
// primitive x and drops those containing "turn suffix...".
func templateSplit(suffix ...string) splitter {
	h := func(c []string, x string) bool { return contains(c, append([]string{x}, suffix...)...) }
	return func(all []Pair, _ uint64) (train, test []Pair) {
		for _, p := range all {
			if h(p.Command, "turn") {
				continue
			}
			if slices.ContainsFunc(Primitives, func(x string) bool { return h(p.Command, x) }) {
				test = append(test, p)
			} else {
				train = append(train, p)
			}
		}
		return train, test
	}
}

func jumpAroundRightSplit(all []Pair, seed uint64) (train, test []Pair) {
	return fillerSplit(3)(all, seed)
}

// fillers are the primitives allowed in "x around right" by the filler
// splits, in the order they are admitted.
var fillers = []string{"look", "walk", "run"}

func fillerSplit(k int) splitter {
	return func(all []Pair, _ uint64) (train, test []Pair) {
		for _, p := range all {
			c := p.Command
			switch {
			case contains(c, "turn", "around", "right"):
			case contains(c, "jump", "around", "right"):
				test = append(test, p)
			case !slices.ContainsFunc(fillers[k:], func(x string) bool { return contains(c, x, "around", "right") }):
				train = append(train, p)
			}
		}
		return train, test
	}
}
