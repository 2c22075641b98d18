package config

import (
	"fmt"
	"strings"
)

// MaxNameBytes bounds the name key. An experiment's name is a folder of
// OUT/results/ and starts its figures' file names; a sweep's cell is named
// NAME_V1_V2… (at most maxCellNameBytes). The longest file name a cell name
// C makes is an atomic write's temporary file of a figure,
// ".C_accuracy.svg.tmp" and up to 10 digits: len(C) + 28 bytes, within the
// 255 bytes of a file name.
const MaxNameBytes = 100

// maxCellNameBytes bounds the name of a sweep's cell: 200 + 28 < 255.
const maxCellNameBytes = 200

// nameChars are the bytes a name may hold besides ASCII letters and digits.
const nameChars = "_-."

// nameRule says what a name may be.
const nameRule = "1 to %d letters, digits, '_', '-' or '.', not starting with '.'"

// checkName reports whether name can name an experiment: 1 to max bytes of
// ASCII letters, digits, '_', '-' and '.', not starting with '.' (which
// would hide it, and OUT/results/.cache is the runs' cache). The error
// names the key name.
func checkName(name string, max int) error {
	if why := nameProblem(name, max); why != "" {
		return badKey("name", "= %q: %s (a name is "+nameRule+")", name, why, max)
	}
	return nil
}

// nameProblem returns what makes name no name of at most max bytes (see
// checkName), or "".
func nameProblem(name string, max int) string {
	switch {
	case name == "":
		return "empty"
	case len(name) > max:
		return fmt.Sprintf("%d bytes", len(name))
	case name[0] == '.':
		return "starts with '.', which is for the runs' cache (.cache) and hidden files"
	}
	for _, r := range name {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune(nameChars, r)) {
			return fmt.Sprintf("holds %q", r)
		}
	}
	return ""
}
