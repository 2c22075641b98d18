package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/nlpodyssey/safetensors"

	"github.com/scan-equitune/equitune/experiments/runner"
	"github.com/scan-equitune/equitune/scan"
)

// tinyRuns is the directory of the method runs of testdata/tiny.toml under
// an output root.
const tinyRuns = "results/tiny/runs"

// finishedTiny returns an output root where testdata/tiny.toml has run to
// completion, computed once per test binary; callers copy it (copyTree).
var finishedTiny = sync.OnceValues(func() (string, error) {
	out, err := os.MkdirTemp("", "tiny-finished-")
	if err != nil {
		return "", err
	}
	tinyOut = out
	var stderr bytes.Buffer
	if code := run([]string{"-config", filepath.Join("testdata", "tiny.toml"), "-out", out, "-jobs", "1"}, io.Discard, &stderr); code != 0 {
		return "", fmt.Errorf("running testdata/tiny.toml: exit %d\n%s", code, stderr.String())
	}
	return out, nil
})

// tinyOut is the output root finishedTiny made, or "".
var tinyOut string

// removeFinishedTiny removes finishedTiny's output root, if it made one.
func removeFinishedTiny() {
	if tinyOut != "" {
		os.RemoveAll(tinyOut)
	}
}

// tinyCopy returns a copy of finishedTiny's output root.
func tinyCopy(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("trains models")
	}
	src, err := finishedTiny()
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	copyTree(t, src, dst)
	return dst
}

