package report

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
)

// atlasCell returns the cell of the built-in atlas sweep name for a split
// and group.
func atlasCell(t *testing.T, name, split, group string) config.Cell {
	t.Helper()
	sw, err := config.LoadSweep(name+".toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range sw.Cells {
		if c.Config.Split == split && c.Config.Group.Name == group {
			return c
		}
	}
	t.Fatalf("%s has no cell of %s under %s", name, split, group)
	return config.Cell{}
}

// TestAtlasSweeps checks the built-in atlas sweeps: axes AtlasSplits ×
// AtlasGroups, a cell per pair named NAME_SPLIT_GROUP in NAME/SPLIT_GROUP,
// running AtlasMethods(group), tuned at the scale's multiple of the split's
// reference rate.
func TestAtlasSweeps(t *testing.T) {
	for name, lrScale := range map[string]float64{"atlas": 1, "atlas_quick": 10} {
		sw, err := config.LoadSweep(name+".toml", nil)
		if err != nil {
			t.Fatal(err)
		}
		if !isAtlas(sw) || len(sw.Cells) != len(AtlasSplits)*len(AtlasGroups) {
			t.Fatalf("%s: axes %v, %d cells", name, sw.Axes, len(sw.Cells))
		}
		i := 0
		for _, split := range AtlasSplits {
			for _, g := range AtlasGroups {
				c := sw.Cells[i]
				suffix := split + "_" + strings.ReplaceAll(g, "×", "x")
				if c.Config.Name != name+"_"+suffix || c.Dir != name+"/"+suffix || c.Config.Split != split ||
					c.Config.Group.Name != g || !slices.Equal(c.Config.Methods, AtlasMethods(g)) ||
					math.Abs(c.Config.Tune.LR-lrScale*config.TuneLR(split)) > 1e-15 {
					t.Errorf("%s: cell %d is %s in %s: split %s, group %s, methods %v, tune lr %g", name, i,
						c.Config.Name, c.Dir, c.Config.Split, c.Config.Group.Name, c.Config.Methods, c.Config.Tune.LR)
				}
				i++
			}
		}
	}
}

// TestAtlasSharesPretraining checks that the experiments of one split and
// scale share their pretrainings, that atlas_seeds.toml shares those of the
// reference atlas, with its tuning settings and a prefix of its methods, and
// that the reference atlas shares those of add_jump.toml and around_right.toml.
func TestAtlasSharesPretraining(t *testing.T) {
	l := runner.Layout{Out: "out"}
	ckpt := func(c *config.Config) string { // the checkpoint of the pretraining of the first cell, seed 0
		for _, r := range runner.Expand(c) {
			if r.Method == runner.Pretrain && r.Cell == c.Cells[0] && r.Seed == 0 {
				return l.Checkpoint(c, r)
			}
		}
		t.Fatalf("%s: no pretraining of %s, seed 0", c.Name, c.Cells[0])
		return ""
	}
	for _, name := range []string{"atlas", "atlas_quick"} {
		for _, split := range AtlasSplits {
			var first string
			for _, g := range AtlasGroups {
				c := atlasCell(t, name, split, g).Config
				if p := ckpt(c); first == "" {
					first = p
				} else if p != first {
					t.Errorf("%s pretrains into %s, not %s", c.Name, p, first)
				}
			}
		}
	}
	seeds, err := config.LoadSweep("atlas_seeds.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, cell := range seeds.Cells {
		c, a := cell.Config, atlasCell(t, "atlas", cell.Config.Split, cell.Config.Group.Name).Config
		if ckpt(c) != ckpt(a) || c.Tune != a.Tune || !slices.Equal(c.Methods, AtlasMethods(c.Group.Name)[:len(c.Methods)]) {
			t.Errorf("%s: pretrains into %s (atlas: %s), tune %+v (atlas: %+v), methods %v", c.Name, ckpt(c), ckpt(a), c.Tune, a.Tune, c.Methods)
		}
	}
	for ref, split := range map[string]string{"add_jump.toml": "addprim_jump", "around_right.toml": "template_around_right"} {
		c, err := config.Load(ref)
		if err != nil {
			t.Fatal(err)
		}
		a := atlasCell(t, "atlas", split, "verb").Config
		if !slices.Contains(c.Cells, a.Cells[0]) {
			t.Fatalf("%s has no %s", ref, a.Cells[0])
		}
		c.Cells = a.Cells
		if ckpt(c) != ckpt(a) {
			t.Errorf("%s pretrains into %s, not %s", a.Name, ckpt(a), ckpt(c))
		}
	}
}

