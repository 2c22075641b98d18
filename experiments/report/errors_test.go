package report

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/breakdown"
	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/scan"
	"gonum.org/v1/plot/cmpimg"
)

// hand returns the prediction pred (with an EOS) of command c.
func hand(t *testing.T, c, pred string) outcomes.Prediction {
	t.Helper()
	a, err := scan.Interpret(strings.Fields(c))
	if err != nil {
		t.Fatal(err)
	}
	tgt := strings.Join(a, " ")
	if pred == "=" {
		pred = tgt
	}
	return outcomes.Prediction{In: c, Target: tgt, Pred: pred, EOS: true}
}

// TestAnalyzeRowByHand checks the pooled counts of two seeds of three
// commands against counts made by hand.
func TestAnalyzeRowByHand(t *testing.T) {
	perSeed := [][]outcomes.Prediction{
		{hand(t, "jump twice", "="), hand(t, "walk and jump", "I_WALK I_WALK"), hand(t, "jump around left", "I_TURN_LEFT I_JUMP")},
		{hand(t, "jump twice", "I_WALK I_WALK"), hand(t, "walk and jump", "I_WALK I_WALK"), hand(t, "jump around left", "=")},
	}
	keys := errorKeys("add_jump")
	e, err := analyzeRow(Row{Cell: "lstm", Method: "equitune"}, keys, "I_JUMP", perSeed)
	if err != nil {
		t.Fatal(err)
	}
	g := func(k string, n, c int) breakdown.Group { return breakdown.Group{Key: k, Commands: n, Correct: c} }
	want := [][]breakdown.Group{
		{g("S", 4, 2), g("S and S", 2, 0)},
		{g("plain", 4, 1), g("around", 2, 1)},
		{g("once", 4, 1), g("twice", 2, 1)},
		{g("01-08", 6, 2)},
		{g("1× jump", 6, 2)},
	}
	if e.Seeds != 2 || e.All != g("all", 6, 2) || !reflect.DeepEqual(e.By, want) {
		t.Errorf("seeds %d, all %+v, by %+v; want 2, 6 commands 2 correct, %+v", e.Seeds, e.All, e.By, want)
	}
	if want := []int{2, 0, 2, 0}; !slices.Equal(e.Places, want) {
		t.Errorf("places %v, want %v", e.Places, want)
	}
	if wantKinds := []breakdown.Group{g(breakdown.HeldOutReplaced, 3, 0), g(breakdown.TooShort, 1, 0)}; !reflect.DeepEqual(e.Kinds, wantKinds) {
		t.Errorf("kinds %+v, want %+v", e.Kinds, wantKinds)
	}
	if wantTmpl := []breakdown.Group{g("x and x", 2, 0), g("x around D", 2, 1), g("x twice", 2, 1)}; !reflect.DeepEqual(e.Templates, wantTmpl) {
		t.Errorf("templates %+v, want %+v", e.Templates, wantTmpl)
	}
	wantTop := []wrongOutput{
		{WrongOutput: breakdown.WrongOutput{Pred: "I_WALK I_WALK", EOS: true, Count: 3, Example: "walk and jump", Kind: breakdown.HeldOutReplaced},
			Target: "I_WALK I_JUMP", Seeds: 2, Commands: []string{"walk and jump", "jump twice"},
			Kinds: []breakdown.Group{g(breakdown.HeldOutReplaced, 3, 0)}},
		{WrongOutput: breakdown.WrongOutput{Pred: "I_TURN_LEFT I_JUMP", EOS: true, Count: 1, Example: "jump around left", Kind: breakdown.TooShort},
			Target: "I_TURN_LEFT I_JUMP I_TURN_LEFT I_JUMP I_TURN_LEFT I_JUMP I_TURN_LEFT I_JUMP", Seeds: 1, Commands: []string{"jump around left"},
			Kinds: []breakdown.Group{g(breakdown.TooShort, 1, 0)}},
	}
	if e.Distinct != 2 || !reflect.DeepEqual(e.Top, wantTop) {
		t.Errorf("%d distinct, top %+v; want 2, %+v", e.Distinct, e.Top, wantTop)
	}
}

