package verbgroups

import (
	"fmt"
	"strings"
	"sync"

	"github.com/scan-equitune/equitune/scan"
)

// CheckSymmetry reports whether g is a symmetry of the task given by
// interpret on commands: ⟦g·c⟧ = g·⟦c⟧ for every command c and every element
// g, where g·c maps each word of c through g and g·⟦c⟧ maps each action.
// It returns nil if so. Otherwise the error wraps ErrNotSymmetry and shows
// the first counterexample, commands in order and elements in order for each
// command: the element, c, g·c, ⟦g·c⟧ (or why g·c has no interpretation)
// and g·⟦c⟧. If interpret fails on a command of commands itself, that error
// is returned, wrapped.
//
// interpret must be a pure function: it is called once per command, and
// ⟦g·c⟧ is looked up among those results when g·c is in commands.
func (g *Group) CheckSymmetry(commands [][]string, interpret func([]string) ([]string, error)) error {
	tab, err := newTable(commands, interpret)
	if err != nil {
		return err
	}
	return g.check(tab, interpret)
}

// A table is a task's commands with their interpretations, indexed by the
// command's words joined by spaces.
type table struct {
	commands, wants [][]string
	index           map[string]int
}

// newTable interprets every command.
func newTable(commands [][]string, interpret func([]string) ([]string, error)) (*table, error) {
	tab := &table{commands: commands, wants: make([][]string, len(commands)), index: make(map[string]int, len(commands))}
	var key []byte
	for n, c := range commands {
		want, err := interpret(c)
		if err != nil {
			return nil, fmt.Errorf("verbgroups: command %d %q: %w", n, strings.Join(c, " "), err)
		}
		tab.wants[n] = want
		key = appendKey(key[:0], c)
		tab.index[string(key)] = n
	}
	return tab, nil
}

// check is CheckSymmetry on the commands of tab.
func (g *Group) check(tab *table, interpret func([]string) ([]string, error)) error {
	var gc []string
	var key []byte
	for n, c := range tab.commands {
		for i := 1; i < len(g.elems); i++ {
			if cap(gc) < len(c) {
				gc = make([]string, len(c))
			}
			gc = actTokens(g.words[i], gc[:len(c)], c)
			key = appendKey(key[:0], gc)
			var got []string
			var err error
			if m, ok := tab.index[string(key)]; ok {
				got = tab.wants[m]
			} else {
				got, err = interpret(gc)
			}
			if err == nil && equalUnder(g.acts[i], got, tab.wants[n]) {
				continue
			}
			gotStr := fmt.Sprintf("%q", strings.Join(got, " "))
			if err != nil {
				gotStr = fmt.Sprintf("undefined (%v)", err)
			}
			return &groupError{kind: ErrNotSymmetry, msg: fmt.Sprintf(
				"group %q is not a symmetry: g = %s, c = %q, g·c = %q, ⟦g·c⟧ = %s, g·⟦c⟧ = %q",
				g.name, g.ElementString(i), strings.Join(c, " "), strings.Join(gc, " "),
				gotStr, strings.Join(g.ActActions(i, tab.wants[n]), " "))}
		}
	}
	return nil
}

// appendKey appends the words of c, separated by spaces, to key.
func appendKey(key []byte, c []string) []byte {
	for k, w := range c {
		if k > 0 {
			key = append(key, ' ')
		}
		key = append(key, w...)
	}
	return key
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
// scan.Interpret. The answer depends only on g's name and elements, so it is
// computed once per process for each such group (a configuration checks
// its groups on every load), and the commands' interpretations once for all
// groups.
func (g *Group) CheckSCAN() error {
	var key strings.Builder
	key.WriteString(g.name)
	for i := range g.elems {
		key.WriteString("\x00" + g.ElementString(i))
	}
	if err, ok := scanChecks.Load(key.String()); ok {
		return err.(checkResult).err
	}
	err := g.check(scanTable(), scan.Interpret)
	scanChecks.Store(key.String(), checkResult{err})
	return err
}

// scanTable is every SCAN command with its interpretation, which CheckSCAN
// shares between groups. It panics if scan.Interpret fails on a command of
// scan.Commands, which scan's tests rule out.
var scanTable = sync.OnceValue(func() *table {
	tab, err := newTable(scan.Commands(), scan.Interpret)
	if err != nil {
		panic(err)
	}
	return tab
})

// scanChecks holds CheckSCAN's answers by group (name and elements).
var scanChecks sync.Map

// checkResult boxes a CheckSCAN answer, nil included.
type checkResult struct{ err error }
