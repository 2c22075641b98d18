package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/scan"
)

// The SCAN atlas crosses every standard split with each built-in group and
// the paper's methods: the sweeps atlas.toml (the reference scale) and
// atlas_quick.toml (a quick one), each a cell per (split, group) whose runs
// are indexed, run and planned on Slurm as any config's. The cells of one
// split share its pretrainings, whose cache key does not depend on the
// group. ReadAtlas gathers their results; PlotAtlasHeatmap and
// PlotAtlasGain draw them.

// AtlasSplits are the splits of the atlas sweeps (their splits axis, which
// TestAtlasSweeps checks): every standard split but filler_num3, which is
// template_jump_around_right.
var AtlasSplits = []string{scan.Simple, scan.Length, scan.AddPrimJump, scan.AddPrimTurnLeft,
	scan.TemplateRight, scan.TemplateOppositeRight, scan.TemplateAroundRight, scan.TemplateJumpAroundRight,
	"filler_num0", "filler_num1", "filler_num2"}

// AtlasGroups are the groups of the atlas, every built-in group (each a
// symmetry of SCAN), the trivial group first.
var AtlasGroups = []string{"identity", "verb", "direction", "verb4", "verb×direction"}

// AtlasMethods returns the methods the atlas runs under a group (the
// sweeps' methods and [[when]], which TestAtlasSweeps checks; the columns
// of the gain figure): under the
// trivial group the baselines pretrained and finetune, which use no group;
// under any other equitune, equitune_zeroshot and equizero. Under {e},
// equitune is fine-tuning and equitune_zeroshot and equizero are the
// pretrained model, so the baselines stand for the trivial group's methods.
func AtlasMethods(group string) []string {
	if group == "identity" {
		return []string{"pretrained", "finetune"}
	}
	return []string{"equitune", "equitune_zeroshot", "equizero"}
}

// atlasAbout says what each built-in atlas sweep is, for its summary.md.
var atlasAbout = map[string]string{
	"atlas": "at the reference scale for the LSTM (the settings and, on their splits, the LSTM " +
		"pretrainings of add_jump.toml and around_right.toml)",
	"atlas_seeds": "at the reference scale for the LSTM on seeds 0–4, on four splits where groups that leave " +
		"the held-out words alone had gains 3 seeds left mostly unresolved, under those groups " +
		"(the settings and, for seeds 0–2, the runs of atlas.toml)",
	"atlas_quick": "at a quick scale: one rnn, one seed, the quick configs' pretraining and 100 " +
		"tuning iterations at ten times the reference tuning rate",
}

// isAtlas reports whether sweep sw is an atlas: its axes are split and
// group, in that order.
func isAtlas(sw *config.Sweep) bool {
	return len(sw.Axes) == 2 && sw.Axes[0].Key == "split" && sw.Axes[1].Key == "group"
}

// An Atlas is what the atlas figures show of one atlas sweep: each cell's
// summary rows and the test coverage of its group on its split.
type Atlas struct {
	Name     string                // the sweep's name, e.g. "atlas_quick"
	Splits   []string              // in the order of the sweep's axis
	Groups   []string              // in the order of the sweep's axis, the trivial group first
	Rows     map[[2]string][]Row   // (split, group) → the experiment's summary rows, with their outcomes
	Coverage map[[2]string]float64 // (split, group) → test coverage (mean over seeds)
}

