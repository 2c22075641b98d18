package outcomes

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// PredictionsFile is the name of a method run's test predictions, beside its
// result.json (written by package main of experiments).
const PredictionsFile = "predictions.jsonl.gz"

// Prediction is one line of a predictions file: a test command, its target
// actions, the model's actions up to its first EOS, and whether it emitted
// an EOS (an output without one is wrong whatever its actions). Words and
// actions are separated by single spaces.
type Prediction struct {
	In     string `json:"in"`
	Target string `json:"target"`
	Pred   string `json:"pred"`
	EOS    bool   `json:"eos"`
}

// Correct reports whether p is an exact match: an EOS, and the actions
// before it equal to the target.
func (p Prediction) Correct() bool { return p.EOS && p.Pred == p.Target }

// MaxPredictionsBytes bounds the uncompressed size ReadPredictions accepts
// (the largest split's file is about 2.5 MB).
const MaxPredictionsBytes = 256 << 20

// ReadPredictions reads a gzipped JSON-lines predictions file. Errors name
// the file and, for a bad line, its number.
func ReadPredictions(path string) ([]Prediction, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	lr := &io.LimitedReader{R: zr, N: MaxPredictionsBytes + 1}
	sc := bufio.NewScanner(lr)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var ps []Prediction
	for line := 1; sc.Scan(); line++ {
		var p Prediction
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		ps = append(ps, p)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", path, len(ps)+1, err)
	}
	if lr.N <= 0 {
		return nil, fmt.Errorf("%s: more than %d bytes uncompressed", path, MaxPredictionsBytes)
	}
	return ps, nil
}
