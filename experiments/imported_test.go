package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/outcomes"
	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/internal/scantest"
	"github.com/scan-equitune/equitune/seq2seq"
)

// TestImportedReferenceModel runs the LSTM trained by the reference code
// through the runner (pretrained_model): the plain model's and the
// zero-shot equi-tuned model's test accuracies equal the ones the reference
// functions computed (summary.json) and the predictions files agree with the
// reference outputs; equi-tuning the imported model runs end to end and
// its tuned model exports.
func TestImportedReferenceModel(t *testing.T) {
	if testing.Short() {
		t.Skip("decodes the add_jump test split and tunes")
	}
	ref := scantest.ReferenceDir(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "imported.toml")
	toml := fmt.Sprintf(`name = "imported"
split = "add_jump"
pretrained_model = %q
seeds = [0]
methods = ["pretrained", "equitune_zeroshot", "equitune"]
decode = "independent"

[tune]
iterations = 20
batch = 8
eval_every = 10
`, filepath.Join(ref, "lstm.safetensors"))
	if err := os.WriteFile(cfg, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	var stderr bytes.Buffer
	if code := run([]string{"-config", cfg, "-out", out}, io.Discard, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var summary struct {
		TestAcc   float64 `json:"test_acc"`
		TestAccEq float64 `json:"test_acc_equitune_zeroshot_verb"`
	}
	readJSON(t, filepath.Join(ref, "lstm.summary.json"), &summary)
	lines := referenceLines(t, filepath.Join(ref, "lstm.jsonl"))
	runs := filepath.Join(out, "results", "imported", "runs")
	for _, c := range []struct {
		run  string
		want float64
		pred func(scantest.ReferenceLine) string
	}{
		{"addprim_jump-lstm-s0-pretrained", summary.TestAcc, func(l scantest.ReferenceLine) string { return l.Pred }},
		{"addprim_jump-lstm-s0-equitune_zeroshot", summary.TestAccEq, func(l scantest.ReferenceLine) string { return l.PredG }},
	} {
		var res runner.Result
		readJSON(t, filepath.Join(runs, c.run, "result.json"), &res)
		t.Logf("%s: test accuracy %.4f, the reference's %.4f", c.run, res.TestAcc, c.want)
		if math.Abs(res.TestAcc-c.want) > 0.002 {
			t.Errorf("%s: test accuracy %.4f, the reference's %.4f", c.run, res.TestAcc, c.want)
		}
		preds := readPredictions(t, filepath.Join(runs, c.run, outcomes.PredictionsFile))
		if len(preds) != len(lines) {
			t.Fatalf("%s: %d predictions for %d reference lines", c.run, len(preds), len(lines))
		}
		differ := 0
		for _, p := range preds {
			l, ok := lines[p.In]
			if !ok {
				t.Fatalf("%s: command %q is not in the reference file", c.run, p.In)
			}
			if want := c.pred(l); !agrees(p, want) {
				differ++
				t.Logf("%s: %q: pred %q (eos %v), reference %q", c.run, p.In, p.Pred, p.EOS, want)
			}
		}
		t.Logf("%s: %d of %d predictions differ from the reference's", c.run, differ, len(preds))
		if differ*1000 > len(preds) {
			t.Errorf("%s: %d of %d predictions differ from the reference's", c.run, differ, len(preds))
		}
	}
	tuned := filepath.Join(runs, "addprim_jump-lstm-s0-equitune")
	var res runner.Result
	readJSON(t, filepath.Join(tuned, "result.json"), &res)
	if res.TuneIterations != 20 || res.PretrainIterations != 0 || len(res.Curve) != 2 {
		t.Errorf("equitune result: tune %d, pretrain %d iterations, %d curve points", res.TuneIterations, res.PretrainIterations, len(res.Curve))
	}
	export := filepath.Join(dir, "tuned.safetensors")
	if code := run([]string{"export", "-config", cfg, "-out", out, "-run-index", "2", "-o", export,
		"-vocab-from", filepath.Join(ref, "lstm.safetensors")}, io.Discard, &stderr); code != 0 {
		t.Fatalf("-export: exit %d: %s", code, stderr.String())
	}
	a, err := seq2seq.ReadSafetensors(export, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	b, err := seq2seq.ReadSafetensors(filepath.Join(tuned, runner.ModelFile), 0.1)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range a.Params() {
		if !slices.Equal(p.W, b.Params()[i].W) {
			t.Fatalf("exported %s differs from the run's model", p.Name)
		}
	}
}

// agrees reports whether a prediction reads as the reference line want
// (actions, then EOS if one was emitted; without one, the reference reads
// the first 49 ids).
func agrees(p outcomes.Prediction, want string) bool {
	if w, ok := strings.CutSuffix(want, "EOS"); ok {
		return p.EOS && p.Pred == strings.TrimSpace(w)
	}
	got := strings.Fields(p.Pred)
	return !p.EOS && strings.Join(got[:min(len(got), 49)], " ") == want
}

// referenceLines reads a reference output file by command.
func referenceLines(t *testing.T, path string) map[string]scantest.ReferenceLine {
	t.Helper()
	lines := map[string]scantest.ReferenceLine{}
	for _, l := range scantest.ReadReference(t, path) {
		lines[l.In] = l
	}
	return lines
}

// readPredictions reads a predictions file.
func readPredictions(t *testing.T, path string) []outcomes.Prediction {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var ps []outcomes.Prediction
	dec := json.NewDecoder(zr)
	for {
		var p outcomes.Prediction
		if err := dec.Decode(&p); err == io.EOF {
			return ps
		} else if err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestPretrainedModelBadInput checks that a pretrained_model that is
// missing, not a model, or of another cell than cells lists is refused with
// exit 2 and one message naming it, before anything is written.
func TestPretrainedModelBadInput(t *testing.T) {
	dir := t.TempDir()
	m, err := seq2seq.New(seq2seq.Default(seq2seq.LSTM, 15, 8), rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.WriteSafetensors(filepath.Join(dir, "lstm.safetensors"), nil, nil); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "junk.safetensors"), []byte("junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	for _, c := range []struct{ toml, want string }{
		{`pretrained_model = "missing.safetensors"`, "missing.safetensors"},
		{`pretrained_model = "junk.safetensors"`, "junk.safetensors"},
		{"pretrained_model = \"lstm.safetensors\"\ncells = [\"gru\"]", "lstm model"},
	} {
		cfg := filepath.Join(dir, "c.toml")
		if err := os.WriteFile(cfg, []byte("name = \"x\"\n"+c.toml+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		var stderr bytes.Buffer
		if code := run([]string{"-config", cfg, "-out", out}, io.Discard, &stderr); code != 2 {
			t.Errorf("%s: exit %d, want 2", c.toml, code)
		}
		if msg := stderr.String(); strings.Count(strings.TrimSpace(msg), "\n") != 0 || !strings.Contains(msg, c.want) {
			t.Errorf("%s: message %q, want one line naming %s", c.toml, msg, c.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("bad input wrote %s", out)
	}
}
