package runner

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"path/filepath"
	"strings"

	"github.com/scan-equitune/equitune/internal/atomicfile"
	"github.com/scan-equitune/equitune/scan"
)

// PredictionsFile is the name of a method run's test predictions, beside its
// result.json.
const PredictionsFile = "predictions.jsonl.gz"

// Prediction is one line of a predictions file: a test command, its target
// actions, the model's actions up to its first EOS, and whether it emitted
// an EOS (an output without one is wrong whatever its actions).
type Prediction struct {
	In     string `json:"in"`
	Target string `json:"target"`
	Pred   string `json:"pred"`
	EOS    bool   `json:"eos"`
}

// writePredictions writes the predictions preds of the commands ins with
// targets outs (ids, as encoded by package scan) as gzipped JSON lines into
// dir, atomically.
func writePredictions(dir string, ins, outs, preds [][]int) error {
	in, out := scan.InputVocab(), scan.OutputVocab()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	enc := json.NewEncoder(zw)
	for i, p := range preds {
		line := Prediction{
			In:     strings.Join(in.Decode(ins[i]), " "),
			Target: strings.Join(out.Decode(outs[i]), " "),
			Pred:   strings.Join(out.Decode(p), " "),
		}
		for _, id := range p {
			line.EOS = line.EOS || id == scan.EOS
		}
		if err := enc.Encode(&line); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return atomicfile.WriteFile(filepath.Join(dir, PredictionsFile), buf.Bytes(), 0o644)
}
