package verbgroups

import (
	"fmt"
	"strings"

	"github.com/scan-equitune/equitune/scan"
)

// CheckSymmetry reports whether g is a symmetry of the task given by
// interpret on commands: ⟦g·c⟧ = g·⟦c⟧ for every command c and every element
// g, where g·c maps each word of c through g and g·⟦c⟧ maps each action.
// It returns nil if so. Otherwise the error wraps ErrNotSymmetry and shows
// the first counterexample: the element, c, g·c, ⟦g·c⟧ (or why g·c has no
// interpretation) and g·⟦c⟧. If interpret fails on a command of commands
// itself, that error is returned, wrapped.
func (g *Group) CheckSymmetry(commands [][]string, interpret func([]string) ([]string, error)) error {
	var gc []string
	for n, c := range commands {
		want, err := interpret(c)
		if err != nil {
			return fmt.Errorf("verbgroups: command %d %q: %w", n, strings.Join(c, " "), err)
		}
		for i := 1; i < len(g.elems); i++ {
			if cap(gc) < len(c) {
				gc = make([]string, len(c))
			}
			gc = actTokens(g.words[i], gc[:len(c)], c)
			got, err := interpret(gc)
			if err == nil && equalUnder(g.acts[i], got, want) {
				continue
			}
			gotStr := fmt.Sprintf("%q", strings.Join(got, " "))
			if err != nil {
				gotStr = fmt.Sprintf("undefined (%v)", err)
			}
			return &groupError{kind: ErrNotSymmetry, msg: fmt.Sprintf(
				"group %q is not a symmetry: g = %s, c = %q, g·c = %q, ⟦g·c⟧ = %s, g·⟦c⟧ = %q",
				g.name, g.ElementString(i), strings.Join(c, " "), strings.Join(gc, " "),
				gotStr, strings.Join(g.ActActions(i, want), " "))}
		}
	}
	return nil
}

// equalUnder reports whether got = m·want, m mapping moved tokens.
func equalUnder(m map[string]string, got, want []string) bool {
	if len(got) != len(want) {
		return false
	}
	for k, w := range want {
		if u, ok := m[w]; ok {
			w = u
		}
		if got[k] != w {
			return false
		}
	}
	return true
}

// CheckSCAN checks g with CheckSymmetry on all 20,910 SCAN commands and
// scan.Interpret.
func (g *Group) CheckSCAN() error {
	return g.CheckSymmetry(scan.Commands(), scan.Interpret)
}
