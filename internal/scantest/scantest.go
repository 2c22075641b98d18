// Package scantest gives tests the official SCAN files: a copy of the
// official SCAN repository named by the environment variable SCAN_DIR.
package scantest

import (
	"os"
	"testing"
)

// Dir returns $SCAN_DIR, skipping the test if it is unset and failing it
// if it is set but is not a directory.
func Dir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("SCAN_DIR")
	if dir == "" {
		t.Skip("SCAN_DIR is unset; set it to a copy of the official SCAN repository to compare with its files")
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatalf("SCAN_DIR=%q: %v", dir, err)
	}
	if !fi.IsDir() {
		t.Fatalf("SCAN_DIR=%q is not a directory", dir)
	}
	return dir
}
