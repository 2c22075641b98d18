package config_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/verbgroups"
)

// maxFuzzConfig bounds the configs FuzzLoad tries, four times its largest
// seed: a config's cost grows with its cells, and the fuzzer minimizes
// every input that reaches new code in a number of executions quadratic in
// its length.
const maxFuzzConfig = 2048

// FuzzLoad checks that no config text makes loading panic: ParseSweep gives
// valid cells, each with a run identity, or an error.
//
// Each execution parses text in memory (no file is written) and the seeds
// are small: two experiments, a small sweep and a line per class of error,
// so that the first mutants, which mostly end in an error, are not new
// code the fuzzer stops to minimize. Inputs beyond maxFuzzConfig bytes are
// skipped. Every split's sizes and every built-in group's symmetry check,
// which a process computes once, are computed before fuzzing: in an
// execution, on a loaded machine, they outlast the fuzzing engine's 10 s
// limit of one execution, which kills the worker ("fuzzing process hung or
// terminated unexpectedly: exit status 2").
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"add_jump_quick.toml", "followups_quick.toml"} {
		src, err := config.ConfigSource(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	src, err := os.ReadFile(filepath.Join("..", "testdata", "slurm_tiny.toml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(src)
	for _, s := range []string{
		"name = \"sw\"\nsplits = [\"add_jump\", \"around_right\"]\ngroups = [\"identity\", \"verb\"]\nmethods = [\"equitune\"]\n" +
			"[tune]\nlr = [1e-3, 2e-3]\n[[when]]\ngroup = \"identity\"\nmethods = [\"finetune\"]\n",
		"name = \"g\"\nmethods = [\"equitune\"]\n[group]\nname = \"mine\"\n[[group.cycle]]\nwords = [\"jump\", \"run\"]\nactions = [\"I_JUMP\", \"I_RUN\"]\n",
		"name = \"x",                                       // syntax
		"name = \"x\"\ncolour = 1\n",                       // unknown key
		"name = \"x\"\nseeds = \"one\"\n",                  // type
		"name = \"x\\u0000\"\n",                            // name
		"split = \"add_jmp\"\ncells = [\"transformer\"]\n", // split, cell
		"methods = [\"magic\", \"magic\"]\n",               // method
		"seeds = [-1]\n[model]\nhidden = 4000000000\n[tune]  # c\nlr = nan\nslurm = { partiton = \"x\" }\n",           // numbers
		"[group]\nname = \"bad\"\n[[group.cycle]]\nwords = [\"jump\", \"walk\"]\nactions = [\"I_JUMP\", \"I_RUN\"]\n", // not a symmetry
		"[group]\nname = \"bad\"\n[[group.cycle]]\nwords = [\"jmp\"]\nactions = []\n",                                 // bad cycle
		"methods = [\"gequivariant\"]\n[model]\nhidden = 6\n",                                                         // order
		"methods = [\"pretrained\"]\ndecode = \"beam\"\nequizero_proxy = \"top1\"\n",                                  // unused keys
		"[pretrain]\niterations = 10\neval_every = 20\n",                                                              // eval_every
		"splits = []\n[[when]]\nname = \"x\"\n",                                                                       // sweep
		"pretrained_model = \"missing.safetensors\"\n",                                                                // file
	} {
		f.Add([]byte(s))
	}
	for _, split := range scan.SplitNames() {
		if _, _, err := scan.Sizes(split); err != nil {
			f.Fatal(err)
		}
	}
	for _, name := range verbgroups.Names() {
		g, err := verbgroups.ByName(name)
		if err != nil {
			f.Fatal(err)
		}
		_ = g.CheckSCAN() // cached, a symmetry or not
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if len(src) > maxFuzzConfig {
			return
		}
		sw, err := config.ParseSweep(src, "fuzz.toml", nil)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		for _, c := range sw.Cells {
			if _, err := runner.RunIdentity(c.Config, runner.Expand(c.Config)[0]); err != nil {
				t.Fatalf("a valid config has no identity: %v", err)
			}
		}
	})
}
