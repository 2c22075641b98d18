package report

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/experiments/stats"
	"github.com/scan-equitune/equitune/internal/atomicfile"
)

// Row is one line of the summary: the test accuracy of a method over seeds.
type Row struct {
	Split, Cell, Method string
	N                   int              // seeds with a result
	Mean, Std           float64          // test accuracy (fraction); sample std, 0 for one seed
	Runs                []*runner.Result // the seeds' results, in the order read

	// Outcomes are what the seeds got right, in the order of Runs, and
	// Interval the 95% interval of the mean from them (withOutcomes); both
	// nil if a seed has no outcomes file.
	Outcomes *Outcomes
	Interval *stats.Estimate
}

// meanStd returns the mean and the sample standard deviation of xs (0 for
// fewer than two values).
func meanStd(xs []float64) (mean, std float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1))
}

// summarize groups results by (split, cell, method), in the order they come.
func summarize(rs []*runner.Result) []Row {
	var rows []Row
	idx := map[[3]string]int{}
	accs := map[int][]float64{}
	for _, r := range rs {
		k := [3]string{r.Split, r.Cell, r.Method}
		i, ok := idx[k]
		if !ok {
			i = len(rows)
			idx[k] = i
			rows = append(rows, Row{Split: r.Split, Cell: r.Cell, Method: r.Method})
		}
		accs[i] = append(accs[i], r.TestAcc)
		rows[i].Runs = append(rows[i].Runs, r)
	}
	for i := range rows {
		rows[i].N = len(accs[i])
		rows[i].Mean, rows[i].Std = meanStd(accs[i])
	}
	return rows
}

// order returns the distinct keys of rows in order of appearance.
func order(rows []Row, key func(Row) string) []string {
	var ks []string
	for _, r := range rows {
		if k := key(r); !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	return ks
}

// CSV formats rows as summary.csv: a row's 95% interval is empty if a seed
// has no outcomes.
func CSV(rows []Row) string {
	var b strings.Builder
	b.WriteString("split,cell,method,n_seeds,test_acc_mean,test_acc_std,ci95_lo,ci95_hi\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s,%s,%s,%d,%.4f,%.4f,%s\n", r.Split, r.Cell, r.Method, r.N, r.Mean, r.Std, formatInterval(r))
	}
	return b.String()
}

// markdown formats rows as summary.md, stating the schedules and seeds of c.
func markdown(c *config.Config, rows []Row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", c.Name)
	fmt.Fprintf(&b, "Split %s, group %s, decode %s; seeds %v; %d pretraining iterations (batch %d, lr %g), "+
		"%d tuning iterations (batch %d, lr %g); %.0f%% of train held out for validation. "+
		"Test accuracy (exact match) of the best-validation model, mean ± sample std over seeds; "+
		"%s; – where a seed has no outcomes file.\n\n",
		c.Split, c.Group.Name, c.Decode, c.Seeds, c.Pretrain.Iterations, c.Pretrain.Batch, c.Pretrain.LR,
		c.Tune.Iterations, c.Tune.Batch, c.Tune.LR, 100*c.ValFraction, intervalMethod)
	for _, name := range c.Methods {
		if m, ok := config.Lookup(name); ok && m.Note != nil {
			fmt.Fprintf(&b, "%s\n\n", m.Note(c))
		}
	}
	b.WriteString("| split | cell | method | n_seeds | test_acc_mean | test_acc_std | ci95 |\n")
	b.WriteString("|---|---|---|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %d | %.4f | %.4f | %s |\n", r.Split, r.Cell, r.Method, r.N, r.Mean, r.Std, intervalCell(r))
	}
	return b.String()
}

// A summaryFile is a file of a summary and how to write it.
type summaryFile struct {
	paths []string // what write writes, whose stale temporary files go first
	write func() error
}

// errorAnalysis is writeErrors; the tests of summaries whose synthetic
// outcomes are not of their split's test commands replace it.
var errorAnalysis = writeErrors

// WriteSummary writes summary.csv, summary.md (with the group coverage),
// coverage.csv and, if its methods share pretrainings, comparisons.csv and
// comparisons.md, if some do not, comparisons_unpaired.csv and
// comparisons_unpaired.md, of the experiment's finished runs and its plots, from the
// results ReadResults accepts and their outcomes; it returns the rows (none
// if no run has finished) and the results it rejected. Concurrent writers take turns (a
// lock under results/.cache), and each removes what killed ones left behind.
func WriteSummary(c *config.Config, l runner.Layout) (rows []Row, rejected []error, err error) {
	rs, rejected, err := runner.ReadResults(c, l, runner.Expand(c))
	if err != nil || len(rs) == 0 {
		return nil, rejected, err
	}
	rows = summarize(rs)
	if err := withOutcomes(c.Name, l, rows); err != nil {
		return nil, rejected, err
	}
	cmpFiles, err := comparisonFiles(c, l.Dir(), rows)
	if err != nil {
		return nil, rejected, err
	}
	unpaired, err := unpairedFiles(c, l.Dir(), rows)
	if err != nil {
		return nil, rejected, err
	}
	cov, err := Coverages(c)
	if err != nil {
		return nil, rejected, err
	}
	unlock, err := l.LockSummary()
	if err != nil {
		return nil, rejected, err
	}
	defer unlock()
	plots := filepath.Join(l.Out, "plots")
	if err := os.MkdirAll(plots, 0o755); err != nil {
		return nil, rejected, err
	}
	csv, md, covCSV := filepath.Join(l.Dir(), "summary.csv"), filepath.Join(l.Dir(), "summary.md"), filepath.Join(l.Dir(), "coverage.csv")
	acc, curves := filepath.Join(plots, c.Name+"_accuracy"), filepath.Join(plots, c.Name+"_curves")
	files := []summaryFile{
		{[]string{csv}, func() error { return atomicfile.WriteFile(csv, []byte(CSV(rows)), 0o644) }},
		{[]string{md}, func() error {
			return atomicfile.WriteFile(md, []byte(markdown(c, rows)+coverageMarkdown(cov)), 0o644)
		}},
		{[]string{covCSV}, func() error { return atomicfile.WriteFile(covCSV, []byte(CoverageCSV(cov)), 0o644) }},
		{[]string{acc + ".png", acc + ".svg"}, func() error { return PlotAccuracy(c, rows, acc) }},
		{[]string{curves + ".png", curves + ".svg"}, func() error { return PlotCurves(c, rows, curves) }},
		{errorsPaths(c, l), func() error { return errorAnalysis(c, l, rows) }},
	}
	files = append(append(files, cmpFiles...), unpaired...)
	for _, f := range files {
		for _, p := range f.paths {
			if err := atomicfile.RemoveStale(p); err != nil {
				return nil, rejected, err
			}
		}
		if err := f.write(); err != nil {
			return nil, rejected, err
		}
	}
	return rows, rejected, nil
}

