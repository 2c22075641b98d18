package report

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/stats"
	"github.com/scan-equitune/equitune/internal/atomicfile"
)

// unpairedTest explains the unpaired comparison tables.
const unpairedTest = "Each row compares two methods that do not start from the same models, so their seeds are not paired " +
	"(a model trained from scratch against one tuned from a pretraining), but that are scored on the same test commands. " +
	"The difference is A's mean accuracy minus B's, with the 95% percentile interval of a pigeonhole bootstrap that resamples " +
	"A's seeds and B's seeds independently and applies one resample of the commands to both, which keeps the pairing by " +
	"command (B = 2000 resamples); it is resolved when the interval excludes 0. p is the two-sided exact permutation test " +
	"over seeds: how often relabelling the n_a + n_b seeds' accuracies between the methods gives a difference as large. " +
	"It ignores the sampling of commands, and with few seeds it cannot be small (at 3 seeds each its least value is 0.1, " +
	"at 5 each 0.0079)."

// unpairedPairs returns the pairs of c's methods that do not share their
// pretrainings, each (later, earlier) in the order of c.Methods: those in
// which a method does not start from the pretrained model (Gordon et
// al.'s model, trained from scratch).
func unpairedPairs(c *config.Config) [][2]string {
	var ps [][2]string
	for j, a := range c.Methods {
		for _, b := range c.Methods[:j] {
			if config.NeedsPretrain(a) && config.NeedsPretrain(b) {
				continue
			}
			ps = append(ps, [2]string{a, b})
		}
	}
	return ps
}

// compareUnpaired compares row a (A) with row b (B) over all their seeds,
// drawing from stats.NewRand(key..., the two names sorted). It returns a
// reason, and no comparison, if either row lacks outcomes or their seeds
// were not all scored on the same test commands.
func compareUnpaired(a, b Row, na, nb string, key ...string) (c stats.Comparison, reason string, err error) {
	if a.Outcomes == nil || b.Outcomes == nil {
		return c, "no outcomes", nil
	}
	for _, h := range append(slices.Clone(a.Outcomes.Hashes), b.Outcomes.Hashes...) {
		if h != a.Outcomes.Hashes[0] {
			return c, "test commands differ between seeds", nil
		}
	}
	names := []string{na, nb}
	slices.Sort(names)
	c, err = stats.CompareUnpaired(a.Outcomes.Correct, b.Outcomes.Correct, stats.Settings{}, stats.NewRand(append(key, names...)...))
	if err != nil {
		return c, "", fmt.Errorf("%s − %s on %s: %w", na, nb, strings.Join(key, " "), err)
	}
	return c, "", nil
}

// unpairedComparisons returns the unpaired comparisons of experiment c
// from its summary rows: on every (split, cell), every pair of
// unpairedPairs, drawn from stats.NewRand(c.Name, split, cell, the sorted
// names). It lists the pairs left out as "A − B (split, cell: reason)".
func unpairedComparisons(c *config.Config, rows []Row) (cs []Comparison, omitted []string, err error) {
	err = eachPair(rows, unpairedPairs(c), func(split, cell string, a, b Row, pair [2]string) error {
		cmp, reason, err := compareUnpaired(a, b, pair[0], pair[1], c.Name, split, cell)
		if err != nil {
			return err
		} else if reason != "" {
			omitted = append(omitted, fmt.Sprintf("%s − %s (%s, %s: %s)", pair[0], pair[1], split, cell, reason))
			return nil
		}
		cs = append(cs, Comparison{Split: split, Cell: cell, A: pair[0], B: pair[1], Comparison: cmp})
		return nil
	})
	return cs, omitted, err
}

// unpairedFiles returns the files comparisons_unpaired.csv and
// comparisons_unpaired.md of experiment c into dir, from its summary rows
// (unpairedComparisons); none if every pair of its methods shares
// pretrainings.
func unpairedFiles(c *config.Config, dir string, rows []Row) ([]summaryFile, error) {
	if len(unpairedPairs(c)) == 0 {
		return nil, nil
	}
	cs, omitted, err := unpairedComparisons(c, rows)
	if err != nil {
		return nil, err
	}
	csv, md := filepath.Join(dir, "comparisons_unpaired.csv"), filepath.Join(dir, "comparisons_unpaired.md")
	return []summaryFile{
		{[]string{csv}, func() error { return atomicfile.WriteFile(csv, []byte(unpairedCSV(cs)), 0o644) }},
		{[]string{md}, func() error { return atomicfile.WriteFile(md, []byte(unpairedMarkdown(c, cs, omitted)), 0o644) }},
	}, nil
}

// unpairedCSV formats an experiment's unpaired comparisons as
// comparisons_unpaired.csv.
func unpairedCSV(cs []Comparison) string {
	var b strings.Builder
	b.WriteString("split,cell,method_a,method_b,n_seeds_a,n_seeds_b,n_commands,diff_mean,ci95_lo,ci95_hi,p_seed_permutation,resolved\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%d,%d,%d,%.4f,%.4f,%.4f,%s,%t\n", c.Split, c.Cell, c.A, c.B,
			c.Seeds, c.SeedsB, c.Commands, c.Diff, c.Lo, c.Hi, formatP(c.P), c.Resolved)
	}
	return b.String()
}

// unpairedMarkdown formats experiment c's unpaired comparisons as
// comparisons_unpaired.md, naming the pairs left out.
func unpairedMarkdown(c *config.Config, cs []Comparison, omitted []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: unpaired comparisons\n\nMethods that do not share their pretrainings, later in the config minus earlier. %s\n\n",
		c.Name, unpairedTest)
	if len(omitted) > 0 {
		fmt.Fprintf(&b, "Left out: %s.\n\n", strings.Join(omitted, "; "))
	}
	b.WriteString("| split | cell | A − B | n_seeds (A, B) | n_commands | difference | 95% interval | p (seed permutation) | resolved |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|---:|---|\n")
	for _, x := range cs {
		resolved := "no"
		if x.Resolved {
			resolved = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %s − %s | %d, %d | %d | %+.4f | [%+.4f, %+.4f] | %s | %s |\n", x.Split, x.Cell, x.A, x.B,
			x.Seeds, x.SeedsB, x.Commands, x.Diff, x.Lo, x.Hi, formatP(x.P), resolved)
	}
	return b.String()
}