// cli runs the command with args and returns its exit status and output.
func cli(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

// runFile is the path of file name of the tiny run of method under out.
func runFile(out, method, name string) string {
	return filepath.Join(out, tinyRuns, "addprim_jump-gru-s0-"+method, name)
}

// damage applies each of the damages the issue lists to a finished run:
// a truncated model, altered predictions, an edited test_acc, a truncated
// result.json; it returns the damaged files.
func damage(t *testing.T, out string) []string {
	t.Helper()
	model := runFile(out, "finetune", runner.ModelFile)
	preds := runFile(out, "pretrained", runner.PredictionsFile)
	acc := runFile(out, "equitune", "result.json")
	trunc := runFile(out, "equizero", "result.json")
	for _, f := range []struct {
		path string
		edit func([]byte) []byte
	}{
		{model, func(b []byte) []byte { return b[:len(b)/2] }},
		{preds, func(b []byte) []byte { return append(b, 0) }},
		{acc, func(b []byte) []byte {
			return bytes.Replace(b, []byte(`"test_acc": 0,`), []byte(`"test_acc": 0.5,`), 1)
		}},
		{trunc, func(b []byte) []byte { return b[:len(b)-20] }},
	} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		edited := f.edit(bytes.Clone(b))
		if bytes.Equal(edited, b) {
			t.Fatalf("%s: the edit changed nothing", f.path)
		}
		if err := os.WriteFile(f.path, edited, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return []string{model, preds, acc, trunc}
}

// TestDamagedArtifacts: a finished run whose model is truncated, whose
// predictions are altered, whose result.json has an edited test_acc or is
// truncated is named by verify (exit 1) and by aggregate (which refuses to
// summarize it), and redone by run, which logs each as damaged; the redone
// runs equal the originals (but their timings), and verify then passes.
func TestDamagedArtifacts(t *testing.T) {
	out := tinyCopy(t)
	base, _ := finishedTiny()
	if code, stdout, stderr := cli("verify", "-out", out, "-strict"); code != 0 {
		t.Fatalf("verify of a fresh run: exit %d\n%s%s", code, stdout, stderr)
	}
	damaged := damage(t, out)
	code, stdout, _ := cli("verify", "-out", out)
	if code != 1 {
		t.Errorf("verify: exit %d, want 1\n%s", code, stdout)
	}
	for _, f := range damaged {
		if !strings.Contains(stdout, "DAMAGED "+f) {
			t.Errorf("verify does not name %s:\n%s", f, stdout)
		}
	}
	for _, f := range damaged {
		one := t.TempDir()
		copyTree(t, base, one)
		rel, _ := filepath.Rel(out, f)
		copyFile(t, f, filepath.Join(one, rel))
		code, stdout, stderr := cli("aggregate", "-config", filepath.Join("testdata", "tiny.toml"), "-out", one)
		if code == 0 || !strings.Contains(stderr, filepath.Join(one, rel)) || !strings.Contains(stderr, "damaged") {
			t.Errorf("aggregate with a damaged %s: exit %d, want a refusal naming it\n%s%s", rel, code, stdout, stderr)
		}
	}
	code, _, stderr := cli("-config", filepath.Join("testdata", "tiny.toml"), "-out", out, "-jobs", "1")
	if code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	for _, m := range []string{"finetune", "pretrained", "equitune", "equizero"} {
		if !regexp.MustCompile(`msg="redoing run: a file of its result is damaged" run=\S+-` + m + ` `).MatchString(stderr) {
			t.Errorf("run does not redo the damaged %s run:\n%s", m, stderr)
		}
	}
	if strings.Contains(stderr, "redoing run: a file of its result is damaged\" run=addprim_jump-gru-s0-gequivariant") {
		t.Errorf("run redoes the intact gequivariant run:\n%s", stderr)
	}
	if code, stdout, stderr := cli("verify", "-out", out, "-strict"); code != 0 {
		t.Errorf("verify after the redo: exit %d\n%s%s", code, stdout, stderr)
	}
	timings := regexp.MustCompile(`(?m)^\s*"(wall_seconds|finished|train|validate|test)":.*\n`)
	for _, f := range damaged {
		rel, _ := filepath.Rel(out, f)
		a, b := readFile(t, filepath.Join(base, rel)), readFile(t, f)
		if strings.HasSuffix(f, "result.json") {
			a, b = timings.ReplaceAll(a, nil), timings.ReplaceAll(b, nil)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("the redone %s differs from the original", rel)
		}
	}
}

// TestFreshClone: a results tree without its gitignored files (the
// predictions and the models, as a fresh clone has it) is not redone:
// run skips every finished run and leaves its files as they are, verify
// passes and counts the absent files, aggregate summarizes.
func TestFreshClone(t *testing.T) {
	out := tinyCopy(t)
	absent := 0
	for _, pat := range []string{runner.PredictionsFile, runner.ModelFile} {
		fs, _ := filepath.Glob(filepath.Join(out, tinyRuns, "*", pat))
		for _, f := range fs {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
			absent++
		}
	}
	before := readFile(t, runFile(out, "equitune", "result.json"))
	code, stdout, stderr := cli("verify", "-out", out, "-strict")
	if want := "0 damaged, 0 unsealed, 0 sealed now, " + strconv.Itoa(absent) + " gitignored files absent"; code != 0 || !strings.Contains(stdout, want) {
		t.Errorf("verify: exit %d, want 0 and %q\n%s%s", code, want, stdout, stderr)
	}
	code, _, stderr = cli("-config", filepath.Join("testdata", "tiny.toml"), "-out", out, "-jobs", "1")
	if code != 0 || strings.Contains(stderr, "damaged") || strings.Count(stderr, "skipping finished run") != 5 {
		t.Errorf("run: exit %d, want 0 and every run skipped\n%s", code, stderr)
	}
	if !bytes.Equal(before, readFile(t, runFile(out, "equitune", "result.json"))) {
		t.Error("run rewrote a finished result.json")
	}
	if code, _, stderr := cli("aggregate", "-config", filepath.Join("testdata", "tiny.toml"), "-out", out); code != 0 {
		t.Errorf("aggregate: exit %d\n%s", code, stderr)
	}
}

// TestSeal: results without SHA256SUMS (written before digests) are
// unsealed, which verify reports (a failure only with -strict); verify
// -seal writes the same SHA256SUMS a run writes, which sha256sum -c
// accepts, and never rewrites one: a damaged sealed run stays damaged.
func TestSeal(t *testing.T) {
	out := tinyCopy(t)
	sums, _ := filepath.Glob(filepath.Join(out, tinyRuns, "*", runner.SumsFile))
	if len(sums) != 5 {
		t.Fatalf("%d %s files, want one per method run (5)", len(sums), runner.SumsFile)
	}
	written := map[string][]byte{}
	for _, f := range sums {
		written[f] = readFile(t, f)
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	if code, stdout, _ := cli("verify", "-out", out); code != 0 || !strings.Contains(stdout, "5 unsealed") {
		t.Errorf("verify of unsealed results: exit %d, want 0 and 5 unsealed\n%s", code, stdout)
	}
	if code, stdout, _ := cli("verify", "-out", out, "-strict"); code != 1 || strings.Count(stdout, "UNSEALED ") != 5 {
		t.Errorf("verify -strict of unsealed results: exit %d, want 1 and each named\n%s", code, stdout)
	}
	if code, stdout, stderr := cli("verify", "-out", out, "-seal", "-config", filepath.Join("testdata", "tiny.toml")); code != 0 || !strings.Contains(stdout, "5 sealed now") {
		t.Errorf("verify -seal: exit %d, want 0 and 5 sealed\n%s%s", code, stdout, stderr)
	}
	for f, b := range written {
		if got := readFile(t, f); !bytes.Equal(got, b) {
			t.Errorf("%s sealed as\n%s\nthe run wrote\n%s", f, got, b)
		}
	}
	if _, err := exec.LookPath("sha256sum"); err == nil {
		cmd := exec.Command("sha256sum", "-c", runner.SumsFile)
		cmd.Dir = filepath.Dir(sums[0])
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("sha256sum -c: %v\n%s", err, msg)
		}
	}
	acc := runFile(out, "equitune", "result.json")
	b := readFile(t, acc)
	if err := os.WriteFile(acc, bytes.Replace(b, []byte(`"test_acc": 0,`), []byte(`"test_acc": 1,`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	sealed := readFile(t, filepath.Join(filepath.Dir(acc), runner.SumsFile))
	if code, stdout, _ := cli("verify", "-out", out, "-seal"); code != 1 || !strings.Contains(stdout, "DAMAGED "+acc) {
		t.Errorf("verify -seal of a damaged run: exit %d, want 1 naming %s\n%s", code, acc, stdout)
	}
	if !bytes.Equal(sealed, readFile(t, filepath.Join(filepath.Dir(acc), runner.SumsFile))) {
		t.Error("verify -seal rewrote an existing SHA256SUMS")
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.WriteFile(dst, readFile(t, src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSaysWhatIsWrong: an -out that is a file, a result.json that is not
// one (garbage, or beyond runner.MaxResultBytes) are bad input (exit 2)
// named for what they are, not "computed under other settings"; -force
// recomputes the run of a garbage result.json.
func TestSaysWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join("testdata", "tiny.toml")
	for _, args := range [][]string{
		{"-config", cfg, "-out", file},
		{"aggregate", "-config", cfg, "-out", file},
		{"verify", "-out", file},
	} {
		if code, _, stderr := cli(args...); code != 2 || !strings.Contains(stderr, file+" is a file, not a directory") {
			t.Errorf("%q: exit %d, want 2 saying -out is a file\n%s", args, code, stderr)
		}
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"garbage", []byte(`{"experiment": "tiny", "run_`), "not a result.json"},
		{"huge", bytes.Repeat([]byte(" "), runner.MaxResultBytes+1), "more than"},
	} {
		out := t.TempDir()
		path := runFile(out, "equitune", "result.json")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		code, _, stderr := cli("-config", cfg, "-out", out)
		if code != 2 || !strings.Contains(stderr, path) || !strings.Contains(stderr, c.want) || strings.Contains(stderr, "other settings") {
			t.Errorf("%s result.json: exit %d, want 2 naming %s and %q\n%s", c.name, code, path, c.want, stderr)
		}
		if _, err := os.Stat(filepath.Join(out, "results", ".cache")); !os.IsNotExist(err) {
			t.Errorf("%s result.json: the refused run wrote %s", c.name, filepath.Join(out, "results", ".cache"))
		}
	}
}

// TestOverwriteRefused: export -o refuses a directory and, without -force,
// an existing file; slurm -plan refuses a directory holding a plan without
// -force; a damaged model and a -vocab-from with an unknown word are bad
// input naming the file (exit 2).
func TestOverwriteRefused(t *testing.T) {
	out := tinyCopy(t)
	cfg := filepath.Join("testdata", "tiny.toml")
	dst := filepath.Join(t.TempDir(), "m.safetensors")
	export := func(extra ...string) (int, string) {
		code, _, stderr := cli(append([]string{"export", "-config", cfg, "-out", out, "-run-index", "0", "-o", dst}, extra...)...)
		return code, stderr
	}
	if code, stderr := export(); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, stderr)
	}
	if code, stderr := export(); code != 2 || !strings.Contains(stderr, dst+" exists") {
		t.Errorf("export onto an existing file: exit %d, want 2 naming it\n%s", code, stderr)
	}
	if code, stderr := export("-force"); code != 0 {
		t.Errorf("export -force: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := cli("export", "-config", cfg, "-out", out, "-run-index", "0", "-o", out); code != 2 || !strings.Contains(stderr, "is a directory") {
		t.Errorf("export -o DIR: exit %d, want 2\n%s", code, stderr)
	}
	bad := filepath.Join(t.TempDir(), "vocab.safetensors")
	writeVocabFile(t, bad, "frobnicate")
	if code, stderr := export("-force", "-vocab-from", bad); code != 2 || !strings.Contains(stderr, bad) || !strings.Contains(stderr, `"frobnicate"`) {
		t.Errorf("-vocab-from with an unknown word: exit %d, want 2 naming the file and the word\n%s", code, stderr)
	}
	model := runFile(out, "finetune", runner.ModelFile)
	b := readFile(t, model)
	if err := os.WriteFile(model, b[:len(b)-100], 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := cli("export", "-config", cfg, "-out", out, "-run-index", "2", "-o", dst, "-force"); code != 2 || !strings.Contains(stderr, model) {
		t.Errorf("export of a truncated model: exit %d, want 2 naming %s\n%s", code, model, stderr)
	}

	plan := t.TempDir()
	if code, _, stderr := cli("slurm", "-config", cfg, "-out", out, "-plan", plan); code != 0 {
		t.Fatalf("slurm: exit %d\n%s", code, stderr)
	}
	if code, _, stderr := cli("slurm", "-config", cfg, "-out", out, "-plan", plan); code != 2 || !strings.Contains(stderr, plan+" is not empty") {
		t.Errorf("slurm into a plan: exit %d, want 2\n%s", code, stderr)
	}
	if code, _, stderr := cli("slurm", "-config", cfg, "-out", out, "-plan", plan, "-force"); code != 0 {
		t.Errorf("slurm -force: exit %d\n%s", code, stderr)
	}
}

// writeVocabFile writes a safetensors file whose metadata lists the input
// words with the first replaced by word, and the actions.
func writeVocabFile(t *testing.T, path, word string) {
	t.Helper()
	in := scan.InputVocab().Tokens()
	in[0] = word
	var out []string
	for _, w := range scan.OutputVocab().Tokens() {
		out = append(out, strings.TrimPrefix(w, "I_"))
	}
	enc := func(ws []string) string { b, _ := json.Marshal(ws); return string(b) }
	tv, err := safetensors.NewTensorView(safetensors.F32, []uint64{1}, make([]byte, 4))
	if err != nil {
		t.Fatal(err)
	}
	data, err := safetensors.Serialize(map[string]safetensors.TensorView{"x": tv}, map[string]string{"in_vocab": enc(in), "out_vocab": enc(out)})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
