package scan

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		c    string
		want Structure
		tmpl string
	}{
		{"jump", Structure{Clauses: []Clause{{Verb: "jump", Reps: 1}}}, "x"},
		{"turn left", Structure{Clauses: []Clause{{Verb: "turn", Dir: "left", Reps: 1}}}, "x D"},
		{"walk opposite right thrice", Structure{Clauses: []Clause{{Verb: "walk", Rel: "opposite", Dir: "right", Reps: 3}}}, "x opposite D thrice"},
		{"run twice after look around left", Structure{Conj: "after", Clauses: []Clause{
			{Verb: "run", Reps: 2}, {Verb: "look", Rel: "around", Dir: "left", Reps: 1}}}, "x twice after x around D"},
		{"jump right and turn around right twice", Structure{Conj: "and", Clauses: []Clause{
			{Verb: "jump", Dir: "right", Reps: 1}, {Verb: "turn", Rel: "around", Dir: "right", Reps: 2}}}, "x D and x around D twice"},
	} {
		got, err := Parse(strings.Fields(tc.c))
		if err != nil {
			t.Fatal(err)
		}
		if got.Conj != tc.want.Conj || !slices.Equal(got.Clauses, tc.want.Clauses) {
			t.Errorf("Parse(%q) = %+v, want %+v", tc.c, got, tc.want)
		}
		if g := got.Template(); g != tc.tmpl {
			t.Errorf("Parse(%q).Template() = %q, want %q", tc.c, g, tc.tmpl)
		}
	}
	for _, bad := range []string{"", "turn", "jump and", "and jump", "walk twice twice", "jump around", "run left and walk after look", "left jump"} {
		if _, err := Parse(strings.Fields(bad)); !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%q) error %v, want ErrMalformed", bad, err)
		}
	}
}

// TestParseAll checks Words ∘ Parse = id on all 20,910 commands and that
// they fall into the 300 templates, each holding as many commands as its
// clauses' verb choices allow.
func TestParseAll(t *testing.T) {
	count := map[string]int{}
	for _, c := range Commands() {
		st, err := Parse(c)
		if err != nil {
			t.Fatal(err)
		}
		if w := st.Words(); !slices.Equal(w, c) {
			t.Fatalf("Words(Parse(%q)) = %q", c, w)
		}
		count[st.Template()]++
	}
	if len(count) != 300 {
		t.Errorf("%d templates, want 300", len(count))
	}
	// x: 4 primitives; x D, x opposite D, x around D: 5 verbs × 2 directions.
	if count["x"] != 4 || count["x around D twice"] != 10 || count["x D and x opposite D thrice"] != 100 {
		t.Errorf("template sizes x %d, x around D twice %d, x D and x opposite D thrice %d",
			count["x"], count["x around D twice"], count["x D and x opposite D thrice"])
	}
}
