package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/verbgroups"
)

func TestParseDefaults(t *testing.T) {
	c, err := Parse([]byte(`name = "x"`+"\n"), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	d := Default()
	if c.Pretrain != d.Pretrain || c.Tune.LR != 2e-5 || c.Group.Name != "verb" || c.ValFraction != 0.2 ||
		c.GEquivariantGroup.Name != "verb4" {
		t.Errorf("defaults not applied: %+v", c)
	}
	c, err = Parse([]byte("name = \"x\"\nsplit = \"around_right\"\n"), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Tune.LR != 5e-5 || c.Group.Name != "direction" || c.GEquivariantGroup.Name != "direction" {
		t.Errorf("around_right defaults: lr %g group %q gequivariant_group %q", c.Tune.LR, c.Group.Name,
			c.GEquivariantGroup.Name)
	}
}

func TestParseGEquivariantGroup(t *testing.T) {
	c, err := Parse([]byte("name = \"x\"\ngroup = \"verb\"\ngequivariant_group = \"verb×direction\"\n"), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Group.Name != "verb" || c.GEquivariantGroup.Name != "verb×direction" {
		t.Errorf("group %q, gequivariant_group %q", c.Group.Name, c.GEquivariantGroup.Name)
	}
	src := `name = "x"
split = "around_right"
methods = ["gequivariant"]
[gequivariant_group]
name = "dir"
[[gequivariant_group.cycle]]
words = ["left", "right"]
actions = ["I_TURN_LEFT", "I_TURN_RIGHT"]
`
	c, err = Parse([]byte(src), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Group.Name != "direction" || c.GEquivariantGroup.Name != "dir" || len(c.GEquivariantGroup.Cycles) != 1 {
		t.Fatalf("group %+v, gequivariant_group %+v", c.Group, c.GEquivariantGroup)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestParseGroupTable(t *testing.T) {
	src := `name = "x"
[group]
name = "verb4"
[[group.cycle]]
words = ["walk", "look", "run", "jump"]
actions = ["I_WALK", "I_LOOK", "I_RUN", "I_JUMP"]
`
	c, err := Parse([]byte(src), "x.toml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Group.Name != "verb4" || len(c.Group.Cycles) != 1 || len(c.Group.Cycles[0].Words) != 4 {
		t.Fatalf("group = %+v", c.Group)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string // substrings of the error
		sentinel  error
	}{
		{"unknown key", "name = \"x\"\n\n[pretrain]\nlrr = 1\n", []string{`x.toml:4: unknown key "pretrain.lrr"`}, ErrConfig},
		{"unknown top key", "name = \"x\"\ncolour = 1\n", []string{`x.toml:2: unknown key "colour"`}, ErrConfig},
		{"unknown group key", "name = \"x\"\n[group]\nname = \"verb\"\nsize = 2\n", []string{`"group.size"`}, ErrConfig},
		{"unknown split", "name = \"x\"\nsplit = \"add_jmp\"\n", []string{"add_jmp", "addprim_jump"}, scan.ErrUnknownSplit},
		{"unknown cell", "name = \"x\"\ncells = [\"transformer\"]\n", []string{"transformer", "rnn, gru, lstm"}, ErrConfig},
		{"unknown method", "name = \"x\"\nmethods = [\"magic\"]\n", []string{"magic", "equizero"}, ErrConfig},
		{"bad value", "name = \"x\"\n[tune]\nbatch = 0\n", []string{"tune.batch = 0"}, ErrConfig},
		{"bad decode", "name = \"x\"\ndecode = \"beam\"\n", []string{"beam"}, ErrConfig},
		{"bad type", "name = \"x\"\nseeds = \"one\"\n", []string{"seeds"}, ErrConfig},
		{"unknown group", "name = \"x\"\ngroup = \"verbz\"\n", []string{"verbz"}, verbgroups.ErrInvalid},
		{"not a symmetry", `name = "x"
[group]
name = "bad"
[[group.cycle]]
words = ["jump", "walk"]
actions = ["I_JUMP", "I_RUN"]
`, []string{"not a symmetry"}, verbgroups.ErrNotSymmetry},
		{"unknown gequivariant group", "name = \"x\"\ngequivariant_group = \"verbz\"\n",
			[]string{"gequivariant_group", "verbz"}, verbgroups.ErrInvalid},
		{"gequivariant group not a symmetry", `name = "x"
[gequivariant_group]
name = "bad"
[[gequivariant_group.cycle]]
words = ["jump", "walk"]
actions = ["I_JUMP", "I_RUN"]
`, []string{"gequivariant_group", "not a symmetry"}, verbgroups.ErrNotSymmetry},
		{"unknown gequivariant group key", "name = \"x\"\n[gequivariant_group]\nname = \"verb\"\nsize = 2\n",
			[]string{`"gequivariant_group.size"`}, ErrConfig},
		{"gequivariant order does not divide hidden", "name = \"x\"\nmethods = [\"gequivariant\"]\n[model]\nhidden = 6\n",
			[]string{"gequivariant_group", "hidden = 6"}, ErrConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.src), "x.toml")
			if err == nil {
				err = c.Validate()
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrConfig) {
				t.Errorf("error %v does not wrap ErrConfig", err)
			}
			if !errors.Is(err, tc.sentinel) {
				t.Errorf("error %v does not wrap %v", err, tc.sentinel)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