// WriteSummaries writes the summary of every cell of sweep sw from its
// results under out (WriteSummary) and, for a sweep with axes, the sweep's
// own (writeSweepSummary), and returns the text of the cells' summary.csv
// (each after a "# cell" line in a sweep) and the results left out.
func WriteSummaries(sw *config.Sweep, out string) (csv string, rejected []error, err error) {
	csv, _, rejected, err = writeSummaries(sw, out)
	return csv, rejected, err
}

// writeSummaries is WriteSummaries; n counts the cells' summary rows.
func writeSummaries(sw *config.Sweep, out string) (csv string, n int, rejected []error, err error) {
	var b strings.Builder
	for _, cell := range sw.Cells {
		rows, rej, err := WriteSummary(cell.Config, runner.CellLayout(out, cell))
		rejected = append(rejected, rej...)
		if err != nil {
			return "", n, rejected, err
		}
		n += len(rows)
		if len(sw.Axes) > 0 {
			if len(rows) == 0 {
				continue
			}
			fmt.Fprintf(&b, "# %s\n", cell.Config.Name)
		}
		b.WriteString(CSV(rows))
	}
	if len(sw.Axes) > 0 && n > 0 {
		if err := writeSweepSummary(sw, out); err != nil {
			return "", n, rejected, err
		}
	}
	return b.String(), n, rejected, nil
}

// writeSweepSummary writes the summary of a sweep under
// OUT/results/NAME/: an atlas's tables and figures (writeAtlas), or
// summary.csv, a row per cell and summary row, its axis values first, with
// the row's 95% interval (withOutcomes).
func writeSweepSummary(sw *config.Sweep, out string) error {
	if isAtlas(sw) {
		return writeAtlas(sw, out, io.Discard)
	}
	var b strings.Builder
	for _, a := range sw.Axes {
		b.WriteString(strings.ReplaceAll(a.Key, ".", "_") + ",")
	}
	b.WriteString("split,cell,method,n_seeds,test_acc_mean,test_acc_std,ci95_lo,ci95_hi\n")
	for _, cell := range sw.Cells {
		l := runner.CellLayout(out, cell)
		rs, _, err := runner.ReadResults(cell.Config, l, runner.Expand(cell.Config))
		if err != nil {
			return err
		}
		rows := summarize(rs)
		if err := withOutcomes(cell.Config.Name, l, rows); err != nil {
			return err
		}
		values := strings.TrimPrefix(cell.Dir, sw.Name+"/")
		for _, r := range rows {
			fmt.Fprintf(&b, "%s,%s,%s,%s,%d,%.4f,%.4f,%s\n", strings.ReplaceAll(values, "_", ","), r.Split, r.Cell, r.Method, r.N, r.Mean, r.Std,
				formatInterval(r))
		}
	}
	dir := filepath.Join(out, "results", sw.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, "summary.csv"), []byte(b.String()), 0o644)
}

// Aggregate is the aggregate command: it gives finished runs without
// outcomes files theirs (DeriveOutcomes), writes the summaries of sweep sw
// from its finished runs under out (WriteSummaries) and prints their
// summary.csv. It fails if no run has finished and warns about missing
// runs.
func Aggregate(sw *config.Sweep, out string, stdout, stderr io.Writer) int {
	var missing []string
	for _, cell := range sw.Cells {
		l := runner.CellLayout(out, cell)
		for _, r := range runner.Expand(cell.Config) {
			if r.Method == runner.Pretrain {
				continue
			}
			if _, err := os.Stat(l.Result(r)); err != nil {
				missing = append(missing, r.ID())
			}
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(stderr, "experiments: warning: %d method runs have no result.json yet (first: %s); the summary is partial\n",
			len(missing), missing[0])
	}
	if err := deriveSweep(sw, out, stderr); err != nil {
		fmt.Fprintf(stderr, "experiments: outcomes: %v\n", err)
		return 1
	}
	csv, n, rejected, err := writeSummaries(sw, out)
	for _, r := range rejected {
		fmt.Fprintf(stderr, "experiments: warning: the summary leaves out %v\n", r)
	}
	if err != nil {
		fmt.Fprintf(stderr, "experiments: summary: %v\n", err)
		return 1
	}
	if n == 0 {
		fmt.Fprintf(stderr, "experiments: no finished run of %s under %s\n", sw.Name, filepath.Join(out, "results", sw.Name))
		return 1
	}
	fmt.Fprint(stdout, csv)
	return 0
}
