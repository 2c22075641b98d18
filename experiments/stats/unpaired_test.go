package stats

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestSeedPermutationPByHand(t *testing.T) {
	// 3 + 3 seeds, A's all above B's: of the C(6, 3) = 20 labellings only
	// the observed one and its mirror are as far apart.
	if p := SeedPermutationP([]int64{10, 11, 12}, []int64{0, 1, 2}); p != 0.1 {
		t.Errorf("fully separated 3 + 3: p = %v, want 0.1", p)
	}
	if p := SeedPermutationP([]int64{5, 6, 7, 8, 9}, []int64{0, 1, 2, 3, 4}); p != 2.0/252 {
		t.Errorf("fully separated 5 + 5: p = %v, want 2/252", p)
	}
	if p := SeedPermutationP([]int64{3, 1}, []int64{1, 3}); p != 1 {
		t.Errorf("equal means: p = %v, want 1", p)
	}
	for _, tc := range []struct{ a, b []int64 }{{nil, []int64{1}}, {[]int64{1}, nil}, {make([]int64, 11), make([]int64, 10)}} {
		if p := SeedPermutationP(tc.a, tc.b); !math.IsNaN(p) {
			t.Errorf("SeedPermutationP(%v, %v) = %v, want NaN", tc.a, tc.b, p)
		}
	}
}

// bruteSeedPermutationP enumerates the labellings by recursion, in
// floating point: P(|mean(A*) − mean(B*)| ≥ |observed|), with a tolerance.
func bruteSeedPermutationP(ka, kb []int64) float64 {
	pool := append(append([]int64{}, ka...), kb...)
	diff := func(inA []bool) float64 {
		var sa, sb float64
		for i, k := range pool {
			if inA[i] {
				sa += float64(k)
			} else {
				sb += float64(k)
			}
		}
		return math.Abs(sa/float64(len(ka)) - sb/float64(len(kb)))
	}
	obs := diff(func() []bool {
		m := make([]bool, len(pool))
		for i := range ka {
			m[i] = true
		}
		return m
	}())
	var extreme, all int
	var walk func(i, left int, m []bool)
	walk = func(i, left int, m []bool) {
		if i == len(pool) {
			if left == 0 {
				all++
				if diff(m) >= obs-1e-9 {
					extreme++
				}
			}
			return
		}
		if left > 0 {
			m[i] = true
			walk(i+1, left-1, m)
			m[i] = false
		}
		walk(i+1, left, m)
	}
	walk(0, len(ka), make([]bool, len(pool)))
	return float64(extreme) / float64(all)
}

func TestSeedPermutationPEnumerated(t *testing.T) {
	g := rand.New(rand.NewPCG(12, 12))
	for range 200 {
		sa, sb := 1+g.IntN(6), 1+g.IntN(6)
		ka, kb := make([]int64, sa), make([]int64, sb)
		for i := range ka {
			ka[i] = int64(g.IntN(50))
		}
		for i := range kb {
			kb[i] = int64(g.IntN(50))
		}
		got, want := SeedPermutationP(ka, kb), bruteSeedPermutationP(ka, kb)
		if math.Abs(got-want) > 1e-12 {
			t.Fatalf("SeedPermutationP(%v, %v) = %v, enumerated %v", ka, kb, got, want)
		}
		if back := SeedPermutationP(kb, ka); back != got {
			t.Fatalf("not symmetric: %v, %v", got, back)
		}
	}
}

// plainUnpaired is the unpaired bootstrap's numerator S_A S_B n θ* drawn
// without shortcuts: n command indices, then S_A seeds of a and S_B of b.
func plainUnpaired(a, b [][]int8, r *rand.Rand) int64 {
	n := len(a[0])
	w := make([]int64, n)
	for range n {
		w[r.IntN(n)]++
	}
	sum := func(y [][]int8) int64 {
		var num int64
		for range y {
			s := r.IntN(len(y))
			for c := range n {
				num += w[c] * int64(y[s][c])
			}
		}
		return num
	}
	na := sum(a)
	return int64(len(b))*na - int64(len(a))*sum(b)
}

// TestGroupedMatchesPlain checks that the grouped resampler draws the
// unpaired bootstrap's distribution (as TestCrossedMatchesPlain does for
// one group).
func TestGroupedMatchesPlain(t *testing.T) {
	g := rand.New(rand.NewPCG(13, 14))
	mat := func(seeds int, p float64) [][]int8 {
		y := make([][]int8, seeds)
		for s := range y {
			y[s] = make([]int8, 80)
			for c := range y[s] {
				if c%4 == 0 || g.Float64() < p {
					y[s][c] = 1
				}
			}
		}
		return y
	}
	for _, tc := range []struct{ sa, sb int }{{3, 3}, {2, 4}, {1, 3}} {
		a, b := mat(tc.sa, 0.6), mat(tc.sb, 0.3)
		y := append(append([][]int8{}, a...), b...)
		coef := make([]int64, len(y))
		for s := range coef {
			coef[s] = int64(tc.sb)
			if s >= tc.sa {
				coef[s] = -int64(tc.sa)
			}
		}
		grouped := newGrouped(y, []int{tc.sa, tc.sb}, coef)
		const draws = 40000
		moments := func(f func() int64) (mean, sd float64) {
			xs := make([]float64, draws)
			for i := range xs {
				xs[i] = float64(f())
				mean += xs[i]
			}
			mean /= draws
			for _, x := range xs {
				sd += (x - mean) * (x - mean)
			}
			return mean, math.Sqrt(sd / (draws - 1))
		}
		r1, r2 := rand.New(rand.NewPCG(5, 6)), rand.New(rand.NewPCG(7, 8))
		m1, s1 := moments(func() int64 { return grouped.draw(r1) })
		m2, s2 := moments(func() int64 { return plainUnpaired(a, b, r2) })
		if math.Abs(m1-m2) > 4*s2*math.Sqrt(2.0/draws) || math.Abs(s1/s2-1) > 0.03 {
			t.Errorf("%d + %d seeds: grouped mean %.2f sd %.2f, plain mean %.2f sd %.2f", tc.sa, tc.sb, m1, s1, m2, s2)
		}
	}
}

