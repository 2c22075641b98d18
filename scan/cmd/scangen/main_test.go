package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/scan"
)

// TestRoundTrip checks that scangen's files hold the generated split and are
// byte-for-byte re-readable: Read then Write gives the same bytes.
func TestRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		split       string
		seed        string
		train, test int
	}{
		{"addprim_jump", "0", 14670, 7706},
		{"add_jump", "0", 14670, 7706},
		{"simple", "9", 16728, 4182},
		{"filler_num1", "0", 16290, 1173},
	} {
		dir := t.TempDir()
		var stdout, stderr bytes.Buffer
		if code := run([]string{"-split", tc.split, "-out", dir, "-seed", tc.seed}, &stdout, &stderr); code != 0 {
			t.Fatalf("%s: exit %d: %s", tc.split, code, stderr.String())
		}
		wantTrain, wantTest, _ := scan.Generate(tc.split, mustSeed(t, tc.seed))
		for _, f := range []struct {
			kind string
			n    int
			want []scan.Pair
		}{{"train", tc.train, wantTrain}, {"test", tc.test, wantTest}} {
			path := filepath.Join(dir, "tasks_"+f.kind+"_"+tc.split+".txt")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			ps, err := scan.Read(bytes.NewReader(data), path, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != f.n {
				t.Errorf("%s: %d pairs, want %d", path, len(ps), f.n)
			}
			var b bytes.Buffer
			if err := scan.Write(&b, f.want); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), data) {
				t.Errorf("%s differs from Write(Generate(%s))", path, tc.split)
			}
			b.Reset()
			if err := scan.Write(&b, ps); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), data) {
				t.Errorf("%s: Write(Read(file)) is not byte-identical", path)
			}
		}
	}
}

func TestUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string // a substring of stderr
	}{
		{"help", []string{"-h"}, 0, "-split"},
		{"unknown split", []string{"-split", "nope", "-out", dir}, 2, "template_jump_around_right"},
		{"missing out", []string{"-split", "length"}, 2, "required"},
		{"missing split", []string{"-out", dir}, 2, "required"},
		{"bad flag", []string{"-bogus"}, 2, "bogus"},
		{"bad seed", []string{"-split", "simple", "-out", dir, "-seed", "-1"}, 2, "seed"},
		{"extra argument", []string{"-split", "length", "-out", dir, "x"}, 2, "no arguments"},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.args, &stdout, &stderr)
		if code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tc.name, code, stderr.String(), tc.code, tc.stderr)
		}
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("failed runs wrote %d files", len(es))
	}
}

func TestNoOverwrite(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-split", "length", "-out", dir}
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, stderr.String())
	}
	if code := run(args, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "-force") {
		t.Errorf("second run: exit %d, stderr %q; want 1 and a hint at -force", code, stderr.String())
	}
	if code := run(append(args, "-force"), &stdout, &stderr); code != 0 {
		t.Errorf("run with -force: exit %d: %s", code, stderr.String())
	}
}

func mustSeed(t *testing.T, s string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
