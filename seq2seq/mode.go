package seq2seq

import "fmt"

// Mode says how the copies of an example are fed and read when decoding
// without targets.
type Mode int

const (
	// Shared feeds every copy g_k·ŷ, where ŷ = argmax q is the averaged
	// model's own prediction: the decoder is exactly G-equivariant.
	Shared Mode = iota
	// Independent lets each copy decode greedily on its own until its own
	// EOS and averages the copies' log-probabilities step by step, a copy
	// that has stopped counting as log-probability 0 for every word (the
	// authors' equitune_scan.py, whose copies fill a zeroed buffer of
	// MAX_LENGTH rows; when all have stopped, argmax q is id 0).
	Independent
	// Equizero lets each copy decode on its own and outputs, per example,
	// g*⁻¹·M(g*·x) for the copy g* whose outputs have the lowest mean
	// entropy (Basu et al., NeurIPS 2023).
	Equizero
)

// String returns the mode's name: "shared", "independent" or "equizero".
func (m Mode) String() string {
	switch m {
	case Shared:
		return "shared"
	case Independent:
		return "independent"
	case Equizero:
		return "equizero"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}
