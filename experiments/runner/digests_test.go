package runner

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/seq2seq"
)

// TestSumsFile: seal lists the run's files there are, sorted, in
// sha256sum's format, and checkRun accepts them; a SumsFile that is not
// one (a bad digest, an unknown or repeated name, a result.json it does not
// list, one too long) is damaged, named with its line.
func TestSumsFile(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{ResultFile: "{}\n", PredictionsFile: "p", "other": "x"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := seal(dir); err != nil {
		t.Fatal(err)
	}
	sums, err := os.ReadFile(filepath.Join(dir, SumsFile))
	if err != nil {
		t.Fatal(err)
	}
	want := "148de9c5a7a44d19e56cd9ae1a554bf67847afb0c58f6e12fa29ac7ddfca9940  predictions.jsonl.gz\n" +
		"ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356  result.json\n"
	if string(sums) != want {
		t.Errorf("SHA256SUMS =\n%s\nwant\n%s", sums, want)
	}
	if rc, err := checkRun(dir); err != nil || !rc.Sealed || len(rc.Damaged) > 0 || len(rc.Absent) > 0 {
		t.Errorf("checkRun of a sealed run: %+v, %v", rc, err)
	}
	line := strings.SplitN(want, "\n", 2)[1]
	for _, c := range []struct{ sums, want string }{
		{strings.Replace(want, "148d", "148D", 1), ":1: damaged: want"},
		{strings.Replace(want, "  predictions", " predictions", 1), ":1: damaged: want"},
		{strings.Replace(want, "predictions.jsonl.gz", "../x", 1), `:1: damaged: "../x" is not a file of a run`},
		{want + line, ":3: damaged: result.json listed twice"},
		{strings.SplitN(want, "\n", 2)[0] + "\n", "result.json: damaged: SHA256SUMS does not list it"},
		{strings.Repeat(want, 40), "damaged: " + filepath.Join(dir, SumsFile) + ": too large"},
	} {
		if err := os.WriteFile(filepath.Join(dir, SumsFile), []byte(c.sums), 0o644); err != nil {
			t.Fatal(err)
		}
		rc, err := checkRun(dir)
		if err != nil || len(rc.Damaged) != 1 || !errors.Is(rc.Damaged[0], ErrDamaged) || !strings.Contains(rc.Damaged[0].Error(), c.want) {
			t.Errorf("SHA256SUMS\n%s: %+v, %v; want damage %q", c.sums, rc.Damaged, err, c.want)
		}
	}
}

// TestImportedDamaged: a pretrained_model that no longer reads when a run
// starts (a NaN written into it after the config loaded) fails the run as
// bad input, exit 2, naming the file and the tensor.
func TestImportedDamaged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gru.safetensors")
	m, err := seq2seq.New(seq2seq.Default(seq2seq.GRU, 15, 8), rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.WriteSafetensors(path, nil, nil); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "imported.toml")
	toml := fmt.Sprintf("name = \"imported\"\nsplit = \"add_jump\"\npretrained_model = %q\nseeds = [0]\nmethods = [\"pretrained\"]\n", path)
	if err := os.WriteFile(cfg, []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}
	sw, err := config.LoadSweep(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range m.Params() {
		p.W[0] = math.NaN()
	}
	if err := m.WriteSafetensors(path, nil, nil); err != nil {
		t.Fatal(err)
	}
	st := Plan(sw)[0]
	var stderr bytes.Buffer
	code := RunOne(st.Cell, st.Run, Options{Out: filepath.Join(dir, "out")}, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), path) || !strings.Contains(stderr.String(), "tensor ") {
		t.Errorf("exit %d, want 2 naming %s and the tensor:\n%s", code, path, stderr.String())
	}
}
