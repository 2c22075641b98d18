package config

import (
	"errors"
	"strings"
	"testing"
)

// TestUnknownKeyLines checks the line of unknown keys given as dotted keys,
// in inline tables and after a table header with a comment.
func TestUnknownKeyLines(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"name = \"x\"\npretrain.iteration = 6\n", `x.toml:2: unknown key "pretrain.iteration"`},
		{"name = \"x\"\nslurm = { partiton = \"x\" }\n", `x.toml:2: unknown key "slurm.partiton"`},
		{"name = \"x\"\n[pretrain]\nlr = 1\n\n[tune]  # tuning\nlrr = 1\n", `x.toml:6: unknown key "tune.lrr"`},
		{"[model]\nhidden = 8\n[[group.cycle]]\nwords = []\nsize = 1\n", `x.toml:5: unknown key "group.cycle.size"`},
	} {
		_, err := Parse([]byte(tc.src), "x.toml")
		if err == nil || !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want an error containing %q", tc.src, err, tc.want)
		}
	}
}
