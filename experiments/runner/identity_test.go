package runner

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/seq2seq"
)

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestCommittedResultsMatch checks that every committed result.json, none of
// which stores an identity, is accepted as the result of its run under the
// built-in config of its experiment, and that each built-in config with
// committed results has every one of its method runs.
func TestCommittedResultsMatch(t *testing.T) {
	for _, name := range config.BuiltinNames() {
		sw, err := config.LoadSweep(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, cell := range sw.Cells {
			checkCommitted(t, name, cell)
		}
	}
}

// checkCommitted checks the committed results of a cell of the built-in
// config name, if it has any.
func checkCommitted(t *testing.T, name string, cell config.Cell) {
	t.Helper()
	c := cell.Config
	l := CellLayout("../..", cell)
	if _, err := os.Stat(l.Dir()); os.IsNotExist(err) {
		return // not run yet
	}
	rs, rejected, err := ReadResults(c, l, Expand(c))
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, r := range Expand(c) {
		if r.Method != Pretrain {
			want++
		}
	}
	if len(rejected) > 0 || len(rs) != want {
		t.Errorf("%s: %s: %d of %d results accepted; rejected: %v", name, cell.Dir, len(rs), want, rejected)
	}
}

// TestMisplacedResults: a seed-1 result copied into seed 0's directory, a
// finetune result in the equitune directory, a result whose recorded
// settings differ from the config's and one of another experiment are each
// left out of the summary, with an error saying why.
func TestMisplacedResults(t *testing.T) {
	c, err := config.Load("add_jump_quick.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		edit func(l Layout, runs map[string]Run) error
		want string
	}{
		{"seed 1 as seed 0", func(l Layout, runs map[string]Run) error {
			return copyFile(l.Result(runs["addprim_jump-lstm-s1-equitune"]), l.Result(runs["addprim_jump-lstm-s0-equitune"]))
		}, `run "addprim_jump-lstm-s1-equitune"`},
		{"finetune as equitune", func(l Layout, runs map[string]Run) error {
			return copyFile(l.Result(runs["addprim_jump-lstm-s0-finetune"]), l.Result(runs["addprim_jump-lstm-s0-equitune"]))
		}, `run "addprim_jump-lstm-s0-finetune"`},
		{"edited settings", func(l Layout, runs map[string]Run) error {
			return editFile(l.Result(runs["addprim_jump-lstm-s0-equitune"]), `"Iterations": 1500`, `"Iterations": 6`)
		}, "Pretrain.Iterations: 6 → 1500"},
		{"another experiment", func(l Layout, runs map[string]Run) error {
			return editFile(l.Result(runs["addprim_jump-lstm-s0-equitune"]), `"experiment": "add_jump_quick"`, `"experiment": "other"`)
		}, `experiment "other"`},
		{"engine version", func(l Layout, runs map[string]Run) error {
			return editFile(l.Result(runs["addprim_jump-lstm-s0-equitune"]), `"run_id":`, `"identity": "0123456789abcdef", "run_id":`)
		}, "another engine version"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			copyTree(t, filepath.Join("..", "..", "results", c.Name), filepath.Join(out, "results", c.Name))
			l := Layout{Out: out, Experiment: c.Name}
			runs := map[string]Run{}
			for _, r := range Expand(c) {
				runs[r.ID()] = r
			}
			if err := tc.edit(l, runs); err != nil {
				t.Fatal(err)
			}
			// An unsealed result (written before digests), which only its
			// identity and settings can reject.
			if err := os.Remove(filepath.Join(filepath.Dir(l.Result(runs["addprim_jump-lstm-s0-equitune"])), SumsFile)); err != nil {
				t.Fatal(err)
			}
			rs, rejected, err := ReadResults(c, l, Expand(c))
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != 9 || len(rejected) != 1 || !errors.Is(rejected[0], ErrMismatch) ||
				!strings.Contains(rejected[0].Error(), tc.want) {
				t.Errorf("%d accepted, rejected %v; want 9 and one error containing %q", len(rs), rejected, tc.want)
			}
		})
	}
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

func editFile(path, old, new string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !bytes.Contains(b, []byte(old)) {
		return errors.New(path + " does not contain " + old)
	}
	return os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644)
}

