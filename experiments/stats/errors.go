package stats

import "errors"

var (
	// ErrShape is wrapped by the error for an empty outcome matrix, seeds
	// with different numbers of commands, or two methods whose matrices
	// differ in shape.
	ErrShape = errors.New("stats: bad shape")

	// ErrSettings is wrapped by the error for Settings out of range.
	ErrSettings = errors.New("stats: invalid settings")
)
