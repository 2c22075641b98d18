package scan_test

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/scan-equitune/equitune/scan"
)

func ExampleGenerate() {
	for _, name := range []string{"addprim_jump", "length", "template_around_right", "simple"} {
		train, test, err := scan.Generate(name, 1)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %d train, %d test\n", name, len(train), len(test))
	}
	_, _, err := scan.Generate("jump", 1)
	fmt.Println(strings.SplitN(err.Error(), " (", 2)[0])
	// Output:
	// addprim_jump: 14670 train, 7706 test
	// length: 16990 train, 3920 test
	// template_around_right: 15225 train, 4476 test
	// simple: 16728 train, 4182 test
	// scan: unknown split "jump"
}

func ExampleRead() {
	const file = "IN: jump twice OUT: I_JUMP I_JUMP\n" +
		"IN: walk left after run OUT: I_RUN I_TURN_LEFT I_WALK\n"
	ps, err := scan.Read(strings.NewReader(file), "tasks.txt", true)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range ps {
		fmt.Printf("%q -> %q\n", p.Command, p.Actions)
	}
	_, err = scan.Read(strings.NewReader(file+"IN: walk OUT: I_RUN\n"), "tasks.txt", true)
	fmt.Println(err)
	// Output:
	// ["jump" "twice"] -> ["I_JUMP" "I_JUMP"]
	// ["walk" "left" "after" "run"] -> ["I_RUN" "I_TURN_LEFT" "I_WALK"]
	// tasks.txt:3: actions of "walk" contradict the grammar: got "I_RUN", want "I_WALK"
}

func ExampleHoldOut() {
	train, _, _ := scan.Generate("length", 0)
	tr, val := scan.HoldOut(train, scan.DefaultValFrac, rand.New(rand.NewPCG(1, 0)))
	fmt.Println(len(tr), len(val))
	// Output:
	// 13592 3398
}
