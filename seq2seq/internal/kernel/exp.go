package kernel

import "math"

// Exps sets dst[i] = math.Exp(src[i]), bit for bit, four or eight at a time
// where it can (dst and src may be the same slice).
func Exps(dst, src []float64) {
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

// Sigmoids sets dst[i] = 1/(1 + e[i]), σ(a) given e = exp(−a).
func Sigmoids(dst, e []float64) {
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

// Tanhs sets dst[i] = math.Tanh(x[i]), bit for bit, given s[i] =
// math.Exp(2|x[i]|); dst may be x.
func Tanhs(dst, x, s []float64) {
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

// tanhConsts are tanhWith's constants in the order tanhsAVX2 reads them
// (TestAsmLayout pins their offsets).
type tanhConsts struct {
	one, two, mid, big, p0, p1, p2, q0, q1, q2, sign, abs float64
}

var theTanhConsts = tanhConsts{one: 1, two: 2, mid: 0.625, big: 0.5 * maxLog,
	p0: tanhP0, p1: tanhP1, p2: tanhP2, q0: tanhQ0, q1: tanhQ1, q2: tanhQ2,
	sign: math.Float64frombits(1 << 63), abs: math.Float64frombits(1<<63 - 1)}
