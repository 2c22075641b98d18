package report

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/experiments/breakdown"
	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/internal/atomicfile"
	"github.com/scan-equitune/equitune/scan"
)

// topWrongOutputs is the number of most frequent wrong outputs the error
// analysis lists per method.
const topWrongOutputs = 5

// topTemplates is the number of templates (breakdown.Template) with the
// most wrong predictions the error analysis lists per method.
const topTemplates = 5

// lengthBucket is the width of the target-length classes, in actions.
const lengthBucket = 8

// heldOutPhrases maps a canonical split to the phrase its test commands
// contain and its training commands lack (scan.Generate's rules). The
// template_right split, whose "x right" is no fixed phrase, and the
// simple and length splits, which hold out none, are absent.
var heldOutPhrases = map[string]string{
	scan.AddPrimJump:             "jump",
	scan.AddPrimTurnLeft:         "turn left",
	scan.TemplateOppositeRight:   "opposite right",
	scan.TemplateAroundRight:     "around right",
	scan.TemplateJumpAroundRight: "jump around right",
	"filler_num0":                "jump around right",
	"filler_num1":                "jump around right",
	"filler_num2":                "jump around right",
	"filler_num3":                "jump around right",
}

// heldOutPhrase returns the phrase split holds out, or "" for none.
func heldOutPhrase(split string) string {
	c, err := scan.Canonical(split)
	if err != nil {
		return ""
	}
	return heldOutPhrases[c]
}

// phraseCount returns the key "k× P": the number k of times the words of
// phrase P occur in a row in the command (at most 2 in SCAN: once per
// sentence). Where every test command has the phrase (as in add_jump),
// this separates the commands with it in one sentence from those with it
// in both.
func phraseCount(phrase string) breakdown.Key {
	ws := strings.Fields(phrase)
	return func(p outcomes.Prediction) (string, error) {
		c, k := strings.Fields(p.In), 0
		for i := 0; i+len(ws) <= len(c); i++ {
			if slices.Equal(c[i:i+len(ws)], ws) {
				k++
			}
		}
		return fmt.Sprintf("%d× %s", k, phrase), nil
	}
}

// errorKey is one partition of the test commands in the error analysis.
type errorKey struct {
	name    string // in errors.csv
	title   string // of its panel and first column
	heading string // of its table
	key     breakdown.Key
}

// errorKeys returns the partitions of the error analysis of split: form,
// relation, repetition, target length and, if the split holds out a
// phrase, its number of occurrences.
func errorKeys(split string) []errorKey {
	ks := []errorKey{
		{"form", "form", "form (top-level structure)", breakdown.Form},
		{"relation", "relation", "relation", breakdown.Relation},
		{"repetition", "repetition", "repetition", breakdown.Repetition},
		{"target_length", "target length (actions)", "target length (actions)", breakdown.TargetLength(lengthBucket)},
	}
	if p := heldOutPhrase(split); p != "" {
		ks = append(ks, errorKey{"held_out", "held-out “" + p + "”", "occurrences of the held-out “" + p + "”", phraseCount(p)})
	}
	return ks
}

// wrongOutput is one of a method's most frequent wrong outputs, over its
// seeds.
type wrongOutput struct {
	breakdown.WrongOutput                   // Count: predictions over all seeds; Example: the first command
	Target                string            // the target of Example
	Seeds                 int               // seeds that gave it
	Commands              []string          // the distinct commands that got it, in order of first occurrence
	Kinds                 []breakdown.Group // its predictions by kind of error, most frequent first
}

// rowErrors is the error analysis of one summary row, pooled over its
// seeds: each count is summed over the seeds.
type rowErrors struct {
	Cell, Method string
	Seeds        int
	All          breakdown.Group     // every test command
	By           [][]breakdown.Group // a class list per errorKeys entry
	Kinds        []breakdown.Group   // wrong predictions by breakdown.ErrorKind
	Places       []int               // wrong predictions by errorPlace, in placeOrder
	Templates    []breakdown.Group   // the topTemplates templates with the most wrong predictions
	Distinct     int                 // distinct wrong outputs
	Top          []wrongOutput       // the topWrongOutputs most frequent
}

// analyzeRow returns the error analysis of a row's predictions, one slice
// per seed in seed order; heldOut is the action of the held-out primitive
// ("" for none).
func analyzeRow(row Row, keys []errorKey, heldOut string, perSeed [][]outcomes.Prediction) (rowErrors, error) {
	e := rowErrors{Cell: row.Cell, Method: row.Method, Seeds: len(perSeed)}
	var all []outcomes.Prediction
	for _, ps := range perSeed {
		all = append(all, ps...)
	}
	for _, p := range all {
		e.All.Commands++
		if p.Correct() {
			e.All.Correct++
		}
	}
	e.All.Key = "all"
	for _, k := range keys {
		gs, err := breakdown.Accuracy(all, k.key)
		if err != nil {
			return rowErrors{}, fmt.Errorf("%s %s: %s: %w", row.Cell, row.Method, k.name, err)
		}
		e.By = append(e.By, gs)
	}
	e.Kinds = breakdown.Errors(all, heldOut)
	e.Places = errorPlaces(all)
	ts, err := breakdown.Accuracy(all, breakdown.Template)
	if err != nil {
		return rowErrors{}, fmt.Errorf("%s %s: template: %w", row.Cell, row.Method, err)
	}
	ts = slices.DeleteFunc(ts, func(g breakdown.Group) bool { return g.Correct == g.Commands })
	slices.SortStableFunc(ts, func(a, b breakdown.Group) int {
		return cmp.Compare(b.Commands-b.Correct, a.Commands-a.Correct)
	})
	e.Templates = ts[:min(topTemplates, len(ts))]
	e.Distinct = len(breakdown.TopWrong(all, 0, heldOut))
	for _, w := range breakdown.TopWrong(all, topWrongOutputs, heldOut) {
		e.Top = append(e.Top, describeWrong(w, perSeed, heldOut))
	}
	return e, nil
}

