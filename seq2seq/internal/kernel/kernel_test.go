package kernel

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// randomValues returns n values of mixed signs spanning many magnitudes,
// with a few zeros.
func randomValues(r *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		if r.IntN(17) == 0 {
			continue
		}
		x[i] = r.NormFloat64() * math.Exp2(float64(r.IntN(40)-20))
	}
	return x
}

// TestKernelsAgreeBitwise checks that the assembly kernels compute every
// element bit for bit as the Go ones, over lengths that exercise their
// 32-, 8-, 4- and 1-wide parts.
func TestKernelsAgreeBitwise(t *testing.T) {
	if !useAVX2 {
		t.Skip("no AVX2 kernels on this CPU")
	}
	defer func(saved bool) { useAVX2 = saved }(useAVX2)
	r := rand.New(rand.NewPCG(1, 2))
	run := func(on bool, f func()) { useAVX2 = on; f() }
	for _, n := range []int{1, 3, 4, 5, 31, 32, 33, 36, 64, 100, 128, 192} {
		for _, k := range []int{1, 2, 7, 30} {
			for _, cstride := range []int{1, 3} {
				ldb := n + r.IntN(3)
				coef, b, y := randomValues(r, k*cstride), randomValues(r, k*ldb), randomValues(r, n)
				ya, yg := slices.Clone(y), slices.Clone(y)
				run(true, func() { accRows(ya, coef, cstride, b, ldb, k) })
				run(false, func() { accRows(yg, coef, cstride, b, ldb, k) })
				if !bitsEqual(ya, yg) {
					t.Fatalf("accRows n=%d k=%d cstride=%d: assembly and Go differ", n, k, cstride)
				}
				crow := k*cstride + r.IntN(2)
				coef4, y4 := randomValues(r, 4*crow), randomValues(r, 4*ldb)
				y4a, y4g := slices.Clone(y4), slices.Clone(y4)
				run(true, func() { accRows4(y4a, ldb, n, coef4, cstride, crow, b, ldb, k) })
				run(false, func() { accRows4(y4g, ldb, n, coef4, cstride, crow, b, ldb, k) })
				for q := range 4 {
					run(false, func() { accRows(y4[q*ldb:q*ldb+n], coef4[q*crow:], cstride, b, ldb, k) })
				}
				if !bitsEqual(y4a, y4g) || !bitsEqual(y4a, y4) {
					t.Fatalf("accRows4 n=%d k=%d cstride=%d: assembly, Go and accRows differ", n, k, cstride)
				}
			}
		}
	}
	for _, m := range []int{1, 4, 5, 9} {
		for _, n := range []int{1, 2, 3, 4, 6, 8, 13, 16, 20, 37, 64} {
			for _, k := range []int{1, 2, 4, 6, 8, 64} {
				a, b := randomValues(r, m*k), randomValues(r, n*k)
				ca, cg := make([]float64, m*n), make([]float64, m*n)
				run(true, func() { GemmNT(m, n, k, a, b, 0, ca) })
				run(false, func() { GemmNT(m, n, k, a, b, 0, cg) })
				if !bitsEqual(ca, cg) {
					t.Fatalf("GemmNT m=%d n=%d k=%d: assembly and Dgemv differ", m, n, k)
				}
			}
		}
	}
	for _, n := range []int{1, 3, 4, 7, 8, 12, 15, 64, 1001} {
		w, g, v := randomValues(r, n), randomValues(r, n), randomValues(r, n)
		for i := range v {
			v[i] = math.Abs(v[i])
		}
		m := randomValues(r, n)
		k := &AdamConsts{C: 0.7, WD: 1e-4, B1: 0.9, OmB1: 1 - 0.9, B2: 0.999, OmB2: 1 - 0.999, Step: 3e-4, S2: 1.7, Eps: 1e-8}
		wa, ma, va := slices.Clone(w), slices.Clone(m), slices.Clone(v)
		w2, m2, v2 := slices.Clone(w), slices.Clone(m), slices.Clone(v)
		run(true, func() { Adam(wa, g, ma, va, k) })
		run(true, func() {
			defer func(saved bool) { hasAVX512 = saved }(hasAVX512)
			hasAVX512 = false
			Adam(w2, g, m2, v2, k)
		})
		run(false, func() { Adam(w, g, m, v, k) })
		if !bitsEqual(wa, w) || !bitsEqual(ma, m) || !bitsEqual(va, v) {
			t.Fatalf("Adam n=%d: assembly (AVX-512: %v) and Go differ", n, hasAVX512)
		}
		if !bitsEqual(w2, w) || !bitsEqual(m2, m) || !bitsEqual(v2, v) {
			t.Fatalf("Adam n=%d: AVX2 assembly and Go differ", n)
		}
	}
}

