package runner

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"syscall"

	"github.com/scan-equitune/equitune/experiments/config"
)

// The environment of a worker process (see workerPool).
const (
	workerEnv         = "EQUITUNE_WORKER"          // "1" in a worker process
	workerCPUEnv      = "EQUITUNE_WORKER_CPU"      // the core a worker pins itself to
	workerNoWaitEnv   = "EQUITUNE_WORKER_NOWAIT"   // "1": a run locked elsewhere exits with exitBusy
	workerRevisionEnv = "EQUITUNE_WORKER_REVISION" // the revision the invocation started in (see build)
)

// exitBusy is a worker's exit status when its run is locked by another
// process and it was told not to wait (errBusy).
const exitBusy = 3

// useWorkerProcesses lets tests run the pool in process.
var useWorkerProcesses = true

// A workerPool executes the tasks of one invocation on jobs workers. With
// one job, or where worker processes are not supported, it runs them in this
// process (a training step then uses a helper thread on the second core).
// With jobs ≥ 2 on Linux, each run is a process of this binary,
//
//	exe run -config SOURCE -out OUT -run-index I [-set K=V …] [-force] [-v]
//
// single-threaded (GOMAXPROCS=1) and, when the jobs fit the usable cores,
// pinned to a core of its own. Two concurrent runs in one process leave
// about a tenth of two cores idle (a training step hands work between
// threads, which the scheduler wakes on a busy core); as pinned processes
// the reference tables take a third less wall time (45 min against 67 on
// two cores), and every number they record is the same
// (TestWorkerProcesses).
type workerPool struct {
	jobs    int
	exe     string // this binary when runs are worker processes, else ""
	cpus    []int  // the core of each worker, or nil: no pinning
	out     string
	force   bool
	verbose bool
	sets    []string    // the invocation's -set key=value
	status  *statusLine // where workers' log lines go
}

// newWorkerPool returns the pool of jobs workers of an invocation writing
// under out.
func newWorkerPool(jobs int, out string, force, verbose bool, status *statusLine) *workerPool {
	p := &workerPool{jobs: jobs, out: out, force: force, verbose: verbose, status: status}
	if jobs < 2 || !useWorkerProcesses || !workersSupported {
		return p
	}
	exe, err := os.Executable()
	if err != nil {
		return p // in process
	}
	p.exe = exe
	if cpus := usableCPUs(); len(cpus) >= jobs {
		p.cpus = cpus[:jobs]
	}
	return p
}

// do executes task t as worker w; with noWait a run locked by another
// process returns errBusy at once.
func (p *workerPool) do(w int, t task, noWait bool) error {
	if p.exe == "" {
		e := *t.env
		e.noWait = noWait
		return e.Do(t.run)
	}
	return p.spawn(w, t, noWait)
}

// spawn runs t in a worker process and waits for it. The worker's log goes
// to the pool's status line; when the invocation is interrupted the worker
// gets SIGTERM and stops after its current checkpoint (ErrInterrupted,
// however it ends: with 130, or killed by the signal), and no worker starts.
func (p *workerPool) spawn(w int, t task, noWait bool) error {
	// The worker dies with this thread (workerAttr's Pdeathsig), so the
	// thread must outlive it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	args := []string{"run", "-config", t.env.Source, "-out", p.out, "-run-index", strconv.Itoa(t.env.planIndex(t.run))}
	for _, s := range p.sets {
		args = append(args, "-set", s)
	}
	if p.force {
		args = append(args, "-force")
	}
	if p.verbose {
		args = append(args, "-v")
	}
	cmd := exec.Command(p.exe, args...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1", workerEnv+"=1", workerRevisionEnv+"="+build().revision)
	if p.cpus != nil {
		cmd.Env = append(cmd.Env, workerCPUEnv+"="+strconv.Itoa(p.cpus[w]))
	}
	if noWait {
		cmd.Env = append(cmd.Env, workerNoWaitEnv+"=1")
	}
	cmd.SysProcAttr = workerAttr()
	logs, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := t.env.interrupted(); err != nil {
		return err // no worker starts after the signal
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run %s: starting its worker: %w", t.run.ID(), err)
	}
	copied := make(chan struct{})
	go func() {
		p.copyLog(logs)
		close(copied)
	}()
	exited := make(chan struct{})
	go func() {
		select {
		case <-t.env.done():
			cmd.Process.Signal(syscall.SIGTERM)
		case <-exited:
		}
	}()
	<-copied
	err = cmd.Wait()
	close(exited)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &exit):
		return fmt.Errorf("run %s: its worker: %w", t.run.ID(), err)
	case t.env.interrupted() != nil && (exit.ExitCode() == 130 || stoppedBySignal(exit.ProcessState)):
		return ErrInterrupted
	case exit.ExitCode() == exitBusy && noWait:
		return errBusy
	case exit.ExitCode() == 2:
		return fmt.Errorf("%w: run %s: its worker process found bad input, %s (its log is above)", config.ErrConfig, t.run.ID(), exit.ProcessState)
	}
	return fmt.Errorf("run %s: its worker process %s (its log is above)", t.run.ID(), exit.ProcessState)
}

// stoppedBySignal reports whether a worker process ended by SIGTERM or
// SIGINT: stopped by its invocation before it caught them (CatchSignals),
// its checkpoints and results are as after a kill -9, which the next
// invocation resumes.
func stoppedBySignal(ps *os.ProcessState) bool {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && (ws.Signal() == syscall.SIGTERM || ws.Signal() == syscall.SIGINT)
}

// progressLine matches a worker's progress log line (statusLine.progress).
var progressLine = regexp.MustCompile(`msg=progress run=(\S+) step=(\d+) of=(\d+)`)

// copyLog writes a worker's log lines to the status line until r ends. On a
// terminal the worker's progress lines become its entry in the status line.
func (p *workerPool) copyLog(r io.Reader) {
	var step func(int)
	done := func() {}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if m := progressLine.FindSubmatch(line); m != nil && p.status.tty {
			s, _ := strconv.Atoi(string(m[2]))
			if step == nil {
				total, _ := strconv.Atoi(string(m[3]))
				step, done = p.status.progress(nil)(string(m[1]), total)
			}
			step(s)
			continue
		}
		p.status.Write(append(line, '\n'))
	}
	io.Copy(io.Discard, r) // after a line too long to scan: the worker must not block on a full pipe
	done()
}

// Prepare readies this process to run experiments: it reads the build
// facts a result records (the checkout's revision as the command starts,
// see build) and, when the process is a worker, pins it to its core.
func Prepare() error {
	build()
	return workerStart()
}

// workerStart prepares this process when it is a worker: it pins it to its
// core. It is a no-op elsewhere.
func workerStart() error {
	if os.Getenv(workerEnv) != "1" {
		return nil
	}
	if s := os.Getenv(workerCPUEnv); s != "" {
		cpu, err := strconv.Atoi(s)
		if err != nil {
			return fmt.Errorf("%s = %q is not a core number", workerCPUEnv, s)
		}
		if err := pinProcess(cpu); err != nil {
			return fmt.Errorf("pinning the worker to core %d: %w", cpu, err)
		}
	}
	return nil
}

// workerNoWait reports whether this worker process returns errBusy rather
// than waiting for a run another process holds.
func workerNoWait() bool { return os.Getenv(workerEnv) == "1" && os.Getenv(workerNoWaitEnv) == "1" }

// workerRevision is the revision the invocation that started this worker
// process recorded, or "".
func workerRevision() string {
	if os.Getenv(workerEnv) != "1" {
		return ""
	}
	return os.Getenv(workerRevisionEnv)
}
