package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/experiments/breakdown"
	"github.com/scan-equitune/equitune/scan"
)

// actionLetters are the one-letter codes of scan.Actions, in order, in
// which errors.md writes outputs (those of outcomes.json's "actions").
const actionLetters = "WLRJlr"

// actionLegend explains actionLetters.
const actionLegend = "W walk, L look, R run, J jump, l turn left, r turn right"

// letters returns the actions of a prediction or target one letter each,
// or "(none)" for no action.
func letters(actions string) string {
	if actions == "" {
		return "(none)"
	}
	var b strings.Builder
	for _, a := range strings.Fields(actions) {
		i := slices.Index(scan.Actions, a)
		if i < 0 {
			b.WriteString("?")
			continue
		}
		b.WriteByte(actionLetters[i])
	}
	return b.String()
}

// errorsCSV formats x as errors.csv: a line per row, key and class, with
// the commands and the correct predictions summed over the row's seeds and
// their ratio; key "all" is every test command.
func errorsCSV(x *experimentErrors) string {
	var b strings.Builder
	b.WriteString("cell,method,n_seeds,key,class,n_commands,correct,accuracy\n")
	line := func(e rowErrors, key string, g breakdown.Group) {
		fmt.Fprintf(&b, "%s,%s,%d,%s,%s,%d,%d,%.4f\n", e.Cell, e.Method, e.Seeds, key, csvField(g.Key), g.Commands, g.Correct, g.Acc())
	}
	for _, e := range x.Rows {
		line(e, "all", e.All)
		for i, k := range x.Keys {
			for _, g := range e.By[i] {
				line(e, k.name, g)
			}
		}
	}
	return b.String()
}

