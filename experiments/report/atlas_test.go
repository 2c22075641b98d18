package report

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
)

// TestAtlasConfigs checks that the atlas configs under configs/ are the ones
// atlas.go generates, and that there are no others; -update writes them.
func TestAtlasConfigs(t *testing.T) {
	var want []string
	for _, s := range AtlasScales {
		names, texts := s.Files()
		for i, name := range names {
			want = append(want, name)
			path := filepath.Join("..", "config", "configs", name)
			if *update {
				if err := os.WriteFile(path, []byte(texts[i]), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if got, err := config.ConfigSource(name); err != nil || string(got) != texts[i] {
				t.Errorf("%s differs from what atlas.go generates (err %v); rerun with -update", path, err)
			}
		}
	}
	var got []string
	for _, n := range config.BuiltinNames() {
		if isAtlas(strings.TrimSuffix(n, ".toml")) {
			got = append(got, n)
		}
	}
	slices.Sort(want)
	if !*update && !slices.Equal(got, want) {
		t.Errorf("built-in atlas configs %v, want %v", got, want)
	}
}

// TestAtlasSharesPretraining checks that the experiments of one split and
// scale share their pretrainings, and that the reference atlas shares those
// of add_jump.toml and around_right.toml.
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
	for _, s := range AtlasScales {
		for _, split := range AtlasSplits {
			var first string
			for _, g := range AtlasGroups {
				c, err := config.Parse([]byte(s.Config(split, g)), s.Name(split, g))
				if err != nil {
					t.Fatal(err)
				}
				if p := ckpt(c); first == "" {
					first = p
				} else if p != first {
					t.Errorf("%s pretrains into %s, not %s", c.Name, p, first)
				}
			}
		}
	}
	for ref, split := range map[string]string{"add_jump.toml": "addprim_jump", "around_right.toml": "template_around_right"} {
		c, err := config.Load(ref)
		if err != nil {
			t.Fatal(err)
		}
		a, err := config.Parse([]byte(AtlasScales[0].Config(split, "verb")), split)
		if err != nil {
			t.Fatal(err)
		}
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
	s := AtlasScales[1]
	for _, r := range []struct {
		group, method string
		acc           float64
	}{{"verb", "equitune", 0.75}, {"identity", "finetune", 0.01}} {
		c, err := config.Parse([]byte(s.Config("addprim_jump", r.group)), "x.toml")
		if err != nil {
			t.Fatal(err)
		}
		writeResult(t, c, runner.Layout{Out: out, Experiment: c.Name}, runner.Run{Method: r.method, Split: "addprim_jump", Cell: "rnn", Seed: 0}, r.acc)
	}
	a, err := ReadAtlas(s, out)
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