// TestRunIdentity checks what changes a run's identity: the settings the
// method reads, and not the others.
func TestRunIdentity(t *testing.T) {
	base := config.Default()
	id := func(c config.Config, r Run) string {
		s, err := RunIdentity(&c, r)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	run := func(method string, seed uint64) Run {
		return Run{Method: method, Split: "addprim_jump", Cell: "lstm", Seed: seed}
	}
	if id(base, run("finetune", 0)) == id(base, run("finetune", 1)) {
		t.Error("the seed does not change the identity")
	}
	if id(base, run("finetune", 0)) == id(base, run("equitune", 0)) {
		t.Error("the method does not change the identity")
	}
	other := base
	other.Name, other.Cells, other.Seeds, other.Methods = "other", []string{"gru"}, []uint64{7}, []string{"equizero"}
	other.Slurm.Partition = "p"
	other.Split = "addprim_jump" // the canonical name of the alias add_jump
	if id(base, run("finetune", 0)) != id(other, run("finetune", 0)) {
		t.Error("name, lists, split alias or [slurm] change the identity")
	}
	for _, tc := range []struct {
		edit    func(*config.Config)
		changes map[string]bool // method → identity changes
	}{
		{func(c *config.Config) { c.Tune.LR = 1 }, map[string]bool{"pretrained": false, "finetune": true, "equizero": false}},
		{func(c *config.Config) { c.Pretrain.Iterations = 7 }, map[string]bool{"pretrained": true, "equizero": true, config.GEquivariant: true}},
		{func(c *config.Config) { c.Group.Name = "direction" }, map[string]bool{"finetune": false, "equitune": true, "equizero": true}},
		{func(c *config.Config) { c.Decode = "independent" }, map[string]bool{"equitune": true, "equizero": false}},
		{func(c *config.Config) { c.GEquivariantGroup.Name = "verb" }, map[string]bool{config.GEquivariant: true, "pretrained": false}},
		{func(c *config.Config) { c.Model.Hidden = 32 }, map[string]bool{"pretrained": true, config.GEquivariant: true}},
	} {
		c := base
		c.Group, c.GEquivariantGroup = base.Group, base.GEquivariantGroup
		tc.edit(&c)
		for m, want := range tc.changes {
			if got := id(base, run(m, 0)) != id(c, run(m, 0)); got != want {
				t.Errorf("%+v: %s identity changes: %v, want %v", c, m, got, want)
			}
		}
	}
}

// testEnv returns an Env of c under out whose log goes to log.
func testEnv(c *config.Config, out string, log io.Writer) *Env {
	return &Env{Config: c, Layout: Layout{Out: out, Experiment: c.Name},
		Log:      slog.New(slog.NewTextHandler(log, nil)),
		Progress: func(string, int) (func(int), func()) { return func(int) {}, func() {} }}
}

// TestCheckpointMismatch: a checkpoint at a run's cache path that holds
// another seed's run, another experiment's (other sizes and schedule) or a
// plain model where a G-equivariant one belongs is not used; a matching
// one, with or without a stored identity, is.
func TestCheckpointMismatch(t *testing.T) {
	c, err := config.Load(filepath.Join("..", "testdata", "tiny.toml"))
	if err != nil {
		t.Fatal(err)
	}
	geq := Run{Method: config.GEquivariant, Split: "addprim_jump", Cell: "gru", Seed: 0}
	pre := Run{Method: Pretrain, Split: "addprim_jump", Cell: "gru", Seed: 0}
	save := func(path string, cfg *config.Config, r Run, identity bool) {
		t.Helper()
		mc, err := runNetwork(cfg, r)
		if err != nil {
			t.Fatal(err)
		}
		m, err := seq2seq.New(mc, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		run, err := seq2seq.NewTraining(m, cfg.Pretrain.Schedule(), seq2seq.Copies{}, rand.NewPCG(1, 2))
		if err != nil {
			t.Fatal(err)
		}
		if identity {
			if run.Identity, err = RunIdentity(cfg, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := run.Save(path); err != nil {
			t.Fatal(err)
		}
	}
	big := *c
	big.Model.Hidden, big.Model.Embed, big.Pretrain.Iterations = 16, 16, 200
	seed1 := pre
	seed1.Seed = 1
	plain := geq
	plain.Method = Pretrain
	for _, tc := range []struct {
		name     string
		cfg      *config.Config // of the checkpoint
		r        Run            // of the checkpoint
		identity bool           // the checkpoint stores its identity
		want     Run            // the run asked for
		ok       bool
	}{
		{"same run", c, pre, true, pre, true},
		{"same run, no identity", c, pre, false, pre, true},
		{"same gequivariant run", c, geq, true, geq, true},
		{"another seed", c, seed1, true, pre, false},
		{"another experiment", &big, pre, true, pre, false},
		{"another experiment, no identity", &big, pre, false, pre, false},
		{"plain for gequivariant", c, plain, true, geq, false},
		{"plain for gequivariant, no identity", c, plain, false, geq, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.ckpt")
			save(path, tc.cfg, tc.r, tc.identity)
			var log bytes.Buffer
			run, err := testEnv(c, t.TempDir(), &log).resume(path, tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if ok := run != nil; ok != tc.ok {
				t.Fatalf("checkpoint used: %v, want %v (log %q)", ok, tc.ok, log.String())
			}
			if !tc.ok && !strings.Contains(log.String(), "holds another run") {
				t.Errorf("no log line about the mismatch: %q", log.String())
			}
			if tc.ok {
				want, _ := RunIdentity(c, tc.want)
				if run.Identity != want {
					t.Errorf("loaded run's identity %q, want %q", run.Identity, want)
				}
			}
		})
	}
}
