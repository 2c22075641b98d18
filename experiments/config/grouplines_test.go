package config

import (
	"errors"
	"strings"
	"testing"
)

// TestGroupErrorLines: an error of a group given in a config names the
// file and the line of the group key or, for an error about one cycle, of
// that cycle; an unknown key whose line is not known is named without one.
func TestGroupErrorLines(t *testing.T) {
	const cycles = `[group]
name = "mine"

[[group.cycle]]
words = ["walk", "look"]
actions = ["I_WALK", "I_LOOK"]

[[group.cycle]]
words = ["jmp", "run"]
actions = ["I_JUMP", "I_RUN"]
`
	for _, tc := range []struct{ name, src, want string }{
		{"cycle", cycles, `x.toml:11: bad config: group: verbgroups: group "mine": cycle 2: word "jmp"`},
		{"unknown name", "gequivariant_group = \"verbz\"\n", `x.toml:3: bad config: gequivariant_group: verbgroups: group "verbz"`},
		{"inline cycle", "group = { name = \"m\", cycle = [ { words = [\"walk\"], actions = [\"I_WALK\", \"I_RUN\"] } ] }\n",
			`x.toml:3: bad config: group: verbgroups: group "m": cycle 1: 1 words but 2 actions`},
		{"unknown inline key", "group = { name = \"m\", cycle = [ { words = [\"walk\"], colour = 1 } ] }\n",
			`x.toml: unknown key "group.cycle.colour"`},
	} {
		_, err := ParseSweep([]byte("name = \"x\"\nmethods = [\"equitune\", \"gequivariant\"]\n"+tc.src), "x.toml", nil)
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want ErrConfig containing %q", tc.name, err, tc.want)
		}
	}
}