// TestReadAtlas reads the quick atlas from two results: their accuracies,
// and the test coverage of verb on addprim_jump.
func TestReadAtlas(t *testing.T) {
	out := t.TempDir()
	for _, r := range []struct {
		group, method string
		acc           float64
	}{{"verb", "equitune", 0.75}, {"identity", "finetune", 0.01}} {
		cell := atlasCell(t, "atlas_quick", "addprim_jump", r.group)
		writeResult(t, cell.Config, runner.CellLayout(out, cell), runner.Run{Method: r.method, Split: "addprim_jump", Cell: "rnn", Seed: 0}, r.acc)
	}
	sw, err := config.LoadSweep("atlas_quick.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ReadAtlas(sw, out)
	if err != nil {
		t.Fatal(err)
	}
	if acc, ok := a.accuracy("addprim_jump", "verb", "rnn", "equitune"); !ok || acc != 0.75 {
		t.Errorf("equitune under verb: %g, %v", acc, ok)
	}
	if acc, ok := a.accuracy("addprim_jump", "identity", "rnn", "finetune"); !ok || acc != 0.01 {
		t.Errorf("finetune under identity: %g, %v", acc, ok)
	}
	if c := a.Coverage[[2]string{"addprim_jump", "verb"}]; math.Abs(c-5942.0/7706) > 1e-12 {
		t.Errorf("coverage of addprim_jump under verb: %g", c)
	}
}

// TestAtlasComparisonsGolden writes the quick atlas's tables from four
// results on addprim_jump, three with outcomes, and checks
// comparisons.csv against its golden file: equitune under verb against
// both baselines of the trivial group; equizero, without outcomes, left
// out, as comparisons.md says. summary.csv has the intervals.
func TestAtlasComparisonsGolden(t *testing.T) {
	out := t.TempDir()
	sw, err := config.LoadSweep("atlas_quick.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range []struct {
		group, method string
		acc           float64
		outcomes      bool
	}{{"identity", "pretrained", 0.02, true}, {"identity", "finetune", 0.05, true}, {"verb", "equitune", 0.8, true}, {"verb", "equizero", 0.7, false}} {
		cell := atlasCell(t, "atlas_quick", "addprim_jump", r.group)
		run := runner.Run{Method: r.method, Split: "addprim_jump", Cell: "rnn", Seed: 0}
		synthRun{run: run, right: synthRight(300, r.acc, uint64(i)), prefix: "jump", outcomes: r.outcomes}.write(t, cell.Config, runner.CellLayout(out, cell))
	}
	if err := writeAtlas(sw, out, io.Discard); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "results", sw.Name)
	csv, err := os.ReadFile(filepath.Join(dir, "comparisons.csv"))
	if err != nil {
		t.Fatal(err)
	}
	checkGoldenText(t, "atlas_comparisons.csv.golden", string(csv))
	md, _ := os.ReadFile(filepath.Join(dir, "comparisons.md"))
	if !strings.Contains(string(md), "Left out, as a seed of one of the methods has no outcomes file") ||
		!strings.Contains(string(md), "verb/equizero − identity/finetune (addprim_jump, rnn)") {
		t.Errorf("comparisons.md:\n%s", md)
	}
	summary, _ := os.ReadFile(filepath.Join(dir, "summary.csv"))
	if !strings.Contains(string(summary), "\naddprim_jump,verb,0.7711,rnn,equitune,1,0.8000,0.0000,0.7533,0.8433\n") ||
		!strings.Contains(string(summary), "\naddprim_jump,verb,0.7711,rnn,equizero,1,0.6867,0.0000,,\n") {
		t.Errorf("summary.csv:\n%s", summary)
	}
}

// TestAtlasGroupComparisons writes three equitune results of the quick
// atlas on addprim_jump, under verb and verb4 with outcomes and under
// verb×direction without, and checks group_comparisons.csv: the groups
// paired larger minus smaller, verb4 − verb with the difference of the two
// runs' accuracies, and the pair without outcomes left out, as
// group_comparisons.md says.
func TestAtlasGroupComparisons(t *testing.T) {
	out := t.TempDir()
	sw, err := config.LoadSweep("atlas_quick.toml", nil)
	if err != nil {
		t.Fatal(err)
	}
	right := map[string][]bool{"verb": synthRight(300, 0.6, 1), "verb4": synthRight(300, 0.9, 2), "verb×direction": synthRight(300, 0.7, 3)}
	for g, r := range right {
		cell := atlasCell(t, "atlas_quick", "addprim_jump", g)
		run := runner.Run{Method: "equitune", Split: "addprim_jump", Cell: "rnn", Seed: 0}
		synthRun{run: run, right: r, prefix: "jump", outcomes: g != "verb×direction"}.write(t, cell.Config, runner.CellLayout(out, cell))
	}
	a, err := ReadAtlas(sw, out)
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := groupPairs(a)
	if want := [][2]string{{"verb4", "verb"}, {"verb4", "direction"}, {"verb×direction", "verb"}, {"verb×direction", "direction"}}; err != nil || !slices.Equal(pairs, want) {
		t.Fatalf("groupPairs: %v, %v; want %v", pairs, err, want)
	}
	if err := writeAtlas(sw, out, io.Discard); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "results", sw.Name)
	csv, _ := os.ReadFile(filepath.Join(dir, "group_comparisons.csv"))
	lines := strings.Split(strings.TrimSpace(string(csv)), "\n")
	var diff float64
	for c := range right["verb"] {
		diff += (b2f(right["verb4"][c]) - b2f(right["verb"][c])) / 300
	}
	if want := fmt.Sprintf("addprim_jump,rnn,equitune,verb4,verb,1,300,%.4f,", diff); len(lines) != 2 || !strings.HasPrefix(lines[1], want) {
		t.Errorf("group_comparisons.csv:\n%s\nwant one row starting %s", csv, want)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "group_comparisons.md"))
	if !strings.Contains(string(md), "verb×direction/equitune − verb/equitune (addprim_jump, rnn)") {
		t.Errorf("group_comparisons.md:\n%s", md)
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
