//go:build !unix

package runner

// tryLockFile always succeeds where flock(2) is not available: concurrent
// local tasks may then compute the same run twice (every file is still
// written atomically).
func tryLockFile(path string) (unlock func(), ok bool, err error) { return func() {}, true, nil }
