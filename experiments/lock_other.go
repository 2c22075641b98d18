//go:build !unix

package main

// lockFile is a no-op where flock(2) is not available: concurrent local tasks
// may then train the same pretraining twice (the checkpoint is still written
// atomically).
func lockFile(path string) (unlock func(), err error) { return func() {}, nil }
