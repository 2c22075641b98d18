package kernel

import "golang.org/x/sys/cpu"

// The CPU-feature switches. useAVX2 turns the assembly on and off as a
// whole (UseAssembly); the others add kernels under it where the CPU has
// them.
var (
	// hasAVX2 is whether the CPU can run the assembly at all.
	hasAVX2 = cpu.X86.HasAVX2
	// useAVX2 selects the assembly kernels.
	useAVX2 = hasAVX2
	// hasAVX512 adds the AVX-512 versions of Adam's and exp's kernels.
	hasAVX512 = cpu.X86.HasAVX512F
	// hasFMA is math.Exp's condition for its fused multiply-add path, the
	// one expAVX2 and expAVX512 reproduce.
	hasFMA = cpu.X86.HasAVX && cpu.X86.HasFMA
	// hasPacked selects the AVX-512 products with packed weights (Pack,
	// Linear) and the AVX-512 row kernels (accRows, accRows4).
	hasPacked = cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ
)

// The assembly kernels (kernel_amd64.s); the Go functions that call them
// say what each computes.

//go:noescape
func accRowsAVX2(y *float64, n int, coef *float64, cstride int, b *float64, ldb, k int)

//go:noescape
func accRowsAVX512(y *float64, n int, coef *float64, cstride int, b *float64, ldb, k int)

//go:noescape
func accRows4AVX512(y *float64, ldy, n int, coef *float64, cstride, crow int, b *float64, ldb, k int)

//go:noescape
func accRows4AVX2(y *float64, ldy, n int, coef *float64, cstride, crow int, b *float64, ldb, k int)

//go:noescape
func dots4x4AVX2(c *float64, ldc int, a *float64, lda int, b *float64, ldb, k int)

//go:noescape
func dotsRowAVX2(c *float64, a *float64, b *float64, ldb, k, n int)

//go:noescape
func dotsPacked8x8AVX512(c *float64, ldc int, a *float64, lda int, bp *float64, k int, bias *float64)

//go:noescape
func dotsPacked1x8AVX512(c *float64, a *float64, bp *float64, k int, bias *float64)

//go:noescape
func adamAVX2(w, grad, m, v *float64, n int, k *AdamConsts)

//go:noescape
func adamAVX512(w, grad, m, v *float64, n int, k *AdamConsts)

//go:noescape
func expAVX2(dst, src *float64, n int) int

//go:noescape
func expAVX512(dst, src *float64, n int) int

//go:noescape
func sigmoidsAVX2(dst, e *float64, n int)

//go:noescape
func tanhsAVX2(dst, x, s *float64, n int, k *tanhConsts)
