package report

import (
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
)

// BenchmarkAddJumpIntervals times what the outcomes add to an add_jump
// summary: reading the outcomes, the 15 rows' intervals and the 30 paired
// comparisons of 3 cells × 5 methods × 3 seeds × 7,706 commands, at
// accuracies like the reference's (0.001 to 0.98).
func BenchmarkAddJumpIntervals(b *testing.B) {
	c, err := config.Load("add_jump.toml")
	if err != nil {
		b.Fatal(err)
	}
	t := &testing.T{}
	l := runner.Layout{Out: b.TempDir(), Experiment: c.Name}
	acc := map[string]float64{"pretrained": 0.001, "finetune": 0.001, "equitune": 0.97, "equitune_zeroshot": 0.03, "equizero": 0.72}
	var rs []*runner.Result
	for i, r := range runner.Expand(c) {
		if r.Method == runner.Pretrain {
			continue
		}
		synthRun{run: r, right: synthRight(7706, acc[r.Method], uint64(i)), prefix: "jump", outcomes: true}.write(t, c, l)
		res, err := readResultFile(l.Result(r))
		if err != nil {
			b.Fatal(err)
		}
		rs = append(rs, res)
	}
	for b.Loop() {
		rows := summarize(rs)
		if err := withOutcomes(c.Name, l, rows); err != nil {
			b.Fatal(err)
		}
		if cs, _, err := comparisons(c, rows); err != nil || len(cs) != 30 {
			b.Fatal(err, len(cs))
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/summary")
}