func TestErrorPlace(t *testing.T) {
	lJ := strings.Repeat("I_TURN_LEFT I_JUMP ", 12)
	for _, tc := range []struct{ c, pred, want string }{
		{"walk and jump twice", "I_WALK I_JUMP", placeBoundary},                                               // i = 2, L = 1
		{"jump around left thrice and walk", strings.TrimSpace(lJ), placeBoundary},                            // i = 24 = L
		{"jump around left thrice and walk", "I_TURN_RIGHT I_JUMP", placeFirst},                               // i = 0 < L−2 = 22
		{"walk after jump around left thrice", lJ + "I_RUN", placeBoundary},                                   // the right sentence is done first
		{"walk twice and jump around left thrice", "I_WALK I_WALK " + lJ[:len(lJ)-7] + "I_WALK", placeSecond}, // i = 25 > L+1 = 3
		{"jump twice", "I_JUMP", placeSingle},
		{"jump twice", "=", ""},
	} {
		if got := errorPlace(hand(t, tc.c, tc.pred)); got != tc.want {
			t.Errorf("errorPlace(%q, %q) = %q, want %q", tc.c, tc.pred, got, tc.want)
		}
	}
}

func TestConfigOrder(t *testing.T) {
	got := configOrder([]string{"pretrained", "finetune", "equitune"}, []string{"equitune", "extra", "pretrained"})
	if want := []string{"pretrained", "equitune", "extra"}; !slices.Equal(got, want) {
		t.Errorf("configOrder = %v, want %v", got, want)
	}
}

func TestPhraseCount(t *testing.T) {
	for _, tc := range []struct{ phrase, c, want string }{
		{"jump", "walk twice", "0× jump"},
		{"jump", "jump left after walk", "1× jump"},
		{"jump", "jump and jump opposite left", "2× jump"},
		{"around right", "jump around right after run around right", "2× around right"},
		{"around right", "jump around left and run right", "0× around right"},
		{"turn left", "turn left twice and turn opposite left", "1× turn left"},
	} {
		if got, err := phraseCount(tc.phrase)(outcomes.Prediction{In: tc.c}); err != nil || got != tc.want {
			t.Errorf("phraseCount(%q)(%q) = %q, %v; want %q", tc.phrase, tc.c, got, err, tc.want)
		}
	}
}

// TestHeldOutPhrases checks the held-out phrase of each split against its
// definition in package scan: every test command has it, no training
// command but the bare primitive of addprim_* does.
func TestHeldOutPhrases(t *testing.T) {
	for _, name := range scan.SplitNames() {
		phrase := heldOutPhrase(name)
		if phrase == "" {
			continue
		}
		train, test, err := scan.Generate(name, 0)
		if err != nil {
			t.Fatal(err)
		}
		key := phraseCount(phrase)
		count := func(p scan.Pair) string {
			k, _ := key(outcomes.Prediction{In: strings.Join(p.Command, " ")})
			return k
		}
		for _, p := range test {
			if count(p) == "0× "+phrase {
				t.Errorf("%s: test command %q lacks %q", name, strings.Join(p.Command, " "), phrase)
				break
			}
		}
		for _, p := range train {
			if strings.Join(p.Command, " ") != phrase && count(p) != "0× "+phrase {
				t.Errorf("%s: training command %q has %q", name, strings.Join(p.Command, " "), phrase)
				break
			}
		}
	}
	if heldOutPhrase("simple") != "" || heldOutPhrase("add_jump") != "jump" || heldOutPhrase("around_right") != "around right" {
		t.Error("heldOutPhrase of simple, add_jump, around_right")
	}
}

// TestLetters checks errors.md's action letters against outcomes.json's
// legend.
func TestLetters(t *testing.T) {
	rec, err := outcomes.FromPredictions(nil)
	if err != nil {
		t.Fatal(err)
	}
	var legend []string
	for i, a := range scan.Actions {
		legend = append(legend, a+"="+letters(a))
		if letters(a) != actionLetters[i:i+1] {
			t.Errorf("letters(%s) = %q", a, letters(a))
		}
	}
	if strings.Join(legend, " ") != rec.Actions {
		t.Errorf("legend %q, outcomes' %q", strings.Join(legend, " "), rec.Actions)
	}
	if letters("") != "(none)" || letters("I_JUMP I_TURN_LEFT I_JUMP") != "JlJ" {
		t.Error("letters of no action or of three")
	}
}

// errorsConfig is the experiment of the synthetic error analysis.
const errorsConfig = `name = "errs"
split = "add_jump"
seeds = [0, 1]
cells = ["gru", "lstm"]
methods = ["pretrained", "equitune"]
`

