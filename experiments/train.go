package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/scan-equitune/equitune/internal/atomicfile"
	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/seq2seq"
)

// Random streams of rand.NewPCG(seed, stream): one per use, so that the
// validation hold-out, the initialisation and each training are fixed by
// the seed alone and do not depend on one another.
const (
	streamHoldOut  = 0x686f6c64
	streamInit     = 0x696e6974
	streamPretrain = 0x70726574
	streamTune     = 0x74756e65
)

// Data are the training, validation and test examples of a split and seed.
type Data struct {
	Train, Val, Test seq2seq.Data
}

// LoadData generates the split, holds out the validation fraction with the
// seed's hold-out stream and encodes everything.
func LoadData(c *Config, seed uint64) (Data, error) {
	train, val, test, err := splitParts(c, seed)
	if err != nil {
		return Data{}, err
	}
	var d Data
	for _, p := range []struct {
		ps  []scan.Pair
		dst *seq2seq.Data
	}{{train, &d.Train}, {val, &d.Val}, {test, &d.Test}} {
		exs, err := scan.EncodePairs(p.ps, scan.InputVocab(), scan.OutputVocab())
		if err != nil {
			return Data{}, err
		}
		for _, e := range exs {
			p.dst.In = append(p.dst.In, e.In)
			p.dst.Out = append(p.dst.Out, e.Out)
		}
	}
	return d, nil
}

// Result is what a method run writes to result.json: its numbers and what is
// needed to reproduce them.
type Result struct {
	Experiment string         `json:"experiment"`
	RunID      string         `json:"run_id"`
	Index      int            `json:"index"`
	Split      string         `json:"split"`
	Cell       string         `json:"cell"`
	Method     string         `json:"method"`
	Seed       uint64         `json:"seed"`
	Group      string         `json:"group"`
	GroupOrder int            `json:"group_order"`
	Decode     string         `json:"decode"` // decoding mode of the test evaluation
	Config     *Config        `json:"config"` // resolved configuration
	Model      seq2seq.Config `json:"model"`

	PretrainIterations int                 `json:"pretrain_iterations"`
	TuneIterations     int                 `json:"tune_iterations"` // 0 for zero-shot methods
	Curve              []seq2seq.EvalPoint `json:"curve"`           // validation curve of the trained phase
	BestStep           int                 `json:"best_step"`
	BestValAcc         float64             `json:"best_val_acc"`
	TestAcc            float64             `json:"test_acc"` // of the best-validation model

	Module      string  `json:"module"`
	Version     string  `json:"module_version"`
	Revision    string  `json:"vcs_revision,omitempty"`
	GoVersion   string  `json:"go_version"`
	WallSeconds float64 `json:"wall_seconds"`
	Finished    string  `json:"finished"`
}

// Env runs the runs of one experiment.
type Env struct {
	Config   *Config
	Layout   Layout
	Force    bool
	Progress func(id string, total int) (step func(int), done func())
	Log      *slog.Logger
}

// Pretrained returns the finished pretraining of (split, cell, seed), from the
// cache when it is there; otherwise it trains it, checkpointing at every
// evaluation, and resumes a partial checkpoint.
func (e *Env) Pretrained(r Run, d Data) (*seq2seq.Run, error) {
	pr := r
	pr.Method = Pretrain
	return e.train(pr.ID(), e.Layout.Checkpoint(e.Config, r), r, d, func(mc seq2seq.Config) (*seq2seq.Model, error) {
		return seq2seq.New(mc, rand.New(rand.NewPCG(r.Seed, streamInit)))
	})
}

// GEquivariant returns the finished training from scratch of the
// G-equivariant model of (split, cell, seed) under Config.GEquivariantGroup
// with the pretraining schedule, like Pretrained: from its cached
// checkpoint, or trained with a checkpoint at every evaluation, resuming a
// partial one. It draws its initialisation and batches from the same
// streams as the pretraining.
func (e *Env) GEquivariant(r Run, d Data) (*seq2seq.Run, error) {
	g, err := e.Config.GEquivariantGroup.Group()
	if err != nil {
		return nil, err
	}
	return e.train(r.ID(), e.Layout.GEquivariantCheckpoint(e.Config, r), r, d, func(mc seq2seq.Config) (*seq2seq.Model, error) {
		return seq2seq.NewEquivariant(mc, g, rand.New(rand.NewPCG(r.Seed, streamInit)))
	})
}

