package report

import (
	"fmt"
	"image/color"
	"slices"

	"github.com/scan-equitune/equitune/experiments/config"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PlotAccuracy draws the test accuracy of rows as bars grouped by cell, a
// colour per method (MethodColor): a bar is the mean over seeds, its whisker
// the row's 95% interval (Row.Interval) if every row has one, else ± one
// standard deviation (cut by the axis at 0 and 1), as the title says, and a
// dot on it is one seed's accuracy. It writes base.png and base.svg.
func PlotAccuracy(c *config.Config, rows []Row, base string) error {
	const width, height = 8 * vg.Inch, 4 * vg.Inch
	intervals := !slices.ContainsFunc(rows, func(r Row) bool { return r.Interval == nil })
	title := c.Name + ": test accuracy of the best-validation model (mean ± std over seeds)"
	if intervals {
		title = c.Name + ": test accuracy of the best-validation model (mean, 95% bootstrap interval over seeds × test commands)"
	}
	f := newFigure(title, width, height)
	p := newPanel("", false)
	p.Y.Label.Text = "test accuracy (exact match)"
	cells, methods := order(rows, func(r Row) string { return r.Cell }), order(rows, func(r Row) string { return r.Method })
	byKey := map[[2]string]Row{}
	for _, r := range rows {
		byKey[[2]string{r.Cell, r.Method}] = r
	}
	// The bars of a cell fill 80% of its share of the data area, which is
	// the figure less about 2.6 inches of axis, legend and margins, but a
	// bar is at most 0.4 inches wide.
	bw := min(0.4*vg.Inch, 0.8*(width-2.6*vg.Inch)/vg.Length(len(cells)*len(methods)))
	for j, m := range methods {
		off := bw * vg.Length(float64(j)-float64(len(methods)-1)/2)
		var thumb plot.Thumbnailer
		for i, cell := range cells {
			r, ok := byKey[[2]string{cell, m}]
			if !ok {
				continue
			}
			ps, err := accuracyBar(i, r, bw, off, intervals)
			if err != nil {
				return fmt.Errorf("%s %s: %w", cell, m, err)
			}
			p.Add(ps...)
			thumb = ps[0].(plot.Thumbnailer)
		}
		f.legend.Add(m, thumb)
	}
	f.legend.Add("one seed", &plotter.Scatter{GlyphStyle: seedDot})
	p.X.Min, p.X.Max = -0.5, float64(len(cells))-0.5
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 0.2, Label: "0.2"},
		{Value: 0.4, Label: "0.4"}, {Value: 0.6, Label: "0.6"}, {Value: 0.8, Label: "0.8"}, {Value: 1, Label: "1"}})
	p.NominalX(cells...)
	p.X.Tick.Label.Font.Size = 11
	f.panels = [][]*plot.Plot{{p}}
	return f.save(base)
}

// seedDot is the glyph of one seed's accuracy.
var seedDot = draw.GlyphStyle{Color: color.White, Radius: vg.Points(2.2), Shape: dotGlyph}

// accuracyBar returns the plotters of row r drawn at category x, moved by
// off: its bar (first), its whisker (its interval if interval, else ± one
// std) and a dot per seed, spread across the bar's width bw.
func accuracyBar(x int, r Row, bw, off vg.Length, interval bool) ([]plot.Plotter, error) {
	seeds := make(plotter.XYs, len(r.Runs))
	for k, res := range r.Runs {
		seeds[k] = plotter.XY{X: float64(x), Y: res.TestAcc}
	}
	mean, err := plotutil.NewErrorPoints(meanAndStd, seeds)
	if err != nil {
		return nil, err
	}
	if interval {
		m := mean.XYs[0].Y
		mean.YErrors[0].Low, mean.YErrors[0].High = max(0, m-r.Interval.Lo), max(0, r.Interval.Hi-m)
	}
	b, err := plotter.NewBarChart(plotter.Values{mean.XYs[0].Y}, bw)
	if err != nil {
		return nil, err
	}
	b.XMin, b.Offset, b.Color, b.LineStyle.Width = float64(x), off, MethodColor(r.Method), 0
	whisker, err := plotter.NewYErrorBars(mean)
	if err != nil {
		return nil, err
	}
	whisker.CapWidth = bw / 2
	ps := []plot.Plotter{b, shifted{whisker, off}}
	step := bw / vg.Length(len(seeds)+1)
	for k := range seeds {
		s, err := plotter.NewScatter(seeds[k : k+1])
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = seedDot
		ps = append(ps, shifted{s, off + step*vg.Length(float64(k)-float64(len(seeds)-1)/2)})
	}
	return ps, nil
}

// meanAndStd is meanStd as a plotutil.NewErrorPoints summary: the mean,
// less and plus one standard deviation.
func meanAndStd(xs []float64) (mean, low, high float64) {
	mean, std := meanStd(xs)
	return mean, std, std
}

// shifted draws a plotter moved right by dx on the canvas, as
// plotter.BarChart's Offset moves a bar.
type shifted struct {
	plot.Plotter
	dx vg.Length
}

// Plot implements plot.Plotter.
func (s shifted) Plot(c draw.Canvas, p *plot.Plot) {
	c.Min.X += s.dx
	c.Max.X += s.dx
	s.Plotter.Plot(c, p)
}
