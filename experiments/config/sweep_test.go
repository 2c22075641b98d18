package config

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sweepBase = `name = "sw"
cells = ["gru"]
seeds = [0]
methods = ["pretrained", "finetune", "equitune"]
model = { hidden = 8, embed = 8 }
`

// writeConfig writes text to a config file in a temporary directory.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "c.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSweepCells: a sweep is the cross product of its axes, the first axis
// slowest, each cell the config of its own file (the axis values and the
// [[when]] keys written in), named after its values.
func TestSweepCells(t *testing.T) {
	sw, err := LoadSweep(writeConfig(t, sweepBase+`splits = ["add_jump", "around_right"]
[tune]
lr = [1e-3, 2e-3]
[[when]]
split = "around_right"
methods = ["pretrained"]
[[when]]
lr = 2e-3
tune = { iterations = 7 }
`), nil)
	if err == nil {
		t.Fatal("a [[when]] naming lr, which is tune.lr, was accepted")
	}
	path := writeConfig(t, sweepBase+`splits = ["add_jump", "around_right"]
[tune]
lr = [1e-3, 2e-3]
[[when]]
split = "around_right"
methods = ["pretrained"]
[[when]]
tune = { lr = 2e-3, iterations = 7 }
`)
	if _, err := LoadSweep(path, nil); err == nil || !strings.Contains(err.Error(), "names no axis value") {
		t.Fatalf("a [[when]] whose condition is in a table: %v", err)
	}
	sw, err = LoadSweep(writeConfig(t, sweepBase+`splits = ["add_jump", "around_right"]
[tune]
lr = [1e-3, 2e-3]
[[when]]
split = "around_right"
methods = ["pretrained"]
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(sw.Axes) != 2 || sw.Axes[0].Key != "split" || sw.Axes[1].Key != "tune.lr" || len(sw.Cells) != 4 {
		t.Fatalf("axes %v, %d cells", sw.Axes, len(sw.Cells))
	}
	for i, want := range []struct{ split, lr, methods string }{
		{"add_jump", "0.001", `"pretrained", "finetune", "equitune"`}, {"add_jump", "0.002", `"pretrained", "finetune", "equitune"`},
		{"around_right", "0.001", `"pretrained"`}, {"around_right", "0.002", `"pretrained"`},
	} {
		c := sw.Cells[i]
		suffix := want.split + "_" + want.lr
		if c.Dir != "sw/"+suffix || c.Config.Name != "sw_"+suffix {
			t.Errorf("cell %d: %s in %s, want sw_%s in sw/%s", i, c.Config.Name, c.Dir, suffix, suffix)
		}
		base := strings.Replace(sweepBase, `name = "sw"`, `name = "sw_`+suffix+`"`, 1)
		base = strings.Replace(base, `methods = ["pretrained", "finetune", "equitune"]`+"\n", "", 1)
		text := []byte(base + "split = \"" + want.split + "\"\nmethods = [" + want.methods + "]\n[tune]\nlr = " + want.lr + "\n")
		plain, err := load(text, text, "plain.toml")
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(c.Config)
		b, _ := json.Marshal(plain)
		if string(a) != string(b) {
			t.Errorf("cell %d:\n%s\nwant the config of its own file\n%s", i, a, b)
		}
	}
	if _, err := Load(writeConfig(t, sweepBase+`splits = ["add_jump", "around_right"]`)); err == nil {
		t.Error("Load accepted a sweep")
	}
}

// TestSet: -set overrides a key like the file, adds one, makes an axis;
// a bad value is an error naming it.
func TestSet(t *testing.T) {
	path := writeConfig(t, sweepBase+"[tune]\nlr = 1e-3\n")
	sw, err := LoadSweep(path, []string{"tune.lr=0.5", "split=around_right", "decode=independent"})
	if err != nil {
		t.Fatal(err)
	}
	c := sw.Cells[0].Config
	if len(sw.Axes) != 0 || c.Tune.LR != 0.5 || c.Split != "around_right" || c.Decode != "independent" ||
		c.Group.Name != "direction" {
		t.Errorf("after -set: axes %v, lr %g, split %s, decode %s, group %s", sw.Axes, c.Tune.LR, c.Split, c.Decode, c.Group.Name)
	}
	if !strings.Contains(string(sw.Data), "0.5") {
		t.Errorf("the sweep's text does not record -set:\n%s", sw.Data)
	}
	sw, err = LoadSweep(path, []string{`groups=["verb", "identity"]`})
	if err != nil || len(sw.Cells) != 2 || sw.Cells[1].Config.Name != "sw_identity" {
		t.Fatalf("-set groups: %v, %+v", err, sw)
	}
	for _, bad := range []string{"tune.lr", "=3", "tune.lr=-1", "tune.nosuchkey=1", "tune..lr=1"} {
		if _, err := LoadSweep(path, []string{bad}); err == nil {
			t.Errorf("-set %s accepted", bad)
		}
	}
}

// TestSetKeepsAxisOrder: -set on a sweep keeps its axes in the file's order
// (the cells keep their names, so their results are found), and an axis
// that -set adds comes last.
func TestSetKeepsAxisOrder(t *testing.T) {
	path := writeConfig(t, sweepBase+`splits = ["add_jump", "around_right"]
groups = ["verb", "identity"]
`)
	for _, sets := range [][]string{nil, {`groups=["identity"]`}, {`groups=["identity"]`, `splits=["around_right"]`}} {
		sw, err := LoadSweep(path, append(sets, "tune.lr=[1e-3, 2e-3]"))
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, a := range sw.Axes {
			keys = append(keys, a.Key)
		}
		if got := strings.Join(keys, ","); got != "split,group,tune.lr" {
			t.Errorf("-set %q: axes %s, want split,group,tune.lr", sets, got)
		}
		if dir := sw.Cells[len(sw.Cells)-1].Dir; dir != "sw/around_right_identity_0.002" {
			t.Errorf("-set %q: last cell %s, want sw/around_right_identity_0.002", sets, dir)
		}
	}
}

// TestSweepBadInput: axes and [[when]] tables that mean nothing are errors.
func TestSweepBadInput(t *testing.T) {
	for _, text := range []string{
		`splits = []`,
		`splits = ["add_jump", "add_jump"]`,
		`splits = "add_jump"`,
		"split = \"add_jump\"\nsplits = [\"around_right\"]",
		"[[when]]\nsplit = \"add_jump\"\nmethods = [\"pretrained\"]",
		"splits = [\"add_jump\"]\n[[when]]\nmethods = [\"pretrained\"]",
		"splits = [\"add_jump\"]\n[[when]]\nsplit = \"add_jump\"\nname = \"x\"",
		"splits = [\"add_jump\", \"no_such_split\"]",
		"[tune]\nlr = [1e-3, 0.0]",
	} {
		if _, err := LoadSweep(writeConfig(t, sweepBase+text+"\n"), nil); err == nil {
			t.Errorf("accepted:\n%s", text)
		}
	}
}

// TestSweepCellLimit: a sweep of more than MaxCells cells is refused, naming
// the limit, before any cell is made.
func TestSweepCellLimit(t *testing.T) {
	text := "splits = [\"simple\", \"length\", \"addprim_jump\", \"addprim_turn_left\", \"template_right\", \"filler_num0\", " +
		"\"filler_num1\", \"filler_num2\", \"add_jump\", \"around_right\", \"template_opposite_right\"]\n" +
		"val_fraction = [0.1, 0.2]\n[pretrain]\nbatch = [1, 2]\nclip = [1, 2]\niterations = [10, 20]\n" +
		"[tune]\nbatch = [1, 2]\nclip = [1, 2]\niterations = [10, 20]\n" +
		"lr = [1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 6e-3, 7e-3, 8e-3, 9e-3, 1e-2]\n" // 11 × 2⁷ × 10 cells
	_, err := LoadSweep(writeConfig(t, sweepBase+text), nil)
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "more than 10000 cells") {
		t.Errorf("error %v, want ErrConfig naming the limit of %d cells", err, MaxCells)
	}
}
