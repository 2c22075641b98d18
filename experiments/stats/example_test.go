package stats_test

import (
	"fmt"

	"github.com/scan-equitune/equitune/experiments/stats"
)

// Two methods tuned from the same two pretrainings, scored on the same four
// test commands.
func ExampleCompare() {
	a := [][]bool{{true, true, true, false}, {true, true, true, true}}
	b := [][]bool{{true, false, false, false}, {true, true, false, true}}
	ea, _ := stats.Accuracy(a, stats.Settings{}, stats.NewRand("split", "cell", "A"))
	c, _ := stats.Compare(a, b, stats.Settings{}, stats.NewRand("split", "cell", "A", "B"))
	fmt.Printf("A: %.3f [%.3f, %.3f] over %d seeds × %d commands\n", ea.Mean, ea.Lo, ea.Hi, ea.Seeds, ea.Commands)
	fmt.Printf("A − B: %+.3f [%+.3f, %+.3f], p = %.3f (%d wins, %d losses), resolved %v\n",
		c.Diff, c.Lo, c.Hi, c.P, c.Wins, c.Losses, c.Resolved)
	// Output:
	// A: 0.875 [0.500, 1.000] over 2 seeds × 4 commands
	// A − B: +0.375 [+0.000, +0.875], p = 0.250 (3 wins, 0 losses), resolved false
}
