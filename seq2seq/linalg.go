package seq2seq

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"

	"github.com/scan-equitune/equitune/seq2seq/internal/kernel"
)

// impl is the pure-Go BLAS every fused kernel runs on.
var impl gonum.Implementation

// The matrix products run on gonum's Dgemv (A·Bᵀ) and on accRows (A·B and
// Aᵀ·B), or on AVX2 kernels (kernel_amd64.s) that take several rows at once but
// compute every element by exactly the same operations. They beat Dgemm on
// the small shapes used here. Every output element is computed by the same
// sequence of operations whatever the number of rows, so a row's result
// never depends on the batch it is in. Products are cut in two by kernel.Split
// along rows of C, or along its columns when C has few rows
// (batch 1), which does not change any element's arithmetic.

// gemmNT sets C = A·Bᵀ + beta·C for row-major A (m×k), B (n×k), C (m×n).
func gemmNT(m, n, k int, a, b []float64, beta float64, c []float64) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scale(beta, c[:m*n])
		return
	}
	splitProduct(m, n, k, func(i0, i1, j0, j1 int) {
		ntBlock(i0, i1, j0, j1, n, k, a, b, beta, c)
	})
}

// splitProduct runs block over the rows [i0, i1) and columns [j0, j1) of an
// m×n product with inner size k, cut in two by kernel.Split: along the rows, or
// along the columns (at a multiple of 4) when there are fewer than four
// rows, as at batch 1.
func splitProduct(m, n, k int, block func(i0, i1, j0, j1 int)) {
	if m < 4 {
		kernel.Split(n, 4, m*n*k, func(lo, hi int) { block(0, m, lo, hi) })
		return
	}
	kernel.Split(m, 4, m*n*k, func(lo, hi int) { block(lo, hi, 0, n) })
}

// ntBlock computes rows [i0, i1) and columns [j0, j1) of gemmNT's C; j0 is
// a multiple of 4 or the columns are all of C.
func ntBlock(i0, i1, j0, j1, n, k int, a, b []float64, beta float64, c []float64) {
	i := i0
	fast := useAVX2 && beta == 0 && k%2 == 0
	j4 := j0 + (j1-j0)&^3 // columns before j4 go to the AVX2 kernels
	if fast {
		// Four rows of A at a time against four rows of B, summed as
		// Dgemv sums the rows of B it takes four at a time; Dgemv itself
		// does the rows it takes fewer at a time.
		for ; i+4 <= i1; i += 4 {
			_, _, _ = a[(i+4)*k-1], b[j1*k-1], c[(i+3)*n+j1-1]
			for j := j0; j < j4; j += 4 {
				dots4x4AVX2(&c[i*n+j], n, &a[i*k], k, &b[j*k], k, k)
			}
			for q := i; q < i+4 && j4 < j1; q++ {
				impl.Dgemv(blas.NoTrans, j1-j4, k, 1, b[j4*k:], k, a[q*k:(q+1)*k], 1, beta, c[q*n+j4:q*n+j1], 1)
			}
		}
	}
	for ; i < i1; i++ {
		j := j0
		if fast && j4 > j0 {
			// One row of A against the rows of B, sixteen at a time.
			_, _, _ = a[(i+1)*k-1], b[j4*k-1], c[i*n+j4-1]
			dotsRowAVX2(&c[i*n+j0], &a[i*k], &b[j0*k], k, k, j4-j0)
			j = j4
		}
		if j < j1 {
			impl.Dgemv(blas.NoTrans, j1-j, k, 1, b[j*k:], k, a[i*k:(i+1)*k], 1, beta, c[i*n+j:i*n+j1], 1)
		}
	}
}

// mulWeights sets C = A·Wᵀ + b for A (m×k), the weight matrix w (n×k) and
// the bias b (n; nil for none), each row's bias added after its product
// ((0 + a·w) + b: addRows's arithmetic), on w's packed copy when it has one.
func mulWeights(m int, a []float64, w, b *Param, c []float64) {
	n, k := w.Shape[0], w.Shape[1]
	n8 := n &^ 7
	if w.packed == nil || n8 == 0 {
		gemmNT(m, n, k, a, w.W, 0, c)
		if b != nil {
			addRows(c[:m*n], b.W)
		}
		return
	}
	if m == 0 {
		return
	}
	_, _, _ = a[m*k-1], c[m*n-1], w.packed[n8*k-1]
	kernel.Split(m, 8, m*n*k, func(lo, hi int) {
		bias := zeroBias[:]
		for j := 0; j < n8; j += 8 {
			if b != nil {
				bias = b.W[j : j+8]
			}
			i := lo
			for ; i+8 <= hi; i += 8 {
				dotsPacked8x8AVX512(&c[i*n+j], n, &a[i*k], k, &w.packed[j*k], k, &bias[0])
			}
			for ; i < hi; i++ {
				dotsPacked1x8AVX512(&c[i*n+j], &a[i*k], &w.packed[j*k], k, &bias[0])
			}
		}
		if n8 < n {
			ntBlock(lo, hi, n8, n, n, k, a, w.W, 0, c)
			for i := lo; b != nil && i < hi; i++ {
				addRows(c[i*n+n8:(i+1)*n], b.W[n8:])
			}
		}
	})
}

