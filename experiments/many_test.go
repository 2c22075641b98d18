package main

import (
	"bytes"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSeveralConfigs runs two experiments that share a pretraining in one
// invocation: the pretraining is trained once, each summary is
// byte-identical to the one its experiment gets when run alone, and
// walltime.csv records the runs and the invocation. Two configs of one
// name, and flags that take one config, exit 2.
func TestSeveralConfigs(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models")
	}
	dir := t.TempDir()
	tiny := filepath.Join("testdata", "tiny.toml")
	data, err := os.ReadFile(tiny)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "tiny2.toml")
	edited := strings.Replace(strings.Replace(string(data), `name = "tiny"`, `name = "tiny2"`, 1),
		`methods = ["pretrained", "finetune", "equitune", "equizero", "gequivariant"]`, `methods = ["pretrained", "equitune"]`, 1)
	if err := os.WriteFile(other, []byte(strings.Replace(edited, "lr = 1e-3", "lr = 2e-3", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	together, alone := filepath.Join(dir, "together"), filepath.Join(dir, "alone")
	if code := run([]string{"-config", tiny, "-config", other, "-out", together, "-jobs", "2"}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, cfg := range []string{tiny, other} {
		if code := run([]string{"-config", cfg, "-out", alone}, io.Discard, io.Discard); code != 0 {
			t.Fatalf("%s alone: exit %d", cfg, code)
		}
	}
	ckpts, err := filepath.Glob(filepath.Join(together, "results", ".cache", "pretrain", "*.ckpt"))
	if err != nil || len(ckpts) != 1 {
		t.Errorf("pretraining checkpoints %v (%v), want the one both share", ckpts, err)
	}
	for _, name := range []string{"tiny", "tiny2"} {
		a, err := os.ReadFile(filepath.Join(together, "results", name, "summary.csv"))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(alone, "results", name, "summary.csv"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: summary run together\n%s\ndiffers from run alone\n%s", name, a, b)
		}
		w, err := os.ReadFile(filepath.Join(together, "results", name, "walltime.csv"))
		if err != nil || !bytes.Contains(w, []byte("-equitune,")) {
			t.Errorf("%s: walltime.csv (%v):\n%s", name, err, w)
		}
		records, err := csv.NewReader(bytes.NewReader(w)).ReadAll() // every record two fields
		if err != nil || !strings.HasPrefix(records[len(records)-1][0], "invocation (2 configs, -jobs 2, ") {
			t.Errorf("%s: walltime.csv is not a two-column CSV ending in the invocation (%v):\n%s", name, err, w)
		}
	}
	for _, args := range [][]string{
		{"-config", tiny, "-config", tiny, "-out", together},
		{"list", "-config", tiny, "-config", other},
		{"-config", tiny, "-config", other, "-run-index", "1"},
	} {
		if code := run(args, io.Discard, io.Discard); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
