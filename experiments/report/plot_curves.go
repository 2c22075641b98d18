package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/seq2seq"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PlotCurves draws the validation accuracy while training, a row of panels
// per cell and a column per phase (see phaseOf): on the left the runs
// trained with the pretraining schedule, on the right, on its own
// 0…Tune.Iterations axis, the tuning of the pretrained model, where a
// zero-shot method is a point at step 0. A line is the mean over seeds with
// a ± one standard deviation band (cut at 0 and 1); a triangle marks each
// seed's selected (best-validation) step. A phase no row has gets no column.
// The tuning panels share a y axis that starts at the tenth below their
// lowest point. It writes base.png and base.svg.
func PlotCurves(c *config.Config, rows []Row, base string) error {
	cells := order(rows, func(r Row) string { return r.Cell })
	var phases []phase
	for _, ph := range []phase{fromScratch, tuned} {
		if slices.ContainsFunc(rows, func(r Row) bool { return phaseOf(r) == ph }) {
			phases = append(phases, ph)
		}
	}
	width := 2.2*vg.Inch + 3.4*vg.Inch*vg.Length(len(phases))
	height := 0.6*vg.Inch + 2.1*vg.Inch*vg.Length(len(cells))
	f := newFigure(c.Name+": validation accuracy while training (mean ± std over seeds)", width, height)
	thumbs := map[string][]plot.Thumbnailer{}
	var tunedPanels []*plot.Plot
	tunedMin := 1.0
	for i, cell := range cells {
		var panels []*plot.Plot
		for j, ph := range phases {
			p := newPanel(cell+": "+ph.title(), true)
			for _, r := range rows {
				if r.Cell != cell || phaseOf(r) != ph {
					continue
				}
				lowest, thumb, err := addCurve(p, r)
				if err != nil {
					return fmt.Errorf("%s %s: %w", cell, r.Method, err)
				}
				if _, ok := thumbs[r.Method]; !ok {
					thumbs[r.Method] = thumb
				}
				if ph == tuned {
					tunedMin = min(tunedMin, lowest)
				}
			}
			p.X.Min, p.X.Max = 0, float64(ph.iterations(c))
			p.X.Tick.Marker = thousands{}
			p.Y.Min, p.Y.Max = 0, 1
			if i == len(cells)-1 {
				p.X.Label.Text = ph.axis()
			}
			if j == 0 {
				p.Y.Label.Text = "validation accuracy"
			}
			if ph == tuned {
				tunedPanels = append(tunedPanels, p)
			}
			panels = append(panels, p)
		}
		f.panels = append(f.panels, panels)
	}
	for _, p := range tunedPanels {
		p.Y.Min = max(0, math.Floor(10*tunedMin)/10)
	}
	for _, m := range order(rows, func(r Row) string { return r.Method }) {
		f.legend.Add(m, thumbs[m]...)
	}
	f.legend.Add("selected step, each seed", &plotter.Scatter{GlyphStyle: selectedMark(color.White)})
	return f.save(base)
}

// A phase is a column of the curves figure.
type phase int

const (
	fromScratch phase = iota // trained with the pretraining schedule
	tuned                    // tuned from the pretrained model, or evaluated on it untuned
)

// phaseOf returns the column of r's curves: tuned for methods tuned from
// the pretrained model (TuneIterations > 0) or evaluated on it untuned (a
// single point at step 0), fromScratch for the rest (pretrained, and models
// trained from scratch with the pretraining schedule).
func phaseOf(r Row) phase {
	res := r.Runs[0]
	if res.TuneIterations > 0 || len(res.Curve) == 1 && res.Curve[0].Step == 0 {
		return tuned
	}
	return fromScratch
}

// title names the phase in a panel's title.
func (ph phase) title() string {
	if ph == tuned {
		return "tuned from the pretrained model"
	}
	return "trained from scratch"
}

// axis labels the phase's x axis.
func (ph phase) axis() string {
	if ph == tuned {
		return "tuning iteration"
	}
	return "pretraining iteration"
}

// iterations is the length of the phase's schedule in c.
func (ph phase) iterations(c *config.Config) int {
	if ph == tuned {
		return c.Tune.Iterations
	}
	return c.Pretrain.Iterations
}

