package report

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/scan"
)

// The SCAN atlas crosses every standard split with each built-in group and
// the paper's methods, one experiment per (split, group) so that each is an
// ordinary config (its runs indexed, run -run-index and slurm as for any):
// atlas_<split>_<group>.toml at the reference scale and
// atlas_quick_<split>_<group>.toml at a quick one, both generated from this
// file (go test ./experiments/report -run AtlasConfigs -update writes them). The
// experiments of one split and scale share its pretrainings, whose cache key
// does not depend on the group. ReadAtlas gathers their results and
// PlotAtlas draws them.

// AtlasSplits are the splits of the atlas: every standard split but
// filler_num3, which is template_jump_around_right.
var AtlasSplits = []string{scan.Simple, scan.Length, scan.AddPrimJump, scan.AddPrimTurnLeft,
	scan.TemplateRight, scan.TemplateOppositeRight, scan.TemplateAroundRight, scan.TemplateJumpAroundRight,
	"filler_num0", "filler_num1", "filler_num2"}

// AtlasGroups are the groups of the atlas, every built-in group (each a
// symmetry of SCAN), the trivial group first.
var AtlasGroups = []string{"identity", "verb", "direction", "verb4", "verb×direction"}

// AtlasMethods returns the methods the atlas runs under a group: under the
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

// An AtlasScale is one size of the atlas.
type AtlasScale struct {
	Prefix         string // experiments are named Prefix_<split>_<group>
	About          string // what the scale is, for the head comment of its configs
	Cells          []string
	Seeds          []uint64
	Pretrain, Tune config.ScheduleConfig // Tune.LR is left 0: see TuneLRScale
	TuneLRScale    float64               // the tuning rate is TuneLRScale·config.TuneLR(split)
}

// AtlasScales are the reference atlas (the LSTM under the schedules of
// add_jump.toml and around_right.toml, whose pretrainings it shares) and the
// quick one (one rnn, one seed, the batch-32 pretraining of the quick
// configs and 100 tuning iterations).
var AtlasScales = []AtlasScale{
	{
		Prefix: "atlas",
		About:  "at the reference scale for the LSTM (the settings and, on their splits, the LSTM\n# pretrainings of add_jump.toml and around_right.toml)",
		Cells:  []string{"lstm"}, Seeds: []uint64{0, 1, 2},
		Pretrain:    config.Default().Pretrain,
		Tune:        config.ScheduleConfig{Iterations: 10000, Batch: 1, WeightDecay: 1e-4, TeacherForcing: 0.5, Clip: 5, EvalEvery: 500},
		TuneLRScale: 1,
	},
	{
		Prefix: "atlas_quick",
		About: "at a quick scale: one rnn, one seed, the quick configs' pretraining and 100\n" +
			"# tuning iterations at ten times the reference tuning rate",
		Cells: []string{"rnn"}, Seeds: []uint64{0},
		Pretrain:    config.ScheduleConfig{Iterations: 1500, Batch: 32, LR: 2e-3, TeacherForcing: 0.5, Clip: 5, EvalEvery: 500},
		Tune:        config.ScheduleConfig{Iterations: 100, Batch: 32, WeightDecay: 1e-4, TeacherForcing: 0.5, Clip: 5, EvalEvery: 100},
		TuneLRScale: 10,
	},
}

// Name returns the name of the experiment of a split and group, e.g.
// "atlas_quick_addprim_jump_verbxdirection" ("×" is written "x").
func (s AtlasScale) Name(split, group string) string {
	return s.Prefix + "_" + split + "_" + strings.ReplaceAll(group, "×", "x")
}

// Config returns the TOML text of the experiment of a split and group.
func (s AtlasScale) Config(split, group string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Generated from experiments/report/atlas.go by go test ./experiments/report -run AtlasConfigs -update; edit there.\n"+
		"# The SCAN atlas experiment of split %s under group %s,\n# %s.\n", split, group, s.About)
	fmt.Fprintf(&b, "name = %q\nsplit = %q\ngroup = %q\ncells = %s\nseeds = %s\nmethods = %s\n",
		s.Name(split, group), split, group, tomlList(s.Cells), tomlList(s.Seeds), tomlList(AtlasMethods(group)))
	tune := s.Tune
	tune.LR = s.TuneLRScale * config.TuneLR(split)
	for _, t := range []struct {
		name string
		s    config.ScheduleConfig
	}{{"pretrain", s.Pretrain}, {"tune", tune}} {
		fmt.Fprintf(&b, "\n[%s]\niterations = %d\nbatch = %d\nlr = %s\nweight_decay = %s\nteacher_forcing = %s\nclip = %s\neval_every = %d\n",
			t.name, t.s.Iterations, t.s.Batch, tomlFloat(t.s.LR), tomlFloat(t.s.WeightDecay), tomlFloat(t.s.TeacherForcing),
			tomlFloat(t.s.Clip), t.s.EvalEvery)
	}
	return b.String()
}

// Files returns the configs of the scale, file name to TOML text, split by
// split in the order of AtlasSplits and AtlasGroups.
func (s AtlasScale) Files() (names []string, texts []string) {
	for _, split := range AtlasSplits {
		for _, g := range AtlasGroups {
			names = append(names, s.Name(split, g)+".toml")
			texts = append(texts, s.Config(split, g))
		}
	}
	return names, texts
}

