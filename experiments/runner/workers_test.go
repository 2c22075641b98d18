package runner

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scan-equitune/equitune/experiments/config"
)

// TestMain makes the test binary a worker process when the pool starts it
// as one (workerPool.spawn); otherwise pools run in process, except inside
// withWorkers.
func TestMain(m *testing.M) {
	if os.Getenv(workerEnv) == "1" {
		if os.Getenv("EQUITUNE_TEST_PRINT_AFFINITY") == "1" {
			os.Exit(printAffinity())
		}
		os.Exit(worker(os.Args[1:]))
	}
	useWorkerProcesses = false
	os.Exit(m.Run())
}

// worker is the experiments command as far as a worker process needs it
// (workerPool.spawn's command line, run -config …): it runs one run with
// RunOne.
func worker(args []string) int {
	if len(args) == 0 || args[0] != "run" {
		return 2
	}
	CatchSignals()
	args = args[1:]
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	src := fs.String("config", "", "")
	out := fs.String("out", ".", "")
	index := fs.Int("run-index", -1, "")
	force := fs.Bool("force", false, "")
	verbose := fs.Bool("v", false, "")
	var sets []string
	fs.Func("set", "", func(v string) error { sets = append(sets, v); return nil })
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := Prepare(); err != nil {
		printError(os.Stderr, err)
		return 2
	}
	sw, err := config.LoadSweep(*src, sets)
	if err != nil {
		printError(os.Stderr, err)
		return 2
	}
	st := Plan(sw)[*index]
	return RunOne(st.Cell, st.Run, Options{Out: *out, Force: *force, Verbose: *verbose, Sets: sets}, os.Stderr)
}

// printAffinity prepares this worker (workerStart) and prints the cores
// each of its threads may run on, one line each.
func printAffinity() int {
	if err := workerStart(); err != nil {
		printError(os.Stderr, err)
		return 2
	}
	tasks, err := filepath.Glob("/proc/self/task/*/status")
	if err != nil || len(tasks) == 0 {
		return 1
	}
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // the thread ended
		}
		if m := regexp.MustCompile(`(?m)^Cpus_allowed_list:\s*(\S+)$`).FindSubmatch(b); m != nil {
			os.Stdout.Write(append(m[1], '\n'))
		}
	}
	return 0
}

// withWorkers runs f with worker processes on (where supported).
func withWorkers(t *testing.T, f func()) {
	t.Helper()
	if !workersSupported {
		t.Skip("worker processes are Linux-only")
	}
	useWorkerProcesses = true
	defer func() { useWorkerProcesses = false }()
	f()
}

// TestWorkerPinned: a worker told its core runs every thread on that core.
func TestWorkerPinned(t *testing.T) {
	if !workersSupported {
		t.Skip("worker processes are Linux-only")
	}
	cpus := usableCPUs()
	if len(cpus) == 0 {
		t.Fatal("no usable cores")
	}
	cpu := cpus[len(cpus)-1]
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), workerEnv+"=1", "EQUITUNE_TEST_PRINT_AFFINITY=1", workerCPUEnv+"="+strconv.Itoa(cpu))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("worker: %v", err)
	}
	lines := strings.Fields(string(out))
	if len(lines) < 2 {
		t.Fatalf("worker printed %q, want a line per thread (the Go runtime has several)", out)
	}
	for _, l := range lines {
		if l != strconv.Itoa(cpu) {
			t.Errorf("a thread may run on cores %s, want only %d", l, cpu)
		}
	}
}

// TestWorkerFails: a worker that cannot load its configuration fails its
// run with its exit status; an interrupted worker stops after a checkpoint
// (ErrInterrupted), and the run then resumes and finishes with the result
// of one never interrupted.
func TestWorkerFails(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models")
	}
	withWorkers(t, func() {
		src, err := os.ReadFile(filepath.Join("..", "testdata", "tiny.toml"))
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		cfg := filepath.Join(dir, "long.toml")
		long := strings.Replace(string(src), "iterations = 6\nbatch = 2\nlr = 1e-2\neval_every = 3", "iterations = 1000\nbatch = 2\nlr = 1e-2\neval_every = 10", 1)
		if long == string(src) {
			t.Fatal("testdata/tiny.toml's [pretrain] changed; update this test")
		}
		if err := os.WriteFile(cfg, []byte(long), 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := config.Load(cfg)
		if err != nil {
			t.Fatal(err)
		}
		pre := Expand(c)[0]
		logs := &syncBuffer{}
		pool := newWorkerPool(2, filepath.Join(dir, "out"), false, false, newStatusLine(logs))
		if pool.exe == "" {
			t.Fatal("the pool runs in process")
		}

		missing := &Env{Config: c, Source: filepath.Join(dir, "missing.toml"), Ctx: context.Background()}
		err = pool.do(0, task{missing, pre}, false)
		if err == nil || !strings.Contains(err.Error(), "exit status 2") {
			t.Errorf("missing config: %v, want the worker's exit status 2", err)
		}
		if !strings.Contains(logs.String(), "missing.toml") {
			t.Errorf("the worker's error is not in the log:\n%s", logs.String())
		}

		ctx, cancel := context.WithCancel(context.Background())
		e := &Env{Config: c, Source: cfg, Layout: Layout{Out: pool.out, Experiment: c.Name}, Ctx: ctx}
		go func() {
			for !strings.Contains(logs.String(), "msg=progress") {
				time.Sleep(5 * time.Millisecond)
			}
			cancel()
		}()
		if err := pool.do(0, task{e, pre}, false); !errors.Is(err, ErrInterrupted) {
			t.Fatalf("interrupted worker: %v, want ErrInterrupted\n%s", err, logs.String())
		}
		ckpt := e.Layout.Checkpoint(c, pre)
		if _, err := os.Stat(ckpt); err != nil {
			t.Fatalf("no checkpoint after the interrupt: %v", err)
		}
		e.Ctx = context.Background()
		if err := pool.do(1, task{e, pre}, false); err != nil {
			t.Fatalf("resumed worker: %v\n%s", err, logs.String())
		}
		whole := testEnv(c, filepath.Join(dir, "whole"), io.Discard)
		if err := whole.Do(pre); err != nil {
			t.Fatal(err)
		}
		a, _ := os.ReadFile(ckpt)
		b, _ := os.ReadFile(whole.Layout.Checkpoint(c, pre))
		if len(a) == 0 || !bytes.Equal(a, b) {
			t.Errorf("the resumed pretraining's checkpoint (%d bytes) differs from the uninterrupted one's (%d bytes)", len(a), len(b))
		}
	})
}
