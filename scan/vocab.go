package scan

import "fmt"

// Reserved ids, as in the reference code.
const (
	SOS = 0 // start of sequence: the decoder's first input
	EOS = 1 // end of sequence: appended to every encoded sequence
)

// Vocab maps tokens to dense ids; ids 0 and 1 are SOS and EOS.
type Vocab struct {
	tokens []string
	ids    map[string]int
}

// NewVocab returns the vocabulary SOS, EOS, tokens... in that order.
func NewVocab(tokens []string) *Vocab {
	v := &Vocab{tokens: append([]string{"SOS", "EOS"}, tokens...), ids: map[string]int{}}
	for i, t := range v.tokens {
		if _, dup := v.ids[t]; dup {
			panic(fmt.Sprintf("scan: duplicate token %q in vocabulary", t))
		}
		v.ids[t] = i
	}
	return v
}

// InputVocab returns the command vocabulary: SOS, EOS, then Words.
func InputVocab() *Vocab { return NewVocab(Words) }

// OutputVocab returns the action vocabulary: SOS, EOS, then Actions.
func OutputVocab() *Vocab { return NewVocab(Actions) }

// Size returns the number of ids.
func (v *Vocab) Size() int { return len(v.tokens) }

// ID returns the id of token t and whether t is in the vocabulary.
func (v *Vocab) ID(t string) (int, bool) {
	id, ok := v.ids[t]
	return id, ok
}

// Token returns the token with the given id; it panics if id is out of range.
func (v *Vocab) Token(id int) string { return v.tokens[id] }

// Tokens returns all tokens in id order (the slice must not be modified).
func (v *Vocab) Tokens() []string { return v.tokens }

// Encode returns the ids of ts followed by EOS, or an error naming the first
// unknown token.
func (v *Vocab) Encode(ts []string) ([]int, error) {
	ids := make([]int, len(ts)+1)
	for i, t := range ts {
		id, ok := v.ids[t]
		if !ok || id == SOS || id == EOS {
			return nil, fmt.Errorf("scan: unknown token %q", t)
		}
		ids[i] = id
	}
	ids[len(ts)] = EOS
	return ids, nil
}

// Decode returns the tokens of ids up to (not including) the first EOS.
func (v *Vocab) Decode(ids []int) []string {
	var ts []string
	for _, id := range ids {
		if id == EOS {
			break
		}
		ts = append(ts, v.tokens[id])
	}
	return ts
}
