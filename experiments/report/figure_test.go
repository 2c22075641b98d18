package report

import (
	"bytes"
	"cmp"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/seq2seq"
	"gonum.org/v1/plot/cmpimg"
)

// figureConfig is the experiment of figureResults.
var figureConfig = &config.Config{Name: "figures", Pretrain: config.ScheduleConfig{Iterations: 1000}, Tune: config.ScheduleConfig{Iterations: 200}}

// figureResults returns a small fixed set of results: two cells, three
// seeds, and every kind of method: curves over the pretraining schedule
// (pretrained, gequivariant), curves over the tuning schedule (finetune,
// equitune, and equitune_mixture, which is not registered and has no
// colour of its own), and a single evaluation at step 0 (equizero).
func figureResults() []*runner.Result {
	var rs []*runner.Result
	for c, cell := range []string{"gru", "lstm"} {
		for seed := range 3 {
			for m, method := range []string{"pretrained", "finetune", "equitune", "equitune_mixture", "equizero", config.GEquivariant} {
				r := &runner.Result{Split: "addprim_jump", Cell: cell, Method: method, Seed: uint64(seed)}
				wobble := func(step int) float64 { return 0.02 * math.Sin(float64(step*(seed+1)+m)) }
				start, top := 0.5+0.05*float64(m), 0.9+0.02*float64(c)+0.01*float64(seed)
				switch method {
				case "pretrained", config.GEquivariant:
					start, top = 0.1, top-0.1*float64(5-m)/5
					r.Curve = synthCurve(100, 1000, func(s int) float64 { return top - (top-start)*math.Exp(-float64(s)/250) + wobble(s) })
				case "equizero":
					r.Curve = []seq2seq.EvalPoint{{Step: 0, ValAcc: 0.8 + wobble(0)}}
				default:
					r.TuneIterations = 200
					r.Curve = synthCurve(20, 200, func(s int) float64 { return top - (top-start)*math.Exp(-float64(s)/60) + wobble(s) })
				}
				best := slices.MaxFunc(r.Curve, func(a, b seq2seq.EvalPoint) int { return cmp.Compare(a.ValAcc, b.ValAcc) })
				r.BestStep, r.BestValAcc = best.Step, best.ValAcc
				r.TestAcc = max(0, min(1, float64(m)*0.18-0.1+0.04*float64(c)+0.06*float64(seed-1)*float64(m%2)))
				rs = append(rs, r)
			}
		}
	}
	return rs
}

// synthCurve evaluates f every eval steps up to iterations.
func synthCurve(eval, iterations int, f func(step int) float64) []seq2seq.EvalPoint {
	var c []seq2seq.EvalPoint
	for s := eval; s <= iterations; s += eval {
		c = append(c, seq2seq.EvalPoint{Step: s, ValAcc: max(0, min(1, f(s)))})
	}
	return c
}

// figureCases are the figures checked against golden images, each drawn from
// figureResults less the methods it leaves out.
var figureCases = []struct {
	name string
	plot func(*config.Config, []Row, string) error
	omit []string
}{
	{"accuracy", PlotAccuracy, nil},
	{"curves", PlotCurves, nil},
	{"curves_from_scratch", PlotCurves, []string{"finetune", "equitune", "equitune_mixture", "equizero"}},
}

// drawFigure draws figure case i of rs into dir and returns its PNG.
func drawFigure(t *testing.T, i int, rs []*runner.Result, dir string) []byte {
	t.Helper()
	tc := figureCases[i]
	rs = slices.DeleteFunc(slices.Clone(rs), func(r *runner.Result) bool { return slices.Contains(tc.omit, r.Method) })
	base := filepath.Join(dir, tc.name)
	if err := tc.plot(figureConfig, summarize(rs), base); err != nil {
		t.Fatal(err)
	}
	svg, err := os.ReadFile(base + ".svg")
	if err != nil || !bytes.Contains(svg, []byte("<svg")) {
		t.Errorf("%s.svg: %v, want an SVG document", base, err)
	}
	png, err := os.ReadFile(base + ".png")
	if err != nil {
		t.Fatal(err)
	}
	return png
}

// goldenFigure is the path of figure case tc's golden image.
func goldenFigure(name string) string { return filepath.Join("testdata", "figure_"+name+".png") }

// TestFiguresGolden draws each kind of figure from figureResults and
// compares it pixel by pixel with its golden image; -update rewrites them.
func TestFiguresGolden(t *testing.T) {
	for i, tc := range figureCases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			checkGoldenFigure(t, tc.name, drawFigure(t, i, figureResults(), dir))
		})
	}
}

// checkGoldenFigure compares the PNG got with the golden image of figure
// name pixel by pixel; -update rewrites the golden image.
func checkGoldenFigure(t *testing.T, name string, got []byte) {
	t.Helper()
	golden := goldenFigure(name)
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := cmpimg.Equal("png", got, want); err != nil {
		t.Fatal(err)
	} else if !ok {
		kept := filepath.Join(os.TempDir(), "experiments_figure_"+name+".png")
		_ = os.WriteFile(kept, got, 0o644)
		t.Errorf("%s differs from %s (new image at %s; rerun with -update to accept it)", name, golden, kept)
	}
}

// TestFiguresShowChanges checks that the golden images catch a change of
// content: one seed's test accuracy, one point of one seed's curve.
func TestFiguresShowChanges(t *testing.T) {
	for i, tc := range figureCases {
		t.Run(tc.name, func(t *testing.T) {
			rs := figureResults()
			for _, r := range rs {
				if r.Cell == "lstm" && r.Seed == 1 && r.Method == "pretrained" {
					r.TestAcc += 0.1
					r.Curve[3].ValAcc -= 0.1
				}
			}
			got := drawFigure(t, i, rs, t.TempDir())
			want, err := os.ReadFile(goldenFigure(tc.name))
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := cmpimg.Equal("png", got, want); err != nil || ok {
				t.Errorf("changed results drew the golden image (err %v)", err)
			}
		})
	}
}

// ExamplePlotAccuracy writes a figure as PNG, to look at, and SVG, for
// papers.
func ExamplePlotAccuracy() {
	dir, err := os.MkdirTemp("", "figures")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	rows := summarize(figureResults())
	if err := PlotAccuracy(figureConfig, rows, filepath.Join(dir, "figures_accuracy")); err != nil {
		panic(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	for _, f := range files {
		fmt.Println(filepath.Base(f))
	}
	// Output:
	// figures_accuracy.png
	// figures_accuracy.svg
}
