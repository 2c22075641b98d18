package runner

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/scan"
)

// TestWritePredictionsOutcomes: a run's predictions file and its outcomes
// file say the same (the record of the predictions read back), also for an
// output with the start token SOS, and an output word the record cannot
// hold leaves the run without outcomes, which the log says, but with its
// predictions.
func TestWritePredictionsOutcomes(t *testing.T) {
	in, out := scan.InputVocab(), scan.OutputVocab()
	enc := func(v *scan.Vocab, s string) []int {
		ids, err := v.Encode(strings.Fields(s))
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	ins := [][]int{enc(in, "jump twice"), enc(in, "walk left"), enc(in, "run")}
	outs := [][]int{enc(out, "I_JUMP I_JUMP"), enc(out, "I_TURN_LEFT I_WALK"), enc(out, "I_RUN")}
	preds := [][]int{enc(out, "I_JUMP I_JUMP"), enc(out, "I_TURN_LEFT I_RUN"), enc(out, "I_RUN")[:1]} // right, wrong, no EOS
	ps := predictionsOf(ins, outs, preds)
	if want := (outcomes.Prediction{In: "run", Target: "I_RUN", Pred: "I_RUN"}); ps[2] != want {
		t.Errorf("prediction without EOS: %+v, want %+v", ps[2], want)
	}
	dir := t.TempDir()
	if err := writePredictions(dir, ps, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	back, err := outcomes.ReadPredictions(filepath.Join(dir, PredictionsFile))
	if err != nil || !reflect.DeepEqual(back, ps) {
		t.Fatalf("predictions read back %+v (%v), want %+v", back, err, ps)
	}
	rec, err := outcomes.Read(filepath.Join(dir, OutcomesFile))
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := outcomes.FromPredictions(ps); !reflect.DeepEqual(rec, want) || rec.Correct != 1 {
		t.Errorf("outcomes %+v, want %+v", rec, want)
	}

	preds[1] = []int{scan.SOS, scan.EOS}
	dir = t.TempDir()
	withSOS := predictionsOf(ins, outs, preds)
	if err := writePredictions(dir, withSOS, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	rec, err = outcomes.Read(filepath.Join(dir, OutcomesFile))
	if err != nil {
		t.Fatalf("outcomes of an SOS output: %v", err)
	}
	commands := []string{"jump twice", "walk left", "run"}
	if got, err := rec.Predictions(commands); err != nil || !reflect.DeepEqual(got, withSOS) || got[1].Pred != "SOS" {
		t.Errorf("predictions of the SOS record %+v (%v), want %+v", got, err, withSOS)
	}

	unknown := slices.Clone(withSOS)
	unknown[1].Pred = "I_FLY"
	dir = t.TempDir()
	var log bytes.Buffer
	if err := writePredictions(dir, unknown, slog.New(slog.NewTextHandler(&log, nil))); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, OutcomesFile)); !os.IsNotExist(err) {
		t.Errorf("outcomes of an unknown word: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, PredictionsFile)); err != nil {
		t.Error(err)
	}
	if !strings.Contains(log.String(), "no outcomes file") {
		t.Errorf("log: %s", log.String())
	}
}