// ReadAtlas reads the results of every cell of the atlas sweep sw under out
// (a cell without results has no rows) with their outcomes and intervals
// (withOutcomes), and computes the test coverage of each group on each
// split, over the cells' seeds.
func ReadAtlas(sw *config.Sweep, out string) (*Atlas, error) {
	if !isAtlas(sw) {
		return nil, fmt.Errorf("%w: %s is not an atlas: its axes are not split and group", config.ErrConfig, sw.Name)
	}
	a := &Atlas{Name: sw.Name, Rows: map[[2]string][]Row{}, Coverage: map[[2]string]float64{}}
	for _, v := range sw.Axes[0].Values {
		a.Splits = append(a.Splits, v.(string))
	}
	for _, v := range sw.Axes[1].Values {
		a.Groups = append(a.Groups, v.(string))
	}
	for i, split := range a.Splits {
		cells := sw.Cells[i*len(a.Groups) : (i+1)*len(a.Groups)] // the first axis varies slowest
		for j, cell := range cells {
			c, l := cell.Config, runner.CellLayout(out, cell)
			rs, _, err := runner.ReadResults(c, l, runner.Expand(c)) // results of other settings are left out
			if err != nil {
				return nil, err
			}
			rows := summarize(rs)
			if err := withOutcomes(c.Name, l, rows); err != nil {
				return nil, err
			}
			a.Rows[[2]string{split, a.Groups[j]}] = rows
		}
		seeds := cells[0].Config.Seeds
		for _, seed := range seeds {
			train, val, test, err := runner.SplitParts(cells[0].Config, seed)
			if err != nil {
				return nil, err
			}
			for j, cell := range cells {
				g, err := cell.Config.Group.Group()
				if err != nil {
					return nil, err
				}
				cov, _ := coverageOf(g, train, val, test)
				a.Coverage[[2]string{split, a.Groups[j]}] += cov.Fraction() / float64(len(seeds))
			}
		}
	}
	return a, nil
}

// DrawAtlas writes the tables and draws the figures of the atlas sweep
// prefix.toml (atlas or atlas_quick) from the results under out (the atlas
// subcommand):
// OUT/results/PREFIX/summary.{csv,md}, OUT/results/PREFIX/comparisons.{csv,md},
// OUT/results/PREFIX/group_comparisons.{csv,md},
// OUT/plots/PREFIX_heatmap.{png,svg}
// and OUT/plots/PREFIX_gain.{png,svg}. It returns the exit status.
func DrawAtlas(prefix, out string, stdout, stderr io.Writer) int {
	sw, err := config.LoadSweep(prefix+".toml", nil)
	if err == nil && !isAtlas(sw) {
		err = fmt.Errorf("%w: %s is not an atlas: its axes are not split and group", config.ErrConfig, prefix)
	}
	if err != nil {
		fmt.Fprintf(stderr, "experiments: atlas %s: %v\n", prefix, err)
		return 2
	}
	if err := writeAtlas(sw, out, stdout); err != nil {
		fmt.Fprintf(stderr, "experiments: atlas: %v\n", err)
		return 1
	}
	return 0
}

// writeAtlas writes the tables and figures of the atlas sweep sw, printing
// each path.
func writeAtlas(sw *config.Sweep, out string, stdout io.Writer) error {
	a, err := ReadAtlas(sw, out)
	if err != nil {
		return err
	}
	if len(a.cells()) == 0 {
		return fmt.Errorf("%s: no results under %s", sw.Name, filepath.Join(out, "results"))
	}
	dir := filepath.Join(out, "results", sw.Name)
	if err := writeAtlasSummary(a, sw, dir); err != nil {
		return err
	}
	fmt.Fprintln(stdout, filepath.Join(dir, "summary.md"))
	if err := writeAtlasComparisons(a, sw, dir); err != nil {
		return err
	}
	fmt.Fprintln(stdout, filepath.Join(dir, "comparisons.md"))
	if err := writeAtlasGroupComparisons(a, sw, dir); err != nil {
		return err
	}
	fmt.Fprintln(stdout, filepath.Join(dir, "group_comparisons.md"))
	if err := os.MkdirAll(filepath.Join(out, "plots"), 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		plot func(*Atlas, string) error
	}{{"heatmap", PlotAtlasHeatmap}, {"gain", PlotAtlasGain}} {
		base := filepath.Join(out, "plots", sw.Name+"_"+f.name)
		if err := f.plot(a, base); err != nil {
			return err
		}
		fmt.Fprintln(stdout, base+".png")
	}
	return nil
}
