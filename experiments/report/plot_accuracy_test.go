package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/scan-equitune/equitune/experiments/stats"
)

// intervalRows returns the rows of figureResults with an interval each,
// asymmetric around the mean and cut at 0 and 1.
func intervalRows() []Row {
	rows := summarize(figureResults())
	for i := range rows {
		m := rows[i].Mean
		rows[i].Interval = &stats.Estimate{Mean: m, Lo: max(0, m-0.02-0.01*float64(i%4)), Hi: min(1, m+0.03+0.01*float64(i%3))}
	}
	return rows
}

// TestAccuracyIntervalsGolden draws the accuracy figure of rows that all
// have intervals, whose whiskers are the intervals (and whose title says
// so), against its golden image; with one row without an interval, the
// figure is that of the seeds' standard deviations, the golden image of
// TestFiguresGolden's accuracy case.
func TestAccuracyIntervalsGolden(t *testing.T) {
	draw := func(rows []Row) []byte {
		base := filepath.Join(t.TempDir(), "accuracy")
		if err := PlotAccuracy(figureConfig, rows, base); err != nil {
			t.Fatal(err)
		}
		png, err := os.ReadFile(base + ".png")
		if err != nil {
			t.Fatal(err)
		}
		svg, _ := os.ReadFile(base + ".svg")
		if !bytes.Contains(svg, []byte("95% bootstrap interval over seeds × test commands")) {
			t.Error("the title does not say that the whiskers are 95% intervals")
		}
		return png
	}
	checkGoldenFigure(t, "accuracy_interval", draw(intervalRows()))
	rows := intervalRows()
	rows[3].Interval = nil
	base := filepath.Join(t.TempDir(), "accuracy")
	if err := PlotAccuracy(figureConfig, rows, base); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(base + ".png")
	checkGoldenFigure(t, "accuracy", got)
}
