package scan

import (
	"fmt"
	"path/filepath"
)

// officialFiles maps each split with official files to its directory and
// file-name suffix in the official SCAN repository.
var officialFiles = map[string][2]string{
	Simple:                  {"simple_split", "simple"},
	Length:                  {"length_split", "length"},
	AddPrimJump:             {"add_prim_split", "addprim_jump"},
	AddPrimTurnLeft:         {"add_prim_split", "addprim_turn_left"},
	TemplateRight:           {"template_split", "template_right"},
	TemplateOppositeRight:   {"template_split", "template_opposite_right"},
	TemplateAroundRight:     {"template_split", "template_around_right"},
	TemplateJumpAroundRight: {"template_split", "template_jump_around_right"},
}

// OfficialPaths returns the paths, relative to the root of the official SCAN
// repository, of the train and test files of a split or alias, for example
// "add_prim_split/tasks_train_addprim_jump.txt". Splits without official
// files (filler_numK) and unknown names give an error wrapping
// ErrUnknownSplit.
func OfficialPaths(split string) (train, test string, err error) {
	c, err := Canonical(split)
	if err != nil {
		return "", "", err
	}
	f, ok := officialFiles[c]
	if !ok {
		return "", "", fmt.Errorf("%w: %q has no official files", ErrUnknownSplit, split)
	}
	return filepath.Join(f[0], "tasks_train_"+f[1]+".txt"), filepath.Join(f[0], "tasks_test_"+f[1]+".txt"), nil
}

// LoadOfficial reads the train and test files of a split (or alias) from dir,
// a directory laid out like the official SCAN repository. Every line is
// checked against the grammar; errors name the file and line.
func LoadOfficial(dir, split string) (train, test []Pair, err error) {
	tr, te, err := OfficialPaths(split)
	if err != nil {
		return nil, nil, err
	}
	if train, err = ReadFile(filepath.Join(dir, tr), true); err != nil {
		return nil, nil, err
	}
	if test, err = ReadFile(filepath.Join(dir, te), true); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}
