package runner

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/scan-equitune/equitune/experiments/config"
)

// loadTiny loads testdata/tiny.toml with only the given methods.
func loadTiny(t *testing.T, methods ...string) *config.Config {
	t.Helper()
	c, err := config.Load(filepath.Join("..", "testdata", "tiny.toml"))
	if err != nil {
		t.Fatal(err)
	}
	c.Methods = methods
	return c
}

// TestInterruptedTuningResumes: a tuning stopped by an interrupt after its
// first checkpoint resumes from it, and gives the result of a tuning that
// was never interrupted; its checkpoint is removed once the result is
// written. lambda_equitune's checkpoint holds λ too: without it the resumed
// training losses would differ.
func TestInterruptedTuningResumes(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models")
	}
	for _, meth := range []string{"equitune", "lambda_equitune"} {
		t.Run(meth, func(t *testing.T) { checkTuningResumes(t, meth) })
	}
}

// checkTuningResumes interrupts and resumes the tuning of method meth on
// testdata/tiny.toml (see TestInterruptedTuningResumes).
func checkTuningResumes(t *testing.T, meth string) {
	c := loadTiny(t, meth)
	c.Tune.Iterations, c.Tune.EvalEvery = 6, 2
	runs := Expand(c)
	pre, r := runs[0], runs[1]
	whole, parts := t.TempDir(), t.TempDir()
	for _, out := range []string{whole, parts} {
		if err := testEnv(c, out, io.Discard).Do(pre); err != nil {
			t.Fatal(err)
		}
	}
	if err := testEnv(c, whole, io.Discard).Do(r); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	e := testEnv(c, parts, io.Discard)
	e.Ctx = ctx
	e.Progress = func(id string, total int) (func(int), func()) {
		return func(step int) {
			if step == 2 {
				cancel() // during the first evaluation's steps: stop after its checkpoint
			}
		}, func() {}
	}
	if err := e.Do(r); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("interrupted tuning: %v, want ErrInterrupted", err)
	}
	ckpt := e.Layout.TuneCheckpoint(r)
	if _, err := os.Stat(ckpt); err != nil {
		t.Fatalf("no tuning checkpoint after the interrupt: %v", err)
	}
	if _, err := os.Stat(e.Layout.Result(r)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("an interrupted run wrote its result (%v)", err)
	}
	var log bytes.Buffer
	if err := testEnv(c, parts, &log).Do(r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "resuming training") || !strings.Contains(log.String(), "step=2") {
		t.Errorf("the second run did not resume at step 2: %s", log.String())
	}
	if _, err := os.Stat(ckpt); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the tuning checkpoint is left after the result (%v)", err)
	}
	a, err := readResult(Layout{Out: whole, Experiment: c.Name}.Result(r))
	if err != nil {
		t.Fatal(err)
	}
	b, err := readResult(e.Layout.Result(r))
	if err != nil {
		t.Fatal(err)
	}
	if a.TestAcc != b.TestAcc || a.BestValAcc != b.BestValAcc || !slices.Equal(a.Curve, b.Curve) || a.Identity != b.Identity {
		t.Errorf("resumed tuning differs from an uninterrupted one:\n%+v\n%+v", a, b)
	}
}

// TestConcurrentRunners: two runners of one experiment on one output root
// compute each run once between them, and both end with every result.
func TestConcurrentRunners(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models")
	}
	c := loadTiny(t, "pretrained", "finetune", "equizero")
	c.Seeds = []uint64{0, 1}
	out := t.TempDir()
	var (
		mu       sync.Mutex
		computed []string
		wg       sync.WaitGroup
	)
	for range 2 {
		e := testEnv(c, out, io.Discard)
		e.Progress = func(id string, total int) (func(int), func()) {
			mu.Lock()
			computed = append(computed, id)
			mu.Unlock()
			return func(int) {}, func() {}
		}
		pre, methods := schedule([]*Env{e})
		wg.Go(func() {
			times := newWallTimes()
			if err := parallel(pre, &workerPool{jobs: 1}, times); err != nil {
				t.Error(err)
			}
			if err := parallel(methods, &workerPool{jobs: 1}, times); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	slices.Sort(computed)
	want := []string{"addprim_jump-gru-s0-finetune", "addprim_jump-gru-s1-finetune",
		"pretrain-addprim_jump-gru-s0", "pretrain-addprim_jump-gru-s1"}
	if !slices.Equal(computed, want) {
		t.Errorf("trained %v, want each of %v once", computed, want)
	}
	rs, rejected, err := ReadResults(c, Layout{Out: out, Experiment: c.Name}, Expand(c))
	if err != nil || len(rs) != 6 || len(rejected) > 0 {
		t.Errorf("%d results, rejected %v, %v", len(rs), rejected, err)
	}
}

// TestStatusLine: concurrent runs share one status line, and log lines are
// written above it, the line erased first.
func TestStatusLine(t *testing.T) {
	var buf bytes.Buffer
	s := &statusLine{w: &buf, tty: true, fd: -1}
	stepA, doneA := s.progress(nil)("run-a", 100)
	stepB, doneB := s.progress(nil)("run-b", 10)
	stepA(50)
	s.drawn = s.drawn.AddDate(0, 0, -1) // let the next step redraw
	stepB(5)
	if last := lastLine(buf.String()); last != "run-a 50/100 50% │ run-b 5/10 50%" {
		t.Errorf("status line %q", last)
	}
	if _, err := s.Write([]byte("level=INFO msg=hello\n")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "\r\x1b[Klevel=INFO msg=hello\nrun-a 50/100") {
		t.Errorf("log line not written above the status line: %q", buf.String())
	}
	doneA()
	if last := lastLine(buf.String()); last != "run-b 5/10 50%" {
		t.Errorf("status line after run-a ended: %q", last)
	}
	doneB()
	if last := lastLine(buf.String()); last != "" {
		t.Errorf("status line after every run ended: %q", last)
	}
}

// lastLine returns what a terminal shows on the last line of out.
func lastLine(out string) string {
	out = out[strings.LastIndexAny(out, "\n")+1:]
	if i := strings.LastIndex(out, "\r\x1b[K"); i >= 0 {
		out = out[i+len("\r\x1b[K"):]
	}
	return out
}
