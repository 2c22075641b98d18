package runner

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/scan"
)

// Pretrain is the Method of a pretraining run.
const Pretrain = "pretrain"

// Run is one unit of an experiment, addressed by its Index in Expand.
type Run struct {
	Index  int
	Method string // Pretrain or a registered method (config.MethodNames)
	Split  string // canonical split name
	Cell   string
	Seed   uint64
}

// ID names the run in directories and logs, e.g.
// "addprim_jump-lstm-s0-equitune" or "pretrain-addprim_jump-lstm-s0".
func (r Run) ID() string {
	if r.Method == Pretrain {
		return fmt.Sprintf("pretrain-%s-%s-s%d", r.Split, r.Cell, r.Seed)
	}
	return fmt.Sprintf("%s-%s-s%d-%s", r.Split, r.Cell, r.Seed, r.Method)
}

// Expand returns the runs of an experiment, a pure function of c: first a
// pretraining run per (cell, seed), then a run per (cell, seed, method), in
// the order of the configuration's lists. There are no pretraining runs if
// no method needs the pretrained model (only gequivariant) or the methods
// start from a pretrained_model file.
func Expand(c *config.Config) []Run {
	split, _ := scan.Canonical(c.Split)
	var runs []Run
	for _, cell := range c.Cells {
		for _, seed := range c.Seeds {
			if c.PretrainedModel == "" && slices.ContainsFunc(c.Methods, config.NeedsPretrain) {
				runs = append(runs, Run{Method: Pretrain, Split: split, Cell: cell, Seed: seed})
			}
		}
	}
	for _, cell := range c.Cells {
		for _, seed := range c.Seeds {
			for _, m := range c.Methods {
				runs = append(runs, Run{Method: m, Split: split, Cell: cell, Seed: seed})
			}
		}
	}
	for i := range runs {
		runs[i].Index = i
	}
	return runs
}

// A Step is a run of a sweep's plan.
type Step struct {
	Cell  config.Cell
	Run   Run
	Index int // in the plan: what run -run-index and a Slurm array task address
}

// Plan returns the runs of the sweep sw, a pure function of it: every
// cell's pretrainings, then every cell's method runs, each cell's in the
// order of Expand, indexed in that order. The plan of one experiment is
// Expand's list. A pretraining shared by cells (the same split, cell, seed
// and pretraining settings) is a step of each; the second one to run finds
// it cached.
func Plan(sw *config.Sweep) []Step {
	var pre, methods []Step
	for _, cell := range sw.Cells {
		for _, r := range Expand(cell.Config) {
			if r.Method == Pretrain {
				pre = append(pre, Step{Cell: cell, Run: r})
			} else {
				methods = append(methods, Step{Cell: cell, Run: r})
			}
		}
	}
	steps := append(pre, methods...)
	for i := range steps {
		steps[i].Index = i
	}
	return steps
}

// CellLayout returns the layout of a cell's outputs under the root out.
func CellLayout(out string, cell config.Cell) Layout {
	return Layout{Out: out, Experiment: cell.Dir}
}

// Layout gives the paths of an experiment's outputs under the root Out.
type Layout struct {
	Out        string
	Experiment string // the experiment's folder under Out/results: its name, or SWEEP/CELL (config.Cell.Dir)
}

// Dir is the experiment's results directory.
func (l Layout) Dir() string { return filepath.Join(l.Out, "results", l.Experiment) }

// Result is the path of a method run's result.json.
func (l Layout) Result(r Run) string {
	return filepath.Join(l.Dir(), "runs", r.ID(), "result.json")
}

// Checkpoint is the path of the cached pretraining of (split, cell, seed)
// under c's model, pretraining schedule and validation fraction; every
// experiment with the same pretraining shares it. c must be valid.
func (l Layout) Checkpoint(c *config.Config, r Run) string {
	return filepath.Join(l.Out, "results", ".cache", "pretrain",
		fmt.Sprintf("%s-%s-%d-%s.ckpt", r.Split, r.Cell, r.Seed, pretrainHash(c)))
}

// GEquivariantCheckpoint is the path of the cached gequivariant training of
// (split, cell, seed) under c's model, pretraining schedule, validation
// fraction and gequivariant group; every experiment with the same settings
// shares it.
func (l Layout) GEquivariantCheckpoint(c *config.Config, r Run) string {
	b, _ := json.Marshal(c.GEquivariantGroup)
	s := sha256.Sum256(append([]byte(pretrainHash(c)), b...))
	return filepath.Join(l.Out, "results", ".cache", "gequivariant",
		fmt.Sprintf("%s-%s-%d-%s.ckpt", r.Split, r.Cell, r.Seed, hex.EncodeToString(s[:6])))
}

// pretrainHash identifies what determines a pretraining besides split, cell
// and seed. It panics if c has a number JSON cannot hold (NaN, ±Inf), which
// Validate refuses: c must be valid.
func pretrainHash(c *config.Config) string {
	b, err := json.Marshal(struct {
		Model       config.ModelConfig
		Pretrain    config.ScheduleConfig
		ValFraction float64
	}{c.Model, c.Pretrain, c.ValFraction})
	if err != nil {
		panic("experiments: the pretraining hash of an invalid config: " + err.Error())
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:6])
}
