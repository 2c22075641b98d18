// Command experiments runs an equi-tuning experiment on SCAN described by a
// TOML file: it pretrains a model per (cell, seed) (or reuses the cached
// checkpoint), evaluates each method on the test split with the
// best-validation model, and writes result.json files, a summary table and
// plots.
//
// Usage:
//
//	go run ./experiments -config add_jump.toml [-config around_right.toml …] [-out DIR] [-jobs N] [-force] [-v]
//	go run ./experiments -config add_jump.toml [-out DIR] -run-index I [-force] [-v]
//	go run ./experiments -config add_jump.toml -list
//	go run ./experiments -config add_jump.toml [-config …] [-out DIR] -aggregate
//	go run ./experiments -config add_jump.toml [-out DIR] -slurm PLANDIR
//	go run ./experiments -config add_jump.toml [-out DIR] -run-index I -export FILE [-vocab-from REF]
//	go run ./experiments -config add_jump.toml -coverage
//	go run ./experiments -atlas atlas_quick [-out DIR]
//
// Several -config flags run their experiments in one pool of -jobs workers,
// pretrainings first, each phase longest run first (schedule), sharing the
// pretrainings they have in common; each experiment gets its summary, plots
// and walltime.csv (the wall time of every run and of the invocation).
//
// With -run-index I (or SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX) only run
// I is run and no summary is written; -aggregate writes the summary and plots
// from the result.json files there are. -slurm writes a plan of Slurm job
// arrays (see WriteSlurmPlan) and exits. -export writes run I's model as
// the reference PyTorch code's safetensors state_dict and exits.
// -coverage prints the group coverage of the split (see Coverages) and
// exits. -atlas draws the atlas figures from the results of the atlas
// configs (see AtlasScales) and exits.
//
// A bare config name that is not a file names a built-in config
// (BuiltinNames): add_jump.toml, around_right.toml, their _quick and
// _gequivariant variants, and the atlas_*.toml of the SCAN atlas.
// Bad input (an unknown key, split, cell or method, a bad value, a group that
// is not a symmetry of SCAN, conflicting flags, finished runs computed under
// other settings without -force) exits with status 2 before anything is
// written; a failure while running exits with status 1. SIGINT or SIGTERM
// stops the runs after their current checkpoint and exits with status 130;
// the same command resumes them.
//
// This file only parses the command line and dispatches: package config
// owns the configurations and the registry of methods, package runner the
// runs (plan, execution, worker processes, locks, resumption, Slurm,
// export), package report the summaries, figures and the atlas.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/report"
	"github.com/scan-equitune/equitune/experiments/runner"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// run executes the command with args and returns its exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("experiments", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var configs configList
	fs.Var(&configs, "config", "experiment TOML file, or the name of a built-in one ("+strings.Join(config.BuiltinNames(), ", ")+"); a path that exists wins. Repeat it to run several experiments in one pool of -jobs workers, sharing their pretrainings (or to -aggregate them)")
	out := fs.String("out", ".", "root directory of the outputs: OUT/results/NAME/, OUT/results/.cache/pretrain/ and OUT/plots/")
	list := fs.Bool("list", false, "print the experiment's indexed runs (pretrainings first) and exit")
	index := fs.Int("run-index", -1, "run only the run with this index (see -list); if not given, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX is used when set, otherwise every run is run")
	jobs := fs.Int("jobs", runtime.NumCPU(), "runs to execute in parallel (pretrainings first, then methods)")
	force := fs.Bool("force", false, "rerun method runs whose result.json exists (overwriting it)")
	verbose := fs.Bool("v", false, "log every validation evaluation")
	aggregate := fs.Bool("aggregate", false, "only write the summary tables and plots from the existing result.json files")
	export := fs.String("export", "", "with -run-index I, write run I's model (a pretraining's or an untrained method's best-validation pretrained model, a training method's selected model) to this `file` as the reference PyTorch code's safetensors state_dict, and exit")
	vocabFrom := fs.String("vocab-from", "", "with -export, order the words as in the metadata of this safetensors `file` (e.g. a model of the reference code) instead of this project's order")
	coverage := fs.Bool("coverage", false, "print the group coverage of the config's split (test and validation, per group and seed) and exit")
	atlas := fs.String("atlas", "", "draw the figures of the atlas `SCALE` (atlas or atlas_quick) from the results of its configs under -out, and exit")
	slurmDir := fs.String("slurm", "", "write a Slurm plan into this `directory` (pretraining and method job arrays, then the summary; run its submit.sh) and exit")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: experiments -config FILE [-config FILE …] [-out DIR] [-jobs N] [-force] [-v]\n"+
			"       experiments -config FILE [-out DIR] -run-index I [-force] [-v]\n"+
			"       experiments -config FILE -list\n"+
			"       experiments -config FILE [-config FILE …] [-out DIR] -aggregate\n"+
			"       experiments -config FILE [-out DIR] -slurm PLANDIR\n"+
			"       experiments -config FILE [-out DIR] -run-index I -export FILE [-vocab-from REF]\n"+
			"       experiments -config FILE -coverage\n"+
			"       experiments -atlas SCALE [-out DIR]\n\n"+
			"Runs an equi-tuning experiment on SCAN: pretrains each (cell, seed) or reuses its cached\n"+
			"checkpoint, runs each method (%s),\n"+
			"evaluates the best-validation model on the test split, and writes\n"+
			"  OUT/results/NAME/runs/RUN/result.json, OUT/results/NAME/summary.{csv,md}, OUT/results/NAME/coverage.csv,\n"+
			"  OUT/plots/NAME_accuracy.{png,svg} and OUT/plots/NAME_curves.{png,svg}.\n"+
			"Finished runs of the same settings are skipped, so an interrupted experiment resumes (Ctrl-C stops\n"+
			"after the current checkpoints and exits with 130). Bad input exits with 2.\n\nFlags:\n",
			strings.Join(config.MethodNames(), ", "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	fail := func(code int, err error) int {
		printError(stderr, err)
		return code
	}
	if fs.NArg() > 0 {
		return fail(2, fmt.Errorf("unexpected arguments %q; see -h", fs.Args()))
	}
	if *atlas != "" {
		return report.DrawAtlas(*atlas, *out, stdout, stderr)
	}
	if err := runner.Prepare(); err != nil {
		return fail(2, err)
	}
	if len(configs) == 0 {
		return fail(2, fmt.Errorf("-config is required (a file or one of: %s)", strings.Join(config.BuiltinNames(), ", ")))
	}
	if *jobs < 1 {
		return fail(2, fmt.Errorf("-jobs = %d, want ≥ 1", *jobs))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := flagConflict(set); err != nil {
		return fail(2, err)
	}
	opts := runner.Options{Out: *out, Jobs: *jobs, Force: *force, Verbose: *verbose, Summarize: summarize}
	if len(configs) > 1 {
		for _, f := range []string{"list", "slurm", "run-index", "export", "coverage"} {
			if set[f] {
				return fail(2, fmt.Errorf("-%s takes one -config, not %d; see -h", f, len(configs)))
			}
		}
		cs, err := config.LoadAll(configs)
		if err != nil {
			return fail(2, err)
		}
		if !*aggregate {
			return runner.RunAll(cs, configs, opts, stdout, stderr)
		}
		code := 0
		for _, c := range cs {
			code = max(code, report.Aggregate(c, *out, stdout, stderr))
		}
		return code
	}
	cfgPath := &configs[0]
	indexSet := set["run-index"]
	if !indexSet && !*list && !*aggregate && *slurmDir == "" {
		for _, v := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
			if s := os.Getenv(v); s != "" {
				i, err := strconv.Atoi(s)
				if err != nil {
					return fail(2, fmt.Errorf("%s = %q is not an index", v, s))
				}
				*index, indexSet = i, true
				break
			}
		}
	}
	cfg, err := config.Load(*cfgPath)
	if err != nil {
		return fail(2, err)
	}
	if *coverage {
		return report.PrintCoverage(cfg, stdout, stderr)
	}
	runs := runner.Expand(cfg)
	if *list {
		for _, r := range runs {
			fmt.Fprintf(stdout, "%d\t%s\n", r.Index, r.ID())
		}
		return 0
	}
	if *slurmDir != "" {
		return runner.WritePlan(*slurmDir, *out, *cfgPath, cfg, stdout, stderr)
	}
	if *aggregate {
		return report.Aggregate(cfg, *out, stdout, stderr)
	}
	if indexSet && (*index < 0 || *index >= len(runs)) {
		return fail(2, fmt.Errorf("run index %d out of range [0, %d); see -list", *index, len(runs)))
	}
	todo := runs
	if indexSet {
		todo = runs[*index : *index+1]
	}
	if *export != "" {
		if err := runner.Export(cfg, *out, runs[*index], *export, *vocabFrom); err != nil {
			if errors.Is(err, config.ErrConfig) {
				return fail(2, err)
			}
			return fail(1, err)
		}
		fmt.Fprintf(stdout, "wrote %s (run %d, %s)\n", *export, *index, runs[*index].ID())
		return 0
	}

	if indexSet {
		return runner.RunOne(cfg, todo[0], opts, stderr)
	}
	return runner.RunAll([]*config.Config{cfg}, []string{*cfgPath}, opts, stdout, stderr)
}

