//go:build !linux

package kernel

import "runtime"

// yieldThread offers the processor to another goroutine (without
// sched_yield, only to the process's own).
func yieldThread() { runtime.Gosched() }
