package kernel

// accRows and accRows4 are the row kernels of the products A·B and Aᵀ·B
// (GemmNN, GemmTN):
//
//	y_j ← y_j + c_l·B_lj   for l = 0, 1, …, k−1 in order
//
// The explicit float64 conversions, here and in the other portable loops,
// keep the compiler from fusing a multiply into the following add on
// targets where it may.

// accRows adds Σ_l coef[l·cstride]·b[l·ldb : l·ldb+len(y)] to y, l in order.
func accRows(y, coef []float64, cstride int, b []float64, ldb, k int) {
	n := len(y)
	if n == 0 || k == 0 {
		return
	}
	_ = coef[(k-1)*cstride]
	_ = b[(k-1)*ldb+n-1]
	v := 0
	if useAVX2 && hasPacked && n >= 64 {
		v = n &^ 63
		accRowsAVX512(&y[0], v, &coef[0], cstride, &b[0], ldb, k)
	}
	if useAVX2 && n-v >= 4 {
		w := (n - v) &^ 3
		accRowsAVX2(&y[v], w, &coef[0], cstride, &b[v], ldb, k)
		v += w
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
	if useAVX2 && hasPacked && n >= 16 {
		v = n &^ 15
		accRows4AVX512(&y[0], ldy, v, &coef[0], cstride, crow, &b[0], ldb, k)
	}
	if useAVX2 && n-v >= 4 {
		w := (n - v) &^ 3
		accRows4AVX2(&y[v], ldy, w, &coef[0], cstride, crow, &b[v], ldb, k)
		v += w
	}
	if v == n {
		return
	}
	for q := range 4 {
		accRows(y[q*ldy+v:q*ldy+n], coef[q*crow:], cstride, b[v:], ldb, k)
	}
}
