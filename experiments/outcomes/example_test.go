package outcomes_test

import (
	"fmt"

	"github.com/scan-equitune/equitune/experiments/outcomes"
)

func ExampleFromPredictions() {
	ps := []outcomes.Prediction{
		{In: "jump twice", Target: "I_JUMP I_JUMP", Pred: "I_JUMP I_JUMP", EOS: true},
		{In: "jump left", Target: "I_TURN_LEFT I_JUMP", Pred: "I_TURN_LEFT I_WALK", EOS: true},
		{In: "run and jump", Target: "I_RUN I_JUMP", Pred: "I_RUN", EOS: false},
	}
	r, _ := outcomes.FromPredictions(ps)
	fmt.Println(r.Commands, r.Correct, r.CorrectBits, r.CorrectSet())
	for _, w := range r.Wrong {
		fmt.Printf("%q eos=%v commands=%v\n", w.Pred, w.EOS, w.Commands)
	}
	back, _ := r.Predictions([]string{"jump twice", "jump left", "run and jump"})
	fmt.Println(back[1].Pred)
	// Output:
	// 3 1 AQ== [true false false]
	// "R" eos=false commands=[2]
	// "lW" eos=true commands=[1]
	// I_TURN_LEFT I_WALK
}
