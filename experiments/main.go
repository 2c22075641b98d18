// Command experiments runs equi-tuning experiments on SCAN described by TOML
// files: it pretrains a model per (cell, seed) (or reuses the cached
// checkpoint), evaluates each method on the test split with the
// best-validation model, and writes result.json files, a summary table and
// plots.
//
// Usage:
//
//	experiments run -config FILE [-config FILE …] [-out DIR] [-jobs N] [-force] [-v]
//	experiments run -config FILE [-out DIR] -run-index I [-force] [-v]
//	experiments list [-config FILE]
//	experiments aggregate -config FILE [-config FILE …] [-out DIR]
//	experiments verify [-config FILE …] [-out DIR] [-strict] [-seal]
//	experiments slurm -config FILE [-out DIR] -plan DIR [-force]
//	experiments export -config FILE [-out DIR] -run-index I -o FILE [-vocab-from REF] [-force]
//	experiments coverage -config FILE
//	experiments atlas [-out DIR] SCALE
//	experiments predict -config FILE [-out DIR] -run-index I [COMMAND …]
//	experiments predict -model FILE [-group NAME [-decode MODE]] [COMMAND …]
//
// Without a subcommand, the arguments are run's: `experiments -config
// add_jump.toml` runs add_jump.toml. Each subcommand has only its own flags
// (experiments SUBCOMMAND -h lists them), so a flag that does not apply to
// it is a usage error.
//
// Several -config flags run their experiments in one pool of -jobs workers,
// pretrainings first, each phase longest run first, sharing the
// pretrainings they have in common; each experiment gets its summary, plots
// and walltime.csv (the wall time of every run and of the invocation).
// With -run-index I (or SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX) only run
// I is run and no summary is written; aggregate writes the summary and plots
// from the result.json files there are.
//
// A config file may list axes (splits = [...], groups = [...], or a list
// for another key, e.g. lr = [1e-4, 2e-4] in [tune]): it is then a sweep,
// one experiment (cell) per combination, whose runs are indexed together
// (experiments list), whose results go to OUT/results/NAME/CELL/ and whose
// summary to OUT/results/NAME/ (see config.Sweep); atlas.toml,
// atlas_quick.toml and atlas_seeds.toml are the SCAN atlas. -set key=value overrides a key of the
// file, as if written there. A bare config name that is not a file names a
// built-in config (experiments list prints them). Bad input (an unknown key, split, cell or
// method, a bad value, a group that is not a symmetry of SCAN, a flag of
// another subcommand, finished runs computed under other settings without
// -force) exits with status 2 before anything is written; a failure while
// running exits with status 1. SIGINT or SIGTERM stops the runs after their
// current checkpoint and exits with status 130; the same command resumes
// them.
//
// This file only parses the command line and dispatches: package config
// owns the configurations and the registry of methods, package runner the
// runs (plan, execution, worker processes, locks, resumption, Slurm,
// export, decoding a run's model), package report the summaries, figures
// and the atlas.
package main

import (
	"bufio"
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
	"github.com/scan-equitune/equitune/verbgroups"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

// stdin is where predict reads commands when none are given as arguments.
var stdin io.Reader = os.Stdin

// A command is a subcommand: its name, its line of the overview and its
// entry point, which parses its own flags and returns the exit status.
type command struct {
	name, doc string
	main      func(args []string, stdout, stderr io.Writer) int
}

// commands are the subcommands, in the order of the overview.
var commands = []command{
	{"run", "run experiments (the default: experiments -config FILE … is experiments run -config FILE …)", cmdRun},
	{"list", "print a config's indexed runs, or the built-in configs", cmdList},
	{"aggregate", "write summaries and plots from the result.json files there are", cmdAggregate},
	{"verify", "check the runs' files against their digests (SHA256SUMS); seal results written before digests", cmdVerify},
	{"slurm", "write a Slurm plan of job arrays for a config", cmdSlurm},
	{"export", "write a run's model as the reference PyTorch code's safetensors state_dict", cmdExport},
	{"coverage", "print the group coverage of a config's split", cmdCoverage},
	{"atlas", "write the tables and figures of the SCAN atlas from its results", cmdAtlas},
	{"predict", "decode commands with a run's model or a safetensors file", cmdPredict},
}

// run executes the command line args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return 0
	}
	if strings.HasPrefix(args[0], "-") {
		return cmdRun(args, stdout, stderr)
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.main(args[1:], stdout, stderr)
		}
	}
	return fail(stderr, 2, fmt.Errorf("unknown subcommand %q; see experiments -h", args[0]))
}