func TestCompareUnpaired(t *testing.T) {
	g := rand.New(rand.NewPCG(15, 15))
	a := bernoulli(g, 1000, 0.95, 0.94, 0.96, 0.95, 0.95)
	b := bernoulli(g, 1000, 0.80, 0.82, 0.78, 0.81, 0.79)
	c, err := CompareUnpaired(a, b, Settings{}, NewRand("a", "b"))
	if err != nil {
		t.Fatal(err)
	}
	var ka, kb int
	for s := range a {
		for i := range a[s] {
			if a[s][i] {
				ka++
			}
			if b[s][i] {
				kb++
			}
		}
	}
	if want := float64(ka-kb) / 5000; math.Abs(c.Diff-want) > 1e-15 {
		t.Errorf("Diff = %v, want %v", c.Diff, want)
	}
	if !c.Unpaired || c.Seeds != 5 || c.SeedsB != 5 || c.Commands != 1000 || !c.Resolved || !(c.Lo < c.Diff && c.Diff < c.Hi) ||
		c.P != 2.0/252 || c.Wins != 0 || c.Losses != 0 {
		t.Errorf("clear gap: %+v", c)
	}
	if again, _ := CompareUnpaired(a, b, Settings{}, NewRand("a", "b")); again != c {
		t.Errorf("not deterministic: %+v, %+v", c, again)
	}
	// Reversed: the same statistic negated, an interval from another draw.
	back, _ := CompareUnpaired(b, a, Settings{}, NewRand("a", "b"))
	if back.Diff != -c.Diff || back.P != c.P || !back.Resolved || math.Abs(back.Lo+c.Hi) > 0.01 || math.Abs(back.Hi+c.Lo) > 0.01 {
		t.Errorf("reversed %+v, forward %+v", back, c)
	}
	// Two draws of one method: not resolved; different seed counts.
	same := bernoulli(g, 1000, 0.9, 0.88, 0.92)
	other := bernoulli(g, 1000, 0.9, 0.91, 0.89, 0.9)
	c, err = CompareUnpaired(same, other, Settings{}, NewRand("same"))
	if err != nil || c.Resolved || c.Seeds != 3 || c.SeedsB != 4 || !(c.P > 0.05) {
		t.Errorf("no gap: %+v, %v", c, err)
	}
	for _, tc := range []struct {
		name string
		a, b [][]bool
		s    Settings
		want error
	}{
		{"no seeds", nil, same, Settings{}, ErrShape},
		{"ragged", [][]bool{{true}, {true, false}}, same, Settings{}, ErrShape},
		{"commands differ", same, [][]bool{{true}}, Settings{}, ErrShape},
		{"nested", same, other, Settings{Nested: true}, ErrSettings},
		{"too few B", same, other, Settings{B: 10}, ErrSettings},
	} {
		if _, err := CompareUnpaired(tc.a, tc.b, tc.s, NewRand()); !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestCoverageUnpaired measures how often the unpaired interval contains
// the true difference over 200 simulated pairs of methods that share
// command difficulties but not seeds: at least 90% where commands
// dominate, logged where seeds do.
func TestCoverageUnpaired(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	const sets = 200
	cover := func(seeds int, sigmaC, tau float64) float64 {
		r := rand.New(rand.NewPCG(16, uint64(seeds)))
		hit := 0
		for i := range sets {
			z := make([]float64, 300)
			for c := range z {
				z[c] = r.NormFloat64()
			}
			draw := func(a float64) [][]bool {
				y := make([][]bool, seeds)
				for s := range y {
					u := r.NormFloat64()
					y[s] = make([]bool, len(z))
					for c := range y[s] {
						y[s][c] = r.Float64() < phi(a+sigmaC*z[c]+tau*u)
					}
				}
				return y
			}
			truth := phi(1.5/math.Sqrt(1+sigmaC*sigmaC+tau*tau)) - phi(1/math.Sqrt(1+sigmaC*sigmaC+tau*tau))
			c, err := CompareUnpaired(draw(1.5), draw(1), Settings{}, NewRand("cover", fmt.Sprint(seeds, i)))
			if err != nil {
				t.Fatal(err)
			}
			if c.Lo <= truth && truth <= c.Hi {
				hit++
			}
		}
		return float64(hit) / sets
	}
	if c := cover(3, 1.5, 0.1); c < 0.90 {
		t.Errorf("3 + 3 seeds, command effects σc = 1.5, seed effects τ = 0.1: coverage %.3f < 0.90", c)
	} else {
		t.Logf("3 + 3 seeds, σc = 1.5, τ = 0.1: coverage %.3f", c)
	}
	for _, seeds := range []int{3, 5} {
		t.Logf("%d + %d seeds, σc = 0.5, τ = 0.5: coverage %.3f", seeds, seeds, cover(seeds, 0.5, 0.5))
	}
}