// synthPrediction is the synthetic output of a method for test command p:
// equitune drops the last action of "around right thrice after" commands
// and, on seed 1 and the lstm, runs instead of jumping in "jump opposite
// left twice"; pretrained never ends the longest outputs, outputs two
// walks for a command with "and" and otherwise walks instead of jumping.
func synthPrediction(cell, method string, seed uint64, p scan.Pair) outcomes.Prediction {
	c, tgt := strings.Join(p.Command, " "), strings.Join(p.Actions, " ")
	o := outcomes.Prediction{In: c, Target: tgt, Pred: tgt, EOS: true}
	switch {
	case method == "equitune" && strings.Contains(c, "around right thrice after"):
		o.Pred = strings.Join(p.Actions[:len(p.Actions)-1], " ")
	case method == "equitune" && seed == 1 && cell == "lstm" && strings.Contains(c, "jump opposite left twice"):
		o.Pred = strings.ReplaceAll(tgt, "I_JUMP", "I_RUN")
	case method == "equitune":
	case len(p.Actions) > 40:
		o.Pred, o.EOS = strings.Join(p.Actions[:len(p.Actions)-1], " "), false
	case slices.Contains(p.Command, "and"):
		o.Pred = "I_WALK I_WALK"
	default:
		o.Pred = strings.ReplaceAll(tgt, "I_JUMP", "I_WALK")
	}
	return o
}

// writeErrorsTree writes the results of errorsConfig under a new output
// root, with outcomes (synthPrediction) for every run but those skip
// names, and returns its config and layout.
func writeErrorsTree(t *testing.T, skip ...string) (*config.Config, runner.Layout) {
	t.Helper()
	c, err := config.Parse([]byte(errorsConfig), "errs.toml")
	if err != nil {
		t.Fatal(err)
	}
	l := runner.Layout{Out: t.TempDir(), Experiment: c.Name}
	for _, r := range runner.Expand(c) {
		if r.Method == runner.Pretrain {
			continue
		}
		_, _, test, err := runner.SplitParts(c, r.Seed)
		if err != nil {
			t.Fatal(err)
		}
		ps := make([]outcomes.Prediction, len(test))
		right := 0
		for i, p := range test {
			ps[i] = synthPrediction(r.Cell, r.Method, r.Seed, p)
			if ps[i].Correct() {
				right++
			}
		}
		writeResult(t, c, l, r, float64(right)/float64(len(ps)))
		if slices.Contains(skip, r.ID()) {
			continue
		}
		rec, err := outcomes.FromPredictions(ps)
		if err != nil {
			t.Fatal(err)
		}
		if err := rec.Write(l.Outcomes(r.ID())); err != nil {
			t.Fatal(err)
		}
	}
	return c, l
}

// TestErrorsGolden writes the summary of a synthetic results tree with
// outcomes and checks errors.csv, errors.md and the figure against their
// golden files (-update rewrites them).
func TestErrorsGolden(t *testing.T) {
	c, l := writeErrorsTree(t)
	if _, rejected, err := WriteSummary(c, l); err != nil || len(rejected) > 0 {
		t.Fatal(err, rejected)
	}
	csv, md, fig := errorsFiles(c, l)
	for _, f := range []struct{ path, golden string }{{csv, "errors.csv.golden"}, {md, "errors.md.golden"}} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		checkGoldenText(t, f.golden, string(b))
	}
	png, err := os.ReadFile(fig + ".png")
	if err != nil {
		t.Fatal(err)
	}
	checkGoldenFigure(t, "errors", png)
	if svg, err := os.ReadFile(fig + ".svg"); err != nil || !bytes.Contains(svg, []byte("<svg")) {
		t.Errorf("%s.svg: %v, want an SVG document", fig, err)
	}
}

// TestErrorsDeterministic checks that two summaries of one results tree
// write the same error analysis, byte for byte.
func TestErrorsDeterministic(t *testing.T) {
	c, l := writeErrorsTree(t)
	read := func() [][]byte {
		if _, _, err := WriteSummary(c, l); err != nil {
			t.Fatal(err)
		}
		var bs [][]byte
		for _, p := range errorsPaths(c, l) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			bs = append(bs, b)
		}
		return bs
	}
	if a, b := read(), read(); !reflect.DeepEqual(a, b) {
		t.Error("a second summary wrote another error analysis")
	}
}

