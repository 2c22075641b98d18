package scan

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scan-equitune/equitune/internal/scantest"
)

func TestOfficialPaths(t *testing.T) {
	for _, tc := range []struct{ split, train, test string }{
		{"simple", "simple_split/tasks_train_simple.txt", "simple_split/tasks_test_simple.txt"},
		{"length_generalization", "length_split/tasks_train_length.txt", "length_split/tasks_test_length.txt"},
		{"add_jump", "add_prim_split/tasks_train_addprim_jump.txt", "add_prim_split/tasks_test_addprim_jump.txt"},
		{"addprim_turn_left", "add_prim_split/tasks_train_addprim_turn_left.txt", "add_prim_split/tasks_test_addprim_turn_left.txt"},
		{"around_right", "template_split/tasks_train_template_around_right.txt", "template_split/tasks_test_template_around_right.txt"},
		{"template_jump_around_right", "template_split/tasks_train_template_jump_around_right.txt", "template_split/tasks_test_template_jump_around_right.txt"},
	} {
		tr, te, err := OfficialPaths(tc.split)
		if err != nil || tr != filepath.FromSlash(tc.train) || te != filepath.FromSlash(tc.test) {
			t.Errorf("OfficialPaths(%q) = %q, %q, %v", tc.split, tr, te, err)
		}
	}
	for _, bad := range []string{"filler_num2", "nope"} {
		if _, _, err := OfficialPaths(bad); !errors.Is(err, ErrUnknownSplit) {
			t.Errorf("OfficialPaths(%q): err = %v, want ErrUnknownSplit", bad, err)
		}
	}
}

// TestLoadOfficialMalformed checks that a bad line in an official-layout
// directory is reported with its file and line.
func TestLoadOfficialMalformed(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "length_split"), 0o755); err != nil {
		t.Fatal(err)
	}
	train := filepath.Join(dir, "length_split", "tasks_train_length.txt")
	test := filepath.Join(dir, "length_split", "tasks_test_length.txt")
	write := func(path, s string) {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(train, "IN: jump OUT: I_JUMP\n")
	write(test, "IN: jump OUT: I_JUMP\nIN: walk OUT I_WALK\n")
	_, _, err := LoadOfficial(dir, "length_generalization")
	if !errors.Is(err, ErrMalformed) || !strings.HasPrefix(err.Error(), test+":2: missing \"OUT:\"") {
		t.Errorf("err = %v, want %s:2: missing \"OUT:\"", err, test)
	}
	write(test, "IN: jump OUT: I_JUMP\n")
	tr, te, err := LoadOfficial(dir, "length")
	if err != nil || len(tr) != 1 || len(te) != 1 {
		t.Errorf("LoadOfficial = %d, %d pairs, %v", len(tr), len(te), err)
	}
	if _, _, err := LoadOfficial(dir, "simple"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadOfficial of missing files: err = %v, want ErrNotExist", err)
	}
}

// TestOfficialSimple checks that the official simple split partitions all
// commands, as Generate's does.
func TestOfficialSimple(t *testing.T) {
	dir := scantest.Dir(t)
	train, test, err := LoadOfficial(dir, Simple)
	if err != nil {
		t.Fatalf("SCAN_DIR is set but its simple files are unusable: %v", err)
	}
	if len(train) != 16728 || len(test) != 4182 {
		t.Errorf("official simple: %d train, %d test; want 16728, 4182", len(train), len(test))
	}
	if d := diffMultisets(append(train, test...), All()); d != "" {
		t.Errorf("official simple train ∪ test differs from All():\n%s", d)
	}
}
