package seq2seq

import "math"

// The row kernels of a training step and of decoding, each with a portable
// Go version and, on amd64 with AVX2 (AVX-512 where noted), an assembly
// version (kernel_amd64.s) that computes every element by exactly the same
// IEEE operations (multiplies and adds kept separate, no fused multiply-add
// unless math.Exp itself fuses), so results do not depend on which runs:
//
//	accRows:   y_j ← y_j + c_l·B_lj for l = 0, 1, …, k−1 in order
//	           (the row kernel of Aᵀ·x, Aᵀ·B and Σ_l c_l ⊗ B_l)
//	accRows4:  accRows for four rows of y at once
//	adamRow:   Adam's elementwise update (see Adam; AVX-512 too)
//	expRow:    math.Exp of a row (AVX-512 too)
//	sigmoids:  σ from exponentials, tanhs: tanh from exponentials
//
// The dot-product kernels of A·Bᵀ (dots4x4, dotsRow and the packed AVX-512
// ones) are called from linalg.go. The explicit float64 conversions keep the
// compiler from fusing a multiply into the following add on targets where
// it may.

// accRows adds Σ_l coef[l·cstride]·b[l·ldb : l·ldb+len(y)] to y, l in order.
func accRows(y, coef []float64, cstride int, b []float64, ldb, k int) {
	n := len(y)
	if n == 0 || k == 0 {
		return
	}
	_ = coef[(k-1)*cstride]
	_ = b[(k-1)*ldb+n-1]
	v := 0
	if useAVX2 {
		v = n &^ 3
		if v > 0 {
			accRowsAVX2(&y[0], v, &coef[0], cstride, &b[0], ldb, k)
		}
	}
	if v == n {
		return
	}
	y = y[v:]
	for l := range k {
		c, row := coef[l*cstride], b[l*ldb+v:l*ldb+n]
		for j, x := range row {
			y[j] += float64(c * x)
		}
	}
}

// accRows4 is accRows for the four rows y[q·ldy : q·ldy+n], q = 0…3, with
// coefficients coef[q·crow + l·cstride]: each row of b is read once for
// all four.
func accRows4(y []float64, ldy, n int, coef []float64, cstride, crow int, b []float64, ldb, k int) {
	if n == 0 || k == 0 {
		return
	}
	_ = y[3*ldy+n-1]
	_ = coef[3*crow+(k-1)*cstride]
	_ = b[(k-1)*ldb+n-1]
	v := 0
	if useAVX2 {
		v = n &^ 3
		if v > 0 {
			accRows4AVX2(&y[0], ldy, v, &coef[0], cstride, crow, &b[0], ldb, k)
		}
	}
	if v == n {
		return
	}
	for q := range 4 {
		accRows(y[q*ldy+v:q*ldy+n], coef[q*crow:], cstride, b[v:], ldb, k)
	}
}

// adamConsts are the scalars of one Adam update, in the order the assembly
// reads them.
type adamConsts struct {
	c, wd, b1, omb1, b2, omb2, step, s2, eps float64
}

// adamRow applies Adam to w with moments m, v and gradient g·c:
//
//	g ← g·c + λw,  m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,
//	w ← w − step·m / (√v·s₂ + ε)
func adamRow(w, g, m, v []float64, k *adamConsts) {
	n := len(w)
	g, m, v = g[:n], m[:n], v[:n]
	j := 0
	if useAVX2 && hasAVX512 && n >= 8 {
		j = n &^ 7
		adamAVX512(&w[0], &g[0], &m[0], &v[0], j, k)
	}
	if useAVX2 && n-j >= 4 {
		adamAVX2(&w[j], &g[j], &m[j], &v[j], (n-j)&^3, k)
		j += (n - j) &^ 3
	}
	for ; j < n; j++ {
		gj := float64(g[j]*k.c) + float64(k.wd*w[j])
		mj := float64(k.b1*m[j]) + float64(k.omb1*gj)
		vj := float64(k.b2*v[j]) + float64(float64(k.omb2*gj)*gj)
		m[j], v[j] = mj, vj
		w[j] -= float64(k.step*mj) / (float64(math.Sqrt(vj)*k.s2) + k.eps)
	}
}

// expRow sets dst[i] = math.Exp(src[i]), bit for bit, four at a time where
// it can (dst and src may be the same slice).
func expRow(dst, src []float64) {
	n := len(src)
	dst = dst[:n]
	for i := 0; i < n; {
		if useAVX2 && hasFMA && hasAVX512 && n-i >= 8 {
			i += expAVX512(&dst[i], &src[i], n-i)
		}
		if useAVX2 && hasFMA && n-i >= 4 {
			i += expAVX2(&dst[i], &src[i], n-i)
		}
		// The group the kernel stopped at (or the tail) goes one by one.
		for end := min(n, i+4); i < end; i++ {
			dst[i] = math.Exp(src[i])
		}
	}
}

// tanhWith returns math.Tanh(x) given s = math.Exp(2|x|), by the same
// operations as math.Tanh (which computes s itself when it needs it).
func tanhWith(x, s float64) float64 {
	z := math.Abs(x)
	switch {
	case z > 0.5*maxLog:
		if x < 0 {
			return -1
		}
		return 1
	case z >= 0.625:
		z = 1 - 2/(s+1)
		if x < 0 {
			z = -z
		}
	default:
		if x == 0 {
			return x
		}
		s := x * x
		z = x + x*s*((tanhP0*s+tanhP1)*s+tanhP2)/(((s+tanhQ0)*s+tanhQ1)*s+tanhQ2)
	}
	return z
}

// math.Tanh's constants: beyond maxLog/2 it is ±1, and below 0.625 it is
// a rational approximation (Cephes).
const (
	maxLog = 8.8029691931113054295988e+01 // log(2¹²⁷)
	tanhP0 = -9.64399179425052238628e-1
	tanhP1 = -9.92877231001918586564e1
	tanhP2 = -1.61468768441708447952e3
	tanhQ0 = 1.12811678491632931402e2
	tanhQ1 = 2.23548839060100448583e3
	tanhQ2 = 4.84406305325125486048e3
)

// tanhConsts are tanhWith's constants in the order tanhsAVX2 reads them.
type tanhConsts struct {
	one, two, mid, big, p0, p1, p2, q0, q1, q2, sign, abs float64
}

var theTanhConsts = tanhConsts{one: 1, two: 2, mid: 0.625, big: 0.5 * maxLog,
	p0: tanhP0, p1: tanhP1, p2: tanhP2, q0: tanhQ0, q1: tanhQ1, q2: tanhQ2,
	sign: math.Float64frombits(1 << 63), abs: math.Float64frombits(1<<63 - 1)}

// sigmoids sets dst[i] = 1/(1 + e[i]), σ(a) given e = exp(−a).
func sigmoids(dst, e []float64) {
	n := len(e)
	dst = dst[:n]
	j := 0
	if useAVX2 && n >= 4 {
		j = n &^ 3
		sigmoidsAVX2(&dst[0], &e[0], j)
	}
	for ; j < n; j++ {
		dst[j] = 1 / (1 + e[j])
	}
}

// tanhs sets dst[i] = tanhWith(x[i], s[i]); dst may be x.
func tanhs(dst, x, s []float64) {
	n := len(x)
	dst, s = dst[:n], s[:n]
	j := 0
	if useAVX2 && n >= 4 {
		j = n &^ 3
		tanhsAVX2(&dst[0], &x[0], &s[0], j, &theTanhConsts)
	}
	for ; j < n; j++ {
		dst[j] = tanhWith(x[j], s[j])
	}
}
