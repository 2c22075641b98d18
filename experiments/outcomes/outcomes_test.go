package outcomes

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/scan"
)

// fake returns predictions for the first n test commands of add_jump: every
// third wrong (jump read as walk), every seventh without EOS.
func fake(t *testing.T, n int) (ps []Prediction, commands []string) {
	t.Helper()
	_, test, err := scan.Generate("add_jump", 0)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range test[:n] {
		c, tgt := strings.Join(p.Command, " "), strings.Join(p.Actions, " ")
		pr := Prediction{In: c, Target: tgt, Pred: tgt, EOS: true}
		if i%3 == 0 {
			pr.Pred = strings.ReplaceAll(tgt, "I_JUMP", "I_WALK")
		}
		if i%7 == 0 {
			pr.EOS = false
		}
		ps, commands = append(ps, pr), append(commands, c)
	}
	return ps, commands
}

func TestRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 8, 13, 500} {
		ps, commands := fake(t, n)
		r, err := FromPredictions(ps)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), FileName)
		if err := r.Write(path); err != nil {
			t.Fatal(err)
		}
		back, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(back, r) {
			t.Errorf("n = %d: Read(Write(r)) = %+v, want %+v", n, back, r)
		}
		if err := r.Write(path + ".gz"); err != nil {
			t.Fatal(err)
		}
		if z, err := Read(path + ".gz"); err != nil || !reflect.DeepEqual(z, r) {
			t.Errorf("n = %d: gzipped round trip: %+v, %v", n, z, err)
		}
		got, err := back.Predictions(commands)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, ps) {
			t.Errorf("n = %d: predictions do not round trip", n)
		}
		ok := back.CorrectSet()
		for i, p := range ps {
			if ok[i] != p.Correct() {
				t.Errorf("n = %d: command %d correct %v, want %v", n, i, ok[i], p.Correct())
			}
		}
		// The file is the same bytes when written again.
		a, _ := os.ReadFile(path)
		back.Write(path)
		if b, _ := os.ReadFile(path); !bytes.Equal(a, b) {
			t.Errorf("n = %d: rewriting changed the file", n)
		}
	}
}

// TestStartToken: an output with the decoder's start token, SOS, is a wrong
// output like any other; its record says so in "actions", round trips, and
// a record without one keeps the legend of scan.Actions alone.
func TestStartToken(t *testing.T) {
	ps, commands := fake(t, 30)
	plain, err := FromPredictions(ps)
	if err != nil || plain.Actions != legend {
		t.Fatalf("without SOS: actions %q, %v", plain.Actions, err)
	}
	ps[4].Pred = "SOS " + ps[4].Target
	ps[5].Pred = strings.Replace(ps[5].Target, "I_JUMP", "SOS", 1)
	r, err := FromPredictions(ps)
	if err != nil {
		t.Fatal(err)
	}
	if want := legend + " SOS=S"; r.Actions != want {
		t.Errorf("actions %q, want %q", r.Actions, want)
	}
	path := filepath.Join(t.TempDir(), FileName+".gz")
	if err := r.Write(path); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := back.Predictions(commands)
	if err != nil || !reflect.DeepEqual(got, ps) {
		t.Errorf("predictions with SOS do not round trip: %v", err)
	}
	was, now := plain.CorrectSet(), back.CorrectSet()
	if !was[4] || !was[5] || now[4] || now[5] || back.Correct != plain.Correct-2 {
		t.Errorf("outputs with SOS: right %v %v (were %v %v), correct %d (was %d)", now[4], now[5], was[4], was[5], back.Correct, plain.Correct)
	}
}

func TestWrongSorted(t *testing.T) {
	ps := []Prediction{
		{In: "jump", Target: "I_JUMP", Pred: "I_WALK", EOS: true},
		{In: "jump twice", Target: "I_JUMP I_JUMP", Pred: "I_RUN", EOS: true},
		{In: "jump thrice", Target: "I_JUMP I_JUMP I_JUMP", Pred: "I_RUN", EOS: true},
		{In: "jump left", Target: "I_TURN_LEFT I_JUMP", Pred: "I_TURN_LEFT I_JUMP", EOS: true},
		{In: "jump right", Target: "I_TURN_RIGHT I_JUMP", Pred: "I_TURN_RIGHT I_JUMP", EOS: false},
	}
	r, err := FromPredictions(ps)
	if err != nil {
		t.Fatal(err)
	}
	want := []Wrong{{Pred: "R", EOS: true, Commands: []int{1, 2}}, {Pred: "W", EOS: true, Commands: []int{0}}, {Pred: "rJ", EOS: false, Commands: []int{4}}}
	if r.Correct != 1 || !reflect.DeepEqual(r.Wrong, want) || r.CorrectBits != "CA==" {
		t.Errorf("record %+v", r)
	}
}

