package report

import (
	"fmt"
	"strings"
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

// FollowupGaps returns, for each reference task, a Markdown table of the
// authors' follow-up methods minus equi-tuning (results/TASK's equitune)
// on every cell: the paired difference over the seeds both have, which
// start from the same pretrainings, with its 95% interval (comparePair,
// drawn from stats.NewRand("followups", the method's folder, cell, the
// two methods sorted)); bold where the interval excludes 0, "no outcomes" where a row
// has none. root is a checkout's results/ folder.
func FollowupGaps(root string) (string, error) {
	rows := map[string]map[string]Row{}
	get := func(dir string) (map[string]Row, error) {
		if rows[dir] == nil {
			r, err := experimentRows(root, dir)
			if err != nil {
				return nil, err
			}
			rows[dir] = r
		}
		return rows[dir], nil
	}
	var b strings.Builder
	for i, task := range headlineTasks {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s, method − `equitune`:\n\n| method − equitune |", task)
		for _, cell := range headlineCells {
			b.WriteString(" " + cell + " |")
		}
		b.WriteString("\n|---|" + strings.Repeat("---:|", len(headlineCells)) + "\n")
		base, err := get(task)
		if err != nil {
			return "", err
		}
		for _, fr := range followupRows {
			exp, err := get(fmt.Sprintf(fr.dir, task))
			if err != nil {
				return "", err
			}
			b.WriteString("| " + fr.label + " |")
			for _, cell := range headlineCells {
				a, okA := exp[cell+"/"+fr.method]
				e, okE := base[cell+"/equitune"]
				if !okA || !okE {
					b.WriteString(" not run |")
					continue
				}
				c, ok, err := comparePair(a, e, fr.method, "equitune", "followups", fmt.Sprintf(fr.dir, task), cell)
				switch {
				case err != nil:
					return "", err
				case !ok:
					b.WriteString(" no outcomes |")
				case c.Resolved:
					fmt.Fprintf(&b, " **%+.3f [%+.3f, %+.3f]** |", c.Diff, c.Lo, c.Hi)
				default:
					fmt.Fprintf(&b, " %+.3f [%+.3f, %+.3f] |", c.Diff, c.Lo, c.Hi)
				}
			}
			b.WriteString("\n")
		}
	}
	return b.String(), nil
}
