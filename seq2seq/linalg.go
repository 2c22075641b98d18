package seq2seq

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// impl is the pure-Go BLAS every fused kernel runs on.
var impl gonum.Implementation

// The matrix products run row by row: A·Bᵀ on gonum's Dgemv, A·B and Aᵀ·B on
// accRows (kernel.go), which beat Dgemm on the small shapes used here and
// spawn no goroutines. Every output element is computed by the same
// sequence of operations whatever the number of rows, so a row's result
// never depends on the batch it is in. Large products are split over two
// goroutines by rows of C, which does not change any element's arithmetic.

// parallelMACs is the size (m·n·k) above which a product is split in two.
const parallelMACs = 1 << 19

// split runs f(lo, hi) over [0, n), in two halves concurrently when big.
func split(n int, big bool, f func(lo, hi int)) {
	if !big || n < 2 {
		f(0, n)
		return
	}
	h := n / 2
	done := make(chan struct{})
	go func() {
		f(h, n)
		close(done)
	}()
	f(0, h)
	<-done
}

// gemmNT sets C = A·Bᵀ + beta·C for row-major A (m×k), B (n×k), C (m×n).
func gemmNT(m, n, k int, a, b []float64, beta float64, c []float64) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scale(beta, c[:m*n])
		return
	}
	split(m, m*n*k >= parallelMACs, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			impl.Dgemv(blas.NoTrans, n, k, 1, b, k, a[i*k:(i+1)*k], 1, beta, c[i*n:(i+1)*n], 1)
		}
	})
}

// gemmNN sets C = A·B + beta·C for row-major A (m×k), B (k×n), C (m×n):
// row i of C is beta·C_i + Σ_l A_il B_l, l in order (Dgemv's arithmetic).
func gemmNN(m, n, k int, a, b []float64, beta float64, c []float64) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	split(m, m*n*k >= parallelMACs, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			ci := c[i*n : (i+1)*n]
			if beta != 1 {
				scale(beta, ci)
			}
			accRows(ci, a[i*k:(i+1)*k], 1, b, n, k)
		}
	})
}

// gemmTN adds Aᵀ·B to C for row-major A (k×m), B (k×n), C (m×n): the weight
// gradient Σ_rows δᵀx accumulated over all rows at once. Row i of C gets
// A_li B_l added for l in order (the arithmetic of k rank-1 updates), with
// C_i held in registers while l runs.
func gemmTN(m, n, k int, a, b []float64, c []float64) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	split(m, m*n*k >= parallelMACs, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			accRows(c[i*n:(i+1)*n], a[i:], m, b, n, k)
		}
	})
}

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