// zeroBias stands for a missing bias in the packed kernels: adding +0 to
// (+0) + a·w changes nothing.
var zeroBias [8]float64

// pack makes w's packed copy if the packed kernels can use it: for each
// block of four of the first n − n mod 8 rows, the pairs of columns in
// order, each pair of the four rows side by side. unpack drops it.
func (w *Param) pack() {
	if !useAVX2 || !hasPacked || len(w.Shape) != 2 {
		return
	}
	n, k := w.Shape[0], w.Shape[1]
	n8 := n &^ 7
	if k%2 != 0 || n8 == 0 {
		return
	}
	w.pbuf = grow(w.pbuf, n8*k)
	for r := range n8 {
		blk, q := r/4, r%4
		for c := 0; c < k; c += 2 {
			o := blk*4*k + c*4 + q*2
			w.pbuf[o], w.pbuf[o+1] = w.W[r*k+c], w.W[r*k+c+1]
		}
	}
	w.packed = w.pbuf
}

func (w *Param) unpack() { w.packed = nil }

// gemmNN sets C = A·B + beta·C for row-major A (m×k), B (k×n), C (m×n):
// row i of C is beta·C_i + Σ_l A_il B_l, l in order (Dgemv's arithmetic).
func gemmNN(m, n, k int, a, b []float64, beta float64, c []float64) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	splitProduct(m, n, k, func(i0, i1, j0, j1 int) {
		nnBlock(i0, i1, j0, j1, n, k, a, b, beta, c)
	})
}

// nnBlock computes rows [i0, i1) and columns [j0, j1) of gemmNN's C.
func nnBlock(i0, i1, j0, j1, n, k int, a, b []float64, beta float64, c []float64) {
	if beta != 1 {
		for i := i0; i < i1; i++ {
			scale(beta, c[i*n+j0:i*n+j1])
		}
	}
	i := i0
	for ; i+4 <= i1; i += 4 {
		accRows4(c[i*n+j0:(i+3)*n+j1], n, j1-j0, a[i*k:(i+4)*k], 1, k, b[j0:], n, k)
	}
	for ; i < i1; i++ {
		accRows(c[i*n+j0:i*n+j1], a[i*k:(i+1)*k], 1, b[j0:], n, k)
	}
}

// gemmTN adds Aᵀ·B to C for row-major A (k×m), B (k×n), C (m×n): the weight
// gradient Σ_rows δᵀx accumulated over all rows at once. Row i of C gets
// A_li B_l added for l in order (the arithmetic of k rank-1 updates), with
// C_i held in registers while l runs.
func gemmTN(m, n, k int, a, b []float64, c []float64) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	// B is taken a block of rows at a time, small enough to stay in cache
	// while every row of C passes over it; blocks go in order of l.
	kb := max(1, tnBlock/n)
	kernel.Split(m, 4, m*n*k, func(lo, hi int) {
		for l0 := 0; l0 < k; l0 += kb {
			l1 := min(k, l0+kb)
			i := lo
			for ; i+4 <= hi; i += 4 {
				accRows4(c[i*n:(i+4)*n], n, n, a[l0*m+i:], m, 1, b[l0*n:], n, l1-l0)
			}
			for ; i < hi; i++ {
				accRows(c[i*n:(i+1)*n], a[l0*m+i:], m, b[l0*n:], n, l1-l0)
			}
		}
	})
}

// tnBlock is the number of elements of B gemmTN keeps in cache at once.
const tnBlock = 4 << 10

// addRows sets each of the rows of x (rows×n) to x_r + b.
func addRows(x []float64, b []float64) {
	n := len(b)
	for i := 0; i+n <= len(x); i += n {
		r := x[i : i+n]
		for j, v := range b {
			r[j] += v
		}
	}
}

// sumRows adds the column sums of x (rows×n) to db.
func sumRows(db []float64, x []float64) {
	n := len(db)
	for i := 0; i+n <= len(x); i += n {
		r := x[i : i+n]
		for j, v := range r {
			db[j] += v
		}
	}
}

func scale(a float64, x []float64) {
	if a == 0 {
		clear(x)
		return
	}
	for i := range x {
		x[i] *= a
	}
}

func dot(x, y []float64) float64 {
	return impl.Ddot(len(x), x, 1, y, 1)
}

// axpy sets y += a·x.
func axpy(a float64, x, y []float64) {
	impl.Daxpy(len(x), a, x, 1, y, 1)
}

func sigmoid(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// logSoftmax writes log softmax(x) into dst and returns argmax x.
func logSoftmax(dst, x []float64) int {
	m, arg := x[0], 0
	for i, v := range x {
		if v > m {
			m, arg = v, i
		}
	}
	var s float64
	for _, v := range x {
		s += math.Exp(v - m)
	}
	l := m + math.Log(s)
	for i, v := range x {
		dst[i] = v - l
	}
	return arg
}

// grow returns s resized to n, reusing its storage when it is large enough.
// The contents are not cleared.
func grow(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n, n+n/4)
}

func growInt(s []int, n int) []int {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]int, n, n+n/4)
}
