package seq2seq

// firstNonFinite returns the index of the first NaN, +Inf or −Inf of vs, or
// −1 if every value is finite. A model read from a file must be finite: a
// NaN weight makes every output NaN, which greedy decoding turns silently
// into a wrong answer, and training cannot recover from it.
func firstNonFinite(vs []float64) int {
	for i, v := range vs {
		if v-v != 0 { // NaN − NaN and Inf − Inf are NaN
			return i
		}
	}
	return -1
}
