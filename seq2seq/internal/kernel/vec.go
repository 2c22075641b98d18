package kernel

import "math"

// The vector helpers of the model's kernels, portable Go or gonum BLAS.

// Dot returns x·y (gonum's Ddot).
func Dot(x, y []float64) float64 {
	return impl.Ddot(len(x), x, 1, y, 1)
}

// Axpy sets y ← y + a·x (gonum's Daxpy).
func Axpy(a float64, x, y []float64) {
	impl.Daxpy(len(x), a, x, 1, y, 1)
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

// SumRows adds the column sums of x (rows×n) to db, row by row in order.
func SumRows(db []float64, x []float64) {
	n := len(db)
	for i := 0; i+n <= len(x); i += n {
		r := x[i : i+n]
		for j, v := range r {
			db[j] += v
		}
	}
}

// scale sets x ← a·x (a = 0 clears x, NaNs and infinities included).
func scale(a float64, x []float64) {
	if a == 0 {
		clear(x)
		return
	}
	for i := range x {
		x[i] *= a
	}
}

// LogSoftmax writes log softmax(x) into dst (which may be x) and returns
// argmax x, the first index of the largest value:
//
//	dst_i = x_i − (m + log Σ_j exp(x_j − m)),  m = max x
func LogSoftmax(dst, x []float64) int {
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
