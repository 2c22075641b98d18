package report

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// summaryRow is one row of a summary.csv, by column name.
type summaryRow map[string]string

// readCSV reads a CSV file with a header as rows keyed by column name. A
// record may have fewer fields than the header (walltime.csv's last line
// names the invocation with a comma, so it has more).
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
// summary.csv files under root, a checkout's results/ folder.
func Headline(root string) (string, error) {
	var b strings.Builder
	b.WriteString("| task | cell |")
	for _, c := range headlineColumns {
		b.WriteString(" " + c.title + " |")
	}
	b.WriteString("\n|---|---|" + strings.Repeat("---:|", len(headlineColumns)) + "\n")
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
			b.WriteString("\n")
		}
	}
	return b.String(), nil
}
