package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/experiments/stats"
)

// headlineColumn is a column of the README's headline table: a method's row
// of one experiment's summary.csv for each task (an empty dir: not
// applicable to the task).
type headlineColumn struct {
	title  string
	method string
	dirs   map[string]string // task → experiment folder under results/
}

var (
	headlineTasks   = []string{"add_jump", "around_right"}
	headlineCells   = []string{"rnn", "gru", "lstm"}
	headlineColumns = []headlineColumn{
		{"pretrained", "pretrained", map[string]string{"add_jump": "add_jump", "around_right": "around_right"}},
		{"finetune", "finetune", map[string]string{"add_jump": "add_jump", "around_right": "around_right"}},
		{"equitune", "equitune", map[string]string{"add_jump": "add_jump", "around_right": "around_right"}},
		{"equitune, verb4", "equitune", map[string]string{"add_jump": "atlas/addprim_jump_verb4"}},
		{"gequivariant", "gequivariant", map[string]string{"add_jump": "add_jump_gequivariant", "around_right": "around_right_gequivariant"}},
	}
)

// headlineGap is the last column of the headline table: equi-tuning minus
// Gordon et al.'s model from scratch, two experiments whose seeds are not
// paired (stats.CompareUnpaired of the two rows' outcomes, drawn from
// stats.NewRand("headline", task, cell, the two methods sorted)).
var headlineGap = struct {
	title string
	a, b  headlineColumn
}{"equitune − gequivariant", headlineColumns[2], headlineColumns[4]}

// summaryRow is one row of a summary.csv, by column name.
type summaryRow map[string]string

// readCSV reads a CSV file with a header as rows keyed by column name. A
// record may have more fields than the header: walltime.csv files written
// before the runner quoted its last line name the invocation with commas.
func readCSV(path string) ([]summaryRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil || len(recs) == 0 {
		return nil, fmt.Errorf("%s: %v", path, errors.Join(err, errors.New("no header")))
	}
	var rows []summaryRow
	for _, rec := range recs[1:] {
		row := summaryRow{}
		for i, name := range recs[0] {
			if i < len(rec) {
				row[name] = rec[i]
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// readSummaryCSV reads results/DIR/summary.csv under root as rows keyed by
// "cell/method".
func readSummaryCSV(root, dir string) (map[string]summaryRow, error) {
	rows, err := readCSV(filepath.Join(root, dir, "summary.csv"))
	if err != nil {
		return nil, err
	}
	byKey := map[string]summaryRow{}
	for _, row := range rows {
		byKey[row["cell"]+"/"+row["method"]] = row
	}
	return byKey, nil
}

// headlineCell formats a summary row as the mean with its 95% interval, or
// the mean ± the seeds' std when the row has no interval.
func headlineCell(row summaryRow) string {
	if row == nil {
		return "not run"
	}
	if row["ci95_lo"] != "" {
		return fmt.Sprintf("%s [%s, %s]", round3(row["test_acc_mean"]), round3(row["ci95_lo"]), round3(row["ci95_hi"]))
	}
	return row["test_acc_mean"] + " ± " + row["test_acc_std"]
}

// round3 rounds a 4-decimal number of a summary.csv to 3 decimals.
func round3(s string) string {
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(x, 'f', 3, 64)
}

// Headline returns the README's headline table (Markdown) from the
// summary.csv files under root, a checkout's results/ folder, and the
// headlineGap column from the outcomes of the runs under it.
func Headline(root string) (string, error) {
	var b strings.Builder
	b.WriteString("| task | cell |")
	for _, c := range headlineColumns {
		b.WriteString(" " + c.title + " |")
	}
	b.WriteString(" " + headlineGap.title + " |")
	b.WriteString("\n|---|---|" + strings.Repeat("---:|", len(headlineColumns)+1) + "\n")
	experiments := map[string]map[string]Row{}
	summaries := map[string]map[string]summaryRow{}
	for _, task := range headlineTasks {
		for _, cell := range headlineCells {
			fmt.Fprintf(&b, "| %s | %s |", task, cell)
			for _, c := range headlineColumns {
				dir := c.dirs[task]
				if dir == "" {
					b.WriteString(" – |")
					continue
				}
				if summaries[dir] == nil {
					s, err := readSummaryCSV(root, dir)
					if err != nil {
						return "", err
					}
					summaries[dir] = s
				}
				b.WriteString(" " + headlineCell(summaries[dir][cell+"/"+c.method]) + " |")
			}
			gap, err := headlineGapCell(root, task, cell, experiments)
			if err != nil {
				return "", err
			}
			b.WriteString(" " + gap + " |\n")
		}
	}
	return b.String(), nil
}

// headlineGapCell formats headlineGapOf on task and cell as the
// difference with its 95% interval, "resolved" when the interval excludes
// 0, or why there is none.
func headlineGapCell(root, task, cell string, rows map[string]map[string]Row) (string, error) {
	c, reason, err := headlineGapOf(root, task, cell, rows)
	if err != nil || reason != "" {
		return reason, err
	}
	text := fmt.Sprintf("%+.3f [%+.3f, %+.3f]", c.Diff, c.Lo, c.Hi)
	if c.Resolved {
		text += " resolved"
	}
	return text, nil
}

// headlineGapOf returns the headlineGap comparison on task and cell, or a
// reason for none ("not run", "no outcomes", …), reading each experiment's
// rows once into rows (cachedRows).
func headlineGapOf(root, task, cell string, rows map[string]map[string]Row) (stats.Comparison, string, error) {
	var pair [2]Row
	for i, col := range []headlineColumn{headlineGap.a, headlineGap.b} {
		exp, err := cachedRows(rows, root, col.dirs[task])
		if err != nil {
			return stats.Comparison{}, "", err
		}
		row, ok := exp[cell+"/"+col.method]
		if !ok {
			return stats.Comparison{}, "not run", nil
		}
		pair[i] = row
	}
	return compareUnpaired(pair[0], pair[1], headlineGap.a.method, headlineGap.b.method, "headline", task, cell)
}

// cachedRows returns experimentRows(root, dir), reading it once into
// cache.
func cachedRows(cache map[string]map[string]Row, root, dir string) (map[string]Row, error) {
	if cache[dir] == nil {
		r, err := experimentRows(root, dir)
		if err != nil {
			return nil, err
		}
		cache[dir] = r
	}
	return cache[dir], nil
}

// experimentRows returns the summary rows of the built-in experiment whose
// results are root/dir, keyed by "cell/method", with their outcomes.
func experimentRows(root, dir string) (map[string]Row, error) {
	c, err := config.Load(dir + ".toml")
	if err != nil {
		return nil, err
	}
	l := runner.Layout{Out: filepath.Dir(filepath.Clean(root)), Experiment: c.Name}
	rs, _, err := runner.ReadResults(c, l, runner.Expand(c))
	if err != nil {
		return nil, err
	}
	rows := summarize(rs)
	if err := withOutcomes(c.Name, l, rows); err != nil {
		return nil, err
	}
	byKey := map[string]Row{}
	for _, r := range rows {
		byKey[r.Cell+"/"+r.Method] = r
	}
	return byKey, nil
}
