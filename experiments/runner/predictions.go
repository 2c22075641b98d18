package runner

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/internal/atomicfile"
	"github.com/scan-equitune/equitune/scan"
)

// PredictionsFile is the name of a method run's test predictions, beside its
// result.json.
const PredictionsFile = outcomes.PredictionsFile

// predictionsOf returns the predictions preds of the commands ins with
// targets outs (ids, as encoded by package scan): each output's actions up
// to its first EOS, and whether it had one.
func predictionsOf(ins, outs, preds [][]int) []outcomes.Prediction {
	in, out := scan.InputVocab(), scan.OutputVocab()
	ps := make([]outcomes.Prediction, len(preds))
	for i, p := range preds {
		ps[i] = outcomes.Prediction{
			In:     strings.Join(in.Decode(ins[i]), " "),
			Target: strings.Join(out.Decode(outs[i]), " "),
			Pred:   strings.Join(out.Decode(p), " "),
		}
		for _, id := range p {
			ps[i].EOS = ps[i].EOS || id == scan.EOS
		}
	}
	return ps
}

// writePredictions writes the test predictions ps of a method run into dir,
// atomically: PredictionsFile, gzipped JSON lines, then OutcomesFile, their
// outcomes record. A prediction the record cannot hold (an output word
// that is neither an action nor SOS) leaves the run without outcomes, which
// log warns of.
func writePredictions(dir string, ps []outcomes.Prediction, log *slog.Logger) error {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	enc := json.NewEncoder(zw)
	for i := range ps {
		if err := enc.Encode(&ps[i]); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, PredictionsFile), buf.Bytes(), 0o644); err != nil {
		return err
	}
	rec, err := outcomes.FromPredictions(ps)
	if errors.Is(err, outcomes.ErrInvalid) {
		log.Warn("no outcomes file: a prediction is not a sequence of actions", "dir", dir, "err", err)
		return nil
	} else if err != nil {
		return err
	}
	return rec.Write(filepath.Join(dir, OutcomesFile))
}
