package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/experiments/runner"
)

// The test binary is the experiments command when commandEnv is "1"
// (TestMain); it then writes commandReady to stderr first.
const (
	commandEnv   = "EQUITUNE_TEST_COMMAND"
	commandReady = "test: the command runs"
)

// A signalTrial sends sig to the command delay after the first log line
// containing after (commandReady: as the process starts).
type signalTrial struct {
	after string
	delay time.Duration
	sig   syscall.Signal
}

// TestSignalEndsIn130: SIGINT or SIGTERM sent to `experiments run -jobs 2`
// at any moment (as it loads its config, while a pretraining trains, as a
// worker ends and the next starts, during the method runs) ends in exit 130
// with "checkpoints are saved", never in a failed run; the same command then
// resumes to completion and writes every run's result.
func TestSignalEndsIn130(t *testing.T) {
	if testing.Short() {
		t.Skip("trains models")
	}
	withWorkers(t, func() {
		exe, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		cfg, out := filepath.Join("testdata", "tiny.toml"), t.TempDir()
		args := []string{"run", "-config", cfg, "-out", out, "-jobs", "2"}
		const ms = time.Millisecond
		trials := []signalTrial{
			{commandReady, 0, syscall.SIGINT},
			{commandReady, 5 * ms, syscall.SIGTERM},
			{commandReady, 50 * ms, syscall.SIGINT},
			{commandReady, 300 * ms, syscall.SIGTERM},
			{"msg=progress run=pretrain", 0, syscall.SIGINT}, // a pretraining trains
			{"msg=done run=pretrain", 0, syscall.SIGTERM},    // its worker ended; the methods' start
			{"msg=done run=pretrain", 0, syscall.SIGINT},
			{"msg=done run=pretrain", 20 * ms, syscall.SIGTERM},
			{"msg=done run=pretrain", 200 * ms, syscall.SIGINT},
			{"msg=progress run=addprim", 0, syscall.SIGTERM}, // a method tunes
			{"msg=done run=addprim", 0, syscall.SIGINT},      // a method's worker ended, the next starts
			{"msg=done run=pretrain", time.Second, syscall.SIGTERM},
		}
		for _, tr := range trials {
			code, log, sent := signalled(t, exe, args, tr)
			switch {
			case !sent:
				t.Logf("%s %v after %q: the command ended first (exit %d)", tr.sig, tr.delay, tr.after, code)
			case code != 130 || !strings.Contains(log, "checkpoints are saved") || strings.Contains(log, "run failed"):
				t.Errorf("%s %v after %q: exit %d, want 130 after checkpoints:\n%s", tr.sig, tr.delay, tr.after, code, log)
			}
		}
		var stderr bytes.Buffer
		cmd := exec.Command(exe, args...)
		cmd.Env, cmd.Stderr = append(os.Environ(), commandEnv+"=1"), &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("resuming: %v\n%s", err, stderr.String())
		}
		c, err := config.Load(cfg)
		if err != nil {
			t.Fatal(err)
		}
		l := runner.Layout{Out: out, Experiment: c.Name}
		for _, r := range runner.Expand(c)[1:] {
			if _, err := os.Stat(l.Result(r)); err != nil {
				t.Errorf("after resuming: %v", err)
			}
		}
	})
}

// signalled runs the command with args and sends it tr.sig tr.delay after
// its first log line containing tr.after; it returns the exit status, the
// log and whether the signal was sent before the command ended.
func signalled(t *testing.T, exe string, args []string, tr signalTrial) (code int, log string, sent bool) {
	t.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), commandEnv+"=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		fmt.Fprintln(&b, sc.Text())
		if !sent && strings.Contains(sc.Text(), tr.after) {
			time.Sleep(tr.delay)
			sent = cmd.Process.Signal(tr.sig) == nil
		}
	}
	cmd.Wait()
	return cmd.ProcessState.ExitCode(), b.String(), sent
}
