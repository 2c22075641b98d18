package report

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/internal/atomicfile"
)

// atlasMethods are the methods of the atlas in the order of its tables: the
// baselines of the trivial group, then the methods of the others.
func atlasMethods() []string {
	return append(AtlasMethods("identity"), AtlasMethods("verb")...)
}

// atlasCSV formats the atlas as one table, a row per (split, group, cell,
// method) with a result: the group's test coverage (mean over seeds) and the
// test accuracy, mean and sample std over seeds and 95% interval (empty if
// a seed has no outcomes).
func atlasCSV(a *Atlas) string {
	var b strings.Builder
	b.WriteString("split,group,test_coverage,cell,method,n_seeds,test_acc_mean,test_acc_std,ci95_lo,ci95_hi\n")
	cells := a.cells()
	for _, split := range a.Splits {
		for _, g := range a.Groups {
			k := [2]string{split, g}
			for _, cell := range cells {
				for _, r := range a.Rows[k] {
					if r.Cell == cell {
						fmt.Fprintf(&b, "%s,%s,%.4f,%s,%s,%d,%.4f,%.4f,%s\n", split, g, a.Coverage[k], cell, r.Method, r.N, r.Mean, r.Std,
							formatInterval(r))
					}
				}
			}
		}
	}
	return b.String()
}

// atlasMarkdown formats the atlas as a table per cell, a row per (split,
// group): the group's test coverage, each method's test accuracy (mean ±
// sample std over seeds, "–" without a result) and equi-tuning's gain over
// fine-tuning. It states the settings of the sweep sw.
func atlasMarkdown(a *Atlas, sw *config.Sweep) string {
	c := sw.Cells[0].Config
	about, ok := atlasAbout[sw.Name]
	if !ok {
		about = "of sweep " + sw.Name
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\nThe SCAN atlas %s: seeds %v; %d pretraining iterations (batch %d), %d tuning iterations (batch %d). "+
		"Written by `experiments atlas %s` from results/%s_<split>_<group>/. "+
		"Test coverage: the fraction of test commands c with g·c among the training commands for some g ∈ G (mean over seeds). "+
		"Test accuracy (exact match) of the best-validation model, mean ± sample std over the seeds with a result. "+
		"Gain: equitune under the group minus finetune. summary.csv adds each accuracy's %s; "+
		"comparisons.md compares every method with the trivial group's baselines, pairing their pretrainings.\n",
		a.Name, about, c.Seeds, c.Pretrain.Iterations, c.Pretrain.Batch,
		c.Tune.Iterations, c.Tune.Batch, a.Name, a.Name, intervalMethod)
	ms := atlasMethods()
	for _, cell := range a.cells() {
		fmt.Fprintf(&b, "\n## %s\n\n| split | group | test coverage | %s | gain |\n|---|---|---:|%s---:|\n",
			cell, strings.Join(ms, " | "), strings.Repeat("---:|", len(ms)))
		for _, split := range a.Splits {
			for _, g := range a.Groups {
				k := [2]string{split, g}
				fmt.Fprintf(&b, "| %s | %s | %.4f |", split, g, a.Coverage[k])
				for _, m := range ms {
					if r, ok := a.row(split, g, cell, m); ok {
						fmt.Fprintf(&b, " %.4f ± %.4f |", r.Mean, r.Std)
					} else {
						b.WriteString(" – |")
					}
				}
				if gain, ok := a.gain(split, g, cell); ok && g != a.Groups[0] {
					fmt.Fprintf(&b, " %+.4f |\n", gain)
				} else {
					b.WriteString(" – |\n")
				}
			}
		}
	}
	return b.String()
}

// writeAtlasSummary writes dir/summary.csv and dir/summary.md of the atlas,
// each atomically.
func writeAtlasSummary(a *Atlas, sw *config.Sweep, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, "summary.csv"), []byte(atlasCSV(a)), 0o644); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, "summary.md"), []byte(atlasMarkdown(a, sw)), 0o644)
}
