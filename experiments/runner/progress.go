package runner

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// statusRedraw is the least time between two redraws of the status line.
const statusRedraw = 200 * time.Millisecond

// statusLine writes the log to w and, when w is a terminal, keeps one status
// line below it that shows every running run's progress side by side
// ("run-a 120/1500 8% │ run-b 40/200 20%"), so that concurrent runs
// (-jobs N) stay readable. It is the log's writer: each log line is
// written above the status line, which is then drawn again.
type statusLine struct {
	mu    sync.Mutex
	w     io.Writer
	fd    int  // w's descriptor when it is a terminal
	tty   bool // w is a terminal
	runs  []*runProgress
	drawn time.Time // last redraw
	shown bool      // the status line is on the screen
}

// runProgress is one running run's entry in the status line.
type runProgress struct {
	id          string
	step, total int
}

// newStatusLine returns the status line of w.
func newStatusLine(w io.Writer) *statusLine {
	s := &statusLine{w: w}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		s.fd, s.tty = int(f.Fd()), true
	}
	return s
}

// Write writes a log line above the status line.
func (s *statusLine) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clear()
	n, err := s.w.Write(p)
	s.draw()
	return n, err
}

// progress returns the progress reporter of Env: an entry in the status
// line per run on a terminal; elsewhere a log line every 10% of a run.
func (s *statusLine) progress(log *slog.Logger) func(id string, total int) (func(int), func()) {
	return func(id string, total int) (func(int), func()) {
		if !s.tty {
			every := max(1, total/10)
			t0 := time.Now()
			return func(step int) {
				if step%every == 0 && step < total {
					log.Info("progress", "run", id, "step", step, "of", total,
						"elapsed", time.Since(t0).Round(time.Second).String())
				}
			}, func() {}
		}
		rp := &runProgress{id: id, total: total}
		s.mu.Lock()
		s.runs = append(s.runs, rp)
		s.mu.Unlock()
		return func(step int) {
				s.mu.Lock()
				defer s.mu.Unlock()
				rp.step = step
				if time.Since(s.drawn) >= statusRedraw {
					s.clear()
					s.draw()
				}
			}, func() {
				s.mu.Lock()
				defer s.mu.Unlock()
				for i, r := range s.runs {
					if r == rp {
						s.runs = append(s.runs[:i], s.runs[i+1:]...)
						break
					}
				}
				s.clear()
				s.draw()
			}
	}
}

// clear erases the status line; the caller holds mu.
func (s *statusLine) clear() {
	if s.shown {
		fmt.Fprint(s.w, "\r\x1b[K")
		s.shown = false
	}
}

// draw writes the status line, cut to the terminal's width; the caller
// holds mu.
func (s *statusLine) draw() {
	if !s.tty || len(s.runs) == 0 {
		return
	}
	var parts []string
	for _, r := range s.runs {
		parts = append(parts, fmt.Sprintf("%s %d/%d %d%%", r.id, r.step, r.total, 100*r.step/max(1, r.total)))
	}
	line := []rune(strings.Join(parts, " │ "))
	if w, _, err := term.GetSize(s.fd); err == nil && w > 1 && len(line) > w-1 {
		line = append(line[:w-2], '…')
	}
	fmt.Fprint(s.w, string(line))
	s.shown, s.drawn = true, time.Now()
}
