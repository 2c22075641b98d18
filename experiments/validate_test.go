package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadNumbers: every out-of-range number (NaN and Inf rates, sizes that
// would not fit in memory, a negative seed, a validation fraction that
// leaves the validation or the training set empty) is refused by the
// command with exit 2, before anything is written, in one message that
// names the file, the line and the key.
func TestBadNumbers(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, src, want string
	}{
		{"nan lr", "[tune]\nlr = nan\n", "x.toml:3: bad config: tune.lr = NaN"},
		{"inf lr", "[pretrain]\nlr = inf\n", "x.toml:3: bad config: pretrain.lr = +Inf"},
		{"nan weight decay", "[tune]\nweight_decay = nan\n", "x.toml:3: bad config: tune.weight_decay = NaN"},
		{"inf clip", "[pretrain]\nclip = inf\n", "x.toml:3: bad config: pretrain.clip = +Inf"},
		{"nan teacher forcing", "[pretrain]\nteacher_forcing = nan\n", "x.toml:3: bad config: pretrain.teacher_forcing = NaN"},
		{"nan dropout", "[model]\ndropout = nan\n", "x.toml:3: bad config: model.dropout = NaN"},
		{"huge hidden", "[model]\nhidden = 4000000000\n", "x.toml:3: bad config: model.hidden = 4000000000: want 1 to 1024"},
		{"huge embed", "[model]\nembed = 2000000000\n", "x.toml:3: bad config: model.embed = 2000000000"},
		{"huge batch", "[tune]\nbatch = 100000\n", "x.toml:3: bad config: tune.batch = 100000"},
		{"no iterations", "[tune]\niterations = 0\n", "x.toml:3: bad config: tune.iterations = 0"},
		{"negative seed", "seeds = [0, -1]\n", "x.toml:2: bad config: seeds has -1: want seeds ≥ 0"},
		{"empty validation", "val_fraction = 1e-9\n", "x.toml:2: bad config: val_fraction = 1e-09 leaves 0 of the"},
		{"empty training", "val_fraction = 0.99999999\n", "x.toml:2: bad config: val_fraction = 0.99999999 leaves 14670 of the 14670"},
		{"dotted key", "pretrain.lr = nan\n", "x.toml:2: bad config: pretrain.lr = NaN"},
		{"commented header", "[tune]  # tuning\nclip = -1\n", "x.toml:3: bad config: tune.clip = -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "x.toml")
			if err := os.WriteFile(path, []byte("name = \"x\"\n"+tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(dir, "out")
			var stderr bytes.Buffer
			if code := run([]string{"-config", path, "-out", out}, io.Discard, &stderr); code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			msg := strings.TrimSpace(stderr.String())
			if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, "experiments: "+path[:len(path)-len("x.toml")]) ||
				!strings.Contains(msg, tc.want) || strings.Count(msg, "experiments: ") != 1 {
				t.Errorf("message %q, want one line with one prefix containing %q", msg, tc.want)
			}
			if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("bad input wrote %s", out)
			}
		})
	}
}

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

// FuzzLoad checks that no config text makes loading panic: it gives a
// valid config or an error wrapping ErrConfig (or a group or split error).
func FuzzLoad(f *testing.F) {
	for _, name := range BuiltinNames() {
		src, err := ConfigSource(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, name := range []string{"tiny.toml", "slurm_tiny.toml"} {
		src, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("seeds = [-1]\n[model]\nhidden = 4000000000\n[tune]  # c\nlr = nan\nslurm = { partiton = \"x\" }\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		path := filepath.Join(dir, "fuzz.toml")
		if err := os.WriteFile(path, src, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		if _, err := RunIdentity(c, Expand(c)[0]); err != nil {
			t.Fatalf("a valid config has no identity: %v", err)
		}
	})
}
