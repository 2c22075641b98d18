package report

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/stats"
	"github.com/scan-equitune/equitune/internal/atomicfile"
)

// A Comparison is the paired comparison of methods A and B on one split and
// cell, which start from the same pretrained models: A − B over the seeds
// both have (stats.Compare). In the atlas, A runs under Group and B under
// the trivial group; in an experiment both run under its group (Group "").
type Comparison struct {
	Split, Cell, Group string
	A, B               string
	stats.Comparison
}

// comparisonTest explains the comparison tables.
const comparisonTest = "Each row compares two methods that start from the same pretrained models (one per seed) and are scored on " +
	"the same test commands, through the differences d = y_A − y_B ∈ {−1, 0, 1} of their outcomes on every (seed, command). " +
	"The difference is the mean of d, with the 95% percentile interval of the pigeonhole bootstrap of d over seeds × commands " +
	"(Owen 2007; B = 2000 resamples; nested where the seeds' test sets differ), which keeps the pairing; it is resolved " +
	"when the interval excludes 0. p is the two-sided exact sign-flip test (McNemar's, pooled over seeds) of the nonzero d, " +
	"which takes the (seed, command) pairs as independent: unlike the interval it ignores the variation between seeds, " +
	"so with seeds that disagree it can be small for a difference that is not resolved."

// sharedPairs returns the pairs of c's methods that share their
// pretrainings, each (later, earlier) in the order of c.Methods: the
// methods that start from the cell's pretrained model
// (config.FromPretrained). There are none if c's methods start from a
// pretrained_model file, one model for every seed.
func sharedPairs(c *config.Config) [][2]string {
	if c.PretrainedModel != "" {
		return nil
	}
	var ms []string
	for _, name := range c.Methods {
		if m, ok := config.Lookup(name); ok && m.Start == config.FromPretrained {
			ms = append(ms, name)
		}
	}
	var ps [][2]string
	for j := range ms {
		for i := range j {
			ps = append(ps, [2]string{ms[j], ms[i]})
		}
	}
	return ps
}

// comparePair compares row a (A, named na) with row b (B, named nb) over
// the seeds both have, in a's order, drawing from stats.NewRand(key...,
// the two names sorted). It reports false if either row lacks outcomes or
// they share no seed, and returns an error naming both if a seed's test
// commands differ between them.
func comparePair(a, b Row, na, nb string, key ...string) (stats.Comparison, bool, error) {
	if a.Outcomes == nil || b.Outcomes == nil {
		return stats.Comparison{}, false, nil
	}
	of := map[uint64]int{}
	for j, res := range b.Runs {
		of[res.Seed] = j
	}
	var ya, yb [][]bool
	var hashes []string
	for i, res := range a.Runs {
		j, ok := of[res.Seed]
		if !ok {
			continue
		}
		if h := a.Outcomes.Hashes[i]; h != b.Outcomes.Hashes[j] {
			return stats.Comparison{}, false, fmt.Errorf("%s and %s were scored on different test commands", res.RunID, b.Runs[j].RunID)
		} else if !slices.Contains(hashes, h) {
			hashes = append(hashes, h)
		}
		ya, yb = append(ya, a.Outcomes.Correct[i]), append(yb, b.Outcomes.Correct[j])
	}
	if len(ya) == 0 {
		return stats.Comparison{}, false, nil
	}
	names := []string{na, nb}
	slices.Sort(names)
	c, err := stats.Compare(ya, yb, stats.Settings{Nested: len(hashes) > 1}, stats.NewRand(append(key, names...)...))
	if err != nil {
		return c, false, fmt.Errorf("%s − %s on %s: %w", na, nb, strings.Join(key, " "), err)
	}
	return c, true, nil
}

// comparisons returns the paired comparisons of experiment c from its
// summary rows: on every (split, cell) with rows, every pair of
// sharedPairs, drawn from stats.NewRand(c.Name, split, cell, the sorted
// names). It lists the pairs left out because a row lacks outcomes as
// "A − B (split, cell)".
func comparisons(c *config.Config, rows []Row) (cs []Comparison, omitted []string, err error) {
	err = eachPair(rows, sharedPairs(c), func(split, cell string, a, b Row, pair [2]string) error {
		cmp, ok, err := comparePair(a, b, pair[0], pair[1], c.Name, split, cell)
		if err != nil {
			return err
		} else if !ok {
			omitted = append(omitted, fmt.Sprintf("%s − %s (%s, %s)", pair[0], pair[1], split, cell))
			return nil
		}
		cs = append(cs, Comparison{Split: split, Cell: cell, A: pair[0], B: pair[1], Comparison: cmp})
		return nil
	})
	return cs, omitted, err
}