// usage prints the overview of the subcommands.
func usage(w io.Writer) {
	fmt.Fprintf(w, "Experiments runs equi-tuning experiments on SCAN described by TOML files.\n\n"+
		"usage: experiments SUBCOMMAND [flags] [arguments]\n       experiments -config FILE … (run)\n\nSubcommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.doc)
	}
	fmt.Fprintf(w, "\nexperiments SUBCOMMAND -h describes a subcommand. Bad input exits with 2, a failure with 1,\n"+
		"an interrupted run (Ctrl-C: checkpoints saved; the same command resumes) with 130.\n")
}

// fail prints err as one line after the command's name and returns code.
func fail(w io.Writer, code int, err error) int {
	fmt.Fprintf(w, "experiments: %v\n", err)
	return code
}

// flags returns the flag set of a subcommand whose usage lines and
// description -h prints above its flags. It prints nothing itself while
// parsing: parse reports a bad flag in one line.
func flags(name, lines, about string) *flag.FlagSet {
	fs := flag.NewFlagSet("experiments "+name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: %s\n\n%s\n\nFlags:\n", lines, about)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args into fs; it returns the exit status and false when the
// command must stop: after -h (0, the usage on stderr) or a bad flag (2, a
// line on stderr). Positional arguments are refused unless positional.
func parse(fs *flag.FlagSet, args []string, positional bool, stderr io.Writer) (int, bool) {
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stderr)
		fs.Usage()
		return 0, false
	case err != nil:
		return fail(stderr, 2, fmt.Errorf("%s: %v; see %s -h", strings.TrimPrefix(fs.Name(), "experiments "), err, fs.Name())), false
	case !positional && fs.NArg() > 0:
		return fail(stderr, 2, fmt.Errorf("%s: unexpected arguments %q; see %s -h", strings.TrimPrefix(fs.Name(), "experiments "), fs.Args(), fs.Name())), false
	}
	return 0, true
}

// configFlag declares -config, given once (many false) or repeatable, and
// -set.
func configFlag(fs *flag.FlagSet, many bool) *configList {
	var cs configList
	cs.many = many
	fs.Func("set", "override a key of the config as `key=value` (e.g. tune.lr=1e-3, split=around_right, or a list: an axis); repeatable; recorded like a key of the file", func(v string) error {
		cs.sets = append(cs.sets, v)
		return nil
	})
	what := "experiment TOML `file`, or the name of a built-in one (experiments list); a path that exists wins"
	if many {
		what += "; repeat it for several experiments"
	}
	fs.Var(&cs, "config", what)
	return &cs
}

// outFlag declares -out.
func outFlag(fs *flag.FlagSet) *string {
	return fs.String("out", ".", "root `directory` of the outputs: OUT/results/NAME/, OUT/results/.cache/ and OUT/plots/")
}

// configList is the -config flag: one or more configurations.
type configList struct {
	paths []string
	many  bool     // it may be repeated
	sets  []string // -set key=value
}

func (c *configList) String() string {
	if c == nil {
		return ""
	}
	return strings.Join(c.paths, ",")
}

func (c *configList) Set(v string) error {
	if len(c.paths) == 1 && !c.many {
		return errors.New("given twice: this subcommand takes one config")
	}
	c.paths = append(c.paths, v)
	return nil
}

// load loads the one config (a sweep, or one experiment) of a subcommand
// that takes one.
func (c *configList) load(stderr io.Writer) (*config.Sweep, int) {
	if len(c.paths) == 0 {
		return nil, fail(stderr, 2, errors.New("-config is required (a file, or a built-in config: see experiments list)"))
	}
	sw, err := config.LoadSweep(c.paths[0], c.sets)
	if err != nil {
		return nil, fail(stderr, 2, err)
	}
	return sw, 0
}

