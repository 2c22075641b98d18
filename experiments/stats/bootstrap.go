package stats

import (
	"math/rand/v2"
	"slices"
)

// crossed draws the numerators S n θ* = Σ_s Σ_c v_s w_c y[s][c] of the
// pigeonhole bootstrap (see the package comment) for a matrix y of small
// integers (outcomes in {0, 1}, paired differences in {−1, 0, 1}).
//
// Commands with the same column (y[0][c], …, y[S−1][c]) are interchangeable,
// so only the total multiplicity W_p of each distinct column p matters, and
// (W_p) ~ Multinomial(n; n_p/n). It is drawn exactly in steps, the columns
// ordered by decreasing count n₁ ≥ n₂ ≥ …: W₁ ~ Bin(n, n₁/n) from a table
// (binomial), W₂ ~ Bin(n − W₁, n₂/(n − n₁)) from a table kept for each
// n − W₁ met, and the remaining n − W₁ − W₂ multiplicities by as many uniform
// draws among the commands of the other columns. A resample thus costs two
// table look-ups, about n − n₁ − n₂ uniform draws and S seed draws, instead
// of n uniform draws: none when there are at most three columns (one seed,
// paired or not), few when most commands are right, or wrong, or agree, in
// every seed.
//
// The seeds (rows) form groups, each resampled on its own: the rows of one
// method, or of two methods whose seeds are not paired (CompareUnpaired),
// row s weighted by coef[s].
type crossed struct {
	seeds, n int
	groups   []int    // the numbers of rows of the groups, in row order, summing to seeds
	coef     []int64  // the weight of each row
	cols     [][]int8 // the distinct columns, by decreasing count (ties in order of first appearance)
	counts   []int    // their numbers of commands
	first    *binomial
	second   []*binomial // by n − W₁, made when first met
	rest     []int32     // the column of every command of a column after the second
	v, z     []int64     // scratch: seed multiplicities, columns' seed-weighted values
}

// newCrossed prepares the resampling of y, a seeds × n matrix (checked by
// the caller), its rows one group of weight 1.
func newCrossed(y [][]int8) *crossed {
	coef := make([]int64, len(y))
	for s := range coef {
		coef[s] = 1
	}
	return newGrouped(y, []int{len(y)}, coef)
}

// newGrouped prepares the resampling of y whose rows form groups of the
// given sizes, row s weighted by coef[s] (all checked by the caller).
func newGrouped(y [][]int8, groups []int, coef []int64) *crossed {
	seeds, n := len(y), len(y[0])
	index := map[string]int{}
	colOf := make([]int, n)
	var cols [][]int8
	var counts []int
	key := make([]byte, seeds)
	for c := range n {
		for s := range seeds {
			key[s] = byte(y[s][c])
		}
		p, ok := index[string(key)]
		if !ok {
			p = len(cols)
			index[string(key)] = p
			col := make([]int8, seeds)
			for s := range seeds {
				col[s] = y[s][c]
			}
			cols = append(cols, col)
			counts = append(counts, 0)
		}
		colOf[c] = p
		counts[p]++
	}
	order := make([]int, len(cols))
	for p := range order {
		order[p] = p
	}
	slices.SortStableFunc(order, func(p, q int) int { return counts[q] - counts[p] })
	rank := make([]int, len(cols))
	b := &crossed{seeds: seeds, n: n, groups: groups, coef: coef, second: make([]*binomial, n+1)}
	for i, p := range order {
		rank[p] = i
		b.cols, b.counts = append(b.cols, cols[p]), append(b.counts, counts[p])
	}
	b.first = newBinomial(n, b.counts[0], n-b.counts[0])
	for _, p := range colOf {
		if rank[p] >= 2 {
			b.rest = append(b.rest, int32(rank[p]))
		}
	}
	b.v, b.z = make([]int64, seeds), make([]int64, len(cols))
	return b
}

