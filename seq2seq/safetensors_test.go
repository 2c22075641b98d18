package seq2seq

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nlpodyssey/safetensors"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/verbgroups"
)

// referenceDir returns $REFERENCE_DIR, the folder of models trained by the
// paper's PyTorch code with that code's outputs (shared/reference), skipping
// the test when it is unset and failing it when it is set but unusable.
func referenceDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("REFERENCE_DIR")
	if dir == "" {
		t.Skip("REFERENCE_DIR is unset; set it to shared/reference to compare with the PyTorch reference")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Fatalf("REFERENCE_DIR=%q is not a directory (%v)", dir, err)
	}
	return dir
}

// referenceLine is one line of <cell>.jsonl or <cell>.train.jsonl.
type referenceLine struct {
	In     string      `json:"in"`
	Target string      `json:"target"`
	Pred   string      `json:"pred"`
	PredG  string      `json:"pred_G"`
	LogP   [][]float64 `json:"logp"`
}

// fileMetadata returns the metadata of a safetensors file.
func fileMetadata(t *testing.T, path string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, md, err := safetensors.ReadMetadata(data)
	if err != nil {
		t.Fatal(err)
	}
	return md.Metadata()
}

func readReference(t *testing.T, path string) []referenceLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []referenceLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var l referenceLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%s:%d: %v", path, len(lines)+1, err)
		}
		lines = append(lines, l)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// readAsReference reads an output as the reference test_accuracy does: ids
// up to and including the first EOS, or, without one, the first
// MaxOutput−1 ids.
func readAsReference(ids []int, maxOutput int) string {
	end := slices.Index(ids, scan.EOS) + 1
	if end == 0 {
		end = min(len(ids), maxOutput-1)
	}
	var ws []string
	for _, id := range ids[:end] {
		ws = append(ws, scan.OutputVocab().Token(id))
	}
	return strings.Join(ws, " ")
}

