package seq2seq

import "golang.org/x/sys/cpu"

// useAVX2 selects the assembly kernels; tests turn it off to compare.
var useAVX2 = cpu.X86.HasAVX2

// hasAVX512 adds the AVX-512 versions of Adam's and exp's kernels (under useAVX2).
var hasAVX512 = cpu.X86.HasAVX512F

//go:noescape
func accRowsAVX2(y *float64, n int, coef *float64, cstride int, b *float64, ldb, k int)

//go:noescape
func adamAVX2(w, grad, m, v *float64, n int, k *adamConsts)

//go:noescape
func accRows4AVX2(y *float64, ldy, n int, coef *float64, cstride, crow int, b *float64, ldb, k int)

//go:noescape
func dots4x4AVX2(c *float64, ldc int, a *float64, lda int, b *float64, ldb, k int)

//go:noescape
func dotsRowAVX2(c *float64, a *float64, b *float64, ldb, k, n int)

//go:noescape
func adamAVX512(w, grad, m, v *float64, n int, k *adamConsts)

// hasFMA is math.Exp's condition for its fused multiply-add path, the one
// expAVX2 reproduces.
var hasFMA = cpu.X86.HasAVX && cpu.X86.HasFMA

//go:noescape
func expAVX2(dst, src *float64, n int) int

// hasPacked selects the AVX-512 products with packed weights (mulWeights, under useAVX2).
var hasPacked = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ

//go:noescape
func dotsPacked8x8AVX512(c *float64, ldc int, a *float64, lda int, bp *float64, k int, bias *float64)

//go:noescape
func dotsPacked1x8AVX512(c *float64, a *float64, bp *float64, k int, bias *float64)

//go:noescape
func sigmoidsAVX2(dst, e *float64, n int)

//go:noescape
func tanhsAVX2(dst, x, s *float64, n int, k *tanhConsts)

//go:noescape
func expAVX512(dst, src *float64, n int) int
