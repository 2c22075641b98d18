package main

import (
	"encoding/json"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// registerMethod adds m to the registry for the rest of the test.
func registerMethod(t *testing.T, m Method) {
	saved := methods
	methods = append(slices.Clip(methods), m)
	t.Cleanup(func() { methods = saved })
}

// TestMethodRegistry checks what every registered method must have: a name
// and a line of doc, optional reads that are optionalReads, and a colour of
// its own.
func TestMethodRegistry(t *testing.T) {
	var colors []color.Color
	for _, m := range methods {
		if m.Name == "" || m.Name == Pretrain || m.Doc == "" {
			t.Errorf("method %+v: want a name other than %q and a doc", m, Pretrain)
		}
		for _, k := range m.Reads {
			if !slices.Contains(optionalReads, k) {
				t.Errorf("%s reads %q, not one of %v", m.Name, k, optionalReads)
			}
		}
		if slices.Contains(colors, m.Color) {
			t.Errorf("%s shares its colour", m.Name)
		}
		colors = append(colors, m.Color)
	}
}

// TestAddMethod adds a toy method through the registry alone — the
// pretrained model validated once, as a zero-shot method does — and runs it
// end to end beside pretrained: the config accepts it, -list lists it, the
// runner runs it and the summary and figures report it, with pretrained's
// test accuracy.
func TestAddMethod(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model")
	}
	registerMethod(t, Method{Name: "plain_zeroshot", Doc: "M validated once", Start: FromPretrained, Schedule: ZeroShot})
	tiny, err := os.ReadFile(filepath.Join("testdata", "tiny.toml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "toy.toml")
	toml := strings.Replace(string(tiny), `methods = ["pretrained", "finetune", "equitune", "equizero", "gequivariant"]`,
		`methods = ["pretrained", "plain_zeroshot"]`, 1)
	if err := os.WriteFile(cfg, []byte(strings.Replace(toml, `name = "tiny"`, `name = "toy"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	var list strings.Builder
	if code := run([]string{"-config", cfg, "-list"}, &list, io.Discard); code != 0 ||
		!strings.Contains(list.String(), "addprim_jump-gru-s0-plain_zeroshot") {
		t.Fatalf("-list: exit %d, %q", code, list.String())
	}
	out := filepath.Join(dir, "out")
	if code := run([]string{"-config", cfg, "-out", out}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	res := map[string]Result{}
	for _, m := range []string{"pretrained", "plain_zeroshot"} {
		b, err := os.ReadFile(filepath.Join(out, "results", "toy", "runs", "addprim_jump-gru-s0-"+m, "result.json"))
		if err != nil {
			t.Fatal(err)
		}
		var r Result
		if err := json.Unmarshal(b, &r); err != nil {
			t.Fatal(err)
		}
		res[m] = r
	}
	toy := res["plain_zeroshot"]
	if toy.TestAcc != res["pretrained"].TestAcc || toy.Decode != "shared" || toy.TuneIterations != 0 ||
		len(toy.Curve) != 1 || toy.Curve[0].Step != 0 || toy.BestValAcc != res["pretrained"].BestValAcc {
		t.Errorf("toy result %+v, pretrained %+v", toy, res["pretrained"])
	}
	if _, err := os.Stat(filepath.Join(dir, "out", "results", "toy", "runs", "addprim_jump-gru-s0-plain_zeroshot", ModelFile)); err == nil {
		t.Errorf("an untrained method wrote %s", ModelFile)
	}
	csv, err := os.ReadFile(filepath.Join(out, "results", "toy", "summary.csv"))
	if err != nil || !strings.Contains(string(csv), "addprim_jump,gru,plain_zeroshot,1,") {
		t.Errorf("summary.csv: %v\n%s", err, csv)
	}
	for _, f := range []string{"toy_accuracy.png", "toy_curves.png"} {
		if _, err := os.Stat(filepath.Join(out, "plots", f)); err != nil {
			t.Error(err)
		}
	}
}

// TestREADMEMethodTable checks that the README's table of methods is
// MethodTable's; -update rewrites it.
func TestREADMEMethodTable(t *testing.T) {
	const path, begin, end = "../README.md", "<!-- methods: MethodTable, go test ./experiments -run READMEMethodTable -update -->\n", "<!-- /methods -->"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s: no %q … %q", path, begin, end)
	}
	if got, want := s[i+len(begin):j], MethodTable(); got != want {
		if *update {
			if err := os.WriteFile(path, []byte(s[:i+len(begin)]+want+s[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("%s's method table differs from MethodTable (rerun with -update):\n%s", path, want)
	}
}