// TestReferenceOutputs checks the engine against the paper's PyTorch code
// on the same weights: greedy outputs of the plain model and of the
// zero-shot equi-tuned model decoded as equitune_scan.py decodes
// (Independent), and the plain model's log-probabilities.
func TestReferenceOutputs(t *testing.T) {
	dir := referenceDir(t)
	verb, err := verbgroups.ByName("verb")
	if err != nil {
		t.Fatal(err)
	}
	for _, cell := range []string{"gru", "lstm"} {
		t.Run(cell, func(t *testing.T) {
			path := filepath.Join(dir, cell+".safetensors")
			m, err := ReadSafetensors(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, file := range []string{cell + ".jsonl", cell + ".train.jsonl"} {
				lines := readReference(t, filepath.Join(dir, file))
				ins := make([][]int, len(lines))
				for i, l := range lines {
					if ins[i], err = scan.InputVocab().Encode(strings.Fields(l.In)); err != nil {
						t.Fatal(err)
					}
				}
				for _, c := range []struct {
					name string
					cp   Copies
					mode Mode
					want func(referenceLine) string
				}{
					{"pred", Copies{}, Shared, func(l referenceLine) string { return l.Pred }},
					{"pred_G", CopiesOf(verb), Independent, func(l referenceLine) string { return l.PredG }},
				} {
					preds, err := m.Greedy(ins, c.cp, c.mode)
					if err != nil {
						t.Fatal(err)
					}
					differ := 0
					for i, p := range preds {
						if got := readAsReference(p, m.Config.MaxOutput); got != c.want(lines[i]) {
							differ++
							step, q := margin(t, m, ins[i], p, ids(t, c.want(lines[i])), c.cp)
							t.Logf("%s line %d %s: %q differs at step %d, where the engine's score margin is %.2g\n  engine    %s\n  reference %s",
								file, i+1, c.name, lines[i].In, step, q, got, c.want(lines[i]))
						}
					}
					t.Logf("%s %s: %d of %d outputs differ", file, c.name, differ, len(lines))
					if differ*1000 > len(lines) {
						t.Errorf("%s %s: %d of %d outputs differ (more than 0.1%%)", file, c.name, differ, len(lines))
					}
				}
			}
			words, err := vocabOrder(fileMetadata(t, path), "out_vocab", scan.OutputVocab(), actionPrefix)
			if err != nil {
				t.Fatal(err)
			}
			checkReferenceLogP(t, m, readReference(t, filepath.Join(dir, cell+".jsonl")), words)
		})
	}
}

// teacherLogP returns the model's log-probabilities (one row per step) of
// the command in along the output y, fed as the model's own inputs.
func teacherLogP(t *testing.T, m *Model, in, y []int) [][]float64 {
	t.Helper()
	if _, err := m.lossForward([][]int{in}, [][]int{y}, []bool{true}, Copies{}, nil); err != nil {
		t.Fatal(err)
	}
	V := m.Config.OutVocab
	rows := make([][]float64, len(y))
	for s := range rows {
		rows[s] = append([]float64(nil), m.dec.logp[s*V:(s+1)*V]...)
	}
	return rows
}

// margin returns, at the first step where the outputs got and want differ,
// q(got) − q(want) for the decoding's combined score q of cp in mode
// (Shared with K = 1: the plain model; Independent: the authors' average of
// copies that each decode on their own, 0 once a copy has stopped): how
// close the step is to a tie.
func margin(t *testing.T, m *Model, in []int, got, want []int, cp Copies) (step int, q float64) {
	t.Helper()
	for step < len(got) && step < len(want) && got[step] == want[step] {
		step++
	}
	if step == len(got) || step == len(want) {
		return step, math.NaN()
	}
	var sum [2]float64
	for k := range cp.K() {
		ink := in
		if cp.In != nil {
			ink = make([]int, len(in))
			for i, w := range in {
				ink[i] = cp.In[k][w]
			}
		}
		own, err := m.Greedy([][]int{ink}, Copies{}, Shared)
		if err != nil {
			t.Fatal(err)
		}
		rows := teacherLogP(t, m, ink, own[0])
		if step >= len(rows) {
			continue // stopped: contributes 0
		}
		for i, v := range []int{got[step], want[step]} {
			if cp.Out != nil {
				v = cp.Out[k][v]
			}
			sum[i] += rows[step][v]
		}
	}
	return step, (sum[0] - sum[1]) / float64(cp.K())
}

// ids encodes a line of the reference output (actions with "I_", EOS).
func ids(t *testing.T, s string) []int {
	t.Helper()
	var out []int
	for _, w := range strings.Fields(s) {
		id, ok := scan.OutputVocab().ID(w)
		if !ok {
			t.Fatalf("unknown output word %q", w)
		}
		out = append(out, id)
	}
	return out
}

// checkReferenceLogP compares the plain model's log-probabilities along the
// reference output with the file's logp rows, whose columns are in the
// file's out_vocab order.
func checkReferenceLogP(t *testing.T, m *Model, lines []referenceLine, outOrder []string) {
	t.Helper()
	worst, checked := 0.0, 0
	for i, l := range lines {
		if l.LogP == nil {
			continue
		}
		in, err := scan.InputVocab().Encode(strings.Fields(l.In))
		if err != nil {
			t.Fatal(err)
		}
		y := ids(t, l.Pred)
		rows := teacherLogP(t, m, in, y)
		if len(l.LogP) != len(y) {
			t.Fatalf("line %d: %d logp rows for %d emitted ids", i+1, len(l.LogP), len(y))
		}
		for s, row := range l.LogP {
			for j, want := range row {
				id, _ := scan.OutputVocab().ID(outOrder[j])
				worst = math.Max(worst, math.Abs(rows[s][id]-want))
				checked++
			}
		}
	}
	t.Logf("log-probabilities: %d values, largest difference %.2g", checked, worst)
	if checked == 0 || worst > 1e-4 {
		t.Errorf("log-probabilities differ by up to %.2g over %d values (want ≤ 1e-4)", worst, checked)
	}
}
