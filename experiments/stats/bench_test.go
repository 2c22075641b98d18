package stats

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchRow is a row the size of add_jump's test split, 5 seeds × 7,706
// commands, with accuracy acc and errors shared across seeds (each command
// has a difficulty; a seed gets it right with probability acc ± 0.2·z).
func benchRow(acc float64, key uint64) [][]bool {
	r := rand.New(rand.NewPCG(key, 0))
	y := make([][]bool, 5)
	z := make([]float64, 7706)
	for c := range z {
		z[c] = r.Float64()
	}
	for s := range y {
		y[s] = make([]bool, len(z))
		for c := range y[s] {
			p := min(1, max(0, acc+0.4*(z[c]-0.5)))
			y[s][c] = r.Float64() < p
		}
	}
	return y
}

// BenchmarkAccuracy times one summary row's interval (B = DefaultB) at
// several accuracies; rows/s is the rate of an aggregate.
func BenchmarkAccuracy(b *testing.B) {
	for _, acc := range []float64{0.001, 0.5, 0.9, 0.98} {
		y := benchRow(acc, 1)
		b.Run(fmt.Sprint("acc=", acc), func(b *testing.B) {
			for b.Loop() {
				if _, err := Accuracy(y, Settings{}, NewRand("bench")); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkAccuracyNested times the nested bootstrap of a 5 × 7,706 row.
func BenchmarkAccuracyNested(b *testing.B) {
	for _, acc := range []float64{0.5, 0.98} {
		y := benchRow(acc, 1)
		b.Run(fmt.Sprint("acc=", acc), func(b *testing.B) {
			for b.Loop() {
				if _, err := Accuracy(y, Settings{Nested: true}, NewRand("bench")); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkCompare times one paired comparison of two 5 × 7,706 rows.
func BenchmarkCompare(b *testing.B) {
	for _, acc := range [][2]float64{{0.98, 0.97}, {0.9, 0.7}, {0.98, 0.001}} {
		ya, yb := benchRow(acc[0], 2), benchRow(acc[1], 3)
		b.Run(fmt.Sprintf("acc=%v-%v", acc[0], acc[1]), func(b *testing.B) {
			for b.Loop() {
				if _, err := Compare(ya, yb, Settings{}, NewRand("bench")); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
		})
	}
}

// BenchmarkResample compares one resample of the shortcut (crossed.draw)
// with plain resampling of n command indices (plainPigeonhole's draws and
// sums, without its S·n product loop: the cheapest plain resample).
func BenchmarkResample(b *testing.B) {
	y8 := func(y [][]bool) [][]int8 {
		m := make([][]int8, len(y))
		for s := range y {
			m[s] = make([]int8, len(y[s]))
			for c, ok := range y[s] {
				if ok {
					m[s][c] = 1
				}
			}
		}
		return m
	}
	for _, acc := range []float64{0.5, 0.98} {
		y := y8(benchRow(acc, 1))
		b.Run(fmt.Sprint("shortcut/acc=", acc), func(b *testing.B) {
			c, r := newCrossed(y), NewRand("bench")
			for b.Loop() {
				c.draw(r)
			}
		})
		b.Run(fmt.Sprint("plain/acc=", acc), func(b *testing.B) {
			r := NewRand("bench")
			n := len(y[0])
			sums := make([]int64, n) // Σ_s y[s][c]; seeds drawn as well
			for c := range n {
				for s := range y {
					sums[c] += int64(y[s][c])
				}
			}
			for b.Loop() {
				var num int64
				for range n {
					num += sums[r.IntN(n)]
				}
				for range y {
					r.IntN(len(y))
				}
				_ = num
			}
		})
	}
}