// train returns the finished run checkpointed at path, or trains it with the
// pretraining schedule from a model of r's cell made by newModel (or from a
// partial checkpoint), saving the checkpoint at every evaluation; id names it
// in logs.
func (e *Env) train(id, path string, r Run, d Data, newModel func(seq2seq.Config) (*seq2seq.Model, error)) (*seq2seq.Run, error) {
	unlock, err := lockFile(path + ".lock") // concurrent tasks train it once
	if err != nil {
		return nil, err
	}
	defer unlock()
	run, err := seq2seq.LoadRun(path)
	switch {
	case err == nil && run.Done():
		return run, nil
	case err == nil:
		e.Log.Info("resuming training", "run", id, "step", run.Step, "checkpoint", path)
	default:
		if !errors.Is(err, os.ErrNotExist) {
			e.Log.Warn("ignoring unreadable checkpoint", "path", path, "err", err)
		}
		mc, err := e.Config.ModelConfig(seq2seq.CellKind(r.Cell))
		if err != nil {
			return nil, err
		}
		m, err := newModel(mc)
		if err != nil {
			return nil, err
		}
		run, err = seq2seq.NewRun(m, e.Config.Pretrain.Schedule(), seq2seq.Copies{}, rand.NewPCG(r.Seed, streamPretrain))
		if err != nil {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	step, done := e.Progress(id, run.Schedule.Iterations)
	defer done()
	for !run.Done() {
		p, err := run.Advance(d.Train, d.Val, step)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		if err := run.Save(path); err != nil {
			return nil, err
		}
		e.Log.Debug("training", "run", id, "step", p.Step, "val_acc", p.ValAcc, "loss", p.SeqLoss)
	}
	e.Log.Info("trained", "run", id, "best_step", run.BestStep, "best_val_acc", run.BestAcc)
	return run, nil
}

// Do executes run r, skipping a method run whose result exists (unless
// Force).
func (e *Env) Do(r Run) error {
	if r.Method != Pretrain && !e.Force {
		if _, err := os.Stat(e.Layout.Result(r)); err == nil {
			e.Log.Info("skipping finished run", "run", r.ID())
			return nil
		}
	}
	start := time.Now()
	d, err := LoadData(e.Config, r.Seed)
	if err != nil {
		return err
	}
	var pre *seq2seq.Run
	if r.Method == GEquivariant {
		pre, err = e.GEquivariant(r, d)
	} else {
		pre, err = e.Pretrained(r, d)
	}
	if err != nil || r.Method == Pretrain {
		return err
	}
	pre.UseBest()
	m := pre.Model
	g, err := e.Config.Group.Group()
	if err != nil {
		return err
	}
	// How the method's model is decoded, for validation and test alike.
	cp, mode, decode := seq2seq.Copies{}, seq2seq.Shared, "shared"
	switch r.Method {
	case "equitune", "equitune_zeroshot":
		cp, decode = seq2seq.CopiesOf(g), e.Config.Decode
		mode, _ = decodeMode(decode)
	case "equizero":
		cp, mode, decode = seq2seq.CopiesOf(g), seq2seq.Equizero, "equizero"
	}
	res := &Result{
		Experiment: e.Config.Name, RunID: r.ID(), Index: r.Index, Split: r.Split, Cell: r.Cell,
		Method: r.Method, Seed: r.Seed, Group: g.Name(), GroupOrder: g.Order(), Config: e.Config,
		Model: m.Config, PretrainIterations: pre.Schedule.Iterations, Decode: decode,
	}
	if r.Method == GEquivariant {
		gg, err := e.Config.GEquivariantGroup.Group()
		if err != nil {
			return err
		}
		res.Group, res.GroupOrder = gg.Name(), gg.Order()
	}
	switch r.Method {
	case "pretrained", GEquivariant:
		res.Curve, res.BestStep, res.BestValAcc = pre.Curve, pre.BestStep, pre.BestAcc
	case "finetune", "equitune":
		tr, err := seq2seq.NewRun(m, e.Config.Tune.Schedule(), cp, rand.NewPCG(r.Seed, streamTune))
		if err != nil {
			return err
		}
		tr.Mode = mode
		step, done := e.Progress(r.ID(), tr.Schedule.Iterations)
		for !tr.Done() {
			if _, err := tr.Advance(d.Train, d.Val, step); err != nil {
				done()
				return fmt.Errorf("%s: %w", r.ID(), err)
			}
		}
		done()
		tr.UseBest()
		res.TuneIterations = tr.Schedule.Iterations
		res.Curve, res.BestStep, res.BestValAcc = tr.Curve, tr.BestStep, tr.BestAcc
	case "equitune_zeroshot", "equizero":
		acc, err := m.Accuracy(d.Val.In, d.Val.Out, cp, mode)
		if err != nil {
			return err
		}
		res.Curve = []seq2seq.EvalPoint{{Step: 0, ValAcc: acc}}
		res.BestValAcc = acc
	default:
		return fmt.Errorf("%w: unknown method %q", ErrConfig, r.Method)
	}
	preds, err := m.Greedy(d.Test.In, cp, mode)
	if err != nil {
		return err
	}
	correct := 0
	for i, p := range preds {
		if seq2seq.ExactMatch(p, d.Test.Out[i]) {
			correct++
		}
	}
	res.TestAcc = float64(correct) / float64(len(preds))
	path := e.Layout.Result(r)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := writePredictions(filepath.Dir(path), d.Test.In, d.Test.Out, preds); err != nil {
		return err
	}
	res.WallSeconds = time.Since(start).Seconds()
	res.Finished = time.Now().UTC().Format(time.RFC3339)
	res.Module, res.Version, res.Revision, res.GoVersion = buildInfo()
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	e.Log.Info("finished", "run", r.ID(), "best_val_acc", res.BestValAcc, "test_acc", res.TestAcc,
		"seconds", fmt.Sprintf("%.1f", res.WallSeconds))
	return atomicfile.WriteFile(path, append(b, '\n'), 0o644)
}

// buildInfo returns the main module's path, version and VCS revision, and the
// Go version.
func buildInfo() (mod, version, rev, goVersion string) {
	goVersion = runtime.Version()
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", "(unknown)", "", goVersion
	}
	mod, version = bi.Main.Path, bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" && rev != "" {
				rev += "+dirty"
			}
		}
	}
	if rev == "" {
		rev = gitRevision()
	}
	return mod, version, rev, goVersion
}

// gitRevision returns the commit of the working directory's git checkout,
// with "+dirty" if tracked files differ from it, or "" outside a checkout.
// It stands in for the build's VCS stamp, which `go run` leaves out.
func gitRevision() string {
	out, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		return ""
	}
	rev := strings.TrimSpace(string(out))
	if st, err := exec.Command("git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(bytes.TrimSpace(st)) > 0 {
		rev += "+dirty"
	}
	return rev
}
