package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/scan-equitune/equitune/experiments/runner"
	"gonum.org/v1/plot/cmpimg"
)

// atlasResults returns a small fixed atlas: three splits, every group, two
// cells, three seeds, with the coverages of the real splits and no results
// for (length, verb4).
func atlasResults() *Atlas {
	splits := []string{"addprim_jump", "length", "template_around_right"}
	a := &Atlas{Name: "atlas_test", Splits: splits, Groups: AtlasGroups,
		Rows: map[[2]string][]Row{}, Coverage: map[[2]string]float64{
			{"addprim_jump", "verb"}: 0.7711, {"addprim_jump", "verb4"}: 1, {"addprim_jump", "verb×direction"}: 0.7711,
			{"template_around_right", "direction"}: 0.8391, {"template_around_right", "verb×direction"}: 0.8391,
		}}
	for i, split := range splits {
		for j, g := range AtlasGroups {
			if split == "length" && g == "verb4" {
				continue
			}
			var rs []*runner.Result
			for c, cell := range []string{"gru", "lstm"} {
				for seed := range 3 {
					for m, method := range AtlasMethods(g) {
						acc := 0.01 * float64(seed+c)
						if method != "pretrained" && method != "finetune" {
							acc += a.Coverage[[2]string{split, g}] * (0.95 - 0.3*float64(m)) * (1 - 0.1*float64(i+j%2))
						}
						rs = append(rs, &runner.Result{Split: split, Cell: cell, Method: method, Seed: uint64(seed), TestAcc: acc})
					}
				}
			}
			a.Rows[[2]string{split, g}] = summarize(rs)
		}
	}
	return a
}

// TestAtlasFiguresGolden draws the atlas figures of atlasResults and compares
// them with their golden images (-update rewrites them); a changed
// accuracy must change both.
func TestAtlasFiguresGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		plot func(*Atlas, string) error
	}{{"atlas_heatmap", PlotAtlasHeatmap}, {"atlas_gain", PlotAtlasGain}} {
		t.Run(tc.name, func(t *testing.T) {
			draw := func(a *Atlas) []byte {
				base := filepath.Join(t.TempDir(), tc.name)
				if err := tc.plot(a, base); err != nil {
					t.Fatal(err)
				}
				if _, err := os.Stat(base + ".svg"); err != nil {
					t.Error(err)
				}
				png, err := os.ReadFile(base + ".png")
				if err != nil {
					t.Fatal(err)
				}
				return png
			}
			checkGoldenFigure(t, tc.name, draw(atlasResults()))
			a := atlasResults()
			a.Rows[[2]string{"addprim_jump", "verb"}][3].Mean += 0.2 // lstm equitune
			want, err := os.ReadFile(goldenFigure(tc.name))
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := cmpimg.Equal("png", draw(a), want); err != nil || ok {
				t.Errorf("a changed accuracy drew the golden image (err %v)", err)
			}
		})
	}
}
