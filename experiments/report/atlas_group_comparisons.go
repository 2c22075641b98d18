package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/stats"
	"github.com/scan-equitune/equitune/internal/atomicfile"
	"github.com/scan-equitune/equitune/verbgroups"
)

// A GroupComparison is one paired comparison of the atlas between groups:
// Method under Larger minus Method under Smaller, on a split and cell, from
// the split's shared pretrainings.
type GroupComparison struct {
	Split, Cell, Method string
	Larger, Smaller     string
	stats.Comparison
}

// groupPairs returns the pairs (larger, smaller) of the atlas's non-trivial
// groups with |larger| > |smaller|, in the order of a.Groups.
func groupPairs(a *Atlas) ([][2]string, error) {
	order := map[string]int{}
	for _, g := range a.Groups[1:] {
		grp, err := verbgroups.ByName(g)
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %v", config.ErrConfig, a.Name, err)
		}
		order[g] = grp.Order()
	}
	var ps [][2]string
	for _, l := range a.Groups[1:] {
		for _, s := range a.Groups[1:] {
			if order[l] > order[s] {
				ps = append(ps, [2]string{l, s})
			}
		}
	}
	return ps, nil
}

// atlasGroupComparisons returns the atlas's comparisons between groups: on
// every split and cell, each method run under both groups of a pair of
// groupPairs, drawn from stats.NewRand(a.Name, split, cell, the sorted
// names "group/method" of the two). It lists the pairs left out because a
// row lacks outcomes.
func atlasGroupComparisons(a *Atlas) (cs []GroupComparison, omitted []string, err error) {
	pairs, err := groupPairs(a)
	if err != nil {
		return nil, nil, err
	}
	for _, split := range a.Splits {
		for _, cell := range a.cells() {
			for _, p := range pairs {
				for _, r := range a.Rows[[2]string{split, p[0]}] {
					if r.Cell != cell {
						continue
					}
					b, ok := a.row(split, p[1], cell, r.Method)
					if !ok {
						continue
					}
					na, nb := p[0]+"/"+r.Method, p[1]+"/"+r.Method
					cmp, ok, err := comparePair(r, b, na, nb, a.Name, split, cell)
					if err != nil {
						return nil, nil, err
					} else if !ok {
						omitted = append(omitted, fmt.Sprintf("%s − %s (%s, %s)", na, nb, split, cell))
						continue
					}
					cs = append(cs, GroupComparison{Split: split, Cell: cell, Method: r.Method, Larger: p[0], Smaller: p[1], Comparison: cmp})
				}
			}
		}
	}
	return cs, omitted, nil
}

// atlasGroupComparisonsCSV formats the comparisons between groups as
// group_comparisons.csv: method under group minus method under smaller_group.
func atlasGroupComparisonsCSV(cs []GroupComparison) string {
	var b strings.Builder
	b.WriteString("split,cell,method,group,smaller_group,n_seeds,n_commands,diff_mean,ci95_lo,ci95_hi,p_sign_flip,resolved\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s\n", c.Split, c.Cell, c.Method, c.Larger, c.Smaller, comparisonFields(c.Comparison))
	}
	return b.String()
}

// atlasGroupComparisonsMarkdown formats the comparisons between groups as
// group_comparisons.md.
func atlasGroupComparisonsMarkdown(a *Atlas, sw *config.Sweep, cs []GroupComparison, omitted []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: larger groups against smaller ones\n\nOn each split, every method under each group minus the same method "+
		"under each smaller group but %s, which start from the same pretrainings (those of the split). Written by "+
		"`experiments atlas %s`. %s\n\n", a.Name, a.Groups[0], sw.Name, comparisonTest)
	b.WriteString(omittedNote(omitted))
	b.WriteString("| split | cell | method | group − smaller group | n_seeds | n_commands | difference | 95% interval | p (sign flip) | resolved |\n")
	b.WriteString("|---|---|---|---|---:|---:|---:|---:|---:|---|\n")
	for _, x := range cs {
		fmt.Fprintf(&b, "| %s | %s | %s | %s − %s | %s\n", x.Split, x.Cell, x.Method, x.Larger, x.Smaller, comparisonCells(x.Comparison))
	}
	return b.String()
}

// writeAtlasGroupComparisons writes dir/group_comparisons.csv and
// dir/group_comparisons.md of the atlas, each atomically.
func writeAtlasGroupComparisons(a *Atlas, sw *config.Sweep, dir string) error {
	cs, omitted, err := atlasGroupComparisons(a)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "group_comparisons.csv"), []byte(atlasGroupComparisonsCSV(cs)), 0o644); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, "group_comparisons.md"), []byte(atlasGroupComparisonsMarkdown(a, sw, cs, omitted)), 0o644)
}