// csvField quotes s if it has a comma or a quote.
func csvField(s string) string {
	if !strings.ContainsAny(s, ",\"") {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// errorsMarkdown formats x as errors.md: for each cell, a table per key
// with the methods as columns, the wrong predictions by kind and by place,
// the templates with the most of them, and each method's most frequent
// wrong outputs.
func errorsMarkdown(x *experimentErrors) string {
	var b strings.Builder
	c := x.Config
	fmt.Fprintf(&b, "# %s: error analysis\n\n", c.Name)
	held := "no held-out phrase"
	if x.Phrase != "" {
		held = fmt.Sprintf("held-out phrase “%s”", x.Phrase)
	}
	fmt.Fprintf(&b, "Split %s (%s), group %s; seeds %v. From each method run's outcomes (%s): the test predictions "+
		"of the best-validation model, exact match. Pooled over seeds: a class's correct predictions and commands are "+
		"summed over the seeds and divided (the mean of the per-seed accuracies when the seeds share their test "+
		"commands, as on every split but simple); \"commands\" is the class's size per seed. Target length in buckets of %d actions. "+
		"errors.csv has every number, and the counts.\n\n",
		c.Split, held, c.Group.Name, c.Seeds, "outcomes.json.gz", lengthBucket)
	fmt.Fprintf(&b, "Kinds of error, tested in this order: %s, the output never ended; ", breakdown.NoEOS)
	if a := breakdown.HeldOutAction(x.Phrase); a != "" {
		fmt.Fprintf(&b, "%s, as many actions as the target, wrong only where the target has %s; ", breakdown.HeldOutReplaced, a)
	}
	fmt.Fprintf(&b, "%s and %s, fewer or more actions than the target; %s.\n\n", breakdown.TooShort, breakdown.TooLong, breakdown.SameLength)
	for _, r := range x.Missing {
		fmt.Fprintf(&b, "- %s %s: left out, a run has no outcomes.\n", r.Cell, r.Method)
	}
	if len(x.Missing) > 0 {
		b.WriteString("\n")
	}
	for _, cell := range order(rowsOf(x.Rows), func(r Row) string { return r.Cell }) {
		var es []rowErrors
		for _, e := range x.Rows {
			if e.Cell == cell {
				es = append(es, e)
			}
		}
		fmt.Fprintf(&b, "## %s\n\n", cell)
		for i, k := range x.Keys {
			accuracyTable(&b, k, es, i)
		}
		kindsTable(&b, es, breakdown.HeldOutAction(x.Phrase) != "")
		placesTable(&b, es)
		templatesTable(&b, es)
		for _, e := range es {
			topWrongTable(&b, e)
		}
	}
	return b.String()
}

// rowsOf returns the cell and method of each analysed row as a Row.
func rowsOf(es []rowErrors) []Row {
	rows := make([]Row, len(es))
	for i, e := range es {
		rows[i] = Row{Cell: e.Cell, Method: e.Method}
	}
	return rows
}

// accuracyTable writes the accuracy of each of es by the classes of key i,
// a column per method, and the line of all commands.
func accuracyTable(b *strings.Builder, k errorKey, es []rowErrors, i int) {
	fmt.Fprintf(b, "### Accuracy by %s\n\n| %s | commands |", k.heading, k.title)
	for _, e := range es {
		fmt.Fprintf(b, " %s |", e.Method)
	}
	b.WriteString("\n|---|---:|" + strings.Repeat("---:|", len(es)) + "\n")
	var classes []string
	for _, e := range es {
		for _, g := range e.By[i] {
			if !slices.Contains(classes, g.Key) {
				classes = append(classes, g.Key)
			}
		}
	}
	row := func(key string, get func(rowErrors) (breakdown.Group, bool)) {
		n := ""
		for _, e := range es {
			if g, ok := get(e); ok && n == "" {
				n = perSeed(g.Commands, e.Seeds)
			}
		}
		fmt.Fprintf(b, "| %s | %s |", key, n)
		for _, e := range es {
			if g, ok := get(e); ok {
				fmt.Fprintf(b, " %.3f |", g.Acc())
			} else {
				b.WriteString(" – |")
			}
		}
		b.WriteString("\n")
	}
	for _, cl := range classes {
		row(cl, func(e rowErrors) (breakdown.Group, bool) {
			for _, g := range e.By[i] {
				if g.Key == cl {
					return g, true
				}
			}
			return breakdown.Group{}, false
		})
	}
	row("all", func(e rowErrors) (breakdown.Group, bool) { return e.All, true })
	b.WriteString("\n")
}

// perSeed formats n commands over seeds as commands per seed: an integer
// when they divide, else with one decimal.
func perSeed(n, seeds int) string {
	if seeds == 0 || n%seeds == 0 {
		return fmt.Sprint(n / max(seeds, 1))
	}
	return fmt.Sprintf("%.1f", float64(n)/float64(seeds))
}

// errorKindOrder lists breakdown's kinds of error in the order of its
// classification.
var errorKindOrder = []string{breakdown.NoEOS, breakdown.HeldOutReplaced, breakdown.TooShort, breakdown.TooLong, breakdown.SameLength}

// kindsTable writes the number of wrong predictions of each kind, summed
// over seeds, a column per method; replaced says whether the split has a
// held-out action (else no output is breakdown.HeldOutReplaced).
func kindsTable(b *strings.Builder, es []rowErrors, replaced bool) {
	b.WriteString("### Wrong predictions by kind (summed over seeds)\n\n| kind |")
	for _, e := range es {
		fmt.Fprintf(b, " %s |", e.Method)
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(es)) + "\n")
	for _, kind := range errorKindOrder {
		if kind == breakdown.HeldOutReplaced && !replaced {
			continue
		}
		fmt.Fprintf(b, "| %s |", kind)
		for _, e := range es {
			n := 0
			for _, g := range e.Kinds {
				if g.Key == kind {
					n = g.Commands
				}
			}
			fmt.Fprintf(b, " %d |", n)
		}
		b.WriteString("\n")
	}
	b.WriteString("| all wrong |")
	for _, e := range es {
		fmt.Fprintf(b, " %d |", e.All.Commands-e.All.Correct)
	}
	b.WriteString("\n| distinct wrong outputs |")
	for _, e := range es {
		fmt.Fprintf(b, " %d |", e.Distinct)
	}
	b.WriteString("\n\n")
}

// placesTable writes the number of wrong predictions by the place of their
// first wrong action (errorPlace), summed over seeds, a column per method.
func placesTable(b *strings.Builder, es []rowErrors) {
	b.WriteString("### Wrong predictions by the place of their first wrong action (summed over seeds)\n\n")
	b.WriteString("A two-sentence command's target is the actions of the sentence done first (the left one of \"S and S\", " +
		"the right one of \"S after S\"), then those of the other; the boundary is the two actions either side of the junction.\n\n| place |")
	for _, e := range es {
		fmt.Fprintf(b, " %s |", e.Method)
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(es)) + "\n")
	for i, place := range placeOrder {
		fmt.Fprintf(b, "| %s |", place)
		for _, e := range es {
			fmt.Fprintf(b, " %d |", e.Places[i])
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// templatesTable writes the templates with the most wrong predictions of
// each of es.
func templatesTable(b *strings.Builder, es []rowErrors) {
	fmt.Fprintf(b, "### Templates with the most wrong predictions (x: a primitive, D: a direction)\n\n")
	b.WriteString("| method | template | commands | wrong (over seeds) | accuracy |\n|---|---|---:|---:|---:|\n")
	for _, e := range es {
		for _, g := range e.Templates {
			fmt.Fprintf(b, "| %s | %s | %s | %d | %.3f |\n", e.Method, g.Key, perSeed(g.Commands, e.Seeds), g.Commands-g.Correct, g.Acc())
		}
	}
	b.WriteString("\n")
}

// shownCommands is how many of the commands that got a wrong output
// errors.md lists.
const shownCommands = 3

// topWrongTable writes e's most frequent wrong outputs, in letters.
func topWrongTable(b *strings.Builder, e rowErrors) {
	fmt.Fprintf(b, "### %s %s: most frequent wrong outputs\n\n", e.Cell, e.Method)
	if len(e.Top) == 0 {
		b.WriteString("None: every prediction is right.\n\n")
		return
	}
	fmt.Fprintf(b, "Actions one letter each (%s). count: predictions over the %d seeds.\n\n", actionLegend, e.Seeds)
	b.WriteString("| count | seeds | output | target of the first command | kinds of error | commands |\n|---:|---:|---|---|---|---|\n")
	for _, w := range e.Top {
		cs := w.Commands
		more := ""
		if len(cs) > shownCommands {
			cs, more = cs[:shownCommands], fmt.Sprintf("; … (%d commands)", len(w.Commands))
		}
		out := letters(w.Pred)
		if !w.EOS {
			out += " (no EOS)"
		}
		var kinds []string
		for _, g := range w.Kinds {
			kinds = append(kinds, fmt.Sprintf("%s: %d", g.Key, g.Commands))
		}
		fmt.Fprintf(b, "| %d | %d | %s | %s | %s | %s%s |\n", w.Count, w.Seeds, out, letters(w.Target),
			strings.Join(kinds, "; "), strings.Join(cs, "; "), more)
	}
	b.WriteString("\n")
}