// eachPair calls f on every (split, cell) of rows, in the order of their
// first rows, for every pair (A, B) of pairs that has a row of both
// methods there, and stops at f's first error.
func eachPair(rows []Row, pairs [][2]string, f func(split, cell string, a, b Row, pair [2]string) error) error {
	byKey := map[[3]string]Row{}
	var places [][2]string
	for _, r := range rows {
		byKey[[3]string{r.Split, r.Cell, r.Method}] = r
		if p := [2]string{r.Split, r.Cell}; !slices.Contains(places, p) {
			places = append(places, p)
		}
	}
	for _, p := range places {
		for _, pair := range pairs {
			a, okA := byKey[[3]string{p[0], p[1], pair[0]}]
			b, okB := byKey[[3]string{p[0], p[1], pair[1]}]
			if !okA || !okB {
				continue
			}
			if err := f(p[0], p[1], a, b, pair); err != nil {
				return err
			}
		}
	}
	return nil
}

// comparisonFiles returns the files comparisons.csv and comparisons.md
// of experiment c into dir, from its summary rows (comparisons); none if
// its methods share no pretrainings.
func comparisonFiles(c *config.Config, dir string, rows []Row) ([]summaryFile, error) {
	if len(sharedPairs(c)) == 0 {
		return nil, nil
	}
	cs, omitted, err := comparisons(c, rows)
	if err != nil {
		return nil, err
	}
	csv, md := filepath.Join(dir, "comparisons.csv"), filepath.Join(dir, "comparisons.md")
	return []summaryFile{
		{[]string{csv}, func() error { return atomicfile.WriteFile(csv, []byte(comparisonsCSV(cs)), 0o644) }},
		{[]string{md}, func() error {
			return atomicfile.WriteFile(md, []byte(comparisonsMarkdown(c, cs, omitted)), 0o644)
		}},
	}, nil
}

// comparisonFields formats the numbers of c as CSV fields: seeds,
// commands, the mean difference and its interval to 4 decimals, p and
// whether it is resolved.
func comparisonFields(c stats.Comparison) string {
	return fmt.Sprintf("%d,%d,%.4f,%.4f,%.4f,%s,%t", c.Seeds, c.Commands, c.Diff, c.Lo, c.Hi, formatP(c.P), c.Resolved)
}

// comparisonCells formats the numbers of c as markdown table cells.
func comparisonCells(c stats.Comparison) string {
	resolved := "no"
	if c.Resolved {
		resolved = "yes"
	}
	return fmt.Sprintf("%d | %d | %+.4f | [%+.4f, %+.4f] | %s | %s |", c.Seeds, c.Commands, c.Diff, c.Lo, c.Hi, formatP(c.P), resolved)
}

// formatP formats a p-value to 3 significant digits; SignFlipP's 0, a
// value below about 10⁻³⁰⁰, as "<1e-300", and NaN (no test) as "–".
func formatP(p float64) string {
	switch {
	case p == 0:
		return "<1e-300"
	case math.IsNaN(p):
		return "–"
	}
	return strconv.FormatFloat(p, 'g', 3, 64)
}

// comparisonsCSV formats an experiment's comparisons as comparisons.csv.
func comparisonsCSV(cs []Comparison) string {
	var b strings.Builder
	b.WriteString("split,cell,method_a,method_b,n_seeds,n_commands,diff_mean,ci95_lo,ci95_hi,p_sign_flip,resolved\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s\n", c.Split, c.Cell, c.A, c.B, comparisonFields(c.Comparison))
	}
	return b.String()
}

// comparisonsMarkdown formats experiment c's comparisons as comparisons.md,
// naming the pairs omitted for want of outcomes.
func comparisonsMarkdown(c *config.Config, cs []Comparison, omitted []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: paired comparisons\n\nMethods that share their pretrainings, later in the config minus earlier. %s\n\n",
		c.Name, comparisonTest)
	b.WriteString(omittedNote(omitted))
	b.WriteString("| split | cell | A − B | n_seeds | n_commands | difference | 95% interval | p (sign flip) | resolved |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---:|---|\n")
	for _, x := range cs {
		fmt.Fprintf(&b, "| %s | %s | %s − %s | %s\n", x.Split, x.Cell, x.A, x.B, comparisonCells(x.Comparison))
	}
	return b.String()
}

// omittedNote says which comparisons were left out for want of outcomes.
func omittedNote(omitted []string) string {
	if len(omitted) == 0 {
		return ""
	}
	return fmt.Sprintf("Left out, as a seed of one of the methods has no outcomes file (runs written before runs wrote them, "+
		"without predictions to derive them from): %s.\n\n", strings.Join(omitted, "; "))
}
