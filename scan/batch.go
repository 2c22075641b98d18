package scan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// DefaultValFrac is the fraction of the training set held out for validation
// in the reference code.
const DefaultValFrac = 0.2

// HoldOut splits ps into a training part and a validation part holding
// round(frac·len(ps)) pairs chosen uniformly by r. Both parts keep the order
// of ps. Repeated pairs (as in the addprim splits) are drawn independently,
// so copies may land on both sides. HoldOut panics if frac is outside [0, 1]
// or r is nil.
func HoldOut(ps []Pair, frac float64, r *rand.Rand) (train, val []Pair) {
	if !(frac >= 0 && frac <= 1) || r == nil {
		panic(fmt.Sprintf("scan: HoldOut with frac %v and rand %p", frac, r))
	}
	k := int(math.Round(frac * float64(len(ps))))
	inVal := make([]bool, len(ps))
	for _, i := range r.Perm(len(ps))[:k] {
		inVal[i] = true
	}
	for i, p := range ps {
		if inVal[i] {
			val = append(val, p)
		} else {
			train = append(train, p)
		}
	}
	return train, val
}

// Example is an encoded pair: the ids of the command and of the actions, each
// followed by EOS.
type Example struct {
	In, Out []int
}

// EncodePairs encodes ps with the input and output vocabularies, or returns an
// error naming the first pair holding an unknown token.
func EncodePairs(ps []Pair, in, out *Vocab) ([]Example, error) {
	exs := make([]Example, len(ps))
	for i, p := range ps {
		var err error
		if exs[i].In, err = in.Encode(p.Command); err == nil {
			exs[i].Out, err = out.Encode(p.Actions)
		}
		if err != nil {
			return nil, fmt.Errorf("scan: pair %d (%s): %w", i, p, err)
		}
	}
	return exs, nil
}

// Batch holds B examples padded to common lengths. Each matrix is stored
// row-major: position t of row b of the inputs is In[b*InLen+t], with
// 0 ≤ t < InLen, and likewise for Out with OutLen. Row b holds InLens[b]
// real ids (EOS included); the positions after them hold EOS and have
// InMask false, so Vocab.Decode of a row gives its tokens.
type Batch struct {
	B      int // number of rows
	InLen  int // columns of In: the longest input, EOS included
	OutLen int // columns of Out: the longest target, EOS included

	In, Out         []int  // B×InLen input ids, B×OutLen target ids
	InLens, OutLens []int  // per-row lengths, EOS included
	InMask, OutMask []bool // B×InLen, B×OutLen: true at real ids
	Index           []int  // Index[b] is the position in exs of row b
}

// InRow returns the padded input ids of row b (a view into In).
func (bt *Batch) InRow(b int) []int { return bt.In[b*bt.InLen : (b+1)*bt.InLen] }

// OutRow returns the padded target ids of row b (a view into Out).
func (bt *Batch) OutRow(b int) []int { return bt.Out[b*bt.OutLen : (b+1)*bt.OutLen] }

// bucketChunk is the number of batches whose examples are sorted together
// when bucketing.
const bucketChunk = 32

// MakeBatches groups exs into batches of size rows (the last may be smaller).
// If r is not nil the examples are shuffled by r first, and the batch order
// after; if r is nil the order of exs is kept. If bucket is true, each run of
// 32·size examples is sorted by input length (stably) before being cut, so a
// batch holds inputs of similar length and little padding. MakeBatches
// panics if size < 1.
func MakeBatches(exs []Example, size int, bucket bool, r *rand.Rand) []Batch {
	if size < 1 {
		panic(fmt.Sprintf("scan: MakeBatches with size %d", size))
	}
	idx := make([]int, len(exs))
	for i := range idx {
		idx[i] = i
	}
	if r != nil {
		r.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
	}
	if bucket {
		for lo := 0; lo < len(idx); lo += bucketChunk * size {
			chunk := idx[lo:min(lo+bucketChunk*size, len(idx))]
			slices.SortStableFunc(chunk, func(a, b int) int { return len(exs[a].In) - len(exs[b].In) })
		}
	}
	var bs []Batch
	for lo := 0; lo < len(idx); lo += size {
		bs = append(bs, newBatch(exs, idx[lo:min(lo+size, len(idx))]))
	}
	if r != nil {
		r.Shuffle(len(bs), func(i, j int) { bs[i], bs[j] = bs[j], bs[i] })
	}
	return bs
}

// newBatch pads the examples exs[i] for i in idx into one Batch.
func newBatch(exs []Example, idx []int) Batch {
	bt := Batch{B: len(idx), Index: slices.Clone(idx)}
	for _, i := range idx {
		bt.InLen = max(bt.InLen, len(exs[i].In))
		bt.OutLen = max(bt.OutLen, len(exs[i].Out))
	}
	bt.In, bt.InLens, bt.InMask = pad(exs, idx, bt.InLen, func(e Example) []int { return e.In })
	bt.Out, bt.OutLens, bt.OutMask = pad(exs, idx, bt.OutLen, func(e Example) []int { return e.Out })
	return bt
}

func pad(exs []Example, idx []int, width int, seq func(Example) []int) (ids, lens []int, mask []bool) {
	ids = make([]int, len(idx)*width)
	lens = make([]int, len(idx))
	mask = make([]bool, len(idx)*width)
	for b, i := range idx {
		s := seq(exs[i])
		lens[b] = len(s)
		row := ids[b*width : (b+1)*width]
		copy(row, s)
		for t := range row {
			if t < len(s) {
				mask[b*width+t] = true
			} else {
				row[t] = EOS
			}
		}
	}
	return ids, lens, mask
}
