package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/internal/atomicfile"
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

// Result is what a method run writes to result.json: its numbers and what is
// needed to reproduce them.
type Result struct {
	Experiment string         `json:"experiment"`
	RunID      string         `json:"run_id"`
	Identity   string         `json:"identity,omitempty"` // RunIdentity; absent in results written before it existed
	Index      int            `json:"index"`
	Split      string         `json:"split"`
	Cell       string         `json:"cell"`
	Method     string         `json:"method"`
	Seed       uint64         `json:"seed"`
	Group      string         `json:"group"`
	GroupOrder int            `json:"group_order"`
	Decode     string         `json:"decode"` // decoding mode of the test evaluation
	Config     *config.Config `json:"config"` // resolved configuration
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
	// StageSeconds splits the run's work in this process by stage; absent
	// in results written before it existed.
	StageSeconds *StageSeconds `json:"stage_seconds,omitempty"`
	Finished     string        `json:"finished"`
}

// StageSeconds is where a method run's wall time went: its own training
// steps and validation decodings (a trained method's, in this process:
// a resumed run counts from its resumption; zero for the others), and the
// decoding of the test split. Pretrainings log theirs when they finish.
type StageSeconds struct {
	Train    float64 `json:"train"`
	Validate float64 `json:"validate"`
	Test     float64 `json:"test"`
}

// Env runs the runs of one experiment.
type Env struct {
	Config   *config.Config
	Source   string // the -config argument Config was loaded from, a cell of its sweep (a worker process loads it again)
	Layout   Layout
	Force    bool
	Progress func(id string, total int) (step func(int), done func())
	Log      *slog.Logger
	Ctx      context.Context // once cancelled, runs stop after their next checkpoint (nil: never)

	noWait bool           // a run locked by another process returns errBusy instead of waiting
	plan   map[string]int // run ID → its index in the plan of Source (Plan); nil: Run.Index
}

// planIndex returns run r's index in the plan of the sweep it belongs to,
// which a worker process loads from Source.
func (e *Env) planIndex(r Run) int {
	if i, ok := e.plan[r.ID()]; ok {
		return i
	}
	return r.Index
}

// Pretrained returns the finished pretraining of (split, cell, seed), from the
// cache when it is there; otherwise it trains it, checkpointing at every
// evaluation, and resumes a partial checkpoint.
func (e *Env) Pretrained(r Run, d Parts) (*seq2seq.Training, error) {
	pr := r
	pr.Method = Pretrain
	return e.train(pr, e.Layout.Checkpoint(e.Config, r), d, func(mc seq2seq.Config) (*seq2seq.Model, error) {
		return seq2seq.New(mc, rand.New(rand.NewPCG(r.Seed, streamInit)))
	})
}

// GEquivariant returns the finished training from scratch of the
// G-equivariant model of (split, cell, seed) under Config.GEquivariantGroup
// with the pretraining schedule, like Pretrained: from its cached
// checkpoint, or trained with a checkpoint at every evaluation, resuming a
// partial one. It draws its initialisation and batches from the same
// streams as the pretraining.
func (e *Env) GEquivariant(r Run, d Parts) (*seq2seq.Training, error) {
	g, err := e.Config.GEquivariantGroup.Group()
	if err != nil {
		return nil, err
	}
	return e.train(r, e.Layout.GEquivariantCheckpoint(e.Config, r), d, func(mc seq2seq.Config) (*seq2seq.Model, error) {
		return seq2seq.NewEquivariant(mc, g, rand.New(rand.NewPCG(r.Seed, streamInit)))
	})
}

// train returns the finished run r checkpointed at path, or trains it with
// the pretraining schedule from a model of r's cell made by newModel (or
// from a partial checkpoint of r), saving the checkpoint at every
// evaluation.
func (e *Env) train(r Run, path string, d Parts, newModel func(seq2seq.Config) (*seq2seq.Model, error)) (*seq2seq.Training, error) {
	unlock, err := e.acquire(path+".lock", r.ID()) // concurrent tasks train it once
	if err != nil {
		return nil, err
	}
	defer unlock()
	tr, err := e.resume(path, r)
	if err != nil || (tr != nil && tr.Done()) {
		return tr, err
	}
	if tr == nil {
		mc, err := e.Config.ModelConfig(seq2seq.CellKind(r.Cell))
		if err != nil {
			return nil, err
		}
		m, err := newModel(mc)
		if err != nil {
			return nil, err
		}
		tr, err = seq2seq.NewTraining(m, e.Config.Pretrain.Schedule(), seq2seq.Copies{}, rand.NewPCG(r.Seed, streamPretrain))
		if err != nil {
			return nil, err
		}
		if tr.Identity, err = RunIdentity(e.Config, r); err != nil {
			return nil, err
		}
	}
	if err := e.advance(r.ID(), path, tr, d); err != nil {
		return nil, err
	}
	e.Log.Info("trained", "run", r.ID(), "best_step", tr.BestStep, "best_val_acc", tr.BestAcc,
		"train_seconds", fmt.Sprintf("%.1f", tr.TrainTime.Seconds()), "validate_seconds", fmt.Sprintf("%.1f", tr.ValTime.Seconds()))
	return tr, nil
}

// start returns the model a run starting from s begins with: the finished
// training of its start (pre, whose best-validation model m is) or, for a
// pretrained_model file, the model alone. A pretraining run (Pretrain)
// starts FromPretrained.
func (e *Env) start(s config.Start, r Run, d Parts) (pre *seq2seq.Training, m *seq2seq.Model, err error) {
	switch {
	case s == config.FromScratchEquivariant:
		pre, err = e.GEquivariant(r, d)
	case e.Config.PretrainedModel != "":
		m, err = e.Imported()
		return nil, m, err
	default:
		pre, err = e.Pretrained(r, d)
	}
	if err != nil {
		return nil, nil, err
	}
	pre.UseBest()
	return pre, pre.Model, nil
}

