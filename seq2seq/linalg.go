package seq2seq

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// impl is the pure-Go BLAS every fused kernel runs on.
var impl gonum.Implementation

// gemmNT sets C = A·Bᵀ + beta·C for row-major A (m×k), B (n×k), C (m×n).
func gemmNT(m, n, k int, a, b []float64, beta float64, c []float64) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scale(beta, c[:m*n])
		return
	}
	impl.Dgemm(blas.NoTrans, blas.Trans, m, n, k, 1, a, k, b, k, beta, c, n)
}

// gemmNN sets C = A·B + beta·C for row-major A (m×k), B (k×n), C (m×n).
func gemmNN(m, n, k int, a, b []float64, beta float64, c []float64) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	impl.Dgemm(blas.NoTrans, blas.NoTrans, m, n, k, 1, a, k, b, n, beta, c, n)
}

// gemmTN adds Aᵀ·B to C for row-major A (k×m), B (k×n), C (m×n): the weight
// gradient Σ_rows δᵀx accumulated over all rows at once.
func gemmTN(m, n, k int, a, b []float64, c []float64) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	impl.Dgemm(blas.Trans, blas.NoTrans, m, n, k, 1, a, m, b, n, 1, c, n)
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
