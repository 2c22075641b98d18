package scan

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/internal/atomicfile"
)

// maxLine bounds the length of one line of a SCAN file; the longest valid
// line is under 600 bytes.
const maxLine = 1 << 16

// ParseError describes a malformed line of a SCAN file. It wraps ErrMalformed.
type ParseError struct {
	File string // the name given to Read
	Line int    // 1-based line number
	Msg  string // what is wrong
}

// Error returns "file:line: what is wrong".
func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Unwrap returns ErrMalformed.
func (e *ParseError) Unwrap() error { return ErrMalformed }

// Read parses a SCAN file: one "IN: <command> OUT: <actions>" line per pair,
// words separated by spaces, lines ended by "\n" (a "\r" before it and a
// missing final newline are accepted). name is used in errors only.
//
// Every command word must be in Words and every action in Actions; if check
// is true, the actions must also equal Interpret of the command. The first
// problem is returned as a *ParseError naming name:line, wrapping
// ErrMalformed; read errors of r are returned wrapped with name.
func Read(r io.Reader, name string, check bool) ([]Pair, error) {
	if name == "" {
		name = "input"
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	var ps []Pair
	line := 0
	for sc.Scan() {
		line++
		p, msg := parseLine(strings.TrimSuffix(sc.Text(), "\r"), check)
		if msg != "" {
			return nil, &ParseError{File: name, Line: line, Msg: msg}
		}
		ps = append(ps, p)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &ParseError{File: name, Line: line + 1, Msg: fmt.Sprintf("line longer than %d bytes", maxLine)}
		}
		return nil, fmt.Errorf("scan: reading %s: %w", name, err)
	}
	return ps, nil
}

var (
	wordSet   = setOf(Words)
	actionSet = setOf(Actions)
)

func setOf(ts []string) map[string]bool {
	m := make(map[string]bool, len(ts))
	for _, t := range ts {
		m[t] = true
	}
	return m
}

// parseLine parses one line, returning a message saying what is wrong if it
// is malformed.
func parseLine(s string, check bool) (Pair, string) {
	f := strings.Fields(s)
	if len(f) == 0 || f[0] != "IN:" {
		return Pair{}, fmt.Sprintf("missing \"IN:\" at start of line %q", clip(s))
	}
	out := slices.Index(f, "OUT:")
	if out < 0 {
		return Pair{}, fmt.Sprintf("missing \"OUT:\" in line %q", clip(s))
	}
	p := Pair{Command: f[1:out:out], Actions: f[out+1:]}
	if len(p.Command) == 0 {
		return Pair{}, "empty command before \"OUT:\""
	}
	if len(p.Actions) == 0 {
		return Pair{}, "empty action sequence after \"OUT:\""
	}
	for _, w := range p.Command {
		if !wordSet[w] {
			return Pair{}, fmt.Sprintf("unknown word %q in command (valid: %s)", clip(w), strings.Join(Words, " "))
		}
	}
	for _, a := range p.Actions {
		if !actionSet[a] {
			return Pair{}, fmt.Sprintf("unknown action %q (valid: %s)", clip(a), strings.Join(Actions, " "))
		}
	}
	if check {
		want, err := Interpret(p.Command)
		if err != nil {
			return Pair{}, fmt.Sprintf("command %q is not in the SCAN grammar", strings.Join(p.Command, " "))
		}
		if !slices.Equal(want, p.Actions) {
			return Pair{}, fmt.Sprintf("actions of %q contradict the grammar: got %q, want %q",
				strings.Join(p.Command, " "), strings.Join(p.Actions, " "), strings.Join(want, " "))
		}
	}
	return p, ""
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// Write writes ps in the official format, one line ended by "\n" per pair.
// A pair with an empty side, or a token that is empty, holds white space or
// is "IN:" or "OUT:", gives an error wrapping ErrMalformed before anything
// is written.
func Write(w io.Writer, ps []Pair) error {
	for i, p := range ps {
		if err := writable(p); err != nil {
			return fmt.Errorf("%w: pair %d: %s", ErrMalformed, i, err)
		}
	}
	bw := bufio.NewWriter(w)
	for _, p := range ps {
		bw.WriteString(p.String())
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

func writable(p Pair) error {
	if len(p.Command) == 0 || len(p.Actions) == 0 {
		return errors.New("empty command or actions")
	}
	for _, t := range slices.Concat(p.Command, p.Actions) {
		if t == "" || t == "IN:" || t == "OUT:" || len(strings.Fields(t)) != 1 || strings.ContainsAny(t, "\r\n") {
			return fmt.Errorf("token %q cannot be written", t)
		}
	}
	return nil
}

// ReadFile reads the SCAN file at path; errors name path and line.
func ReadFile(path string, check bool) ([]Pair, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Read(f, path, check)
}

// WriteFile writes ps to path atomically (a temporary file renamed over
// path), so path never holds part of a file.
func WriteFile(path string, ps []Pair) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error { return Write(w, ps) })
}
