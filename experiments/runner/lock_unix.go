//go:build unix

package runner

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
)

// tryLockFile takes an exclusive flock(2) on path without waiting, creating
// the file (and its directory) if needed; ok is false if another open file
// holds it. The lock is held by the open file, so two opens conflict even
// within one process, and the kernel releases it if the process dies. The
// file is left behind: removing it could let a waiter and a newcomer lock
// different files.
func tryLockFile(path string) (unlock func(), ok bool, err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, &os.PathError{Op: "flock", Path: path, Err: err}
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, true, nil
}