// tomlList formats a list of strings or numbers as a TOML array.
func tomlList[T any](xs []T) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
		if v, ok := any(x).(string); ok {
			s[i] = strconv.Quote(v)
		}
	}
	return "[" + strings.Join(s, ", ") + "]"
}

// tomlFloat formats x as a TOML float of 10 significant digits, e.g. 2e-5
// and 0.0002.
func tomlFloat(x float64) string {
	s := strconv.FormatFloat(x, 'g', 10, 64)
	s = strings.Replace(s, "e-0", "e-", 1)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// isAtlas reports whether a built-in config name belongs to some scale.
func isAtlas(name string) bool {
	return slices.ContainsFunc(AtlasScales, func(s AtlasScale) bool { return strings.HasPrefix(name, s.Prefix+"_") })
}

// An Atlas is what the atlas figures show of one scale: each experiment's
// summary rows and the test coverage of its group on its split.
type Atlas struct {
	Name     string                // the scale's prefix, e.g. "atlas_quick"
	Splits   []string              // in the order of AtlasSplits
	Groups   []string              // in the order of AtlasGroups, the trivial group first
	Rows     map[[2]string][]Row   // (split, group) → the experiment's summary rows
	Coverage map[[2]string]float64 // (split, group) → test coverage (mean over seeds)
}

// ReadAtlas reads the results of every experiment of scale s under out
// (an experiment without results has no rows) and computes the test
// coverage of each group on each split, over the scale's seeds. It reads
// the configs as atlas.go generates them, which TestAtlasConfigs checks
// are the built-in ones.
func ReadAtlas(s AtlasScale, out string) (*Atlas, error) {
	a := &Atlas{Name: s.Prefix, Splits: AtlasSplits, Groups: AtlasGroups,
		Rows: map[[2]string][]Row{}, Coverage: map[[2]string]float64{}}
	for _, split := range AtlasSplits {
		var cs []*config.Config
		for _, g := range AtlasGroups {
			c, err := config.Parse([]byte(s.Config(split, g)), s.Name(split, g)+".toml")
			if err != nil {
				return nil, err
			}
			rs, _, err := runner.ReadResults(c, runner.Layout{Out: out, Experiment: c.Name}, runner.Expand(c)) // results of other settings are left out
			if err != nil {
				return nil, err
			}
			a.Rows[[2]string{split, g}] = summarize(rs)
			cs = append(cs, c)
		}
		for _, seed := range s.Seeds {
			train, val, test, err := runner.SplitParts(cs[0], seed)
			if err != nil {
				return nil, err
			}
			for i, c := range cs {
				g, err := c.Group.Group()
				if err != nil {
					return nil, err
				}
				cov, _ := coverageOf(g, train, val, test)
				a.Coverage[[2]string{split, AtlasGroups[i]}] += cov.Fraction() / float64(len(s.Seeds))
			}
		}
	}
	return a, nil
}

// atlasScale returns the scale with the given prefix.
func atlasScale(prefix string) (AtlasScale, error) {
	var ps []string
	for _, s := range AtlasScales {
		if s.Prefix == prefix {
			return s, nil
		}
		ps = append(ps, s.Prefix)
	}
	return AtlasScale{}, fmt.Errorf("%w: atlas %q: no such atlas (valid: %s)", config.ErrConfig, prefix, strings.Join(ps, ", "))
}

// DrawAtlas writes the tables and draws the figures of the atlas scale named
// prefix from the results under out (the atlas subcommand):
// OUT/results/PREFIX/summary.{csv,md}, OUT/plots/PREFIX_heatmap.{png,svg}
// and OUT/plots/PREFIX_gain.{png,svg}. It returns the exit status.
func DrawAtlas(prefix, out string, stdout, stderr io.Writer) int {
	s, err := atlasScale(prefix)
	if err != nil {
		fmt.Fprintf(stderr, "experiments: %v\n", err)
		return 2
	}
	if err := writeAtlas(s, out, stdout); err != nil {
		fmt.Fprintf(stderr, "experiments: atlas: %v\n", err)
		return 1
	}
	return 0
}

// writeAtlas writes the tables and figures of scale s, printing each path.
func writeAtlas(s AtlasScale, out string, stdout io.Writer) error {
	a, err := ReadAtlas(s, out)
	if err != nil {
		return err
	}
	if len(a.cells()) == 0 {
		return fmt.Errorf("%s: no results under %s", s.Prefix, filepath.Join(out, "results"))
	}
	dir := filepath.Join(out, "results", s.Prefix)
	if err := writeAtlasSummary(a, s, dir); err != nil {
		return err
	}
	fmt.Fprintln(stdout, filepath.Join(dir, "summary.md"))
	if err := os.MkdirAll(filepath.Join(out, "plots"), 0o755); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		plot func(*Atlas, string) error
	}{{"heatmap", PlotAtlasHeatmap}, {"gain", PlotAtlasGain}} {
		base := filepath.Join(out, "plots", s.Prefix+"_"+f.name)
		if err := f.plot(a, base); err != nil {
			return err
		}
		fmt.Fprintln(stdout, base+".png")
	}
	return nil
}
