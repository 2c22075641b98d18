package stats

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// bernoulli returns a seeds × n matrix with P(correct) = p[s].
func bernoulli(r *rand.Rand, n int, p ...float64) [][]bool {
	m := make([][]bool, len(p))
	for s := range p {
		m[s] = make([]bool, n)
		for c := range m[s] {
			m[s][c] = r.Float64() < p[s]
		}
	}
	return m
}

func TestAccuracyDeterministic(t *testing.T) {
	y := bernoulli(rand.New(rand.NewPCG(1, 2)), 500, 0.9, 0.8, 0.95)
	a, err := Accuracy(y, Settings{}, NewRand("addprim_jump", "lstm", "equitune"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Accuracy(y, Settings{}, NewRand("addprim_jump", "lstm", "equitune"))
	if fmt.Sprintf("%#v", a) != fmt.Sprintf("%#v", b) {
		t.Errorf("same input and key, different estimates:\n%#v\n%#v", a, b)
	}
	c, _ := Accuracy(y, Settings{}, NewRand("addprim_jump", "lstm", "finetune"))
	if c == a {
		t.Errorf("different keys gave the same interval %v", a)
	}
	if !(a.Lo <= a.Mean && a.Mean <= a.Hi) || a.Seeds != 3 || a.Commands != 500 {
		t.Errorf("estimate %+v", a)
	}
}

// TestNewRandKey checks that the parts of a key are separated.
func TestNewRandKey(t *testing.T) {
	if NewRand("ab", "c").Uint64() == NewRand("a", "bc").Uint64() {
		t.Error(`NewRand("ab", "c") = NewRand("a", "bc")`)
	}
}

func TestBinomialTable(t *testing.T) {
	for _, tc := range []struct{ N, a, b int }{{0, 1, 1}, {1, 1, 3}, {10, 3, 7}, {50, 1, 99}, {7706, 7600, 106}, {7706, 3853, 3853}} {
		tab := newBinomial(tc.N, tc.a, tc.b)
		p := float64(tc.a) / float64(tc.a+tc.b)
		total := tab.cum[len(tab.cum)-1]
		prev := 0.0
		for i, cum := range tab.cum {
			k := tab.lo + i
			lg := func(x int) float64 { v, _ := math.Lgamma(float64(x + 1)); return v }
			want := math.Exp(lg(tc.N) - lg(k) - lg(tc.N-k) + float64(k)*math.Log(p) + float64(tc.N-k)*math.Log1p(-p))
			got := (cum - prev) / total
			prev = cum
			if math.Abs(got-want) > 1e-9*max(want, 1e-3) { // Lgamma near 7706 is good to ~1e-11
				t.Errorf("Bin(%d, %v): P(%d) = %v, want %v", tc.N, p, k, got, want)
			}
		}
	}
	for _, tc := range []struct{ N, a, b, want int }{{5, 0, 3, 0}, {5, 3, 0, 5}} {
		if got := newBinomial(tc.N, tc.a, tc.b).draw(rand.New(rand.NewPCG(0, 0))); got != tc.want {
			t.Errorf("Bin(%d, %d/%d) drew %d", tc.N, tc.a, tc.a+tc.b, got)
		}
	}
}

// plainPigeonhole is the pigeonhole bootstrap's numerator drawn without the
// binomial shortcut: n command indices and S seed indices.
func plainPigeonhole(y [][]int8, r *rand.Rand) int64 {
	S, n := len(y), len(y[0])
	w, v := make([]int64, n), make([]int64, S)
	for range n {
		w[r.IntN(n)]++
	}
	for range S {
		v[r.IntN(S)]++
	}
	var num int64
	for s := range S {
		for c := range n {
			num += v[s] * w[c] * int64(y[s][c])
		}
	}
	return num
}

// TestCrossedMatchesPlain checks that the shortcut draws the same
// distribution as plain resampling: equal means and variances up to
// Monte Carlo error, and equal supports' quantiles.
func TestCrossedMatchesPlain(t *testing.T) {
	g := rand.New(rand.NewPCG(3, 4))
	many := make([][]int8, 3) // 3 seeds: many columns, a dominant one
	for s := range many {
		many[s] = make([]int8, 60)
		for c := range many[s] {
			many[s][c] = int8(g.IntN(3) - 1)
			if c%3 == 0 {
				many[s][c] = 1
			}
		}
	}
	one := [][]int8{make([]int8, 50)} // 1 seed, 3 columns: no uniform draws
	for c := range one[0] {
		one[0][c] = int8(c%5/2 - 1)
	}
	two := [][]int8{make([]int8, 50)} // 1 seed, 2 columns
	for c := range two[0] {
		two[0][c] = int8(c % 4 / 3)
	}
	for name, y := range map[string][][]int8{"many": many, "one": one, "two": two} {
		checkSameDistribution(t, name, y)
	}
}

// checkSameDistribution checks that crossed.draw and plainPigeonhole draw
// the same distribution: equal means and standard deviations up to Monte
// Carlo error, and close quantiles.
func checkSameDistribution(t *testing.T, name string, y [][]int8) {
	const draws = 40000
	moments := func(f func() int64) (mean, sd float64, q []int64) {
		xs := make([]int64, draws)
		for i := range xs {
			xs[i] = f()
			mean += float64(xs[i])
		}
		mean /= draws
		for _, x := range xs {
			sd += (float64(x) - mean) * (float64(x) - mean)
		}
		slices.Sort(xs)
		return mean, math.Sqrt(sd / (draws - 1)), []int64{xs[draws/10], xs[draws/2], xs[9*draws/10]}
	}
	b := newCrossed(y)
	r1, r2 := rand.New(rand.NewPCG(5, 6)), rand.New(rand.NewPCG(7, 8))
	m1, s1, q1 := moments(func() int64 { return b.draw(r1) })
	m2, s2, q2 := moments(func() int64 { return plainPigeonhole(y, r2) })
	if math.Abs(m1-m2) > 4*s2*math.Sqrt(2.0/draws) || math.Abs(s1/s2-1) > 0.03 {
		t.Errorf("%s: shortcut mean %.2f sd %.2f, plain mean %.2f sd %.2f", name, m1, s1, m2, s2)
	}
	for i := range q1 {
		if math.Abs(float64(q1[i]-q2[i])) > 0.1*s2+1 {
			t.Errorf("%s: quantiles %v (shortcut) vs %v (plain)", name, q1, q2)
			break
		}
	}
}

// phi is the standard normal distribution function.
func phi(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

// simulate draws a crossed random-effects data set: P(y[s][c] = 1) =
// Φ(a + σc·z_c + τ·u_s) with z, u standard normal, whose population mean is
// Φ(a/√(1+σc²+τ²)).
func simulate(r *rand.Rand, seeds, n int, a, sigmaC, tau float64) (y [][]bool, truth float64) {
	z := make([]float64, n)
	for c := range z {
		z[c] = r.NormFloat64()
	}
	y = make([][]bool, seeds)
	for s := range y {
		u := r.NormFloat64()
		y[s] = make([]bool, n)
		for c := range y[s] {
			y[s][c] = r.Float64() < phi(a+sigmaC*z[c]+tau*u)
		}
	}
	return y, phi(a / math.Sqrt(1+sigmaC*sigmaC+tau*tau))
}

// simulateNested draws a data set whose seeds see different commands:
// P(y[s][c] = 1) = Φ(a + σc·z_sc + τ·u_s), z independent for every (s, c).
func simulateNested(r *rand.Rand, seeds, n int, a, sigmaC, tau float64) (y [][]bool, truth float64) {
	y = make([][]bool, seeds)
	for s := range y {
		u := r.NormFloat64()
		y[s] = make([]bool, n)
		for c := range y[s] {
			y[s][c] = r.Float64() < phi(a+sigmaC*r.NormFloat64()+tau*u)
		}
	}
	return y, phi(a / math.Sqrt(1+sigmaC*sigmaC+tau*tau))
}

// TestCoverage measures how often the 95% interval contains the population
// mean over 200 simulated data sets. Commands differ in difficulty (shared
// by the seeds) and seeds differ a little: the pigeonhole interval must
// cover at least 90% of the time. The nested bootstrap, and the regime where
// seeds dominate, are measured and logged.
func TestCoverage(t *testing.T) {
	if testing.Short() {
		t.Skip("simulation")
	}
	const sets = 200
	type sim func(r *rand.Rand, seeds, n int, a, sigmaC, tau float64) ([][]bool, float64)
	cover := func(f sim, seeds, n int, a, sigmaC, tau float64, key string) (crossed, nested float64) {
		r := rand.New(rand.NewPCG(11, uint64(len(key))))
		for i := range sets {
			y, truth := f(r, seeds, n, a, sigmaC, tau)
			for _, nest := range []bool{false, true} {
				e, err := Accuracy(y, Settings{Nested: nest}, NewRand(key, fmt.Sprint(i)))
				if err != nil {
					t.Fatal(err)
				}
				if e.Lo <= truth && truth <= e.Hi && nest {
					nested++
				} else if e.Lo <= truth && truth <= e.Hi {
					crossed++
				}
			}
		}
		return crossed / sets, nested / sets
	}
	c, n := cover(simulate, 3, 300, 1.5, 1.5, 0.1, "commands")
	t.Logf("3 seeds sharing commands, command effects σc = 1.5, seed effects τ = 0.1: coverage pigeonhole %.3f, nested %.3f", c, n)
	if c < 0.90 {
		t.Errorf("pigeonhole coverage %.3f < 0.90", c)
	}
	c, n = cover(simulateNested, 3, 300, 1.5, 1.5, 0.1, "nested")
	t.Logf("3 seeds with their own commands, σc = 1.5, τ = 0.1: coverage pigeonhole %.3f, nested %.3f", c, n)
	if n < 0.90 {
		t.Errorf("nested coverage %.3f < 0.90", n)
	}
	for _, seeds := range []int{3, 5} {
		c, n := cover(simulate, seeds, 300, 1, 0.5, 0.5, fmt.Sprint("seeds", seeds))
		t.Logf("%d seeds sharing commands, σc = 0.5, seed effects τ = 0.5: coverage pigeonhole %.3f, nested %.3f", seeds, c, n)
	}
}

func TestSignFlipPByHand(t *testing.T) {
	// d = (+1, +1, +1, 0): the 8 sign flips of the three nonzero
	// differences give T* = ±3 twice and ±1 six times, so P(|T*| ≥ 3) = 2/8.
	if p := SignFlipP(3, 0); p != 0.25 {
		t.Errorf("SignFlipP(3, 0) = %v, want 0.25", p)
	}
	// d = (+1, +1, −1, +1, +1): T = 3, m = 5; |T*| ≥ 3 for X ∈ {0, 1, 4, 5}:
	// (1 + 5 + 5 + 1)/32 = 0.375.
	if p := SignFlipP(4, 1); p != 0.375 {
		t.Errorf("SignFlipP(4, 1) = %v, want 0.375", p)
	}
	if p := SignFlipP(2, 2); p != 1 {
		t.Errorf("SignFlipP(2, 2) = %v, want 1", p)
	}
	if p := SignFlipP(0, 0); p != 1 {
		t.Errorf("SignFlipP(0, 0) = %v, want 1", p)
	}
}

// TestSignFlipPEnumerated compares SignFlipP with the enumeration of every
// sign flip of a difference vector with zeros.
func TestSignFlipPEnumerated(t *testing.T) {
	for wins := range 7 {
		for losses := range 7 {
			d := slices.Concat(slices.Repeat([]int{1}, wins), slices.Repeat([]int{-1}, losses), []int{0, 0})
			obs := wins - losses
			hits, all := 0, 0
			for mask := range 1 << len(d) {
				T := 0
				for i, x := range d {
					if mask>>i&1 == 1 {
						x = -x
					}
					T += x
				}
				all++
				if abs(T) >= abs(obs) {
					hits++
				}
			}
			if got, want := SignFlipP(wins, losses), float64(hits)/float64(all); got != want {
				t.Errorf("SignFlipP(%d, %d) = %v, enumeration %v", wins, losses, got, want)
			}
			if got := SignFlipP(losses, wins); got != SignFlipP(wins, losses) {
				t.Errorf("SignFlipP not symmetric at (%d, %d)", wins, losses)
			}
		}
	}
	// The floating-point path agrees with the integer one where both apply.
	for m := 30; m <= 60; m += 5 {
		for k := m/2 + 1; k <= m; k += 3 {
			exact := SignFlipP(k, m-k)
			if got := signFlipFloat(m, k); math.Abs(got-exact) > 1e-12*exact {
				t.Errorf("m = %d, k = %d: float %v, integer %v", m, k, got, exact)
			}
		}
	}
	if p := SignFlipP(20000, 19000); !(p > 0 && p < 1e-6) {
		t.Errorf("SignFlipP(20000, 19000) = %v", p)
	}
}

func abs(x int) int { return max(x, -x) }

func TestCompareSymmetric(t *testing.T) {
	g := rand.New(rand.NewPCG(9, 9))
	a := bernoulli(g, 400, 0.9, 0.7, 0.8)
	b := bernoulli(g, 400, 0.85, 0.75, 0.8)
	for _, nest := range []bool{false, true} {
		s := Settings{Nested: nest}
		ab, err := Compare(a, b, s, NewRand("x"))
		if err != nil {
			t.Fatal(err)
		}
		ba, err := Compare(b, a, s, NewRand("x"))
		if err != nil {
			t.Fatal(err)
		}
		want := Comparison{Diff: -ab.Diff, Lo: -ab.Hi, Hi: -ab.Lo, P: ab.P, Wins: ab.Losses, Losses: ab.Wins,
			Seeds: ab.Seeds, Commands: ab.Commands, Resolved: ab.Resolved}
		if ba != want {
			t.Errorf("nested %v: Compare(b, a) = %+v, want %+v", nest, ba, want)
		}
		if again, _ := Compare(a, b, s, NewRand("x")); again != ab {
			t.Errorf("nested %v: Compare not deterministic: %+v, %+v", nest, ab, again)
		}
	}
}

func TestCompareResolved(t *testing.T) {
	g := rand.New(rand.NewPCG(10, 10))
	better := bernoulli(g, 2000, 0.95, 0.94, 0.96)
	worse := bernoulli(g, 2000, 0.80, 0.82, 0.78)
	c, err := Compare(better, worse, Settings{}, NewRand("resolved"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Resolved || !(c.Lo > 0) || c.P > 1e-10 {
		t.Errorf("clear gap not resolved: %+v", c)
	}
	// Equal accuracies up to Bernoulli noise on independent commands: the
	// same model twice with different errors.
	same := bernoulli(g, 2000, 0.9, 0.9, 0.9)
	other := bernoulli(g, 2000, 0.9, 0.9, 0.9)
	c, _ = Compare(same, other, Settings{}, NewRand("unresolved"))
	if c.Resolved || !(c.Lo < 0 && c.Hi > 0) {
		t.Errorf("no gap, but resolved: %+v", c)
	}
	// A gap that one seed shows and the others contradict: the command-level
	// test rejects, the interval over seeds does not resolve it.
	a := [][]bool{make([]bool, 1000), make([]bool, 1000), make([]bool, 1000)}
	b := [][]bool{make([]bool, 1000), make([]bool, 1000), make([]bool, 1000)}
	for c := range 1000 {
		a[0][c] = c < 600 // seed 0: A 0.6, B 0
		a[1][c], b[1][c] = c < 500, c < 520
		a[2][c], b[2][c] = c < 500, c < 540
	}
	c, _ = Compare(a, b, Settings{}, NewRand("seed-driven"))
	if c.Resolved || c.P > 1e-6 {
		t.Errorf("seed-driven gap: %+v; want a small P but an unresolved interval", c)
	}
}

func TestDegenerate(t *testing.T) {
	all := [][]bool{{true, true, true}, {true, true, true}}
	e, err := Accuracy(all, Settings{}, NewRand("all"))
	if err != nil || e != (Estimate{Mean: 1, Lo: 1, Hi: 1, Seeds: 2, Commands: 3}) {
		t.Errorf("all right: %+v, %v", e, err)
	}
	c, err := Compare(all, all, Settings{}, NewRand("all"))
	if err != nil || c != (Comparison{P: 1, Seeds: 2, Commands: 3}) {
		t.Errorf("A = B: %+v, %v", c, err)
	}
	// One seed: the interval is over commands only, and still brackets the mean.
	one := bernoulli(rand.New(rand.NewPCG(1, 1)), 300, 0.7)
	e, err = Accuracy(one, Settings{}, NewRand("one"))
	if err != nil || e.Seeds != 1 || !(e.Lo < e.Mean && e.Mean < e.Hi) || e.Hi-e.Lo > 0.15 {
		t.Errorf("one seed: %+v, %v", e, err)
	}
	for _, tc := range []struct {
		name string
		a, b [][]bool
		s    Settings
		want error
	}{
		{"no seeds", nil, all, Settings{}, ErrShape},
		{"no commands", [][]bool{{}}, all, Settings{}, ErrShape},
		{"ragged", [][]bool{{true}, {true, false}}, all, Settings{}, ErrShape},
		{"shapes differ", [][]bool{{true, true, true}}, all, Settings{}, ErrShape},
		{"commands differ", [][]bool{{true, true}, {true, true}}, all, Settings{}, ErrShape},
		{"level", all, all, Settings{Level: 1}, ErrSettings},
		{"negative B", all, all, Settings{B: -1}, ErrSettings},
		{"too few B", all, all, Settings{B: 10}, ErrSettings},
	} {
		_, err := Compare(tc.a, tc.b, tc.s, NewRand())
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Compare error %v, want %v", tc.name, err, tc.want)
		}
		if tc.name != "shapes differ" && tc.name != "commands differ" {
			if _, err := Accuracy(tc.a, tc.s, NewRand()); !errors.Is(err, tc.want) {
				t.Errorf("%s: Accuracy error %v, want %v", tc.name, err, tc.want)
			}
		}
	}
}