// describeWrong returns the seeds, commands and kinds of error of the
// wrong output w among the predictions perSeed.
func describeWrong(w breakdown.WrongOutput, perSeed [][]outcomes.Prediction, heldOut string) wrongOutput {
	o := wrongOutput{WrongOutput: w}
	var same []outcomes.Prediction
	listed := map[string]bool{}
	for _, ps := range perSeed {
		seen := false
		for _, p := range ps {
			if p.Correct() || p.Pred != w.Pred || p.EOS != w.EOS {
				continue
			}
			seen = true
			same = append(same, p)
			if p.In == w.Example {
				o.Target = p.Target
			}
			if !listed[p.In] {
				listed[p.In] = true
				o.Commands = append(o.Commands, p.In)
			}
		}
		if seen {
			o.Seeds++
		}
	}
	o.Kinds = breakdown.Errors(same, heldOut)
	slices.SortStableFunc(o.Kinds, func(a, b breakdown.Group) int { return cmp.Compare(b.Commands, a.Commands) })
	return o
}

// experimentErrors is the error analysis of an experiment: the rows with
// outcomes, in the order of the configuration's cells, then its methods,
// and those without.
type experimentErrors struct {
	Config  *config.Config
	Phrase  string // the split's held-out phrase, "" for none
	Keys    []errorKey
	Rows    []rowErrors
	Missing []Row // rows some of whose runs have no outcomes
}

// readErrors returns the error analysis of rows under l, from their runs'
// outcomes as withOutcomes read them (Row.Outcomes; a row without is
// missing) and test commands (runner.SplitParts).
func readErrors(c *config.Config, l runner.Layout, rows []Row) (*experimentErrors, error) {
	phrase := heldOutPhrase(c.Split)
	x := &experimentErrors{Config: c, Phrase: phrase, Keys: errorKeys(c.Split)}
	heldOut := ""
	if phrase != "" {
		heldOut = breakdown.HeldOutAction(phrase)
	}
	commands := map[uint64][]string{} // test commands by seed
	for _, row := range rows {
		if row.Outcomes == nil {
			x.Missing = append(x.Missing, row)
			continue
		}
		recs := row.Outcomes.Records
		order := make([]int, len(row.Runs))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(row.Runs[a].Seed, row.Runs[b].Seed) })
		var perSeed [][]outcomes.Prediction
		for _, i := range order {
			res := row.Runs[i]
			cs, ok := commands[res.Seed]
			if !ok {
				var err error
				if cs, err = testCommands(c, res.Seed); err != nil {
					return nil, err
				}
				commands[res.Seed] = cs
			}
			ps, err := recs[i].Predictions(cs)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", l.Outcomes(res.RunID), err)
			}
			perSeed = append(perSeed, ps)
		}
		e, err := analyzeRow(row, x.Keys, heldOut, perSeed)
		if err != nil {
			return nil, err
		}
		x.Rows = append(x.Rows, e)
	}
	rank := func(xs []string, x string) int {
		if i := slices.Index(xs, x); i >= 0 {
			return i
		}
		return len(xs)
	}
	slices.SortStableFunc(x.Rows, func(a, b rowErrors) int {
		return cmp.Or(cmp.Compare(rank(c.Cells, a.Cell), rank(c.Cells, b.Cell)), cmp.Compare(rank(c.Methods, a.Method), rank(c.Methods, b.Method)))
	})
	return x, nil
}

// testCommands returns the test commands of c for a seed, in the order of
// its runs' predictions and outcomes.
func testCommands(c *config.Config, seed uint64) ([]string, error) {
	_, _, test, err := runner.SplitParts(c, seed)
	if err != nil {
		return nil, err
	}
	cs := make([]string, len(test))
	for i, p := range test {
		cs[i] = strings.Join(p.Command, " ")
	}
	return cs, nil
}

// errorsFiles returns the files writeErrors writes for c under l:
// errors.csv, errors.md and the figure NAME_errors.png and .svg.
func errorsFiles(c *config.Config, l runner.Layout) (csv, md, figure string) {
	return filepath.Join(l.Dir(), "errors.csv"), filepath.Join(l.Dir(), "errors.md"),
		filepath.Join(l.Out, "plots", c.Name+"_errors")
}

// errorsPaths lists the files of errorsFiles.
func errorsPaths(c *config.Config, l runner.Layout) []string {
	csv, md, fig := errorsFiles(c, l)
	return []string{csv, md, fig + ".png", fig + ".svg"}
}

// writeErrors writes the error analysis of rows under l (errorsFiles) if
// any row's runs all have outcomes, and nothing otherwise.
func writeErrors(c *config.Config, l runner.Layout, rows []Row) error {
	x, err := readErrors(c, l, rows)
	if err != nil || len(x.Rows) == 0 {
		return err
	}
	csv, md, fig := errorsFiles(c, l)
	if err := atomicfile.WriteFile(csv, []byte(errorsCSV(x)), 0o644); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(md, []byte(errorsMarkdown(x)), 0o644); err != nil {
		return err
	}
	return plotErrors(x, fig)
}
