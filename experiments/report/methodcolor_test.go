package report

import (
	"image/color"
	"slices"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
)

// TestMethodColor checks that every method the runner knows has a colour of
// its own, and that another method gets a fallback, the same at every call.
func TestMethodColor(t *testing.T) {
	var seen []color.Color
	for _, m := range config.MethodNames() {
		meth, _ := config.Lookup(m)
		c := meth.Color
		if c == nil {
			t.Errorf("method %q has no Color", m)
			continue
		}
		if slices.Contains(seen, c) {
			t.Errorf("method %q shares its colour %v", m, c)
		}
		seen = append(seen, c)
		if MethodColor(m) != c {
			t.Errorf("MethodColor(%q) = %v, want %v", m, MethodColor(m), c)
		}
	}
	for _, c := range fallbackColors {
		if slices.Contains(seen, c) {
			t.Errorf("fallback colour %v is a method's colour", c)
		}
	}
	for _, m := range []string{"lambda_equizero", "equizero_mixture", "equitune_mixture"} {
		c := MethodColor(m)
		if !slices.Contains(fallbackColors, c) || MethodColor(m) != c {
			t.Errorf("MethodColor(%q) = %v, want the same fallback colour at every call", m, c)
		}
	}
}
