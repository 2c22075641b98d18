package report

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Colours of the atlas heatmap: a tile of value v is white mixed with its
// column's colour in proportion v.
var (
	accuracyColor = MethodColor("equitune")             // test accuracy
	coverageColor = MethodColor("equizero")             // test coverage
	missingColor  = color.NRGBA{0xee, 0xee, 0xee, 0xff} // no result
)

// groupColors fixes the colour of each group in the gain scatter (Okabe
// and Ito's palette); another group is drawn black.
var groupColors = map[string]color.Color{
	"verb":           color.NRGBA{0x00, 0x72, 0xb2, 0xff}, // blue
	"direction":      color.NRGBA{0xd5, 0x5e, 0x00, 0xff}, // vermillion
	"verb4":          color.NRGBA{0x00, 0x9e, 0x73, 0xff}, // bluish green
	"verb×direction": color.NRGBA{0xcc, 0x79, 0xa7, 0xff}, // reddish purple
}

// cellGlyphs are the glyphs of the cells in the gain scatter, in order of
// appearance.
var cellGlyphs = []draw.GlyphDrawer{dotGlyph, triangleGlyph, outlined{draw.BoxGlyph{}, draw.SquareGlyph{}}}

// atlasColumn is a column of the heatmap: the test coverage of a group, or
// the test accuracy of a method under a group.
type atlasColumn struct {
	label, group, method string // method "" for coverage
}

// atlasColumns returns the heatmap's columns: the coverage of every
// non-trivial group, then each group's methods (AtlasMethods).
func atlasColumns(groups []string) []atlasColumn {
	var cols []atlasColumn
	for _, g := range groups[1:] {
		cols = append(cols, atlasColumn{label: "coverage · " + g, group: g})
	}
	for i, g := range groups {
		for _, m := range AtlasMethods(g) {
			label := m
			if i > 0 {
				label += " · " + g
			}
			cols = append(cols, atlasColumn{label: label, group: g, method: m})
		}
	}
	return cols
}

// cells returns the cells of a's rows in order of appearance.
func (a *Atlas) cells() []string {
	var cs []string
	for _, split := range a.Splits {
		for _, g := range a.Groups {
			for _, c := range order(a.Rows[[2]string{split, g}], func(r Row) string { return r.Cell }) {
				if !slices.Contains(cs, c) {
					cs = append(cs, c)
				}
			}
		}
	}
	return cs
}

// row returns the summary row of method m under group g on a split for a
// cell, and whether there is one.
func (a *Atlas) row(split, g, cell, m string) (Row, bool) {
	for _, r := range a.Rows[[2]string{split, g}] {
		if r.Cell == cell && r.Method == m {
			return r, true
		}
	}
	return Row{}, false
}

// accuracy returns the mean test accuracy of method m under group g on a
// split for a cell, and whether there is a result.
func (a *Atlas) accuracy(split, g, cell, m string) (float64, bool) {
	r, ok := a.row(split, g, cell, m)
	return r.Mean, ok
}

// gain returns equi-tuning's gain over fine-tuning on a split under group g
// for a cell, mean(equitune under g) − mean(finetune under the trivial
// group), and whether both have results.
func (a *Atlas) gain(split, g, cell string) (float64, bool) {
	eq, ok1 := a.accuracy(split, g, cell, "equitune")
	ft, ok2 := a.accuracy(split, a.Groups[0], cell, "finetune")
	return eq - ft, ok1 && ok2
}

// PlotAtlasHeatmap draws the atlas as a heatmap per cell, a row per split:
// on the left the test coverage of each non-trivial group (green), then the
// test accuracy of each method under each group, mean over seeds (blue); a
// tile without a result is grey. It writes base.png and base.svg.
func PlotAtlasHeatmap(a *Atlas, base string) error {
	cols, cells := atlasColumns(a.Groups), a.cells()
	const tile = 0.42 * vg.Inch
	width := 2.4*vg.Inch + tile*vg.Length(len(cols)+1)
	height := 0.6*vg.Inch + vg.Length(max(1, len(cells)))*(tile*0.7*vg.Length(len(a.Splits))+2*vg.Inch)
	f := newFigure(a.Name+": test coverage and test accuracy (mean over seeds)", width, height)
	f.legend.Add("test coverage of the group", swatch{coverageColor})
	f.legend.Add("test accuracy", swatch{accuracyColor})
	f.legend.Add("no result", swatch{missingColor})
	splits := slices.Clone(a.Splits)
	slices.Reverse(splits) // the first split at the top
	for _, cell := range cells {
		t := tiles{rows: len(splits)}
		var labels []string
		for j, col := range cols {
			if j > 0 && col.method != "" && cols[j-1].method == "" {
				labels = append(labels, "") // a gap between coverage and accuracy
				t.cols = append(t.cols, tileColumn{})
			}
			tc := tileColumn{color: accuracyColor, values: make([]float64, len(splits))}
			if col.method == "" {
				tc.color = coverageColor
			}
			for y, split := range splits {
				v, ok := a.Coverage[[2]string{split, col.group}], true
				if col.method != "" {
					v, ok = a.accuracy(split, col.group, cell, col.method)
				}
				tc.values[y] = v
				if !ok {
					tc.values[y] = math.NaN()
				}
			}
			labels = append(labels, col.label)
			t.cols = append(t.cols, tc)
		}
		p := newPanel(cell, false)
		p.Add(t)
		p.NominalX(labels...)
		p.NominalY(splits...)
		p.X.Tick.Label.Rotation = math.Pi / 2
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
		f.panels = append(f.panels, []*plot.Plot{p})
	}
	if len(f.panels) == 0 {
		return fmt.Errorf("%s: no results", a.Name)
	}
	return f.save(base)
}