func TestInvalid(t *testing.T) {
	if _, err := FromPredictions([]Prediction{{In: "jump", Target: "I_JUMP", Pred: "I_FLY", EOS: true}}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown action: %v", err)
	}
	ps, commands := fake(t, 20)
	r, _ := FromPredictions(ps)
	if _, err := r.Predictions(commands[1:]); !errors.Is(err, ErrInvalid) {
		t.Errorf("fewer commands: %v", err)
	}
	swapped := append([]string{commands[1], commands[0]}, commands[2:]...)
	if _, err := r.Predictions(swapped); !errors.Is(err, ErrInvalid) {
		t.Errorf("reordered commands: %v", err)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name  string
		edit  func(m map[string]any)
		field string
	}{
		{"format", func(m map[string]any) { m["format"] = "scan-outcomes/0" }, "format"},
		{"count", func(m map[string]any) { m["correct"] = 3.0 }, "correct"},
		{"commands", func(m map[string]any) { m["commands"] = 25.0 }, "correct_bits"},
		{"bits", func(m map[string]any) { m["correct_bits"] = "!!" }, "correct_bits"},
		{"hash", func(m map[string]any) { m["commands_sha256"] = "abc" }, "commands_sha256"},
		{"unknown key", func(m map[string]any) { m["extra"] = 1.0 }, "extra"},
		{"letter", func(m map[string]any) { m["wrong"].([]any)[0].([]any)[0] = "X" }, "wrong[0]"},
		{"SOS letter, no SOS legend", func(m map[string]any) { m["wrong"].([]any)[0].([]any)[0] = "S" }, "SOS=S"},
		{"SOS legend, no SOS", func(m map[string]any) { m["actions"] = legend + " SOS=S" }, "actions"},
		{"out of range", func(m map[string]any) { m["wrong"].([]any)[0].([]any)[1] = []any{0.0, 99.0} }, "wrong[0]"},
		{"right and wrong", func(m map[string]any) { m["wrong"].([]any)[0].([]any)[1] = []any{0.0, 1.0} }, "wrong[0]"},
		{"missing", func(m map[string]any) { m["wrong"] = []any{} }, "right and"},
		{"not a pair", func(m map[string]any) { m["wrong"].([]any)[0] = []any{"W"} }, "[code, commands]"},
	} {
		path := filepath.Join(dir, tc.name+".json")
		if err := r.Write(path); err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		data, _ := os.ReadFile(path)
		json.Unmarshal(data, &m)
		tc.edit(m)
		data, _ = json.Marshal(m)
		os.WriteFile(path, data, 0o644)
		_, err := Read(path)
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.field) {
			t.Errorf("%s: error %v, want ErrInvalid naming %s and %s", tc.name, err, path, tc.field)
		}
	}
	if _, err := Read(filepath.Join(dir, "absent.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: %v", err)
	}
}

func TestMatrix(t *testing.T) {
	ps, _ := fake(t, 20)
	a, _ := FromPredictions(ps)
	b, _ := FromPredictions(ps[1:])
	c, _ := FromPredictions(append([]Prediction{ps[1], ps[0]}, ps[2:]...))
	m, shared, err := Matrix([]*Record{a, a})
	if err != nil || !shared || len(m) != 2 || !reflect.DeepEqual(m[0], a.CorrectSet()) {
		t.Errorf("Matrix(a, a) = %v, %v, %v", m, shared, err)
	}
	if _, shared, err := Matrix([]*Record{a, c}); err != nil || shared {
		t.Errorf("Matrix of reordered commands: shared %v, %v", shared, err)
	}
	if _, _, err := Matrix([]*Record{a, b}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Matrix of 20 and 19 commands: %v", err)
	}
	if _, _, err := Matrix(nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("Matrix(nil): %v", err)
	}
}

func TestReadPredictions(t *testing.T) {
	ps, _ := fake(t, 30)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	enc := json.NewEncoder(zw)
	for _, p := range ps {
		enc.Encode(&p)
	}
	zw.Close()
	path := filepath.Join(t.TempDir(), PredictionsFile)
	os.WriteFile(path, buf.Bytes(), 0o644)
	got, err := ReadPredictions(path)
	if err != nil || !reflect.DeepEqual(got, ps) {
		t.Errorf("ReadPredictions: %v", err)
	}
	buf.Reset()
	zw = gzip.NewWriter(&buf)
	zw.Write([]byte(`{"in":"jump","target":"I_JUMP","pred":"I_JUMP","eos":true}` + "\n" + `{"in":"jump","tgt":"I_JUMP"}` + "\n"))
	zw.Close()
	os.WriteFile(path, buf.Bytes(), 0o644)
	if _, err := ReadPredictions(path); err == nil || !strings.Contains(err.Error(), path+":2:") {
		t.Errorf("bad line 2: error %v, want it to name %s:2", err, path)
	}
	os.WriteFile(path, []byte("not gzip"), 0o644)
	if _, err := ReadPredictions(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("not gzip: error %v", err)
	}
}
