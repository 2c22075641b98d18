package kernel

import (
	"sync"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/gonum"
)

// impl is the pure-Go BLAS the portable kernels run on.
var impl gonum.Implementation

// The matrix products run on gonum's Dgemv (A·Bᵀ) and on accRows (A·B and
// Aᵀ·B), or on AVX2 kernels that take several rows at once but compute
// every element by exactly the same operations. They beat Dgemm on the
// small shapes of a training step. Every output element is computed by the
// same sequence of operations whatever the number of rows, so a row's
// result never depends on the batch it is in. Products are cut in two by
// Split along rows of C, or along its columns when C has few rows (batch
// 1), which does not change any element's arithmetic.

// GemmNT sets C = A·Bᵀ + beta·C for row-major A (m×k), B (n×k), C (m×n).
func GemmNT(m, n, k int, a, b []float64, beta float64, c []float64) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 {
		scale(beta, c[:m*n])
		return
	}
	splitProduct(&product{m: m, n: n, k: k, a: a, b: b, beta: beta, c: c, block: ntProduct})
}

func ntProduct(p *product, i0, i1, j0, j1 int) {
	ntBlock(i0, i1, j0, j1, p.n, p.k, p.a, p.b, p.beta, p.c)
}

// product is one call of a matrix product: its operands and the function
// computing a block of it. Products are handed to Split through a pooled
// copy whose method values are bound once, so that a product allocates
// nothing (a closure per call would, and at batch 1 a training step makes
// hundreds).
type product struct {
	m, n, k         int
	a, b, c         []float64
	beta            float64
	w, packed, bias []float64 // Linear's
	block           func(p *product, i0, i1, j0, j1 int)
	rows, cols      func(lo, hi int)
}

var products = sync.Pool{New: func() any {
	p := new(product)
	p.rows = func(lo, hi int) { p.block(p, lo, hi, 0, p.n) }
	p.cols = func(lo, hi int) { p.block(p, 0, p.m, lo, hi) }
	return p
}}

// splitProduct runs q.block over the rows [i0, i1) and columns [j0, j1) of
// the m×n product q with inner size k, cut in two by Split: along the rows,
// or along the columns (at a multiple of 4) when there are fewer than four
// rows, as at batch 1.
func splitProduct(q *product) {
	p := products.Get().(*product)
	rows, cols := p.rows, p.cols
	*p = *q
	p.rows, p.cols = rows, cols
	if p.m < 4 {
		Split(p.n, 4, p.m*p.n*p.k, p.cols)
	} else {
		Split(p.m, 4, p.m*p.n*p.k, p.rows)
	}
	*p = product{rows: rows, cols: cols}
	products.Put(p)
}

// ntBlock computes rows [i0, i1) and columns [j0, j1) of GemmNT's C; j0 is
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

// GemmNN sets C = A·B + beta·C for row-major A (m×k), B (k×n), C (m×n):
// row i of C is beta·C_i + Σ_l A_il B_l, l in order (Dgemv's arithmetic).
func GemmNN(m, n, k int, a, b []float64, beta float64, c []float64) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	splitProduct(&product{m: m, n: n, k: k, a: a, b: b, beta: beta, c: c, block: nnProduct})
}

func nnProduct(p *product, i0, i1, j0, j1 int) {
	nnBlock(i0, i1, j0, j1, p.n, p.k, p.a, p.b, p.beta, p.c)
}

// nnBlock computes rows [i0, i1) and columns [j0, j1) of GemmNN's C.
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

// GemmTN adds Aᵀ·B to C for row-major A (k×m), B (k×n), C (m×n): the weight
// gradient Σ_rows δᵀx accumulated over all rows at once. Row i of C gets
// A_li B_l added for l in order (the arithmetic of k rank-1 updates), with
// C_i held in registers while l runs.
func GemmTN(m, n, k int, a, b []float64, c []float64) {
	if m == 0 || n == 0 || k == 0 {
		return
	}
	// B is taken a block of rows at a time, small enough to stay in cache
	// while every row of C passes over it; blocks go in order of l.
	p := products.Get().(*product)
	p.m, p.n, p.k, p.a, p.b, p.c, p.block = m, n, k, a, b, c, tnProduct
	Split(m, 4, m*n*k, p.rows)
	p.a, p.b, p.c = nil, nil, nil
	products.Put(p)
}

// tnProduct computes rows [i0, i1) of GemmTN's C (all columns).
func tnProduct(p *product, i0, i1, _, _ int) {
	m, n, k, a, b, c := p.m, p.n, p.k, p.a, p.b, p.c
	kb := max(1, tnBlock/n)
	for l0 := 0; l0 < k; l0 += kb {
		l1 := min(k, l0+kb)
		i := i0
		for ; i+4 <= i1; i += 4 {
			accRows4(c[i*n:(i+4)*n], n, n, a[l0*m+i:], m, 1, b[l0*n:], n, l1-l0)
		}
		for ; i < i1; i++ {
			accRows(c[i*n:(i+1)*n], a[l0*m+i:], m, b[l0*n:], n, l1-l0)
		}
	}
}

// tnBlock is the number of elements of B GemmTN keeps in cache at once.
const tnBlock = 4 << 10
