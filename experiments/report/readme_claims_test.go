package report

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/stats"
)

// committed reads the committed results under results/ for the README's
// claims.
type committed struct {
	t    *testing.T
	root string
}

// csvRows reads results/DIR/FILE as rows keyed by column name.
func (c committed) csvRows(dir, file string) []summaryRow {
	c.t.Helper()
	rows, err := readCSV(filepath.Join(c.root, dir, file))
	if err != nil {
		c.t.Fatal(err)
	}
	return rows
}

// find returns the rows of results/DIR/FILE whose columns have the values
// of kv (name, value, name, value, …); it fails the test if there are none.
func (c committed) find(dir, file string, kv ...string) []summaryRow {
	c.t.Helper()
	var out []summaryRow
	for _, row := range c.csvRows(dir, file) {
		ok := true
		for i := 0; i < len(kv); i += 2 {
			ok = ok && row[kv[i]] == kv[i+1]
		}
		if ok {
			out = append(out, row)
		}
	}
	if len(out) == 0 {
		c.t.Fatalf("%s/%s: no row with %v", dir, file, kv)
	}
	return out
}

// num parses a number of a CSV cell.
func (c committed) num(s string) float64 {
	c.t.Helper()
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		c.t.Fatalf("not a number: %q", s)
	}
	return x
}

// column returns the numbers of column col of the rows of results/DIR/FILE
// matching kv.
func (c committed) column(col, dir, file string, kv ...string) []float64 {
	c.t.Helper()
	var xs []float64
	for _, row := range c.find(dir, file, kv...) {
		xs = append(xs, c.num(row[col]))
	}
	return xs
}

// mean is the test_acc_mean of a summary row.
func (c committed) mean(dir, cell, method string) float64 {
	c.t.Helper()
	return c.column("test_acc_mean", dir, "summary.csv", "cell", cell, "method", method)[0]
}

// result reads results/DIR/runs/ID/result.json.
func (c committed) result(dir, id string) map[string]any {
	c.t.Helper()
	b, err := os.ReadFile(filepath.Join(c.root, dir, "runs", id, "result.json"))
	if err != nil {
		c.t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		c.t.Fatal(err)
	}
	return m
}

// span writes the smallest and largest of xs with prec decimals, "a–b", or
// one number if they print alike.
func span(prec int, xs ...float64) string {
	lo, hi := slices.Min(xs), slices.Max(xs)
	a, b := strconv.FormatFloat(lo, 'f', prec, 64), strconv.FormatFloat(hi, 'f', prec, 64)
	if a == b {
		return a
	}
	return a + "–" + b
}

// signed writes x with prec decimals and its sign, the minus as "−".
func signed(prec int, x float64) string {
	s := strconv.FormatFloat(math.Abs(x), 'f', prec, 64)
	if math.Round(x*math.Pow10(prec)) < 0 {
		return "−" + s
	}
	return "+" + s
}

// minutes writes seconds as minutes with one decimal.
func minutes(xs ...float64) string {
	for i := range xs {
		xs[i] /= 60
	}
	return span(1, xs...)
}

// TestREADMEClaims checks the numbers of the README's prose against the
// committed results: each claim is a phrase formatted from the committed
// summaries, comparisons, coverages, wall times and result.json files, and
// the README must contain it word for word (line breaks aside). A result
// that moves a number fails here until the README says the new one.
func TestREADMEClaims(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(b)), " ")
	c := committed{t: t, root: "../../results"}
	for _, claim := range readmeClaims(c) {
		if !strings.Contains(readme, claim) {
			t.Errorf("README.md does not say %q, which the committed results give", claim)
		}
	}
}

// cells are the reference tables' cells.
var cells = []string{"rnn", "gru", "lstm"}

