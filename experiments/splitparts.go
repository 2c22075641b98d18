package main

import (
	"math/rand/v2"

	"github.com/scan-equitune/equitune/scan"
)

// splitParts returns the parts of c's split for a seed: the training part
// the models are trained on, the validation part held out of the split's
// training set with the seed's hold-out stream (c.ValFraction of it), and
// the test set.
func splitParts(c *Config, seed uint64) (train, val, test []scan.Pair, err error) {
	train, test, err = scan.Generate(c.Split, seed)
	if err != nil {
		return nil, nil, nil, err
	}
	train, val = scan.HoldOut(train, c.ValFraction, rand.New(rand.NewPCG(seed, streamHoldOut)))
	return train, val, test, nil
}
