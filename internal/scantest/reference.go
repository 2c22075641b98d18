package scantest

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"
)

// ReferenceDir returns $REFERENCE_DIR, the models trained by the equi-tuning
// paper's PyTorch code with that code's outputs (shared/reference),
// skipping the test if it is unset and failing it if it is set but is not a
// directory.
func ReferenceDir(t testing.TB) string {
	t.Helper()
	return envDir(t, "REFERENCE_DIR", "shared/reference to compare with the PyTorch reference")
}

// ReferenceLine is one line of a reference output file (<cell>.jsonl,
// <cell>.train.jsonl): a command, its target, the plain model's output and
// the zero-shot M_G's, read as the reference code reads them, and for the
// first lines of <cell>.jsonl the plain model's log-probabilities.
type ReferenceLine struct {
	In     string      `json:"in"`
	Target string      `json:"target"`
	Pred   string      `json:"pred"`
	PredG  string      `json:"pred_G"`
	LogP   [][]float64 `json:"logp"`
}

// ReadReference reads a reference output file, in file order.
func ReadReference(t testing.TB, path string) []ReferenceLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []ReferenceLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var l ReferenceLine
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
