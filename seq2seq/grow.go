package seq2seq

// grow returns s resized to n, reusing its storage when it is large enough.
// The contents are not cleared.
func grow(s []float64, n int) []float64 {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]float64, n, n+n/4)
}

// growInt is grow for ints.
func growInt(s []int, n int) []int {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]int, n, n+n/4)
}
