package runner

import (
	"fmt"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// workersSupported says that runs can be worker processes (workerPool).
const workersSupported = true

// workerAttr is a worker process's attributes: its own process group, so
// that a terminal's Ctrl-C reaches only the invocation, which passes it on
// once; and SIGKILL when the invocation's thread that started it dies, so
// that a killed invocation leaves no worker behind.
func workerAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// usableCPUs returns the cores this process may run on, in order.
func usableCPUs() []int {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return nil
	}
	var cpus []int
	for c := 0; len(cpus) < set.Count(); c++ {
		if set.IsSet(c) {
			cpus = append(cpus, c)
		}
	}
	return cpus
}

// pinProcess restricts every thread of this process to core cpu; threads
// started later inherit it. It repeats until no new thread appeared.
func pinProcess(cpu int) error {
	var set unix.CPUSet
	set.Set(cpu)
	pinned := map[int]bool{}
	for {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return err
		}
		fresh := false
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || pinned[tid] {
				continue
			}
			if err := unix.SchedSetaffinity(tid, &set); err != nil && err != unix.ESRCH {
				return fmt.Errorf("thread %d: %w", tid, err)
			}
			pinned[tid], fresh = true, true
		}
		if !fresh {
			return nil
		}
	}
}