// runIndex returns the step of -run-index i in the plan of sw, or exit
// status 2.
func runIndex(i int, sw *config.Sweep, stderr io.Writer) (runner.Step, int) {
	steps := runner.Plan(sw)
	if i < 0 || i >= len(steps) {
		return runner.Step{}, fail(stderr, 2, fmt.Errorf("run index %d out of range [0, %d); see experiments list -config", i, len(steps)))
	}
	return steps[i], 0
}

func cmdRun(args []string, stdout, stderr io.Writer) int {
	runner.CatchSignals() // from now on a signal ends in exit 130
	fs := flags("run", "experiments [run] -config FILE [-config FILE …] [-out DIR] [-jobs N] [-force] [-v]\n"+
		"       experiments [run] -config FILE [-out DIR] -run-index I [-force] [-v]",
		"Runs experiments: pretrains each (cell, seed) or reuses its cached checkpoint, runs each method,\n"+
			"evaluates the best-validation model on the test split, and writes\n"+
			"  OUT/results/NAME/runs/RUN/result.json, OUT/results/NAME/summary.{csv,md}, coverage.csv, walltime.csv\n"+
			"  and OUT/plots/NAME_{accuracy,curves}.{png,svg}.\n"+
			"A config with axes (splits = [...], …) is a sweep: a cell per combination, results in\n"+
			"OUT/results/NAME/CELL/ and a summary in OUT/results/NAME/. -set key=value overrides a key.\n"+
			"Several configs share one pool of -jobs workers and their common pretrainings. Finished runs of\n"+
			"the same settings are skipped, so an interrupted invocation resumes. With -run-index (or\n"+
			"SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX) one run is run and no summary written (aggregate).")
	configs := configFlag(fs, true)
	out := outFlag(fs)
	index := fs.Int("run-index", -1, "run only the run of this index (see experiments list -config)")
	jobs := fs.Int("jobs", runtime.NumCPU(), "runs executed in parallel, each a worker process on Linux (pretrainings first)")
	force := fs.Bool("force", false, "rerun finished runs, and runs whose result.json holds other settings")
	verbose := fs.Bool("v", false, "log every validation evaluation")
	if code, ok := parse(fs, args, false, stderr); !ok {
		return code
	}
	if err := runner.Prepare(); err != nil {
		return fail(stderr, 2, err)
	}
	set := visited(fs)
	switch {
	case len(configs.paths) == 0:
		return fail(stderr, 2, errors.New("-config is required (a file, or a built-in config: see experiments list)"))
	case *jobs < 1:
		return fail(stderr, 2, fmt.Errorf("-jobs = %d, want ≥ 1", *jobs))
	case set["run-index"] && set["jobs"]:
		return fail(stderr, 2, errors.New("-jobs does not apply to -run-index (one run); see experiments run -h"))
	case set["run-index"] && len(configs.paths) > 1:
		return fail(stderr, 2, fmt.Errorf("-run-index takes one -config, not %d", len(configs.paths)))
	}
	opts := runner.Options{Out: *out, Jobs: *jobs, Force: *force, Verbose: *verbose, Sets: configs.sets, Summarize: report.WriteSummaries}
	sws, err := config.LoadSweeps(configs.paths, configs.sets)
	if err != nil {
		return fail(stderr, 2, err)
	}
	indexSet := set["run-index"]
	if !indexSet && len(sws) == 1 {
		for _, v := range []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"} {
			if s := os.Getenv(v); s != "" {
				i, err := strconv.Atoi(s)
				if err != nil {
					return fail(stderr, 2, fmt.Errorf("%s = %q is not an index", v, s))
				}
				*index, indexSet = i, true
				break
			}
		}
	}
	if !indexSet {
		return runner.RunAll(sws, opts, stdout, stderr)
	}
	st, code := runIndex(*index, sws[0], stderr)
	if code != 0 {
		return code
	}
	return runner.RunOne(st.Cell, st.Run, opts, stderr)
}

