// Package scantest gives tests the files they compare with: the official
// SCAN files (a copy of the official SCAN repository named by SCAN_DIR) and
// the models and outputs of the equi-tuning paper's PyTorch code
// (REFERENCE_DIR).
package scantest

import (
	"os"
	"testing"
)

// Dir returns $SCAN_DIR, skipping the test if it is unset and failing it
// if it is set but is not a directory.
func Dir(t testing.TB) string {
	t.Helper()
	return envDir(t, "SCAN_DIR", "a copy of the official SCAN repository to compare with its files")
}

// envDir returns the directory named by the environment variable name,
// skipping the test if it is unset (saying to set it to what) and failing
// it if it is set but is not a directory.
func envDir(t testing.TB, name, what string) string {
	t.Helper()
	dir := os.Getenv(name)
	if dir == "" {
		t.Skipf("%s is unset; set it to %s", name, what)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, dir, err)
	}
	if !fi.IsDir() {
		t.Fatalf("%s=%q is not a directory", name, dir)
	}
	return dir
}
