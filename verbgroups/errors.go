package verbgroups

import (
	"errors"
	"fmt"
)

var (
	// ErrInvalid is wrapped by every error about an ill-formed group: an
	// unknown word, action or group name, a token used twice, cycles of
	// unequal length, an empty cycle, or an unknown TOML key.
	ErrInvalid = errors.New("verbgroups: invalid group")

	// ErrNotSymmetry is wrapped by the error of Group.CheckSymmetry when
	// ⟦g·c⟧ ≠ g·⟦c⟧ for some command c and element g.
	ErrNotSymmetry = errors.New("verbgroups: not a symmetry")
)

// groupError is an error with its own message that matches a sentinel.
type groupError struct {
	msg   string
	kind  error
	cycle int // the cycle of a Spec it is about, from 1; 0 for none
}

func (e *groupError) Error() string { return "verbgroups: " + e.msg }
func (e *groupError) Unwrap() error { return e.kind }

// invalidf returns an error wrapping ErrInvalid with message
// "verbgroups: " + fmt.Sprintf(format, args...).
func invalidf(format string, args ...any) *groupError {
	return &groupError{msg: fmt.Sprintf(format, args...), kind: ErrInvalid}
}

// CycleOf returns the cycle of a Spec (from 1) that an error of Spec.Group
// or Parse is about, or 0 if it is about no one cycle.
func CycleOf(err error) int {
	var ge *groupError
	if errors.As(err, &ge) {
		return ge.cycle
	}
	return 0
}
