//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
)

// lockFile takes an exclusive flock(2) on path, creating it (and its
// directory) if needed, and blocks until it has it. The lock is held by the
// open file, so two opens conflict even within one process, and the kernel
// releases it if the process dies. The file is left behind: removing it could
// let a waiter and a newcomer lock different files.
func lockFile(path string) (unlock func(), err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, &os.PathError{Op: "flock", Path: path, Err: err}
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
