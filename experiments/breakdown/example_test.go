package breakdown_test

import (
	"fmt"

	"github.com/scan-equitune/equitune/experiments/breakdown"
	"github.com/scan-equitune/equitune/experiments/outcomes"
)

func ExampleAccuracy() {
	ps := []outcomes.Prediction{
		{In: "jump twice", Target: "I_JUMP I_JUMP", Pred: "I_JUMP I_JUMP", EOS: true},
		{In: "jump around left", Target: "I_TURN_LEFT I_JUMP I_TURN_LEFT I_JUMP I_TURN_LEFT I_JUMP I_TURN_LEFT I_JUMP",
			Pred: "I_TURN_LEFT I_JUMP I_TURN_LEFT I_JUMP I_TURN_LEFT I_JUMP I_TURN_LEFT I_JUMP", EOS: true},
		{In: "walk and jump left", Target: "I_WALK I_TURN_LEFT I_JUMP", Pred: "I_WALK I_TURN_LEFT I_WALK", EOS: true},
		{In: "jump after run twice", Target: "I_RUN I_RUN I_JUMP", Pred: "I_RUN I_RUN", EOS: true},
	}
	gs, _ := breakdown.Accuracy(ps, breakdown.Class)
	for _, g := range gs {
		fmt.Printf("%-28s %d/%d\n", g.Key, g.Correct, g.Commands)
	}
	for _, w := range breakdown.TopWrong(ps, 5, breakdown.HeldOutAction("jump")) {
		fmt.Printf("%d× %q for %q: %s\n", w.Count, w.Pred, w.Example, w.Kind)
	}
	// Output:
	// S | plain | twice            1/1
	// S | around | once            1/1
	// S and S | plain | once       0/1
	// S after S | plain | twice    0/1
	// 1× "I_RUN I_RUN" for "jump after run twice": too short
	// 1× "I_WALK I_TURN_LEFT I_WALK" for "walk and jump left": held-out action replaced
}
