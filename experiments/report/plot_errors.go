package report

import (
	"fmt"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// errorDot is the glyph of a method's accuracy on a class.
var errorDot = draw.GlyphStyle{Radius: vg.Points(3), Shape: dotGlyph}

// plotErrors draws the error analysis x as small multiples: a column per
// cell and a row per key (errorKeys), each panel the accuracy of every
// method (a dot in its colour, MethodColor, side by side) on each class
// of the key, pooled over seeds, joined by a line across the ordered
// target lengths; under a class's name, its commands per seed. It writes
// base.png and base.svg.
func plotErrors(x *experimentErrors, base string) error {
	cells := order(rowsOf(x.Rows), func(r Row) string { return r.Cell })
	methods := configOrder(x.Config.Methods, order(rowsOf(x.Rows), func(r Row) string { return r.Method }))
	if len(cells) == 0 {
		return fmt.Errorf("%s: no outcomes to plot", x.Config.Name)
	}
	width := 0.9*vg.Inch + 3.6*vg.Inch*vg.Length(len(cells)) + 1.6*vg.Inch
	height := 0.8*vg.Inch + 1.9*vg.Inch*vg.Length(len(x.Keys))
	seeds := 0
	for _, e := range x.Rows {
		seeds = max(seeds, e.Seeds)
	}
	f := newFigure(fmt.Sprintf("%s: test accuracy by class of command (exact match; correct/commands pooled over %s)\n"+
		"under each class: its test commands per seed", x.Config.Name, plural(seeds, "seed")), width, height)
	for _, m := range methods {
		g := errorDot
		g.Color = MethodColor(m)
		f.legend.Add(m, &plotter.Scatter{GlyphStyle: g})
	}
	for i, k := range x.Keys {
		var row []*plot.Plot
		for j, cell := range cells {
			var es []rowErrors
			for _, e := range x.Rows {
				if e.Cell == cell {
					es = append(es, e)
				}
			}
			p, err := errorPanel(es, methods, i, k.name == "target_length")
			if err != nil {
				return fmt.Errorf("%s %s: %w", cell, k.name, err)
			}
			if i == 0 {
				p.Title.Text = cell
			}
			if j == 0 {
				p.Y.Label.Text = k.title
			}
			row = append(row, p)
		}
		f.panels = append(f.panels, row)
	}
	return f.save(base)
}

// configOrder returns the names of present in the order of listed, then
// those listed lacks in their own order.
func configOrder(listed, present []string) []string {
	var out []string
	for _, n := range listed {
		if slices.Contains(present, n) {
			out = append(out, n)
		}
	}
	for _, n := range present {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// plural returns "n word" or "n words".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// errorPanel returns the panel of key i for the rows es of one cell: the
// classes along x, labelled with their commands per seed, and a dot per
// method, side by side within the class, joined by a line in its colour if
// the classes are ordinal.
func errorPanel(es []rowErrors, methods []string, i int, ordinal bool) (*plot.Plot, error) {
	p := newPanel("", false)
	var classes, labels []string
	for _, e := range es {
		for _, g := range e.By[i] {
			if !slices.Contains(classes, g.Key) {
				classes = append(classes, g.Key)
				labels = append(labels, classLabel(g.Key)+"\n"+perSeed(g.Commands, e.Seeds))
			}
		}
	}
	w := min(0.12, 0.7/float64(len(methods))) // the step between methods, in classes
	for j, m := range methods {
		k := slices.IndexFunc(es, func(e rowErrors) bool { return e.Method == m })
		if k < 0 {
			continue
		}
		var xys plotter.XYs
		for _, g := range es[k].By[i] {
			x := float64(slices.Index(classes, g.Key)) + w*(float64(j)-float64(len(methods)-1)/2)
			xys = append(xys, plotter.XY{X: x, Y: g.Acc()})
		}
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = errorDot
		s.GlyphStyle.Color = MethodColor(m)
		if ordinal {
			l, err := plotter.NewLine(xys)
			if err != nil {
				return nil, err
			}
			l.Color, l.Width = MethodColor(m), vg.Points(1)
			p.Add(l)
		}
		p.Add(s)
	}
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.5, float64(len(classes))-0.5
	p.Y.Min, p.Y.Max = 0, 1
	p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{{Value: 0, Label: "0"}, {Value: 0.2, Label: "0.2"},
		{Value: 0.4, Label: "0.4"}, {Value: 0.6, Label: "0.6"}, {Value: 0.8, Label: "0.8"}, {Value: 1, Label: "1"}})
	return p, nil
}

// classLabel is a class's tick label: a length bucket without its
// leading zeros ("1-8" for "01-08").
func classLabel(key string) string {
	a, b, ok := strings.Cut(key, "-")
	if !ok || strings.Trim(a+b, "0123456789") != "" {
		return key
	}
	return strings.TrimLeft(a, "0") + "-" + strings.TrimLeft(b, "0")
}
