//go:build !amd64

package kernel

// Without amd64 assembly every kernel runs its portable Go code.
var hasAVX2, useAVX2, hasAVX512, hasFMA, hasPacked = false, false, false, false, false

func accRowsAVX2(y *float64, n int, coef *float64, cstride int, b *float64, ldb, k int) {
	panic("unreachable")
}

func accRowsAVX512(y *float64, n int, coef *float64, cstride int, b *float64, ldb, k int) {
	panic("unreachable")
}

func accRows4AVX512(y *float64, ldy, n int, coef *float64, cstride, crow int, b *float64, ldb, k int) {
	panic("unreachable")
}

func accRows4AVX2(y *float64, ldy, n int, coef *float64, cstride, crow int, b *float64, ldb, k int) {
	panic("unreachable")
}

func dots4x4AVX2(c *float64, ldc int, a *float64, lda int, b *float64, ldb, k int) {
	panic("unreachable")
}

func dotsRowAVX2(c *float64, a *float64, b *float64, ldb, k, n int) { panic("unreachable") }

func dotsPacked8x8AVX512(c *float64, ldc int, a *float64, lda int, bp *float64, k int, bias *float64) {
	panic("unreachable")
}

func dotsPacked1x8AVX512(c *float64, a *float64, bp *float64, k int, bias *float64) {
	panic("unreachable")
}

func adamAVX2(w, grad, m, v *float64, n int, k *AdamConsts) { panic("unreachable") }

func adamAVX512(w, grad, m, v *float64, n int, k *AdamConsts) { panic("unreachable") }

func expAVX2(dst, src *float64, n int) int { panic("unreachable") }

func expAVX512(dst, src *float64, n int) int { panic("unreachable") }

func sigmoidsAVX2(dst, e *float64, n int) { panic("unreachable") }

func tanhsAVX2(dst, x, s *float64, n int, k *tanhConsts) { panic("unreachable") }
