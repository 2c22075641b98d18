package runner

import (
	"slices"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
)

func TestBuiltinConfigsValid(t *testing.T) {
	for _, name := range config.BuiltinNames() {
		sw, err := config.LoadSweep(name, nil)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, cell := range sw.Cells {
			if len(Expand(cell.Config)) == 0 {
				t.Errorf("%s: %s: no runs", name, cell.Dir)
			}
		}
	}
}

// TestFollowupsSharePretrainings checks that the follow-up methods' reference
// configs read the pretrainings of the tables they extend: the same cached
// checkpoint for every (split, cell, seed), and the same tuning, so that the
// five-seed configs' seeds 0–2 reproduce the tables' runs.
func TestFollowupsSharePretrainings(t *testing.T) {
	for base, others := range map[string][]string{
		"add_jump.toml":     {"followups_add_jump.toml", "followups_add_jump_entropy.toml", "followups_seeds_add_jump.toml"},
		"around_right.toml": {"followups_around_right.toml", "followups_around_right_entropy.toml", "followups_seeds_around_right.toml"},
	} {
		b, err := config.Load(base)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range others {
			c, err := config.Load(name)
			if err != nil {
				t.Fatal(err)
			}
			if c.Split != b.Split || !slices.Equal(c.Cells, b.Cells) || len(c.Seeds) < len(b.Seeds) ||
				!slices.Equal(c.Seeds[:len(b.Seeds)], b.Seeds) || c.Tune != b.Tune || pretrainHash(c) != pretrainHash(b) {
				t.Errorf("%s does not share the pretrainings of %s", name, base)
			}
		}
	}
}

// TestMethodReads: every registered method's Reads are optionalReads.
func TestMethodReads(t *testing.T) {
	for _, name := range config.MethodNames() {
		m, _ := config.Lookup(name)
		for _, k := range m.Reads {
			if !slices.Contains(optionalReads, k) {
				t.Errorf("%s reads %q, not one of %v", m.Name, k, optionalReads)
			}
		}
	}
}