// readmeClaims returns the README's phrases that state committed numbers.
func readmeClaims(c committed) []string {
	var claims []string
	add := func(format string, args ...any) { claims = append(claims, fmt.Sprintf(format, args...)) }

	// Plain training against equi-tuning.
	var plainJump, plainRight, eqJump, eqRight []float64
	for _, cell := range cells {
		for _, m := range []string{"pretrained", "finetune"} {
			plainJump = append(plainJump, c.mean("add_jump", cell, m))
			plainRight = append(plainRight, c.mean("around_right", cell, m))
		}
		eqJump = append(eqJump, c.mean("add_jump", cell, "equitune"))
		eqRight = append(eqRight, c.mean("around_right", cell, "equitune"))
	}
	add("Pretrained and fine-tuned models stay at %s on add_jump and %s on around_right", span(3, plainJump...), span(2, plainRight...))
	add("equi-tuning reaches %s on add_jump (group `verb`) and %s on around_right (group `direction`)", span(2, eqJump...), span(2, eqRight...))

	// Paired gains of equi-tuning over fine-tuning.
	var gainLo []float64
	for _, dir := range []string{"add_jump", "around_right"} {
		for _, cell := range cells {
			row := c.find(dir, "comparisons.csv", "cell", cell, "method_a", "equitune", "method_b", "finetune")[0]
			if row["resolved"] != "true" {
				gainLo = append(gainLo, math.NaN()) // fails the claim below
			}
			gainLo = append(gainLo, c.num(row["ci95_lo"]))
		}
	}
	add("Its paired gain over fine-tuning is resolved on all %d cells, the smallest interval's lower end being %s.", len(gainLo), signed(3, slices.Min(gainLo)))

	// Against Gordon et al.'s model: unpaired gaps, equitune − gequivariant.
	for _, m := range []string{"equitune", "gequivariant"} {
		row := c.find("add_jump_verb4", "summary.csv", "method", m)[0]
		add("%s [%s, %s]", row["test_acc_mean"], row["ci95_lo"], row["ci95_hi"])
	}
	verb4 := c.find("add_jump_verb4", "comparisons_unpaired.csv", "method_a", "gequivariant", "method_b", "equitune")[0]
	add("on %s seeds (`add_jump_verb4.toml`)", verb4["n_seeds_a"])
	add("a gap of %s: %s", c.negatedInterval(verb4), map[bool]string{true: "resolved", false: "**on a par**, not resolved"}[verb4["resolved"] == "true"])
	gaps := map[string]map[string]Row{}
	gap := func(task, cell string) stats.Comparison {
		g, reason, err := headlineGapOf(c.root, task, cell, gaps)
		if err != nil || reason != "" {
			c.t.Fatalf("%s %s: %v %s", task, cell, err, reason)
		}
		return g
	}
	for _, x := range []struct{ task, scratch, cell, others string }{
		{"add_jump", "add_jump_vs_scratch", "rnn", "by %.3f on the gru and %.3f on the lstm, resolved at 3 seeds"},
		{"around_right", "around_right_vs_scratch", "gru", "by %.3f (rnn) and %.3f (lstm), resolved at 3 seeds"},
	} {
		var two []any
		for _, cell := range cells {
			if cell == x.cell {
				continue
			}
			g := gap(x.task, cell)
			if !g.Resolved {
				two = append(two, math.NaN()) // fails the claim
			}
			two = append(two, math.Abs(g.Diff))
		}
		add(x.others, two...)
		g3 := gap(x.task, x.cell)
		five := c.find(x.scratch, "comparisons_unpaired.csv", "method_a", "gequivariant", "method_b", "equitune")[0]
		add("on the %s %s at 3 seeds and %s at %s seeds (`%s.toml`)", x.cell, interval3(g3), c.negatedInterval(five), five["n_seeds_a"], x.scratch)
	}

	// The follow-up methods against equi-tuning, paired.
	fg, err := followupGaps(c.root)
	if err != nil {
		c.t.Fatal(err)
	}
	gapsOf := func(label string, keep func(followupGap) bool) (ds []float64, places []string) {
		for _, g := range fg {
			if g.Label == label && g.OK && keep(g) {
				ds = append(ds, g.Diff)
				places = append(places, g.Task+" "+g.Cell)
			}
		}
		return ds, places
	}
	everyGap := func(followupGap) bool { return true }
	resolved := func(g followupGap) bool { return g.Resolved }
	ind, _ := gapsOf("`equitune_independent`", everyGap)
	indBelow, _ := gapsOf("`equitune_independent`", func(g followupGap) bool { return g.Resolved && g.Diff < 0 })
	add("below equi-tuning's on all %d cells (%s to %s, each resolved)", len(indBelow), signed(3, slices.Min(ind)), signed(3, slices.Max(ind)))
	if len(indBelow) != len(ind) {
		add("(not every independent gap is a resolved loss)")
	}
	lam, _ := gapsOf("`lambda_equitune`", everyGap)
	lamResolved, _ := gapsOf("`lambda_equitune`", resolved)
	add("λ-equitune differs by %s to %s, resolved on %s", signed(3, slices.Min(lam)), signed(3, slices.Max(lam)),
		map[bool]string{true: "no cell", false: fmt.Sprint(len(lamResolved), " cells")}[len(lamResolved) == 0])
	var ahead, behind []float64
	var aheadAt, behindAt []string
	for _, label := range []string{"`equizero_finetune` (entropy)", "`equizero_finetune` (top1)"} {
		d, p := gapsOf(label, func(g followupGap) bool { return g.Resolved && g.Diff > 0 })
		ahead, aheadAt = append(ahead, d...), append(aheadAt, p...)
		d, p = gapsOf(label, func(g followupGap) bool { return g.Resolved && g.Diff < 0 })
		behind, behindAt = append(behind, d...), append(behindAt, p...)
	}
	add("ahead on %s (%s, resolved), behind on %s (%s, resolved)", placesText(aheadAt), signedSpan(ahead), placesText(behindAt), signedSpan(behind))

	// The same on five seeds: followups_seeds_TASK's comparisons.
	var lambda5 []string
	var ahead5, behind5 []float64
	var ahead5At, behind5At []string
	zeroCells := 0
	for _, task := range headlineTasks {
		for _, row := range c.find("followups_seeds_"+task, "comparisons.csv", "method_b", "equitune") {
			place, d := task+" "+row["cell"], c.num(row["diff_mean"])
			switch {
			case row["method_a"] == "lambda_equitune" && row["resolved"] == "true":
				lambda5 = append(lambda5, fmt.Sprintf("the %s (%s)", place, c.interval(row)))
			case row["method_a"] == "equizero_finetune":
				zeroCells++
				if row["resolved"] == "true" && d > 0 {
					ahead5, ahead5At = append(ahead5, d), append(ahead5At, place)
				} else if row["resolved"] == "true" {
					behind5, behind5At = append(behind5, d), append(behind5At, place)
				}
			}
		}
	}
	add("On 5 seeds (`followups_seeds_*.toml`; top1) λ-equitune is resolved only on %s, and equizero fine-tuning on %d of %d cells: ahead on %s (%s), behind on %s (%s).",
		strings.Join(lambda5, " and "), len(ahead5)+len(behind5), zeroCells, placesText(ahead5At), signedSpan(ahead5), placesText(behind5At), signedSpan(behind5))

	// The atlas's length split: equitune − finetune under each group.
	var lengthGains []float64
	var lengthResolved []string
	for _, row := range c.find("atlas", "comparisons.csv", "split", "length", "method", "equitune", "baseline", "finetune") {
		lengthGains = append(lengthGains, c.num(row["diff_mean"]))
		if row["resolved"] == "true" {
			lengthResolved = append(lengthResolved, fmt.Sprintf("under `%s` (%s)", row["group"], c.interval(row)))
		}
	}
	add("gain over fine-tuning is %s to %s, resolved only %s.", signed(4, slices.Min(lengthGains)), signed(4, slices.Max(lengthGains)),
		strings.Join(lengthResolved, " and "))

	// The atlas elsewhere: what covering groups reach, non-covering gains on
	// 3 and 5 seeds, and the product group against the covering pair.
	coverage := map[[2]string]float64{}
	var covered []float64
	for _, row := range c.csvRows("atlas", "summary.csv") {
		cov := c.num(row["test_coverage"])
		coverage[[2]string{row["split"], row["group"]}] = cov
		if row["method"] == "equitune" && row["group"] != "identity" && cov > 0 {
			covered = append(covered, c.num(row["test_acc_mean"]))
		}
	}
	add("equi-tuning reaches %s wherever its group maps held-out commands onto training ones", span(3, covered...))
	nonCovering := func(dir string, verdict func(summaryRow) string) (n int, gains []float64, resolved []string) {
		for _, row := range c.find(dir, "comparisons.csv", "method", "equitune", "baseline", "finetune") {
			if row["split"] == "length" || coverage[[2]string{row["split"], row["group"]}] != 0 {
				continue
			}
			n++
			gains = append(gains, c.num(row["diff_mean"]))
			if row["resolved"] == "true" {
				resolved = append(resolved, verdict(row))
			}
		}
		return n, gains, resolved
	}
	n3, gains3, resolved3 := nonCovering("atlas", c.interval)
	add("Under the %d groups that leave another split's held-out words alone it is %s to %s on 3 seeds, resolved on %d",
		n3, signed(4, slices.Min(gains3)), signed(4, slices.Max(gains3)), len(resolved3))
	n5, _, resolved5 := nonCovering("atlas_seeds", func(row summaryRow) string {
		return fmt.Sprintf("%s under `%s` (%s)", row["split"], row["group"], c.interval(row))
	})
	add("Five seeds on %d of those cells (`atlas_seeds.toml`) resolve %d: %s;", n5, len(resolved5), strings.Join(resolved5, ", "))
	right3 := c.find("atlas", "comparisons.csv", "split", "template_right", "group", "verb", "method", "equitune", "baseline", "finetune")[0]
	right5 := c.find("atlas_seeds", "comparisons.csv", "split", "template_right", "group", "verb", "method", "equitune", "baseline", "finetune")[0]
	add("template_right under `verb`, %s at 3 seeds, is %s at 5 (%s).",
		map[bool]string{true: "resolved", false: "not resolved"}[right3["resolved"] == "true"],
		map[bool]string{true: "also resolved", false: "not"}[right5["resolved"] == "true"], c.interval(right5))
	var product []float64
	productLoss := false
	for _, row := range c.find("atlas", "group_comparisons.csv", "method", "equitune", "group", "verb×direction") {
		if coverage[[2]string{row["split"], row["smaller_group"]}] > 0 {
			product = append(product, c.num(row["diff_mean"]))
			productLoss = productLoss || (row["resolved"] == "true" && c.num(row["diff_mean"]) < 0)
		}
	}
	add("minus under the two-element group that covers is %s to %s, %s.", signed(4, slices.Min(product)), signed(4, slices.Max(product)),
		map[bool]string{true: "a loss resolved", false: "no loss resolved"}[productLoss])

	// Errors.
	for _, dir := range []string{"add_jump", "around_right"} {
		add("%.3f", c.num(c.find(dir, "errors.csv", "cell", "lstm", "method", "equitune", "key", "target_length", "class", "41-48")[0]["accuracy"]))
	}
	add("score %.3f, against %.3f with one.",
		c.num(c.find("add_jump", "errors.csv", "cell", "lstm", "method", "equitune", "class", "2× jump")[0]["accuracy"]),
		c.num(c.find("add_jump", "errors.csv", "cell", "lstm", "method", "equitune", "class", "1× jump")[0]["accuracy"]))
	all := c.find("add_jump", "errors.csv", "cell", "lstm", "method", "equitune", "key", "all")[0]
	add("of the add_jump LSTM's %d wrong outputs", int(c.num(all["n_commands"])-c.num(all["correct"])))

	// Costs per LSTM seed: pretraining plus tuning, or the from-scratch training.
	var underVerb, underVerb4, scratch []float64
	for s := range 3 {
		p := c.column("seconds", "add_jump", "walltime.csv", "run", fmt.Sprintf("pretrain-addprim_jump-lstm-s%d", s))[0]
		underVerb = append(underVerb, p+c.column("seconds", "add_jump", "walltime.csv", "run", fmt.Sprintf("addprim_jump-lstm-s%d-equitune", s))[0])
		underVerb4 = append(underVerb4, p+c.column("seconds", "atlas/addprim_jump_verb4", "walltime.csv", "run", fmt.Sprintf("addprim_jump-lstm-s%d-equitune", s))[0])
		scratch = append(scratch, c.column("seconds", "add_jump_gequivariant", "walltime.csv", "run", fmt.Sprintf("addprim_jump-lstm-s%d-gequivariant", s))[0])
	}
	add("Per LSTM seed on this 2-core VM: %s min (equi-tuning under `verb`), %s min (under `verb4`, tuned on an older, slower binary), %s min (from scratch).",
		minutes(underVerb...), minutes(underVerb4...), minutes(scratch...))

	// Selection: where the add_jump equi-tuning runs peaked.
	late := 0
	for _, cell := range cells {
		for s := range 3 {
			r := c.result("add_jump", fmt.Sprintf("addprim_jump-%s-s%d-equitune", cell, s))
			if r["best_step"].(float64) >= r["tune_iterations"].(float64)-500 {
				late++
			}
		}
	}
	add("%d of the 9 add_jump equi-tuning runs under `verb` selected their last or second-to-last checkpoint", late)

	// Coverage.
	cov := c.column("test_coverage", "add_jump", "coverage.csv", "group", "verb")
	add("under `verb` it covers %.0f%% of add_jump's test set (the commands without `run`), while the equi-tuned LSTM gets %.3f of it right.",
		100*cov[0], c.mean("add_jump", "lstm", "equitune"))
	return claims
}

