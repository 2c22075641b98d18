package report

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/experiments/stats"
)

// followupRow is a row of the follow-up methods' gap tables: a method of
// the experiment whose results folder is fmt.Sprintf(dir, task).
type followupRow struct {
	label, dir, method string
}

var followupRows = []followupRow{
	{"`equitune_independent`", "followups_%s", "equitune_independent"},
	{"`lambda_equitune`", "followups_%s", "lambda_equitune"},
	{"`equizero` (entropy)", "%s", "equizero"},
	{"`equizero` (top1)", "followups_%s", "equizero"},
	{"`equizero_finetune` (entropy)", "followups_%s_entropy", "equizero_finetune"},
	{"`equizero_finetune` (top1)", "followups_%s", "equizero_finetune"},
}

// A followupGap is a follow-up method minus equi-tuning on one task and
// cell; OK is false if a row has no outcomes, Run false if one is missing.
type followupGap struct {
	Task, Label, Cell string
	Run, OK           bool
	stats.Comparison
}

// followupGaps returns the gaps of every task, followupRows row and cell,
// in the order of FollowupGaps' tables: the paired difference over the
// seeds both have, which start from the same pretrainings (comparePair,
// drawn from stats.NewRand("followups", the method's folder, cell, the two
// methods sorted)). root is a checkout's results/ folder.
func followupGaps(root string) ([]followupGap, error) {
	rows := map[string]map[string]Row{}
	get := func(dir string) (map[string]Row, error) { return cachedRows(rows, root, dir) }
	var gs []followupGap
	for _, task := range headlineTasks {
		base, err := get(task)
		if err != nil {
			return nil, err
		}
		for _, fr := range followupRows {
			dir := fmt.Sprintf(fr.dir, task)
			exp, err := get(dir)
			if err != nil {
				return nil, err
			}
			for _, cell := range headlineCells {
				g := followupGap{Task: task, Label: fr.label, Cell: cell}
				a, okA := exp[cell+"/"+fr.method]
				e, okE := base[cell+"/equitune"]
				if g.Run = okA && okE; g.Run {
					if g.Comparison, g.OK, err = comparePair(a, e, fr.method, "equitune", "followups", dir, cell); err != nil {
						return nil, err
					}
				}
				gs = append(gs, g)
			}
		}
	}
	return gs, nil
}

// FollowupGaps returns, for each reference task, a Markdown table of the
// authors' follow-up methods minus equi-tuning (results/TASK's equitune)
// on every cell (followupGaps): the paired difference with its 95%
// interval, bold where the interval excludes 0, "no outcomes" where a row
// has none. root is a checkout's results/ folder.
func FollowupGaps(root string) (string, error) {
	gs, err := followupGaps(root)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for i, g := range gs {
		if i%(len(followupRows)*len(headlineCells)) == 0 {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "%s, method − `equitune`:\n\n| method − equitune |", g.Task)
			for _, cell := range headlineCells {
				b.WriteString(" " + cell + " |")
			}
			b.WriteString("\n|---|" + strings.Repeat("---:|", len(headlineCells)) + "\n")
		}
		if i%len(headlineCells) == 0 {
			b.WriteString("| " + g.Label + " |")
		}
		switch {
		case !g.Run:
			b.WriteString(" not run |")
		case !g.OK:
			b.WriteString(" no outcomes |")
		case g.Resolved:
			fmt.Fprintf(&b, " **%+.3f [%+.3f, %+.3f]** |", g.Diff, g.Lo, g.Hi)
		default:
			fmt.Fprintf(&b, " %+.3f [%+.3f, %+.3f] |", g.Diff, g.Lo, g.Hi)
		}
		if i%len(headlineCells) == len(headlineCells)-1 {
			b.WriteString("\n")
		}
	}
	return b.String(), nil
}

// followupSeedRows are the follow-up methods followups_seeds_TASK.toml
// reruns on more seeds: a followupRows label and the method.
var followupSeedRows = [][2]string{
	{"`lambda_equitune`", "lambda_equitune"},
	{"`equizero_finetune` (top1)", "equizero_finetune"},
}

// FollowupSeedGaps returns a Markdown table of the follow-up gaps rerun on
// more seeds: for each task, cell and followupSeedRows method, method −
// equitune on the tables' seeds (followupGaps, as FollowupGaps writes it)
// beside the row of results/followups_seeds_TASK/comparisons.csv, bold
// where the 95% interval excludes 0. The headers carry the numbers of
// seeds, which must be the same on every row. root is a checkout's
// results/ folder.
func FollowupSeedGaps(root string) (string, error) {
	gs, err := followupGaps(root)
	if err != nil {
		return "", err
	}
	fewer := map[[3]string]followupGap{}
	for _, g := range gs {
		fewer[[3]string{g.Task, g.Label, g.Cell}] = g
	}
	type line struct{ task, cell, label, before, after string }
	var lines []line
	var nBefore, nAfter string
	for _, task := range headlineTasks {
		path := filepath.Join(root, "followups_seeds_"+task, "comparisons.csv")
		rows, err := readCSV(path)
		if err != nil {
			return "", err
		}
		for _, cell := range headlineCells {
			for _, fr := range followupSeedRows {
				g := fewer[[3]string{task, fr[0], cell}]
				if !g.OK {
					return "", fmt.Errorf("%s %s %s: no outcomes on the tables' seeds", task, cell, fr[1])
				}
				i := slices.IndexFunc(rows, func(r summaryRow) bool {
					return r["cell"] == cell && r["method_a"] == fr[1] && r["method_b"] == "equitune"
				})
				if i < 0 {
					return "", fmt.Errorf("%s: no %s − equitune row for %s", path, fr[1], cell)
				}
				r := rows[i]
				if nAfter != "" && r["n_seeds"] != nAfter {
					return "", fmt.Errorf("%s: %s %s: %s seeds, other rows %s", path, cell, fr[1], r["n_seeds"], nAfter)
				}
				nAfter, nBefore = r["n_seeds"], fmt.Sprint(g.Seeds)
				after, err := gainCell(r)
				if err != nil {
					return "", fmt.Errorf("%s: %s %s: %w", path, cell, fr[1], err)
				}
				lines = append(lines, line{task, cell, fr[0], gapCell(g.Diff, g.Lo, g.Hi, g.Resolved), after})
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "| task | cell | method − equitune | %s seeds | %s seeds |\n|---|---|---|---:|---:|\n", nBefore, nAfter)
	for _, l := range lines {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", l.task, l.cell, l.label, l.before, l.after)
	}
	return b.String(), nil
}
