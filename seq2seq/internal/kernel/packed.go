package kernel

// Linear sets C = A·Wᵀ + b for row-major A (m×k), W (n×k), C (m×n) and the
// bias b (n values; nil for none), each row's bias added after its product,
// (0 + a·w) + b: GemmNT then addRows. packed is W's copy made by Pack, or
// nil; with it, the first n − n mod 8 columns of C come from the AVX-512
// kernels on the packed copy, which compute the same bits.
func Linear(m, n, k int, a, w, packed, b, c []float64) {
	n8 := n &^ 7
	if packed == nil || n8 == 0 {
		GemmNT(m, n, k, a, w, 0, c)
		if b != nil {
			addRows(c[:m*n], b)
		}
		return
	}
	if m == 0 {
		return
	}
	_, _, _ = a[m*k-1], c[m*n-1], packed[n8*k-1]
	p := products.Get().(*product)
	p.m, p.n, p.k, p.a, p.w, p.packed, p.bias, p.c, p.block = m, n, k, a, w, packed, b, c, linearRows
	Split(m, 8, m*n*k, p.rows)
	p.a, p.w, p.packed, p.bias, p.c = nil, nil, nil, nil, nil
	products.Put(p)
}

// linearRows computes rows [lo, hi) of Linear's C on the packed weights.
func linearRows(p *product, lo, hi, _, _ int) {
	n, k, a, w, packed, b, c := p.n, p.k, p.a, p.w, p.packed, p.bias, p.c
	n8 := n &^ 7
	bias := zeroBias[:]
	for j := 0; j < n8; j += 8 {
		if b != nil {
			bias = b[j : j+8]
		}
		i := lo
		for ; i+8 <= hi; i += 8 {
			dotsPacked8x8AVX512(&c[i*n+j], n, &a[i*k], k, &packed[j*k], k, &bias[0])
		}
		for ; i < hi; i++ {
			dotsPacked1x8AVX512(&c[i*n+j], &a[i*k], &packed[j*k], k, &bias[0])
		}
	}
	if n8 < n {
		ntBlock(lo, hi, n8, n, n, k, a, w, 0, c)
		for i := lo; b != nil && i < hi; i++ {
			addRows(c[i*n+n8:(i+1)*n], b[n8:])
		}
	}
}

// zeroBias stands for a missing bias in the packed kernels: adding +0 to
// (+0) + a·w changes nothing.
var zeroBias [8]float64

// Pack returns the copy of W (n×k, row-major) that Linear's packed kernels
// read, in buf's storage if it is large enough, or nil if they cannot run
// (no AVX-512, k odd or n < 8). The copy holds, for each block of four of
// the first n − n mod 8 rows, the pairs of columns in order, each pair of
// the four rows side by side.
func Pack(buf, w []float64, n, k int) []float64 {
	n8 := n &^ 7
	if !useAVX2 || !hasPacked || k%2 != 0 || n8 == 0 {
		return nil
	}
	if cap(buf) < n8*k {
		buf = make([]float64, n8*k)
	}
	p := buf[:n8*k]
	for r := range n8 {
		blk, q := r/4, r%4
		for c := 0; c < k; c += 2 {
			o := blk*4*k + c*4 + q*2
			p[o], p[o+1] = w[r*k+c], w[r*k+c+1]
		}
	}
	return p
}