// PlotAtlasGain draws equi-tuning's gain over fine-tuning against the
// coverage of its group: a point per split, non-trivial group and cell at x
// = the group's test coverage on the split and y = equitune's mean test
// accuracy less finetune's, a colour per group and a glyph per cell. It
// writes base.png and base.svg.
func PlotAtlasGain(a *Atlas, base string) error {
	f := newFigure(a.Name+": equi-tuning's gain over fine-tuning against group coverage", 7*vg.Inch, 5*vg.Inch)
	p := newPanel("", true)
	p.X.Label.Text = "test coverage of the group (held-out commands c with g·c in train)"
	p.Y.Label.Text = "test accuracy, equitune − finetune"
	cells := a.cells()
	zero := plotter.NewFunction(func(float64) float64 { return 0 })
	zero.Color, zero.Dashes = color.Gray{0x88}, []vg.Length{vg.Points(3), vg.Points(3)}
	p.Add(zero)
	lo := 0.0
	for _, g := range a.Groups[1:] {
		gc, ok := groupColors[g]
		if !ok {
			gc = color.Black
		}
		for k, cell := range cells {
			var xys plotter.XYs
			for _, split := range a.Splits {
				if gain, ok := a.gain(split, g, cell); ok {
					xys = append(xys, plotter.XY{X: a.Coverage[[2]string{split, g}], Y: gain})
					lo = min(lo, gain)
				}
			}
			if len(xys) == 0 {
				continue
			}
			s, err := plotter.NewScatter(xys)
			if err != nil {
				return err
			}
			s.GlyphStyle = draw.GlyphStyle{Color: gc, Radius: vg.Points(3.5), Shape: cellGlyphs[k%len(cellGlyphs)]}
			p.Add(s)
		}
		f.legend.Add(g, &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: gc, Radius: vg.Points(3.5), Shape: dotGlyph}})
	}
	if len(cells) > 1 {
		for k, cell := range cells {
			f.legend.Add(cell, &plotter.Scatter{GlyphStyle: draw.GlyphStyle{Color: color.White, Radius: vg.Points(3.5),
				Shape: cellGlyphs[k%len(cellGlyphs)]}})
		}
	}
	p.X.Min, p.X.Max = -0.02, 1.02
	p.Y.Min, p.Y.Max = math.Floor(lo*10)/10-0.05, 1.05
	f.panels = [][]*plot.Plot{{p}}
	return f.save(base)
}

// tiles draws columns of values in [0, 1] as squares coloured from white (0)
// to the column's colour (1), each with its value written on it, at x = the
// column's index and y = the row's; a NaN value is a grey square and a
// column without colour is a gap.
type tiles struct {
	rows int
	cols []tileColumn
}

// tileColumn is one column of tiles.
type tileColumn struct {
	color  color.Color
	values []float64 // a value per row
}

// Plot implements plot.Plotter.
func (t tiles) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	ts := figureText(8)
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YCenter
	pad := vg.Points(0.75)
	for x, col := range t.cols {
		if col.color == nil {
			continue
		}
		for y, v := range col.values {
			r := vg.Rectangle{
				Min: vg.Point{X: trX(float64(x)-0.5) + pad, Y: trY(float64(y)-0.5) + pad},
				Max: vg.Point{X: trX(float64(x)+0.5) - pad, Y: trY(float64(y)+0.5) - pad},
			}
			fill, label := mix(col.color, v), fmt.Sprintf("%.2f", v)
			if math.IsNaN(v) {
				fill, label = missingColor, "–"
			}
			c.SetColor(fill)
			c.Fill(r.Path())
			ts.Color = color.Black
			if v > 0.55 {
				ts.Color = color.White
			}
			c.FillText(ts, vg.Point{X: (r.Min.X + r.Max.X) / 2, Y: (r.Min.Y + r.Max.Y) / 2}, label)
		}
	}
}

// DataRange implements plot.DataRanger.
func (t tiles) DataRange() (xmin, xmax, ymin, ymax float64) {
	return -0.5, float64(len(t.cols)) - 0.5, -0.5, float64(t.rows) - 0.5
}

// mix returns white mixed with c in proportion v, clamped to [0, 1].
func mix(c color.Color, v float64) color.Color {
	v = max(0, min(1, v))
	r, g, b, _ := c.RGBA()
	ch := func(x uint32) uint8 { return uint8(math.Round(255 - v*(255-float64(x>>8)))) }
	return color.NRGBA{ch(r), ch(g), ch(b), 0xff}
}

// swatch is a legend thumbnail filled with one colour.
type swatch struct{ color color.Color }

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	c.SetColor(s.color)
	c.Fill(c.Rectangle.Path())
}
