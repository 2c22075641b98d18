package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/verbgroups"
)

// CoverageRow is the group coverage (verbgroups.Group.Coverage) of one group
// on an experiment's split for one seed: the fraction of held-out commands c
// for which some g ∈ G has g·c among the training commands.
//
// Test coverage is counted against the split's whole training set, before
// the hold-out, so it depends on the seed only for the simple split.
// Validation coverage is counted against the training part left after the
// seed's hold-out, the commands the model is trained on when it is
// validated; it is not 0 under the trivial group where a command occurs in
// both parts (the repeated primitive of the addprim splits).
type CoverageRow struct {
	Split, Group string
	Order        int
	Seed         uint64
	Test, Val    verbgroups.Coverage
}

// Coverages returns the coverage rows of c: for each of its groups (Group,
// then GEquivariantGroup if the gequivariant method is run and it differs)
// and each seed, in that order.
func Coverages(c *config.Config) ([]CoverageRow, error) {
	specs := []verbgroups.Spec{c.Group}
	if slices.Contains(c.Methods, config.GEquivariant) && c.GEquivariantGroup.Name != c.Group.Name {
		specs = append(specs, c.GEquivariantGroup)
	}
	split, err := scan.Canonical(c.Split)
	if err != nil {
		return nil, err
	}
	var rows []CoverageRow
	for _, s := range specs {
		g, err := s.Group()
		if err != nil {
			return nil, err
		}
		for _, seed := range c.Seeds {
			train, val, test, err := runner.SplitParts(c, seed)
			if err != nil {
				return nil, err
			}
			r := CoverageRow{Split: split, Group: g.Name(), Order: g.Order(), Seed: seed}
			r.Test, r.Val = coverageOf(g, train, val, test)
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// coverageOf returns g's coverage of test by the split's training set,
// train and val together, and of val by train.
func coverageOf(g *verbgroups.Group, train, val, test []scan.Pair) (testCov, valCov verbgroups.Coverage) {
	tr := commandsOf(train)
	return g.Coverage(append(tr, commandsOf(val)...), commandsOf(test)), g.Coverage(tr, commandsOf(val))
}

// commandsOf returns the commands of ps.
func commandsOf(ps []scan.Pair) [][]string {
	cs := make([][]string, len(ps))
	for i, p := range ps {
		cs[i] = p.Command
	}
	return cs
}

// coverageHeader names the columns of CoverageCSV and PrintCoverage.
var coverageHeader = []string{"split", "group", "group_order", "seed", "test_covered", "test_total", "test_coverage",
	"val_covered", "val_total", "val_coverage"}

// coverageFields formats the columns of r.
func coverageFields(r CoverageRow) []string {
	return []string{r.Split, r.Group, fmt.Sprint(r.Order), fmt.Sprint(r.Seed),
		fmt.Sprint(r.Test.Covered), fmt.Sprint(r.Test.Total), fmt.Sprintf("%.4f", r.Test.Fraction()),
		fmt.Sprint(r.Val.Covered), fmt.Sprint(r.Val.Total), fmt.Sprintf("%.4f", r.Val.Fraction())}
}

// CoverageCSV formats rows as coverage.csv.
func CoverageCSV(rows []CoverageRow) string {
	var b strings.Builder
	b.WriteString(strings.Join(coverageHeader, ",") + "\n")
	for _, r := range rows {
		b.WriteString(strings.Join(coverageFields(r), ",") + "\n")
	}
	return b.String()
}

// coverageMarkdown formats rows as the coverage section of summary.md.
func coverageMarkdown(rows []CoverageRow) string {
	var b strings.Builder
	b.WriteString("\n## Group coverage\n\n" +
		"Fraction of test commands c with g·c among the split's training commands for some g ∈ G, " +
		"and of validation commands with g·c among the training part left after the hold-out " +
		"(coverage.csv has the counts).\n\n")
	b.WriteString("| split | group | group_order | seed | test_coverage | val_coverage |\n")
	b.WriteString("|---|---|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %d | %d | %.4f | %.4f |\n", r.Split, r.Group, r.Order, r.Seed,
			r.Test.Fraction(), r.Val.Fraction())
	}
	return b.String()
}

// PrintCoverage prints the coverage rows of c as an aligned table (the
// coverage subcommand) and returns the exit status.
func PrintCoverage(c *config.Config, stdout, stderr io.Writer) int {
	rows, err := Coverages(c)
	if err != nil {
		fmt.Fprintf(stderr, "experiments: coverage: %v\n", err)
		return 1
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, strings.Join(coverageHeader, "\t")+"\t")
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(coverageFields(r), "\t")+"\t")
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintf(stderr, "experiments: coverage: %v\n", err)
		return 1
	}
	return 0
}
