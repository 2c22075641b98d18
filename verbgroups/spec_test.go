package verbgroups

import (
	"fmt"

	"errors"
	"github.com/BurntSushi/toml"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	must := mustFor(t)
	for _, tc := range []struct {
		name, data string
		want       *Group // same name and elements
	}{
		{"verb", `
name = "verb"
[[cycle]]
words = ["jump", "run"]
actions = ["I_JUMP", "I_RUN"]
`, must(ByName("verb"))},
		{"verb4", `
name = "verb4"  # Gordon et al.
[[cycle]]
words = ["walk", "look", "run", "jump"]
actions = ["I_WALK", "I_LOOK", "I_RUN", "I_JUMP"]
`, must(ByName("verb4"))},
		{"product", `
name = "verb×direction"
[[cycle]]
words = ["jump", "run"]
actions = ["I_JUMP", "I_RUN"]
[[cycle]]
words = ["left", "right"]
actions = ["I_TURN_LEFT", "I_TURN_RIGHT"]
`, must(ByName("verbxdirection"))},
		{"inline", `
name = "verb"
cycle = [{words = ["jump", "run"], actions = ["I_JUMP", "I_RUN"]}]
`, must(ByName("verb"))},
		{"builtin", `name = "verb4"`, must(ByName("verb4"))},
	} {
		g, err := Parse([]byte(tc.data), tc.name+".toml")
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if g.Name() != tc.want.Name() || g.Order() != tc.want.Order() {
			t.Errorf("%s: got %s of order %d, want %s of order %d", tc.name, g.Name(), g.Order(), tc.want.Name(), tc.want.Order())
			continue
		}
		for i := range g.Order() {
			if !equal(g.Element(i), tc.want.Element(i)) {
				t.Errorf("%s: element %d = %s, want %s", tc.name, i, g.ElementString(i), tc.want.ElementString(i))
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	const verbCycle = `
[[cycle]]
words = ["jump", "run"]
actions = ["I_JUMP", "I_RUN"]
`
	for _, tc := range []struct {
		name, data, want string
	}{
		{"unknown key", `name = "x"
colour = "red"
` + verbCycle,
			`verbgroups: g.toml:2: unknown key "colour" (valid: name, [[cycle]] words, actions)`},
		{"unknown cycle key", `name = "x"` + verbCycle + `order = 2
`,
			`verbgroups: g.toml:5: unknown key "cycle.order" (valid: name, [[cycle]] words, actions)`},
		{"unknown keys", `name = "x"
cycles = 1
` + verbCycle + `
[extra]
a = 1
b = 2
`,
			`verbgroups: g.toml:2: unknown key "cycles"; g.toml:8: unknown key "extra" (valid: name, [[cycle]] words, actions)`},
		{"unknown word", `name = "x"` + verbCycle + `
[[cycle]]
words = ["jmp", "left"]
actions = ["I_TURN_LEFT", "I_WALK"]
`,
			`verbgroups: g.toml:6: group "x": cycle 2: word "jmp" is not a SCAN word (valid: walk, look, run, jump, turn, left, right, opposite, around, twice, thrice, and, after)`},
		{"unknown action", `name = "x"
[[cycle]]
words = ["jump", "run"]
actions = ["JUMP", "I_RUN"]
`,
			`verbgroups: g.toml:2: group "x": cycle 1: action "JUMP" is not a SCAN action (valid: I_WALK, I_LOOK, I_RUN, I_JUMP, I_TURN_LEFT, I_TURN_RIGHT)`},
		{"special token", `name = "x"
[[cycle]]
words = ["EOS", "run"]
actions = ["I_JUMP", "I_RUN"]
`,
			`cycle 1: word "EOS" is not a SCAN word`},
		{"word twice in a cycle", `name = "x"
[[cycle]]
words = ["jump", "run", "jump"]
actions = ["I_JUMP", "I_RUN", "I_WALK"]
`,
			`g.toml:2: group "x": cycle 1: word "jump" appears twice, so the map is not a bijection`},
		{"action twice in a cycle", `name = "x"
[[cycle]]
words = ["jump", "run"]
actions = ["I_JUMP", "I_JUMP"]
`,
			`cycle 1: action "I_JUMP" appears twice, so the map is not a bijection`},
		{"word in two cycles", `name = "x"` + verbCycle + `
[[cycle]]
words = ["walk", "jump"]
actions = ["I_WALK", "I_LOOK"]
`,
			`g.toml:6: group "x": cycle 2: word "jump" is also in cycle 1, so the map is not a bijection (cycles must be disjoint)`},
		{"action in two cycles", `name = "x"` + verbCycle + `
[[cycle]]
words = ["walk", "look"]
actions = ["I_WALK", "I_RUN"]
`,
			`cycle 2: action "I_RUN" is also in cycle 1`},
		{"unequal lengths", `name = "x"
[[cycle]]
words = ["walk", "look", "run"]
actions = ["I_WALK", "I_LOOK"]
`,
			`cycle 1: 3 words but 2 actions: the word cycle and the action cycle must have the same length`},
		{"no actions", `name = "x"
[[cycle]]
words = ["walk", "look"]
`,
			`cycle 1: 2 words but 0 actions`},
		{"empty cycle", `name = "x"` + verbCycle + `
[[cycle]]
`,
			`g.toml:6: group "x": cycle 2: cycle is empty: give words and actions`},
		{"empty lists", `name = "x"
[[cycle]]
words = []
actions = []
`,
			`cycle 1: cycle is empty`},
		{"no cycles", `name = "x"`,
			`verbgroups: g.toml:1: group "x": no cycles: give one or more [[cycle]] tables, or the name of a built-in group (identity, verb, direction, verb4, verb×direction)`},
		{"no name", verbCycle,
			`verbgroups: g.toml: group "": name is empty`},
		{"syntax", `name = "x`,
			`verbgroups: g.toml:1: `},
		{"type", `name = 3`,
			`verbgroups: g.toml:1: name: incompatible types`},
		{"empty name", "\n" + `name = ""` + verbCycle,
			`verbgroups: g.toml:2: group "": name is empty`},
		{"too large", `name = "x"` + strings.Repeat(" ", MaxSpecBytes),
			`verbgroups: g.toml: 1048586 bytes, more than the 1048576 of a group`},
		{"words type", `name = "x"
[[cycle]]
words = "jump run"
`,
			`verbgroups: g.toml:3: cycle.words: incompatible types`},
	} {
		_, err := Parse([]byte(tc.data), "g.toml")
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: Parse error %v, want ErrInvalid", tc.name, err)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\ngot  %v\nwant %s", tc.name, err, tc.want)
		}
	}
}

func TestSpecGroupErrors(t *testing.T) {
	for _, tc := range []struct {
		spec Spec
		want string
	}{
		{Spec{Name: "x", Cycles: []Cycle{{Words: []string{"jump", "run"}, Actions: []string{"I_JUMP", "I_RUN"}}, {Words: []string{"jmp"}, Actions: []string{"I_WALK"}}}},
			`verbgroups: group "x": cycle 2: word "jmp" is not a SCAN word (valid: walk, look, `},
		{Spec{Name: "x", Cycles: []Cycle{{}}}, `verbgroups: group "x": cycle 1: cycle is empty`},
		{Spec{}, `verbgroups: group "": name is empty`},
	} {
		if err := tc.spec.Validate(); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate() = %v, want %s", err, tc.want)
		}
		if _, err := tc.spec.Group(); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Group() = %v, want %s", err, tc.want)
		}
		if _, err := tc.spec.Group(); !strings.Contains(tc.want, fmt.Sprintf("cycle %d:", CycleOf(err))) &&
			(CycleOf(err) != 0 || strings.Contains(tc.want, "cycle ")) {
			t.Errorf("CycleOf(%v) = %d", err, CycleOf(err))
		}
	}
	if _, err := Cyclic("c", []string{"jump", "turn"}, []string{"I_JUMP"}); !errors.Is(err, ErrInvalid) ||
		err.Error() != `verbgroups: group "c": 2 words but 1 actions: the word cycle and the action cycle must have the same length` {
		t.Errorf("Cyclic with unequal lengths: %v", err)
	}
}

// TestSpecEmbedded decodes a group embedded in another configuration.
func TestSpecEmbedded(t *testing.T) {
	var cfg struct {
		Split string `toml:"split"`
		Group Spec   `toml:"group"`
	}
	data := `
split = "add_jump"
[group]
name = "verb"
[[group.cycle]]
words = ["jump", "run"]
actions = ["I_JUMP", "I_RUN"]
`
	if _, err := decodeStrict(data, &cfg); err != nil {
		t.Fatal(err)
	}
	g, err := cfg.Group.Group()
	if err != nil {
		t.Fatal(err)
	}
	if g.Name() != "verb" || g.Order() != 2 || g.ElementString(1) != "(jump run)(I_JUMP I_RUN)" {
		t.Errorf("embedded group %s of order %d, generator %s", g.Name(), g.Order(), g.ElementString(1))
	}
}

func decodeStrict(data string, v any) (toml.MetaData, error) {
	md, err := toml.Decode(data, v)
	if err == nil && len(md.Undecoded()) > 0 {
		err = fmt.Errorf("undecoded keys %v", md.Undecoded())
	}
	return md, err
}