// Do executes run r, skipping a method run whose result.json holds its
// result (unless Force); a result.json of other settings is an error
// wrapping ErrMismatch (unless Force). It holds the run's lock meanwhile.
func (e *Env) Do(r Run) error {
	if r.Method != Pretrain {
		unlock, finished, err := e.claim(r)
		if err != nil || finished {
			return err
		}
		defer unlock()
	}
	start := time.Now()
	d, err := loadParts(e.Config, r.Seed)
	if err != nil {
		return err
	}
	from, meth := config.FromPretrained, config.Method{}
	if r.Method != Pretrain {
		var ok bool
		if meth, ok = config.Lookup(r.Method); !ok {
			return fmt.Errorf("%w: unknown method %q", config.ErrConfig, r.Method)
		}
		from = meth.Start
	}
	pre, m, err := e.start(from, r, d)
	if err != nil || r.Method == Pretrain {
		return err
	}
	g, err := e.Config.Group.Group()
	if err != nil {
		return err
	}
	// How the method's model is decoded, for validation and test alike.
	mode := meth.DecodeMode(e.Config)
	cp, err := meth.Copies(g, m, r.Seed)
	if err != nil {
		return err
	}
	rg, err := from.Group(e.Config).Group()
	if err != nil {
		return err
	}
	res := &Result{
		Experiment: e.Config.Name, RunID: r.ID(), Index: r.Index, Split: r.Split, Cell: r.Cell,
		Method: r.Method, Seed: r.Seed, Group: rg.Name(), GroupOrder: rg.Order(), Config: e.Config,
		Model: m.Config, Decode: mode.String(),
	}
	if pre != nil {
		res.PretrainIterations = pre.Schedule.Iterations
	}
	if res.Identity, err = RunIdentity(e.Config, r); err != nil {
		return err
	}
	var stages StageSeconds
	switch {
	case meth.Schedule == config.Tuned:
		tr, err := e.tune(r, m, cp, mode, d)
		if err != nil {
			return err
		}
		tr.UseBest()
		m, cp = tr.Model, tr.Copies // a combiner's trained weights too
		res.TuneIterations = tr.Schedule.Iterations
		res.Curve, res.BestStep, res.BestValAcc = tr.Curve, tr.BestStep, tr.BestAcc
		stages.Train, stages.Validate = tr.TrainTime.Seconds(), tr.ValTime.Seconds()
	case meth.Schedule == config.AsStarted && pre != nil:
		res.Curve, res.BestStep, res.BestValAcc = pre.Curve, pre.BestStep, pre.BestAcc
		if meth.Start == config.FromScratchEquivariant {
			stages.Train, stages.Validate = pre.TrainTime.Seconds(), pre.ValTime.Seconds()
		}
	default: // config.ZeroShot, or a pretrained_model file as it is
		t0 := time.Now()
		if res.BestValAcc, err = m.Accuracy(d.Val.In, d.Val.Out, cp, mode); err != nil {
			return err
		}
		stages.Validate = time.Since(t0).Seconds()
		res.Curve = []seq2seq.EvalPoint{{Step: 0, ValAcc: res.BestValAcc}}
	}
	t0 := time.Now()
	preds, err := m.Greedy(d.Test.In, cp, mode)
	if err != nil {
		return err
	}
	stages.Test = time.Since(t0).Seconds()
	res.StageSeconds = &stages
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
	if err := writePredictions(filepath.Dir(path), predictionsOf(d.Test.In, d.Test.Out, preds), e.Log); err != nil {
		return err
	}
	if meth.Trains() {
		if err := m.WriteSafetensors(filepath.Join(filepath.Dir(path), ModelFile), nil, nil); err != nil {
			return err
		}
	}
	res.WallSeconds = time.Since(start).Seconds()
	res.Finished = time.Now().UTC().Format(time.RFC3339)
	bf := build()
	res.Module, res.Version, res.Revision, res.GoVersion = bf.module, bf.version, bf.revision, bf.goVersion
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	e.Log.Info("finished", "run", r.ID(), "best_val_acc", res.BestValAcc, "test_acc", res.TestAcc,
		"seconds", fmt.Sprintf("%.1f", res.WallSeconds))
	if err := atomicfile.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return err
	}
	if err := seal(filepath.Dir(path)); err != nil {
		return err
	}
	return e.dropTuneCheckpoint(r)
}

// buildFacts are what a result records of the program that wrote it.
type buildFacts struct{ module, version, revision, goVersion string }

// build returns the main module's path, version and VCS revision, and the Go
// version, read once per process: the experiments command reads them when it
// starts, so that a binary built without a VCS stamp (go run, or
// -buildvcs=false) records the checkout it started in, not one that moved
// while it ran; a worker process records its invocation's.
var build = sync.OnceValue(func() buildFacts {
	f := buildFacts{goVersion: runtime.Version(), version: "(unknown)"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return f
	}
	f.module, f.version = bi.Main.Path, bi.Main.Version
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			f.revision = s.Value
		case "vcs.modified":
			if s.Value == "true" && f.revision != "" {
				f.revision += "+dirty"
			}
		}
	}
	if f.revision == "" {
		f.revision = workerRevision()
	}
	if f.revision == "" {
		f.revision = gitRevision()
	}
	return f
})

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
