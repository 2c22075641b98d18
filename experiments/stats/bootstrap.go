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
// (W_p) ~ Multinomial(n; n_p/n). It is drawn exactly in two steps: the most
// frequent column's W_d ~ Bin(n, n_d/n) from a table (binomial), then the
// other n − W_d draws uniformly among the n − n_d other commands. A resample
// thus costs one table look-up, n − W_d ≈ n − n_d uniform draws and S seed
// draws, instead of n: cheap when most commands are right (or wrong, or
// agree) in every seed, as in most rows.
type crossed struct {
	seeds, n int
	cols     [][]int8 // the distinct columns, in order of first appearance
	dom      int      // the most frequent column (the first of those tied)
	domCount *binomial
	rest     []int32 // the column of every command whose column is not dom
	v, z     []int64 // scratch: seed multiplicities, columns' seed-weighted values
}

// newCrossed prepares the resampling of y, a seeds × n matrix (checked by
// the caller).
func newCrossed(y [][]int8) *crossed {
	seeds, n := len(y), len(y[0])
	b := &crossed{seeds: seeds, n: n}
	index := map[string]int{}
	colOf := make([]int32, n)
	var counts []int
	key := make([]byte, seeds)
	for c := range n {
		for s := range seeds {
			key[s] = byte(y[s][c])
		}
		p, ok := index[string(key)]
		if !ok {
			p = len(b.cols)
			index[string(key)] = p
			col := make([]int8, seeds)
			for s := range seeds {
				col[s] = y[s][c]
			}
			b.cols = append(b.cols, col)
			counts = append(counts, 0)
		}
		colOf[c] = int32(p)
		counts[p]++
	}
	for p, k := range counts {
		if k > counts[b.dom] {
			b.dom = p
		}
	}
	b.domCount = newBinomial(n, counts[b.dom], n-counts[b.dom])
	for _, p := range colOf {
		if int(p) != b.dom {
			b.rest = append(b.rest, p)
		}
	}
	b.v, b.z = make([]int64, seeds), make([]int64, len(b.cols))
	return b
}

// draw returns the numerator S n θ* of one resample: with z_p = Σ_s v_s
// y_p[s] the seed-weighted value of column p, S n θ* = Σ_p W_p z_p.
func (b *crossed) draw(r *rand.Rand) int64 {
	clear(b.v)
	if b.seeds == 1 {
		b.v[0] = 1 // no draw: the nested bootstrap's per-seed resamples
	} else {
		for range b.seeds {
			b.v[r.IntN(b.seeds)]++
		}
	}
	for p, col := range b.cols {
		var z int64
		for s, y := range col {
			z += b.v[s] * int64(y)
		}
		b.z[p] = z
	}
	k := b.domCount.draw(r)
	num := int64(k) * b.z[b.dom]
	for range b.n - k {
		num += b.z[b.rest[r.IntN(len(b.rest))]]
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
	b := newResampler(y, s)
	nums := make([]int64, s.B)
	for i := range nums {
		nums[i] = b.draw(r)
	}
	slices.Sort(nums)
	j := s.tail()
	d := float64(int64(len(y)) * int64(len(y[0])))
	return float64(nums[j-1]) / d, float64(nums[s.B-j]) / d
}
