package verbgroups_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/verbgroups"
)

// Construct equi-tuning's group for add_jump, {e, jump↔run}, and check that
// it is a symmetry of SCAN.
func ExampleCyclic() {
	g, err := verbgroups.Cyclic("verb", []string{"jump", "run"}, []string{"I_JUMP", "I_RUN"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.Name(), "has order", g.Order())
	for i := range g.Order() {
		fmt.Printf("element %d: %s, inverse %d\n", i, g.ElementString(i), g.InverseIndex(i))
	}
	fmt.Println("symmetry of SCAN:", g.CheckSCAN() == nil)

	bad, err := verbgroups.Cyclic("bad", []string{"jump", "walk"}, []string{"I_JUMP", "I_RUN"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(bad.CheckSCAN())
	// Output:
	// verb has order 2
	// element 0: e, inverse 0
	// element 1: (jump run)(I_JUMP I_RUN), inverse 1
	// symmetry of SCAN: true
	// verbgroups: group "bad" is not a symmetry: g = (jump walk)(I_JUMP I_RUN), c = "walk left", g·c = "jump left", ⟦g·c⟧ = "I_TURN_LEFT I_JUMP", g·⟦c⟧ = "I_TURN_LEFT I_WALK"
}

// Act with every element of verb4 on a command, encoded as input ids, and
// map the result back to words.
func ExampleElement_ActIn() {
	g, err := verbgroups.ByName("verb4")
	if err != nil {
		log.Fatal(err)
	}
	in := scan.InputVocab()
	x, err := in.Encode(strings.Fields("jump twice after walk left"))
	if err != nil {
		log.Fatal(err)
	}
	gx := make([]int, len(x))
	for i, e := range g.Elements() {
		e.ActIn(gx, x)
		fmt.Printf("%-52s %s\n", g.ElementString(i), strings.Join(in.Decode(gx), " "))
	}
	// Output:
	// e                                                    jump twice after walk left
	// (walk look run jump)(I_WALK I_LOOK I_RUN I_JUMP)     walk twice after look left
	// (walk run)(look jump)(I_WALK I_RUN)(I_LOOK I_JUMP)   look twice after run left
	// (walk jump run look)(I_WALK I_JUMP I_RUN I_LOOK)     run twice after jump left
}

// Act on a command given as words.
func ExampleGroup_ActWords() {
	g, err := verbgroups.ByName("verb×direction")
	if err != nil {
		log.Fatal(err)
	}
	c := strings.Fields("run around left and jump")
	for i := range g.Order() {
		fmt.Println(strings.Join(g.ActWords(i, c), " "))
	}
	// Output:
	// run around left and jump
	// run around right and jump
	// jump around left and run
	// jump around right and run
}

// Undo the action of g on a model's output distribution: the model saw g·x,
// so g⁻¹ maps its distribution back to the vocabulary of x. Column v of a row
// moves to column g·v: (g·p)(g·v) = p(v).
func ExampleElement_PermuteScores() {
	g, err := verbgroups.ByName("verb")
	if err != nil {
		log.Fatal(err)
	}
	out := scan.OutputVocab()
	V := out.Size()
	fmt.Println(out.Tokens())

	// Two rows of probabilities over SOS EOS I_WALK I_LOOK I_RUN I_JUMP
	// I_TURN_LEFT I_TURN_RIGHT, computed on g·x: the model is sure of I_RUN,
	// then of EOS.
	p := []float64{
		0, 0, 0, 0, 0.9, 0.1, 0, 0,
		0, 1, 0, 0, 0, 0, 0, 0,
	}
	g.Inverse(1).PermuteScores(p, p, V) // in place
	for r := 0; r < len(p); r += V {
		fmt.Println(p[r : r+V])
	}
	// Output:
	// [SOS EOS I_WALK I_LOOK I_RUN I_JUMP I_TURN_LEFT I_TURN_RIGHT]
	// [0 0 0 0 0.1 0.9 0 0]
	// [0 1 0 0 0 0 0 0]
}

// Read a user-defined group from TOML.
func ExampleParse() {
	data := []byte(`
name = "walk-look"
[[cycle]]
words = ["walk", "look"]
actions = ["I_WALK", "I_LOOK"]
`)
	g, err := verbgroups.Parse(data, "walk-look.toml")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.Name(), g.Order(), g.ElementString(1), g.CheckSCAN() == nil)

	_, err = verbgroups.Parse([]byte(`name = "x"
[[cycle]]
words = ["jmp", "run"]
actions = ["I_JUMP", "I_RUN"]
`), "x.toml")
	fmt.Println(err)
	// Output:
	// walk-look 2 (walk look)(I_WALK I_LOOK) true
	// verbgroups: x.toml:2: group "x": cycle 1: word "jmp" is not a SCAN word (valid: walk, look, run, jump, turn, left, right, opposite, around, twice, thrice, and, after)
}

// Build a product of cyclic groups; its elements are the pairs, numbered
// i·|H| + j.
func ExampleProduct() {
	verb4, err := verbgroups.ByName("verb4")
	if err != nil {
		log.Fatal(err)
	}
	dir, err := verbgroups.ByName("direction")
	if err != nil {
		log.Fatal(err)
	}
	g, err := verbgroups.Product(verb4, dir)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.Name(), g.Order(), g.ElementString(3))
	fmt.Println(g.ElementString(g.InverseIndex(3)))

	verb, err := verbgroups.ByName("verb")
	if err != nil {
		log.Fatal(err)
	}
	_, err = verbgroups.Product(verb, verb4)
	fmt.Println(err)
	// Output:
	// verb4×direction 8 (walk look run jump)(left right)(I_WALK I_LOOK I_RUN I_JUMP)(I_TURN_LEFT I_TURN_RIGHT)
	// (walk jump run look)(left right)(I_WALK I_JUMP I_RUN I_LOOK)(I_TURN_LEFT I_TURN_RIGHT)
	// verbgroups: product verb×verb4: word "run" is moved by both verb and verb4
}

// Count the held-out commands that a group maps onto training commands:
// jump↔run maps "jump twice" onto "run twice", but "jump and run" only onto
// "run and jump", which is not in train.
func ExampleGroup_Coverage() {
	g, err := verbgroups.ByName("verb")
	if err != nil {
		log.Fatal(err)
	}
	train := [][]string{{"run", "twice"}, {"walk", "and", "run"}}
	held := [][]string{{"jump", "twice"}, {"jump", "and", "run"}, {"walk", "and", "jump"}}
	cov := g.Coverage(train, held)
	fmt.Printf("%d of %d covered (%.2f)\n", cov.Covered, cov.Total, cov.Fraction())
	// Output:
	// 2 of 3 covered (0.67)
}
