//go:build !linux

package runner

import "syscall"

// workersSupported says that runs can be worker processes (workerPool):
// not here, so an invocation runs them in process.
const workersSupported = false

func workerAttr() *syscall.SysProcAttr { return nil }

func usableCPUs() []int { return nil }

func pinProcess(int) error { return nil }