// TestErrorsPartialOutcomes checks that a row with a run without outcomes
// is left out and named, and the others analysed.
func TestErrorsPartialOutcomes(t *testing.T) {
	c, l := writeErrorsTree(t, "addprim_jump-gru-s1-pretrained")
	if _, _, err := WriteSummary(c, l); err != nil {
		t.Fatal(err)
	}
	csv, md, _ := errorsFiles(c, l)
	b, err := os.ReadFile(md)
	if err != nil || !bytes.Contains(b, []byte("- gru pretrained: left out, a run has no outcomes.")) {
		t.Errorf("errors.md (%v) does not name the row left out:\n%.400s", err, b)
	}
	b, err = os.ReadFile(csv)
	if err != nil || bytes.Contains(b, []byte("gru,pretrained")) || !bytes.Contains(b, []byte("gru,equitune,2,all,all,15412,")) {
		t.Errorf("errors.csv (%v):\n%.400s", err, b)
	}
}

// TestErrorsFigureShowsChanges checks that the golden image catches a
// change of one class's accuracy.
func TestErrorsFigureShowsChanges(t *testing.T) {
	c, l := writeErrorsTree(t)
	rs, _, err := runner.ReadResults(c, l, runner.Expand(c))
	if err != nil {
		t.Fatal(err)
	}
	rows := summarize(rs)
	if err := withOutcomes(c.Name, l, rows); err != nil {
		t.Fatal(err)
	}
	x, err := readErrors(c, l, rows)
	if err != nil {
		t.Fatal(err)
	}
	x.Rows[3].By[1][2].Correct -= 500 // lstm equitune, around
	_, _, fig := errorsFiles(c, l)
	if err := os.MkdirAll(filepath.Dir(fig), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := plotErrors(x, fig); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(fig + ".png")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(goldenFigure("errors"))
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := cmpimg.Equal("png", got, want); err != nil || ok {
		t.Errorf("a changed accuracy drew the golden image (err %v)", err)
	}
}

// TestAggregateCommitted aggregates copies of committed results, those of
// add_jump_quick without outcomes, the others with: every file of the copy,
// the summary, comparisons, error analysis and figures rewritten, stays
// byte-identical, and results without outcomes get no error analysis.
func TestAggregateCommitted(t *testing.T) {
	for _, name := range []string{"add_jump_quick", "add_jump", "around_right"} {
		t.Run(name, func(t *testing.T) { checkAggregateUnchanged(t, name) })
	}
}

// checkAggregateUnchanged writes the summary of a copy of the committed
// results and plots of the built-in experiment name and checks that it
// adds no file and changes none.
func checkAggregateUnchanged(t *testing.T, name string) {
	c, err := config.Load(name + ".toml")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join("..", "..")
	out := t.TempDir()
	want := map[string][]byte{}
	copyInto := func(src, rel string) {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		want[rel] = b
		if err := os.MkdirAll(filepath.Dir(filepath.Join(out, rel)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, rel), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join("results", c.Name)
	err = filepath.WalkDir(filepath.Join(root, dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		copyInto(p, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	plots, _ := filepath.Glob(filepath.Join(root, "plots", c.Name+"_*"))
	for _, p := range plots {
		copyInto(p, filepath.Join("plots", filepath.Base(p)))
	}
	l := runner.Layout{Out: out, Experiment: c.Name}
	if _, rejected, err := WriteSummary(c, l); err != nil || len(rejected) > 0 {
		t.Fatal(err, rejected)
	}
	if name == "add_jump_quick" {
		for _, p := range errorsPaths(c, l) {
			if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s was written (%v)", p, err)
			}
		}
	}
	got := map[string][]byte{}
	for _, top := range []string{"results", "plots"} {
		_ = filepath.WalkDir(filepath.Join(out, top), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(out, p)
				if !strings.HasPrefix(rel, filepath.Join("results", ".cache")) {
					got[rel], _ = os.ReadFile(p)
				}
			}
			return err
		})
	}
	for rel, b := range want {
		if !bytes.Equal(got[rel], b) {
			t.Errorf("%s changed", rel)
		}
	}
	for rel := range got {
		if _, ok := want[rel]; !ok {
			t.Errorf("%s was added", rel)
		}
	}
}
