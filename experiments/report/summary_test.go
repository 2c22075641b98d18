package report

import (
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/scan-equitune/equitune/experiments/runner"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

func TestMeanStd(t *testing.T) {
	for _, tc := range []struct {
		xs        []float64
		mean, std float64
	}{
		{nil, 0, 0},
		{[]float64{0.5}, 0.5, 0},
		{[]float64{0.2, 0.4}, 0.3, math.Sqrt(0.02)},
		{[]float64{1, 2, 3, 4}, 2.5, math.Sqrt(5.0 / 3)},
	} {
		m, s := meanStd(tc.xs)
		if math.Abs(m-tc.mean) > 1e-12 || math.Abs(s-tc.std) > 1e-12 {
			t.Errorf("meanStd(%v) = %g, %g; want %g, %g", tc.xs, m, s, tc.mean, tc.std)
		}
	}
}

func TestSummaryCSVGolden(t *testing.T) {
	var rs []*runner.Result
	for _, x := range []struct {
		cell, method string
		acc          float64
	}{
		{"lstm", "pretrained", 0.01}, {"lstm", "pretrained", 0.03},
		{"lstm", "equitune", 0.95}, {"lstm", "equitune", 0.99},
		{"gru", "finetune", 0.125},
	} {
		rs = append(rs, &runner.Result{Split: "addprim_jump", Cell: x.cell, Method: x.method, TestAcc: x.acc})
	}
	checkGoldenText(t, "summary.csv.golden", CSV(summarize(rs)))
}

// checkGoldenText compares got with the golden file testdata/name; -update
// rewrites the file.
func checkGoldenText(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("got\n%s\nwant (%s)\n%s", got, golden, want)
	}
}