// interval formats the difference of a comparisons CSV row with its
// interval, 4 decimals: "+0.0086 [+0.0018, +0.0173]".
func (c committed) interval(row summaryRow) string {
	return fmt.Sprintf("%s [%s, %s]", signed(4, c.num(row["diff_mean"])), signed(4, c.num(row["ci95_lo"])), signed(4, c.num(row["ci95_hi"])))
}

// negatedInterval formats minus the difference of a comparisons CSV row
// with its interval, 4 decimals: "+0.0037 [−0.0004, +0.0076]".
func (c committed) negatedInterval(row summaryRow) string {
	return fmt.Sprintf("%s [%s, %s]", signed(4, -c.num(row["diff_mean"])), signed(4, -c.num(row["ci95_hi"])), signed(4, -c.num(row["ci95_lo"])))
}

// interval3 formats a comparison's difference and interval, 3 decimals.
func interval3(g stats.Comparison) string {
	return fmt.Sprintf("%s [%s, %s]", signed(3, g.Diff), signed(3, g.Lo), signed(3, g.Hi))
}

// placesText names "task cell" places as "the add_jump rnn and gru", the
// tasks and cells in the tables' order.
func placesText(places []string) string {
	var parts []string
	for _, task := range headlineTasks {
		var cs []string
		for _, cell := range cells {
			if slices.Contains(places, task+" "+cell) {
				cs = append(cs, cell)
			}
		}
		if len(cs) > 0 {
			parts = append(parts, "the "+task+" "+strings.Join(cs, " and "))
		}
	}
	return strings.Join(parts, " and ")
}

// signedSpan writes the smallest and largest of xs with their signs, 3
// decimals, "−0.025 to +0.012", or one number if they print alike.
func signedSpan(xs []float64) string {
	a, b := signed(3, slices.Min(xs)), signed(3, slices.Max(xs))
	if a == b {
		return a
	}
	return a + " to " + b
}

// TestResultsDocIdentities checks docs/results.md's count of the committed
// result.json files that store their run identity.
func TestResultsDocIdentities(t *testing.T) {
	b, err := os.ReadFile("../../docs/results.md")
	if err != nil {
		t.Fatal(err)
	}
	total, withIdentity := 0, 0
	err = filepath.WalkDir("../../results", func(path string, d os.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == ".cache":
			return filepath.SkipDir
		case d.Name() != "result.json":
			return nil
		}
		var r struct{ Identity string }
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(data, &r); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		total++
		if r.Identity != "" {
			withIdentity++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	claim := fmt.Sprintf("%d of the %d committed `result.json` files store their run identity", withIdentity, total)
	if !strings.Contains(strings.Join(strings.Fields(string(b)), " "), claim) {
		t.Errorf("docs/results.md does not say %q", claim)
	}
}
