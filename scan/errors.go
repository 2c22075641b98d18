package scan

import "errors"

// Sentinel errors; the errors returned by this package wrap them with
// context (the split name, or file:line), so test for them with errors.Is.
var (
	// ErrUnknownSplit is returned for a split name that is not in SplitNames,
	// or that has no official files.
	ErrUnknownSplit = errors.New("scan: unknown split")

	// ErrMalformed is returned for input that is not a valid SCAN file, and
	// for pairs that cannot be written as one.
	ErrMalformed = errors.New("scan: malformed input")
)
