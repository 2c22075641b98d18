package scan

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadMalformed(t *testing.T) {
	good := "IN: jump twice OUT: I_JUMP I_JUMP\n"
	for _, tc := range []struct {
		name, in string
		check    bool
		want     string // expected error, file:line: prefix included
	}{
		{"no IN", good + "jump OUT: I_JUMP\n", false, `f.txt:2: missing "IN:"`},
		{"no OUT", good + good + "IN: jump I_JUMP\n", false, `f.txt:3: missing "OUT:"`},
		{"empty line", good + "\n" + good, false, `f.txt:2: missing "IN:"`},
		{"empty command", "IN: OUT: I_JUMP\n", false, "f.txt:1: empty command"},
		{"empty actions", "IN: jump OUT:\n", false, "f.txt:1: empty action sequence"},
		{"empty actions trailing space", "IN: jump OUT: \n", false, "f.txt:1: empty action sequence"},
		{"unknown word", good + "IN: hop twice OUT: I_JUMP I_JUMP\n", false, `f.txt:2: unknown word "hop"`},
		{"unknown action", "IN: jump OUT: I_HOP\n", false, `f.txt:1: unknown action "I_HOP"`},
		{"IN twice", "IN: jump IN: jump OUT: I_JUMP\n", false, `f.txt:1: unknown word "IN:"`},
		{"OUT twice", "IN: jump OUT: I_JUMP OUT: I_JUMP\n", false, `f.txt:1: unknown action "OUT:"`},
		{"not grammar", "IN: jump jump OUT: I_JUMP I_JUMP\n", true, `f.txt:1: command "jump jump" is not in the SCAN grammar`},
		{"contradiction", good + "IN: walk left OUT: I_TURN_RIGHT I_WALK\n", true, `f.txt:2: actions of "walk left" contradict the grammar`},
		{"long line", good + "IN: " + strings.Repeat("jump ", maxLine/5+1) + "OUT: I_JUMP\n", false, "f.txt:2: line longer than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := Read(strings.NewReader(tc.in), "f.txt", tc.check)
			if err == nil {
				t.Fatalf("Read succeeded with %d pairs, want error %q", len(ps), tc.want)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %q does not wrap ErrMalformed", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %q, want prefix %q", err, tc.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "f.txt" {
				t.Errorf("error %#v is not a *ParseError naming f.txt", err)
			}
		})
	}
}

func TestReadLenient(t *testing.T) {
	// Without check, grammar violations with known tokens are accepted;
	// CRLF line ends and a missing final newline are too.
	for _, in := range []string{
		"IN: walk left OUT: I_TURN_RIGHT I_WALK",
		"IN: walk left OUT: I_TURN_RIGHT I_WALK\r\n",
		"IN:  walk  left OUT:  I_TURN_RIGHT I_WALK \n",
	} {
		ps, err := Read(strings.NewReader(in), "", false)
		if err != nil || len(ps) != 1 || ps[0].String() != "IN: walk left OUT: I_TURN_RIGHT I_WALK" {
			t.Errorf("Read(%q) = %v, %v", in, ps, err)
		}
	}
	ps, err := Read(strings.NewReader(""), "", true)
	if err != nil || len(ps) != 0 {
		t.Errorf("Read of empty input = %v, %v; want no pairs", ps, err)
	}
}

func TestWriteRejects(t *testing.T) {
	for _, p := range []Pair{
		{},
		{Command: []string{"jump"}},
		{Command: []string{"jump twice"}, Actions: []string{"I_JUMP"}},
		{Command: []string{"jump"}, Actions: []string{""}},
		{Command: []string{"OUT:"}, Actions: []string{"I_JUMP"}},
		{Command: []string{"jump"}, Actions: []string{"I_JUMP\n"}},
	} {
		var b bytes.Buffer
		err := Write(&b, []Pair{All()[0], p})
		if !errors.Is(err, ErrMalformed) || b.Len() != 0 {
			t.Errorf("Write(%q): err = %v, wrote %d bytes; want ErrMalformed and nothing written", p, err, b.Len())
		}
	}
}

// TestRoundTrip checks that Write then Read is the identity on every pair,
// and Read then Write on the bytes.
func TestRoundTrip(t *testing.T) {
	all := All()
	var b bytes.Buffer
	if err := Write(&b, all); err != nil {
		t.Fatal(err)
	}
	data := slices.Clone(b.Bytes())
	ps, err := Read(&b, "all", true)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(ps, all, pairEqual) {
		t.Fatal("Read(Write(All())) != All()")
	}
	b.Reset()
	if err := Write(&b, ps); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), data) {
		t.Fatal("Write(Read(data)) != data")
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tasks_train_x.txt")
	ps := All()[:100]
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, ps); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path, true)
	if err != nil || !slices.EqualFunc(got, ps, pairEqual) {
		t.Fatalf("ReadFile after WriteFile = %d pairs, %v", len(got), err)
	}
	if err := WriteFile(path, []Pair{{}}); !errors.Is(err, ErrMalformed) {
		t.Fatalf("WriteFile of a bad pair: err = %v, want ErrMalformed", err)
	}
	if got, _ := ReadFile(path, true); len(got) != 100 {
		t.Errorf("a failed WriteFile changed the file: %d pairs", len(got))
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("WriteFile left %d files in the directory, want 1", len(es))
	}
	if _, err := ReadFile(filepath.Join(dir, "missing.txt"), false); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile of a missing file: err = %v", err)
	}
}

func TestReadFileNamesPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(path, []byte("IN: jump OUT: I_JUMP\nIN: jump OUT: I_WALK\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(path, true)
	if err == nil || !strings.HasPrefix(err.Error(), path+":2: ") {
		t.Errorf("err = %v, want prefix %s:2:", err, path)
	}
}

func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"IN: jump OUT: I_JUMP\n",
		"IN: walk left twice and turn around right OUT: I_TURN_LEFT I_WALK I_TURN_LEFT I_WALK I_TURN_RIGHT I_TURN_RIGHT I_TURN_RIGHT I_TURN_RIGHT\n",
		"IN: run after look opposite left OUT: I_TURN_LEFT I_TURN_LEFT I_LOOK I_RUN\r\nIN: jump OUT: I_JUMP",
		"IN: OUT:\n",
		"OUT: IN:\n\n",
		"IN: jump jump OUT: I_JUMP I_WALK\n",
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, check bool) {
		ps, err := Read(bytes.NewReader(data), "fuzz", check)
		if err != nil {
			if !errors.Is(err, ErrMalformed) || !strings.HasPrefix(err.Error(), "fuzz:") {
				t.Fatalf("error %q does not wrap ErrMalformed or name the file", err)
			}
			return
		}
		var b bytes.Buffer
		if err := Write(&b, ps); err != nil {
			t.Fatalf("Write of read pairs: %v", err)
		}
		again, err := Read(bytes.NewReader(b.Bytes()), "again", check)
		if err != nil || !slices.EqualFunc(again, ps, pairEqual) {
			t.Fatalf("Read(Write(ps)) = %v, %v; want %v", again, err, ps)
		}
		if check {
			for _, p := range ps {
				if want, err := Interpret(p.Command); err != nil || !slices.Equal(want, p.Actions) {
					t.Fatalf("checked pair %q contradicts the grammar", p)
				}
			}
		}
	})
}
