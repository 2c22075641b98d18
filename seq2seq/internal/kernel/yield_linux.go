package kernel

import "syscall"

// yieldThread offers the thread's core to another runnable thread, of this
// process or another (sched_yield); it returns at once when there is none.
func yieldThread() { _, _, _ = syscall.RawSyscall(syscall.SYS_SCHED_YIELD, 0, 0, 0) }