// draw returns the numerator S n θ* of one resample: with z_p = Σ_s
// coef_s v_s y_p[s] the seed-weighted value of column p, S n θ* = Σ_p W_p
// z_p. The seed multiplicities v of each group of k rows are
// Multinomial(k; 1/k, …), drawn group by group in row order.
func (b *crossed) draw(r *rand.Rand) int64 {
	clear(b.v)
	off := 0
	for _, k := range b.groups {
		if k == 1 {
			b.v[off] = 1 // no draw: the nested bootstrap's per-seed resamples
		} else {
			for range k {
				b.v[off+r.IntN(k)]++
			}
		}
		off += k
	}
	for s, c := range b.coef {
		b.v[s] *= c
	}
	for p, col := range b.cols {
		var z int64
		for s, y := range col {
			z += b.v[s] * int64(y)
		}
		b.z[p] = z
	}
	w1 := b.first.draw(r)
	num := int64(w1) * b.z[0]
	left := b.n - w1
	if left == 0 {
		return num
	}
	if len(b.cols) == 2 {
		return num + int64(left)*b.z[1]
	}
	t := b.second[left]
	if t == nil {
		t = newBinomial(left, b.counts[1], b.n-b.counts[0]-b.counts[1])
		b.second[left] = t
	}
	w2 := t.draw(r)
	num += int64(w2) * b.z[1]
	// The other multiplicities: left − w2 uniform draws among rest, each
	// from a 32-bit half of an r.Uint64 by Lemire's multiply-and-reject
	// method (exact: a draw whose low half falls among the 2³² mod len(rest)
	// biased values is redrawn).
	n32 := uint64(len(b.rest))
	reject := uint32(-uint32(n32) % uint32(n32))
	var buf uint64
	halves := 0
	for todo := left - w2; todo > 0; {
		if halves == 0 {
			buf, halves = r.Uint64(), 2
		}
		m := (buf & 0xffffffff) * n32
		buf >>= 32
		halves--
		if uint32(m) < reject {
			continue
		}
		num += b.z[b.rest[m>>32]]
		todo--
	}
	return num
}

// resampler draws a bootstrap numerator S n θ*.
type resampler interface{ draw(*rand.Rand) int64 }

// nested draws the numerators of the nested two-stage bootstrap: seeds
// s*_1, …, s*_S uniformly, then for each the numerator of a resample of its
// own commands, S n θ* = Σ_i Σ_c w^(i)_c y[s*_i][c] (each seed's commands
// resampled by a one-seed crossed, with its binomial shortcut).
type nested []*crossed

func newNested(y [][]int8) nested {
	b := make(nested, len(y))
	for s := range y {
		b[s] = newCrossed(y[s : s+1])
	}
	return b
}

func (b nested) draw(r *rand.Rand) int64 {
	var num int64
	for range b {
		num += b[r.IntN(len(b))].draw(r)
	}
	return num
}

// newResampler returns the resampler of y under s.
func newResampler(y [][]int8, s Settings) resampler {
	if s.Nested {
		return newNested(y)
	}
	return newCrossed(y)
}

// interval returns the percentile interval of s's level from s.B resamples
// of y: the j-th smallest and the j-th largest numerator divided by S n,
// j = ⌊(B+1)(1−Level)/2⌋ (so that the interval of −y is exactly the
// negated interval of y).
func interval(y [][]int8, s Settings, r *rand.Rand) (lo, hi float64) {
	return percentiles(newResampler(y, s), int64(len(y))*int64(len(y[0])), s, r)
}

// percentiles returns the j-th smallest and the j-th largest of s.B
// numerators drawn by b from r, divided by d.
func percentiles(b resampler, d int64, s Settings, r *rand.Rand) (lo, hi float64) {
	nums := make([]int64, s.B)
	for i := range nums {
		nums[i] = b.draw(r)
	}
	slices.Sort(nums)
	j := s.tail()
	return float64(nums[j-1]) / float64(d), float64(nums[s.B-j]) / float64(d)
}