// selectedMark is the glyph of a seed's selected step.
func selectedMark(c color.Color) draw.GlyphStyle {
	return draw.GlyphStyle{Color: c, Radius: vg.Points(3), Shape: triangleGlyph}
}

// addCurve adds r's seeds to p, in r's method colour: a curve, its band and
// the selected steps, or for a single evaluation at step 0, the mean as a
// dot with a ± std whisker. It returns the lowest accuracy it drew and the
// legend's thumbnail of r.
func addCurve(p *plot.Plot, r Row) (lowest float64, thumb []plot.Thumbnailer, err error) {
	col := MethodColor(r.Method)
	if phaseOf(r) == tuned && r.Runs[0].TuneIterations == 0 {
		at0 := make(plotter.XYs, len(r.Runs))
		for k, res := range r.Runs {
			at0[k].Y = res.Curve[0].ValAcc
		}
		mean, err := plotutil.NewErrorPoints(meanAndStd, at0)
		if err != nil {
			return 0, nil, err
		}
		whisker, err := plotter.NewYErrorBars(mean)
		if err != nil {
			return 0, nil, err
		}
		whisker.Color = col
		dot, err := plotter.NewScatter(mean)
		if err != nil {
			return 0, nil, err
		}
		dot.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(3.5), Shape: dotGlyph}
		p.Add(whisker, dot)
		return mean.XYs[0].Y - mean.YErrors[0].Low, []plot.Thumbnailer{dot}, nil
	}
	line, band, err := meanBand(r.Runs)
	if err != nil {
		return 0, nil, err
	}
	poly, err := plotter.NewPolygon(band)
	if err != nil {
		return 0, nil, err
	}
	cr, cg, cb, _ := col.RGBA()
	poly.Color = color.NRGBA{uint8(cr >> 8), uint8(cg >> 8), uint8(cb >> 8), 0x40}
	poly.LineStyle.Width = 0
	l, err := plotter.NewLine(line)
	if err != nil {
		return 0, nil, err
	}
	l.Color, l.Width = col, vg.Points(1.5)
	selected := make(plotter.XYs, len(r.Runs))
	for k, res := range r.Runs {
		selected[k] = plotter.XY{X: float64(res.BestStep), Y: res.BestValAcc}
	}
	marks, err := plotter.NewScatter(selected)
	if err != nil {
		return 0, nil, err
	}
	marks.GlyphStyle = selectedMark(col)
	p.Add(poly, l, marks)
	_, _, lowest, _ = poly.DataRange()
	return lowest, []plot.Thumbnailer{poly, l}, nil
}

// meanBand returns the mean over runs of their validation curves at the
// steps every curve has, and the polygon of the mean ± one standard
// deviation, cut at 0 and 1.
func meanBand(runs []*runner.Result) (mean, band plotter.XYs, err error) {
	var lo, hi plotter.XYs
	for _, q := range runs[0].Curve {
		var accs []float64
		for _, res := range runs {
			if k := slices.IndexFunc(res.Curve, func(p seq2seq.EvalPoint) bool { return p.Step == q.Step }); k >= 0 {
				accs = append(accs, res.Curve[k].ValAcc)
			}
		}
		if len(accs) < len(runs) {
			continue
		}
		m, s := meanStd(accs)
		x := float64(q.Step)
		mean = append(mean, plotter.XY{X: x, Y: m})
		lo = append(lo, plotter.XY{X: x, Y: max(0, m-s)})
		hi = append(hi, plotter.XY{X: x, Y: min(1, m+s)})
	}
	if len(mean) == 0 {
		return nil, nil, fmt.Errorf("no step is in every seed's curve")
	}
	slices.Reverse(lo)
	return mean, append(hi, lo...), nil
}

// thousands is plot.DefaultTicks with labels in thousands ("50k").
type thousands struct{}

// Ticks implements plot.Ticker.
func (thousands) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i, t := range ts {
		if t.Label != "" && math.Abs(t.Value) >= 1000 {
			ts[i].Label = strconv.FormatFloat(t.Value/1000, 'f', -1, 64) + "k"
		}
	}
	return ts
}