// printError prints err to w as one line after the command's name.
func printError(w io.Writer, err error) {
	fmt.Fprintf(w, "experiments: %v\n", err)
}

// flagConflict reports two explicitly set flags that cannot go together:
// -list, -aggregate, -slurm and -run-index each choose what the command
// does; -force and -jobs only apply to running.
func flagConflict(set map[string]bool) error {
	var modes []string
	for _, m := range []string{"list", "aggregate", "slurm", "run-index"} {
		if set[m] {
			modes = append(modes, m)
		}
	}
	if len(modes) > 1 {
		return fmt.Errorf("-%s and -%s cannot be used together; see -h", modes[0], modes[1])
	}
	for _, f := range []string{"force", "jobs"} {
		if set[f] && len(modes) == 1 && (modes[0] != "run-index" || f == "jobs") {
			return fmt.Errorf("-%s does not apply to -%s; see -h", f, modes[0])
		}
	}
	switch {
	case set["export"] && (!set["run-index"] || set["force"]):
		return fmt.Errorf("-export needs -run-index I (the run whose model it writes) and nothing else; see -h")
	case set["vocab-from"] && !set["export"]:
		return fmt.Errorf("-vocab-from applies to -export only; see -h")
	}
	return nil
}

// configList is the -config flag: one or more configurations.
type configList []string

func (c *configList) String() string { return strings.Join(*c, ",") }

func (c *configList) Set(v string) error {
	*c = append(*c, v)
	return nil
}

// summarize writes an experiment's summary after its runs (runner.Options).
func summarize(c *config.Config, l runner.Layout) (string, []error, error) {
	rows, rejected, err := report.WriteSummary(c, l)
	return report.CSV(rows), rejected, err
}
