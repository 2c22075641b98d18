package report

import (
	"image/color"
	"io"

	"github.com/scan-equitune/equitune/internal/atomicfile"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// figureFormats are the files a figure is saved as: PNG to look at, SVG for
// papers.
var figureFormats = []string{"png", "svg"}

// figureFont is the typeface of every text in the figures (embedded in
// gonum/plot, so that a PNG is the same on every machine).
var figureFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

const (
	figurePad = 3 * vg.Millimeter // the margin around and between the parts of a figure
	titleSize = 12                // points
)

// A figure is a title over a grid of panels, with one legend in a column to
// their right, outside every panel. It draws alike on any vg canvas.
type figure struct {
	title         string
	panels        [][]*plot.Plot // rows of panels, all rows of one length
	legend        plot.Legend
	width, height vg.Length
}

// newFigure returns a figure of the given size, widened to its title if
// that is wider, with an empty legend in the figures' style.
func newFigure(title string, width, height vg.Length) *figure {
	width = max(width, figureText(titleSize).Width(title)+2*figurePad)
	l := plot.NewLegend()
	l.TextStyle = figureText(10)
	l.Top, l.Left = true, true
	l.Padding = vg.Points(3)
	l.YPosition = draw.PosCenter
	return &figure{title: title, legend: l, width: width, height: height}
}

// figureText returns the figures' text style at size points.
func figureText(size vg.Length) text.Style {
	return text.Style{Color: color.Black, Font: font.From(figureFont, size), Handler: plot.DefaultTextHandler}
}

// newPanel returns an empty panel in the figures' style: sans-serif text
// and a light grid, horizontal lines only when vertical is false.
func newPanel(title string, vertical bool) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(figureFont, 11)
	p.Title.Padding = vg.Points(4)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(figureFont, 10)
		a.Tick.Label.Font = font.From(figureFont, 9)
	}
	g := plotter.NewGrid()
	g.Horizontal.Color = color.Gray{0xdd}
	g.Vertical.Color = color.Gray{0xdd}
	if !vertical {
		g.Vertical.Color = nil
	}
	p.Add(g)
	return p
}

// draw draws the figure onto dc: the title across the top, the legend at the
// right with its top at the top of the first row's data, the panels aligned
// in the rest.
func (f *figure) draw(dc draw.Canvas) {
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	ts := figureText(titleSize)
	ts.XAlign, ts.YAlign = draw.XCenter, draw.YTop
	top := dc.Max.Y - figurePad
	dc.FillText(ts, vg.Point{X: (dc.Min.X + dc.Max.X) / 2, Y: top}, f.title)
	top -= ts.Height(f.title) + figurePad

	lr := f.legend.Rectangle(dc)
	lw := lr.Max.X - lr.Min.X
	area := draw.Crop(dc, figurePad, -(lw + 3*figurePad), figurePad, top-dc.Max.Y)
	tiles := draw.Tiles{Rows: len(f.panels), Cols: len(f.panels[0]), PadX: 2 * figurePad, PadY: figurePad}
	cs := plot.Align(f.panels, tiles, area)
	for i, row := range f.panels {
		for j, p := range row {
			p.Draw(cs[i][j])
		}
	}
	legendTop := f.panels[0][0].DataCanvas(cs[0][0]).Max.Y
	f.legend.Draw(draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: dc.Max.X - lw - figurePad, Y: dc.Min.Y},
		Max: vg.Point{X: dc.Max.X - figurePad, Y: legendTop},
	}})
}

// save writes the figure to base.png and base.svg, each atomically.
func (f *figure) save(base string) error {
	for _, format := range figureFormats {
		c, err := draw.NewFormattedCanvas(f.width, f.height, format)
		if err != nil {
			return err
		}
		f.draw(draw.New(c))
		if err := atomicfile.Write(base+"."+format, 0o644, func(out io.Writer) error {
			_, err := c.WriteTo(out)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}

// outlined is a glyph filled in its style's colour and outlined in black,
// so that it stands out on a bar or a line of any colour.
type outlined struct{ fill, line draw.GlyphDrawer }

var (
	dotGlyph      = outlined{draw.CircleGlyph{}, draw.RingGlyph{}}
	triangleGlyph = outlined{draw.PyramidGlyph{}, draw.TriangleGlyph{}}
)

// DrawGlyph implements draw.GlyphDrawer.
func (o outlined) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	o.fill.DrawGlyph(c, sty, pt)
	sty.Color = color.Black
	o.line.DrawGlyph(c, sty, pt)
}
