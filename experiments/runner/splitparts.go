package runner

import (
	"math/rand/v2"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/seq2seq"
)

// SplitParts returns the parts of c's split for a seed: the training part
// the models are trained on, the validation part held out of the split's
// training set with the seed's hold-out stream (c.ValFraction of it), and
// the test set.
func SplitParts(c *config.Config, seed uint64) (train, val, test []scan.Pair, err error) {
	train, test, err = scan.Generate(c.Split, seed)
	if err != nil {
		return nil, nil, nil, err
	}
	train, val = scan.HoldOut(train, c.ValFraction, rand.New(rand.NewPCG(seed, streamHoldOut)))
	return train, val, test, nil
}

// Parts are the parts of a split for a seed (SplitParts), encoded for the
// engine: the training part, the validation part and the test set.
type Parts struct {
	Train, Val, Test seq2seq.Data
}

// loadParts generates the split, holds out the validation fraction with the
// seed's hold-out stream and encodes every part.
func loadParts(c *config.Config, seed uint64) (Parts, error) {
	train, val, test, err := SplitParts(c, seed)
	if err != nil {
		return Parts{}, err
	}
	var d Parts
	in, out := scan.InputVocab(), scan.OutputVocab()
	if d.Train, err = seq2seq.Encode(train, in, out); err != nil {
		return Parts{}, err
	}
	if d.Val, err = seq2seq.Encode(val, in, out); err != nil {
		return Parts{}, err
	}
	if d.Test, err = seq2seq.Encode(test, in, out); err != nil {
		return Parts{}, err
	}
	return d, nil
}
