package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/internal/atomicfile"
)

// atlasBaselines are the methods of the trivial group that the atlas
// compares every other group's methods with, in the order of its tables.
var atlasBaselines = []string{"finetune", "pretrained"}

// atlasComparisons returns the paired comparisons of the atlas: on every
// split and cell, each method under each group but the trivial one (A,
// Group) minus each of atlasBaselines under the trivial group (B), which
// share the split's pretrainings, drawn from stats.NewRand(a.Name, split,
// cell, the sorted names "group/method" of the two). It lists the pairs left
// out because a row lacks outcomes.
func atlasComparisons(a *Atlas) (cs []Comparison, omitted []string, err error) {
	trivial := a.Groups[0]
	for _, split := range a.Splits {
		for _, cell := range a.cells() {
			for _, g := range a.Groups[1:] {
				for _, r := range a.Rows[[2]string{split, g}] {
					if r.Cell != cell {
						continue
					}
					for _, base := range atlasBaselines {
						b, ok := a.row(split, trivial, cell, base)
						if !ok {
							continue
						}
						na, nb := g+"/"+r.Method, trivial+"/"+base
						cmp, ok, err := comparePair(r, b, na, nb, a.Name, split, cell)
						if err != nil {
							return nil, nil, err
						} else if !ok {
							omitted = append(omitted, fmt.Sprintf("%s − %s (%s, %s)", na, nb, split, cell))
							continue
						}
						cs = append(cs, Comparison{Split: split, Cell: cell, Group: g, A: r.Method, B: base, Comparison: cmp})
					}
				}
			}
		}
	}
	return cs, omitted, nil
}

// atlasComparisonsCSV formats the atlas's comparisons as comparisons.csv:
// method under group minus baseline under the trivial group.
func atlasComparisonsCSV(cs []Comparison) string {
	var b strings.Builder
	b.WriteString("split,cell,group,method,baseline,n_seeds,n_commands,diff_mean,ci95_lo,ci95_hi,p_sign_flip,resolved\n")
	for _, c := range cs {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s\n", c.Split, c.Cell, c.Group, c.A, c.B, comparisonFields(c.Comparison))
	}
	return b.String()
}

// atlasComparisonsMarkdown formats the atlas's comparisons as
// comparisons.md.
func atlasComparisonsMarkdown(a *Atlas, sw *config.Sweep, cs []Comparison, omitted []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s: paired comparisons\n\nOn each split, every method under every group but %s minus the baselines %s "+
		"under %s, which start from the same pretrainings (those of the split). Written by `experiments atlas %s`. %s\n\n",
		a.Name, a.Groups[0], strings.Join(atlasBaselines, " and "), a.Groups[0], sw.Name, comparisonTest)
	b.WriteString(omittedNote(omitted))
	b.WriteString("| split | cell | group | method − baseline | n_seeds | n_commands | difference | 95% interval | p (sign flip) | resolved |\n")
	b.WriteString("|---|---|---|---|---:|---:|---:|---:|---:|---|\n")
	for _, x := range cs {
		fmt.Fprintf(&b, "| %s | %s | %s | %s − %s | %s\n", x.Split, x.Cell, x.Group, x.A, x.B, comparisonCells(x.Comparison))
	}
	return b.String()
}

// writeAtlasComparisons writes dir/comparisons.csv and dir/comparisons.md
// of the atlas, each atomically.
func writeAtlasComparisons(a *Atlas, sw *config.Sweep, dir string) error {
	cs, omitted, err := atlasComparisons(a)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "comparisons.csv"), []byte(atlasComparisonsCSV(cs)), 0o644); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, "comparisons.md"), []byte(atlasComparisonsMarkdown(a, sw, cs, omitted)), 0o644)
}