// visited returns the flags given on the command line.
func visited(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

func cmdList(args []string, stdout, stderr io.Writer) int {
	fs := flags("list", "experiments list [-config FILE]",
		"With -config, prints the experiment's runs, one a line: its index and its id, pretrainings first\n"+
			"(the indices of run -run-index and of the Slurm arrays). Without, prints the built-in configs.")
	cfgs := configFlag(fs, false)
	if code, ok := parse(fs, args, false, stderr); !ok {
		return code
	}
	if len(cfgs.paths) == 0 {
		for _, n := range config.BuiltinNames() {
			fmt.Fprintln(stdout, n)
		}
		return 0
	}
	sw, code := cfgs.load(stderr)
	if sw == nil {
		return code
	}
	for _, st := range runner.Plan(sw) {
		id := st.Run.ID()
		if len(sw.Axes) > 0 {
			id = st.Cell.Dir + "/" + id
		}
		fmt.Fprintf(stdout, "%d\t%s\n", st.Index, id)
	}
	return 0
}

func cmdAggregate(args []string, stdout, stderr io.Writer) int {
	fs := flags("aggregate", "experiments aggregate -config FILE [-config FILE …] [-out DIR]",
		"Writes each experiment's summary.{csv,md}, coverage.csv and plots from the result.json files under\n"+
			"OUT that hold its runs' results (a result of other settings is left out, with a warning), and\n"+
			"prints summary.csv. Exits with 1 if an experiment has no finished run.")
	configs := configFlag(fs, true)
	out := outFlag(fs)
	if code, ok := parse(fs, args, false, stderr); !ok {
		return code
	}
	if len(configs.paths) == 0 {
		return fail(stderr, 2, errors.New("-config is required (a file, or a built-in config: see experiments list)"))
	}
	if err := runner.CheckOut(*out); err != nil {
		return fail(stderr, 2, err)
	}
	sws, err := config.LoadSweeps(configs.paths, configs.sets)
	if err != nil {
		return fail(stderr, 2, err)
	}
	code := 0
	for _, sw := range sws {
		code = max(code, report.Aggregate(sw, *out, stdout, stderr))
	}
	return code
}

func cmdVerify(args []string, stdout, stderr io.Writer) int {
	fs := flags("verify", "experiments verify [-config FILE …] [-out DIR] [-strict] [-seal]",
		"Checks each method run's files against its SHA256SUMS (sha256sum's format, written with its result.json):\n"+
			"the runs of the configs, or without -config every run under OUT/results. Prints each damaged file\n"+
			"and a summary; gitignored files (predictions, models) that are absent, as in a fresh clone, are\n"+
			"counted, not failures, and a result.json without SHA256SUMS (written before digests) is unsealed.\n"+
			"Exits with 1 if a file is damaged (or, with -strict, a result is unsealed).")
	configs := configFlag(fs, true)
	out := outFlag(fs)
	strict := fs.Bool("strict", false, "fail on results without SHA256SUMS")
	doSeal := fs.Bool("seal", false, "write SHA256SUMS for each finished run that has none (never rewriting one)")
	if code, ok := parse(fs, args, false, stderr); !ok {
		return code
	}
	o := runner.VerifyOptions{Out: *out, Strict: *strict, Seal: *doSeal}
	if len(configs.paths) > 0 {
		sws, err := config.LoadSweeps(configs.paths, configs.sets)
		if err != nil {
			return fail(stderr, 2, err)
		}
		o.Sweeps = sws
	}
	return runner.Verify(o, stdout, stderr)
}

func cmdSlurm(args []string, stdout, stderr io.Writer) int {
	fs := flags("slurm", "experiments slurm -config FILE [-out DIR] -plan DIR [-force]",
		"Writes a Slurm plan into the plan directory: a copy of this binary and of the config, job arrays\n"+
			"over the pretraining and the method runs (array task i runs run i), a job writing the summary,\n"+
			"and submit.sh, which submits the three chained with afterok. Every task writes under -out.")
	cfgs := configFlag(fs, false)
	out := outFlag(fs)
	plan := fs.String("plan", "", "the plan `directory` to write")
	force := fs.Bool("force", false, "write the plan into a directory that is not empty (overwriting a plan there)")
	if code, ok := parse(fs, args, false, stderr); !ok {
		return code
	}
	if *plan == "" {
		return fail(stderr, 2, errors.New("-plan DIR is required; see experiments slurm -h"))
	}
	sw, code := cfgs.load(stderr)
	if sw == nil {
		return code
	}
	return runner.WritePlan(*plan, *out, sw, *force, stdout, stderr)
}

func cmdExport(args []string, stdout, stderr io.Writer) int {
	fs := flags("export", "experiments export -config FILE [-out DIR] -run-index I -o FILE [-vocab-from REF] [-force]",
		"Writes the model of run I (a pretraining's or an untrained method's best-validation pretrained\n"+
			"model, a training method's selected model) as the reference PyTorch code's safetensors state_dict.")
	cfgs := configFlag(fs, false)
	out := outFlag(fs)
	index := fs.Int("run-index", -1, "the run whose model to write (see experiments list -config)")
	dst := fs.String("o", "", "the safetensors `file` to write")
	vocabFrom := fs.String("vocab-from", "", "order the words as in the metadata of this safetensors `file` (e.g. a model of the reference code) instead of this project's order")
	force := fs.Bool("force", false, "overwrite the -o file if it exists")
	if code, ok := parse(fs, args, false, stderr); !ok {
		return code
	}
	if !visited(fs)["run-index"] || *dst == "" {
		return fail(stderr, 2, errors.New("-run-index I and -o FILE are required; see experiments export -h"))
	}
	sw, code := cfgs.load(stderr)
	if sw == nil {
		return code
	}
	st, code := runIndex(*index, sw, stderr)
	if code != 0 {
		return code
	}
	r := st.Run
	if err := runner.Export(st.Cell, *out, r, *dst, *vocabFrom, *force); err != nil {
		if errors.Is(err, config.ErrConfig) {
			return fail(stderr, 2, err)
		}
		return fail(stderr, 1, err)
	}
	fmt.Fprintf(stdout, "wrote %s (run %d, %s)\n", *dst, st.Index, r.ID())
	return 0
}

func cmdCoverage(args []string, stdout, stderr io.Writer) int {
	fs := flags("coverage", "experiments coverage -config FILE",
		"Prints the group coverage of the config's split: per group and seed, the fraction of test commands\n"+
			"c with g·c among the training commands for some g ∈ G, and the same for validation.")
	cfgs := configFlag(fs, false)
	if code, ok := parse(fs, args, false, stderr); !ok {
		return code
	}
	sw, code := cfgs.load(stderr)
	if sw == nil {
		return code
	}
	for _, cell := range sw.Cells {
		if len(sw.Axes) > 0 {
			fmt.Fprintf(stdout, "# %s\n", cell.Config.Name)
		}
		if code := report.PrintCoverage(cell.Config, stdout, stderr); code != 0 {
			return code
		}
	}
	return 0
}

func cmdAtlas(args []string, stdout, stderr io.Writer) int {
	fs := flags("atlas", "experiments atlas [-out DIR] SCALE",
		"Writes the tables and figures of the SCAN atlas at SCALE (atlas, atlas_quick or atlas_seeds) from the\n"+
			"results of its experiments under -out: OUT/results/SCALE/{summary,comparisons,group_comparisons}.{csv,md} and\n"+
			"OUT/plots/SCALE_{heatmap,gain}.{png,svg}. Exits with 1 if there is no result.")
	out := outFlag(fs)
	if code, ok := parse(fs, args, true, stderr); !ok {
		return code
	}
	if fs.NArg() != 1 {
		return fail(stderr, 2, fmt.Errorf("want one SCALE (atlas, atlas_quick or atlas_seeds), got %q; see experiments atlas -h", fs.Args()))
	}
	return report.DrawAtlas(fs.Arg(0), *out, stdout, stderr)
}

// maxCommandLine bounds a line of predict's standard input.
const maxCommandLine = 64 << 10

func cmdPredict(args []string, stdout, stderr io.Writer) int {
	fs := flags("predict", "experiments predict -config FILE [-out DIR] -run-index I [COMMAND …]\n"+
		"       experiments predict -model FILE [-group NAME [-decode MODE]] [COMMAND …]",
		"Decodes SCAN commands greedily and prints each one's actions on a line (\"<no EOS>\" ends an output\n"+
			"that never stopped). The commands are the arguments, each one quoted (\"jump twice\"), or else\n"+
			"the lines of the standard input. The model is run I's, decoded as its method decodes it, or a\n"+
			"safetensors file of the reference code's layout: plain, or M_G under a built-in group.")
	cfgs := configFlag(fs, false)
	out := outFlag(fs)
	index := fs.Int("run-index", -1, "with -config: the run whose model decodes (see experiments list -config)")
	model := fs.String("model", "", "a safetensors `file` (the reference code's state_dict, or a run's model.safetensors)")
	group := fs.String("group", "", "with -model: decode M_G, the copies under this built-in group ("+strings.Join(verbgroups.Names(), ", ")+")")
	decode := fs.String("decode", "shared", "with -group: the decoding `mode` of M_G: shared, independent, equizero or equizero_top1")
	if code, ok := parse(fs, args, true, stderr); !ok {
		return code
	}
	set := visited(fs)
	var d runner.Decoder
	switch {
	case (*model == "") == (len(cfgs.paths) == 0):
		return fail(stderr, 2, errors.New("give either -config FILE -run-index I or -model FILE; see experiments predict -h"))
	case *model != "" && (set["out"] || set["run-index"] || len(cfgs.sets) > 0):
		return fail(stderr, 2, errors.New("-out, -run-index and -set apply to -config, not to -model"))
	case *model == "" && (set["group"] || set["decode"]):
		return fail(stderr, 2, errors.New("-group and -decode apply to -model; a run decodes as its method does"))
	case set["decode"] && !set["group"]:
		return fail(stderr, 2, errors.New("-decode applies to M_G: give -group too"))
	case *model != "":
		var err error
		if d, err = runner.FileDecoder(*model, *group, *decode); err != nil {
			return fail(stderr, 2, err)
		}
	default:
		if !set["run-index"] {
			return fail(stderr, 2, errors.New("-config needs -run-index I; see experiments predict -h"))
		}
		sw, code := cfgs.load(stderr)
		if sw == nil {
			return code
		}
		st, code := runIndex(*index, sw, stderr)
		if code != 0 {
			return code
		}
		var err error
		if d, err = runner.RunDecoder(st.Cell, *out, st.Run); errors.Is(err, config.ErrConfig) {
			return fail(stderr, 2, err)
		} else if err != nil {
			return fail(stderr, 1, err)
		}
	}
	cmds, err := readCommands(fs.Args(), stdin)
	if err != nil {
		return fail(stderr, 2, err)
	}
	actions, eos, err := d.Predict(cmds)
	if errors.Is(err, runner.ErrCommand) {
		return fail(stderr, 2, err)
	} else if err != nil {
		return fail(stderr, 1, err)
	}
	w := bufio.NewWriter(stdout)
	for i, a := range actions {
		line := strings.Join(a, " ")
		if !eos[i] {
			line = strings.TrimSpace(line + " <no EOS>")
		}
		fmt.Fprintln(w, line)
	}
	if err := w.Flush(); err != nil {
		return fail(stderr, 1, err)
	}
	return 0
}

// readCommands returns the commands given as arguments, or else the lines
// of r, each split into words; an empty command, or a line longer than
// maxCommandLine, is an error naming it.
func readCommands(args []string, r io.Reader) ([][]string, error) {
	var cmds [][]string
	for i, a := range args {
		ws := strings.Fields(a)
		if len(ws) == 0 {
			return nil, fmt.Errorf("argument %d is an empty command", i+1)
		}
		cmds = append(cmds, ws)
	}
	if len(args) > 0 {
		return cmds, nil
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxCommandLine)
	for n := 1; sc.Scan(); n++ {
		ws := strings.Fields(sc.Text())
		if len(ws) == 0 {
			return nil, fmt.Errorf("standard input, line %d: an empty command", n)
		}
		cmds = append(cmds, ws)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("standard input, line %d: %w", len(cmds)+1, err)
	}
	if len(cmds) == 0 {
		return nil, errors.New("no command to decode (give them as arguments or on the standard input)")
	}
	return cmds, nil
}
