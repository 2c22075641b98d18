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
	// Equizero lets each copy decode on its own until its own EOS and
	// outputs, per example, g*⁻¹·M(g*·x) for the copy g* whose outputs have
	// the lowest mean entropy −(1/T) Σ_t Σ_v p_t(v) ln p_t(v) over its own
	// T steps (Basu et al., NeurIPS 2023, with the entropy as its name says;
	// see EquizeroTop1).
	Equizero
	// EquizeroTop1 is Equizero with the other proxy of the authors'
	// equizero_scan.py (its default): the copy of the largest mean top-1
	// probability (1/T) Σ_t max_v p_t(v) over its own T steps. (Their code
	// averages over all 50 rows of a zeroed buffer, each row after the
	// copy's EOS counting 1/V; and their "entropy" proxy is
	// −Σ_t Σ_v ln p_t(v)·log₂ p_t(v), summed, not the entropy: it picks
	// the copy with the largest sum of squared log-probabilities.)
	EquizeroTop1
)

// equizero reports whether m is one of the equizero modes.
func (m Mode) equizero() bool { return m == Equizero || m == EquizeroTop1 }

// String returns the mode's name: "shared", "independent", "equizero" or
// "equizero_top1".
func (m Mode) String() string {
	switch m {
	case Shared:
		return "shared"
	case Independent:
		return "independent"
	case Equizero:
		return "equizero"
	case EquizeroTop1:
		return "equizero_top1"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}
