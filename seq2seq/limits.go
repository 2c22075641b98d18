package seq2seq

import "fmt"

// Size limits of a Config. They keep a model within memory (at the widest,
// hidden = embed = MaxWidth, an LSTM has 57 million parameters, 0.45 GB a
// copy, and training holds several copies) and make a damaged or crafted
// checkpoint fail with an error instead of exhausting memory.
const (
	MaxWidth  = 1024 // Embed and Hidden
	MaxVocab  = 4096 // InVocab and OutVocab
	MaxLength = 1024 // MaxInput and MaxOutput
)

// checkLimits reports the first size of c above its limit.
func (c Config) checkLimits() error {
	for _, f := range []struct {
		name   string
		v, max int
	}{{"Embed", c.Embed, MaxWidth}, {"Hidden", c.Hidden, MaxWidth}, {"InVocab", c.InVocab, MaxVocab},
		{"OutVocab", c.OutVocab, MaxVocab}, {"MaxInput", c.MaxInput, MaxLength}, {"MaxOutput", c.MaxOutput, MaxLength}} {
		if f.v > f.max {
			return fmt.Errorf("%w: %s = %d, want ≤ %d", ErrConfig, f.name, f.v, f.max)
		}
	}
	return nil
}
