package main

import (
	"io"
	"slices"

	"github.com/scan-equitune/equitune/internal/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// PlotAccuracy draws the test accuracy as bars grouped by cell, one colour
// per method, with ± one standard deviation over seeds.
func PlotAccuracy(c *Config, rows []Row, path string) error {
	p := plot.New()
	p.Title.Text = c.Name + ": test accuracy (mean ± std over seeds)"
	p.Y.Label.Text = "test accuracy (exact match)"
	p.Y.Min, p.Y.Max = 0, 1.3 // room for the legend above the bars
	p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 0.25}, {Value: 0.5, Label: "0.5"},
		{Value: 0.75}, {Value: 1, Label: "1"}})
	cells, methods := order(rows, func(r Row) string { return r.Cell }), order(rows, func(r Row) string { return r.Method })
	const groupWidth = 360.0 // points for all bars of one cell at the default size
	w := vg.Points(groupWidth / float64(len(cells)*len(methods)+len(cells)))
	for j, m := range methods {
		vals, errs := make(plotter.Values, len(cells)), make(plotter.Values, len(cells))
		for i, cell := range cells {
			for _, r := range rows {
				if r.Cell == cell && r.Method == m {
					vals[i], errs[i] = r.Mean, r.Std
				}
			}
		}
		b, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return err
		}
		off := w * vg.Length(float64(j)-float64(len(methods)-1)/2)
		b.Offset = off
		b.Color = plotutil.Color(j)
		b.LineStyle.Width = 0
		p.Add(b, &errBars{vals: vals, errs: errs, offset: off})
		p.Legend.Add(m, b)
	}
	p.Legend.Top = true
	p.NominalX(cells...)
	return savePNG(p, 7*vg.Inch, 4.5*vg.Inch, path)
}

// errBars draws ± errs around vals at x = index, shifted by offset on the
// canvas to sit on a bar of a grouped chart.
type errBars struct {
	vals, errs plotter.Values
	offset     vg.Length
}

func (e *errBars) Plot(c draw.Canvas, plt *plot.Plot) {
	trX, trY := plt.Transforms(&c)
	ls := draw.LineStyle{Width: vg.Points(1)}
	for i, v := range e.vals {
		if e.errs[i] == 0 {
			continue
		}
		x := trX(float64(i)) + e.offset
		lo, hi := trY(v-e.errs[i]), trY(v+e.errs[i])
		c.StrokeLine2(ls, x, lo, x, hi)
		c.StrokeLine2(ls, x-3, lo, x+3, lo)
		c.StrokeLine2(ls, x-3, hi, x+3, hi)
	}
}

// PlotCurves draws the validation accuracy against training iterations, one
// line per cell × method (mean over seeds). Tuning curves continue after the
// pretraining iterations; zero-shot methods are a single point there;
// gequivariant, trained from scratch, starts at 0 like pretrained.
func PlotCurves(c *Config, rows []Row, path string) error {
	p := plot.New()
	p.Title.Text = c.Name + ": validation accuracy (mean over seeds)"
	p.X.Label.Text = "iteration (pretraining, then tuning)"
	p.X.Min = 0
	p.Y.Label.Text = "validation accuracy"
	p.Y.Min, p.Y.Max = 0, 1.05
	p.Add(plotter.NewGrid())
	for i, r := range rows {
		xys := make(plotter.XYs, len(r.Curve))
		for k, q := range r.Curve {
			xys[k].X, xys[k].Y = float64(q.Step), q.ValAcc
			if r.Method != "pretrained" && r.Method != GEquivariant {
				xys[k].X += float64(c.Pretrain.Iterations)
			}
		}
		if len(xys) == 0 {
			continue
		}
		label := r.Cell + " " + r.Method
		if len(xys) == 1 {
			s, err := plotter.NewScatter(xys)
			if err != nil {
				return err
			}
			s.Color, s.Shape, s.Radius = plotutil.Color(i), plotutil.Shape(i), vg.Points(4)
			p.Add(s)
			p.Legend.Add(label, s)
			continue
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return err
		}
		l.Color, l.Dashes, l.Width = plotutil.Color(i), plotutil.Dashes(i/7), vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(label, l)
	}
	p.Legend.Top = false
	p.Legend.Left = false
	return savePNG(p, 8*vg.Inch, 5*vg.Inch, path)
}

// order returns the distinct keys of rows in order of appearance.
func order(rows []Row, key func(Row) string) []string {
	var ks []string
	for _, r := range rows {
		if k := key(r); !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	return ks
}

// savePNG renders p as a w×h PNG written atomically to path.
func savePNG(p *plot.Plot, w, h vg.Length, path string) error {
	wt, err := p.WriterTo(w, h, "png")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, 0o644, func(out io.Writer) error {
		_, err := wt.WriteTo(out)
		return err
	})
}
