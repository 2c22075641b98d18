package scan

import (
	"strings"
	"testing"
)

func TestCommandsCount(t *testing.T) {
	cs := Commands()
	if len(cs) != 20910 {
		t.Fatalf("got %d commands, want 20910", len(cs))
	}
	seen := map[string]bool{}
	for _, c := range cs {
		k := strings.Join(c, " ")
		if seen[k] {
			t.Fatalf("duplicate command %q", k)
		}
		seen[k] = true
	}
}

func TestInterpret(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"jump", "I_JUMP"},
		{"turn left", "I_TURN_LEFT"},
		{"walk opposite right", "I_TURN_RIGHT I_TURN_RIGHT I_WALK"},
		{"turn around left", "I_TURN_LEFT I_TURN_LEFT I_TURN_LEFT I_TURN_LEFT"},
		{"look around right twice", strings.Repeat("I_TURN_RIGHT I_LOOK ", 8)},
		{"jump after run left", "I_TURN_LEFT I_RUN I_JUMP"},
		{"walk thrice and turn opposite left", "I_WALK I_WALK I_WALK I_TURN_LEFT I_TURN_LEFT"},
	} {
		got, err := Interpret(strings.Fields(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(got, " ") != strings.TrimSpace(tc.out) {
			t.Errorf("⟦%s⟧ = %v, want %s", tc.in, got, tc.out)
		}
	}
	for _, bad := range []string{"", "turn", "walk walk", "jump around", "left", "walk twice twice", "and walk"} {
		if _, err := Interpret(strings.Fields(bad)); err == nil {
			t.Errorf("Interpret(%q) succeeded, want error", bad)
		}
	}
}