func bitsEqual(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) })
}

// TestExpsIsMathExp checks Exps against math.Exp bit for bit, over
// ordinary arguments of several scales and the edge cases the kernel leaves
// to math.Exp (overflow, underflow, infinities, NaN).
func TestExpsIsMathExp(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var x []float64
	for _, s := range []float64{1e-300, 1e-8, 0.1, 1, 5, 40, 300, 708, 800} {
		for range 4000 {
			x = append(x, (2*r.Float64()-1)*s)
		}
	}
	x = append(x, 0, math.Copysign(0, -1), 708, -708, 709.7, -745.2, -746, 710,
		math.Inf(1), math.Inf(-1), math.NaN(), 1e-310, 3, 0.5)
	for _, n := range []int{len(x), 1, 3, 5, 13, 17, 21} {
		got, got2 := make([]float64, n), make([]float64, n)
		Exps(got, x[len(x)-n:])
		func() { // the AVX2 kernel alone
			defer func(saved bool) { hasAVX512 = saved }(hasAVX512)
			hasAVX512 = false
			Exps(got2, x[len(x)-n:])
		}()
		if !bitsEqual(got, got2) {
			t.Fatalf("n=%d: Exps with and without AVX-512 differ", n)
		}
		for i, v := range x[len(x)-n:] {
			if want := math.Exp(v); math.Float64bits(got[i]) != math.Float64bits(want) && !(math.IsNaN(want) && math.IsNaN(got[i])) {
				t.Fatalf("Exps(%v) = %v, math.Exp = %v", v, got[i], want)
			}
		}
	}
}

// TestTanhWithIsMathTanh checks tanhWith against math.Tanh bit for bit.
func TestTanhWithIsMathTanh(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	x := []float64{0, math.Copysign(0, -1), 0.625, -0.625, 44.01, -44.02, 50, math.Inf(1), math.Inf(-1), math.NaN()}
	for _, s := range []float64{1e-9, 0.1, 0.7, 2, 20, 60} {
		for range 20000 {
			x = append(x, (2*r.Float64()-1)*s)
		}
	}
	same := func(a, b float64) bool {
		return math.Float64bits(a) == math.Float64bits(b) || math.IsNaN(a) && math.IsNaN(b)
	}
	s := make([]float64, len(x))
	for i, v := range x {
		s[i] = math.Exp(2 * math.Abs(v))
		if got, want := tanhWith(v, s[i]), math.Tanh(v); !same(got, want) {
			t.Fatalf("tanhWith(%v) = %v, math.Tanh = %v", v, got, want)
		}
	}
	// The vector forms, over every alignment of the special values.
	for off := range 4 {
		th, sg := make([]float64, len(x)-off), make([]float64, len(x)-off)
		Tanhs(th, x[off:], s[off:])
		Sigmoids(sg, s[off:])
		for i, v := range x[off:] {
			if want := math.Tanh(v); !same(th[i], want) {
				t.Fatalf("Tanhs(%v) = %v, math.Tanh = %v", v, th[i], want)
			}
			if want := 1 / (1 + s[off+i]); !same(sg[i], want) {
				t.Fatalf("Sigmoids(%v) = %v, want %v", s[off+i], sg[i], want)
			}
		}
	}
}

// TestLinearPackedIsGemmNT checks Linear on packed weights (the AVX-512
// kernels) against GemmNT followed by addRows bit for bit.
func TestLinearPackedIsGemmNT(t *testing.T) {
	if !useAVX2 || !hasPacked {
		t.Skip("no AVX-512 kernels on this CPU")
	}
	r := rand.New(rand.NewPCG(7, 8))
	for _, m := range []int{1, 3, 8, 9, 17, 128} {
		for _, n := range []int{4, 8, 13, 16, 24, 512} {
			for _, k := range []int{2, 6, 64, 192} {
				w, b, a := randomValues(r, n*k), randomValues(r, n), randomValues(r, m*k)
				packed := Pack(nil, w, n, k)
				if (packed != nil) != (n >= 8) {
					t.Fatalf("n=%d k=%d: Pack returned %d values", n, k, len(packed))
				}
				for _, bias := range [][]float64{nil, b} {
					want, got := make([]float64, m*n), make([]float64, m*n)
					GemmNT(m, n, k, a, w, 0, want)
					if bias != nil {
						addRows(want, bias)
					}
					Linear(m, n, k, a, w, packed, bias, got)
					if !bitsEqual(got, want) {
						t.Fatalf("m=%d n=%d k=%d bias=%v: packed product and GemmNT + addRows differ", m, n, k, bias != nil)
					}
				}
			}
		}
	}
}
