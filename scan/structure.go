package scan

import (
	"fmt"
	"strings"
)

// Clause is one sentence S of a command, by the parts the grammar gives it:
//
//	S → V | V twice | V thrice
//	V → x Rel Dir (x ∈ U ∪ {turn}, Rel ∈ {opposite, around}) | x Dir | U
type Clause struct {
	Verb string // the primitive x: walk, look, run, jump or turn
	Rel  string // "", "opposite" or "around"
	Dir  string // "", "left" or "right"; "" only for a bare primitive
	Reps int    // 1, 2 (twice) or 3 (thrice)
}

// Structure is the parse of a command C → S | S and S | S after S.
type Structure struct {
	Conj    string   // "" for a single sentence, "and" or "after"
	Clauses []Clause // one sentence, or two in the command's order
}

// Parse returns the structure of command c, or an error wrapping
// ErrMalformed if c is not a command of the grammar.
func Parse(c []string) (Structure, error) {
	var st Structure
	part := c
	for i, w := range c {
		if w == "and" || w == "after" {
			st.Conj = w
			s, err := parseClause(c[:i])
			if err != nil {
				return Structure{}, fmt.Errorf("%w: %q: %v", ErrMalformed, strings.Join(c, " "), err)
			}
			st.Clauses = append(st.Clauses, s)
			part = c[i+1:]
			break
		}
	}
	s, err := parseClause(part)
	if err != nil {
		return Structure{}, fmt.Errorf("%w: %q: %v", ErrMalformed, strings.Join(c, " "), err)
	}
	st.Clauses = append(st.Clauses, s)
	return st, nil
}

// parseClause parses a sentence S.
func parseClause(s []string) (Clause, error) {
	if _, err := interpretSentence(s); err != nil {
		return Clause{}, err
	}
	cl := Clause{Verb: s[0], Reps: 1}
	switch s[len(s)-1] {
	case "twice":
		cl.Reps, s = 2, s[:len(s)-1]
	case "thrice":
		cl.Reps, s = 3, s[:len(s)-1]
	}
	switch len(s) {
	case 2:
		cl.Dir = s[1]
	case 3:
		cl.Rel, cl.Dir = s[1], s[2]
	}
	return cl, nil
}

// Words returns the clause's words: the inverse of its parse.
func (c Clause) Words() []string {
	ws := []string{c.Verb}
	if c.Rel != "" {
		ws = append(ws, c.Rel)
	}
	if c.Dir != "" {
		ws = append(ws, c.Dir)
	}
	switch c.Reps {
	case 2:
		ws = append(ws, "twice")
	case 3:
		ws = append(ws, "thrice")
	}
	return ws
}

// Words returns the command's words: Words(Parse(c)) = c.
func (s Structure) Words() []string {
	var ws []string
	for i, c := range s.Clauses {
		if i > 0 {
			ws = append(ws, s.Conj)
		}
		ws = append(ws, c.Words()...)
	}
	return ws
}

// Template returns the clause with its primitive written x and its
// direction D, for example "x around D twice": one of the 12 templates
// {x, x D, x opposite D, x around D} × {"", twice, thrice}.
func (c Clause) Template() string {
	a := Clause{Verb: "x", Rel: c.Rel, Reps: c.Reps}
	if c.Dir != "" {
		a.Dir = "D"
	}
	return strings.Join(a.Words(), " ")
}

// Template returns the command's template, its clauses' templates joined
// by its conjunction, for example "x around D twice and x D": one of
// 12 + 2·12² = 300.
func (s Structure) Template() string {
	ts := make([]string, len(s.Clauses))
	for i, c := range s.Clauses {
		ts[i] = c.Template()
	}
	return strings.Join(ts, " "+s.Conj+" ")
}
