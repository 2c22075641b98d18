package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestAtlasConfigs checks that the atlas configs under configs/ are the ones
// atlas.go generates, and that there are no others; -update writes them.
func TestAtlasConfigs(t *testing.T) {
	var want []string
	for _, s := range AtlasScales {
		names, texts := s.Files()
		for i, name := range names {
			want = append(want, name)
			path := filepath.Join("configs", name)
			if *update {
				if err := os.WriteFile(path, []byte(texts[i]), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if got, err := builtin.ReadFile("configs/" + name); err != nil || string(got) != texts[i] {
				t.Errorf("%s differs from what atlas.go generates (err %v); rerun with -update", path, err)
			}
		}
	}
	var got []string
	for _, n := range BuiltinNames() {
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
	l := Layout{Out: "out"}
	ckpt := func(c *Config) string {
		r := Expand(c)[0]
		if r.Method != Pretrain {
			t.Fatalf("%s: run 0 is %s", c.Name, r.ID())
		}
		return l.Checkpoint(c, r)
	}
	for _, s := range AtlasScales {
		for _, split := range AtlasSplits {
			var first string
			for _, g := range AtlasGroups {
				c, err := Parse([]byte(s.Config(split, g)), s.Name(split, g))
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
		c, err := Load(ref)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Parse([]byte(AtlasScales[0].Config(split, "verb")), split)
		if err != nil {
			t.Fatal(err)
		}
		if ckpt(c) != ckpt(a) {
			t.Errorf("%s pretrains into %s, not %s", a.Name, ckpt(a), ckpt(c))
		}
	}
}
