package main

import (
	"bytes"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/seq2seq"
	"github.com/scan-equitune/equitune/verbgroups"
)

// predictModel writes an untrained LSTM to a safetensors file in a
// temporary directory and returns its path.
func predictModel(t *testing.T) string {
	t.Helper()
	m, err := seq2seq.New(seq2seq.Default(seq2seq.LSTM, scan.InputVocab().Size(), scan.OutputVocab().Size()), rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "m.safetensors")
	if err := m.WriteSafetensors(path, nil, nil); err != nil {
		t.Fatal(err)
	}
	return path
}

// predict runs the predict subcommand with stdin in, and returns its output
// lines.
func predict(t *testing.T, in string, args ...string) []string {
	t.Helper()
	stdin = strings.NewReader(in)
	defer func() { stdin = nil }()
	var stdout, stderr bytes.Buffer
	if code := run(append([]string{"predict"}, args...), &stdout, &stderr); code != 0 {
		t.Fatalf("predict %q: exit %d: %s", args, code, stderr.String())
	}
	return strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
}

// TestPredict: predict prints a line per command, the same for commands
// given as arguments and on the standard input, and the same as the
// engine's greedy decoding; under a group, M_G decoded in the shared mode
// is equivariant: the output of g·x is g applied to the output of x.
func TestPredict(t *testing.T) {
	path := predictModel(t)
	cmds := []string{"jump twice", "run left after walk", "look around right thrice"}
	args := predict(t, "", append([]string{"-model", path}, cmds...)...)
	lines := predict(t, strings.Join(cmds, "\n")+"\n", "-model", path)
	if len(args) != len(cmds) || strings.Join(args, "\n") != strings.Join(lines, "\n") {
		t.Fatalf("arguments gave %q, standard input %q", args, lines)
	}
	m, err := seq2seq.ReadSafetensors(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	in, out := scan.InputVocab(), scan.OutputVocab()
	for i, c := range cmds {
		ids, _ := in.Encode(strings.Fields(c))
		p, err := m.Greedy([][]int{ids}, seq2seq.Copies{}, seq2seq.Shared)
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Join(out.Decode(p[0]), " ")
		if len(p[0]) == 0 || p[0][len(p[0])-1] != scan.EOS {
			want = strings.TrimSpace(want + " <no EOS>")
		}
		if args[i] != want {
			t.Errorf("%q: predict %q, Greedy %q", c, args[i], want)
		}
	}
	g, err := verbgroups.Spec{Name: "verb"}.Group()
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"shared"} { // the exactly equivariant decoding
		for _, c := range cmds {
			gc := strings.Join(g.ActWords(1, strings.Fields(c)), " ")
			got := predict(t, "", "-model", path, "-group", "verb", "-decode", mode, c, gc)
			x, gx := strings.TrimSuffix(got[0], " <no EOS>"), strings.TrimSuffix(got[1], " <no EOS>")
			if want := strings.Join(g.ActActions(1, strings.Fields(x)), " "); gx != want {
				t.Errorf("%s: M_G(%q) = %q, want g·M_G(%q) = %q", mode, gc, gx, c, want)
			}
		}
	}
}

// TestPredictBadInput: an unknown word, an empty line, a missing model and
// an unknown group or mode exit with 2 and one message.
func TestPredictBadInput(t *testing.T) {
	path := predictModel(t)
	for _, c := range []struct {
		in   string
		args []string
		want string
	}{
		{"", []string{"-model", path, "jump", "fly twice"}, `"fly"`},
		{"jump\n\nwalk\n", []string{"-model", path}, "line 2"},
		{"", []string{"-model", path}, "no command"},
		{"", []string{"-model", filepath.Join(t.TempDir(), "none.safetensors"), "jump"}, "none.safetensors"},
		{"", []string{"-model", path, "-group", "colour", "jump"}, "colour"},
		{"", []string{"-model", path, "-group", "verb", "-decode", "beam", "jump"}, "beam"},
		{strings.Repeat("jump ", maxCommandLine), []string{"-model", path}, "line 1"},
	} {
		stdin = strings.NewReader(c.in)
		var stderr bytes.Buffer
		code := run(append([]string{"predict"}, c.args...), io.Discard, &stderr)
		if msg := stderr.String(); code != 2 || strings.Count(strings.TrimSpace(msg), "\n") != 0 || !strings.Contains(msg, c.want) {
			t.Errorf("predict %q: exit %d, message %q; want 2 and one line naming %s", c.args, code, msg, c.want)
		}
	}
	stdin = nil
}
