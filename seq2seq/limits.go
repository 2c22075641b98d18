package seq2seq

import "fmt"

// Size limits of a Config. They keep a model within memory (at the widest,
// hidden = embed = MaxWidth, an LSTM has 57 million parameters, 0.45 GB a
// copy, and training holds several copies) and make a damaged or crafted
// checkpoint fail with an error instead of exhausting memory.
const (
	MaxWidth  = 1024 // Embed, Hidden and DecoderEmbed
	MaxVocab  = 4096 // InVocab and OutVocab
	MaxLength = 1024 // MaxInput and MaxOutput
)

// checkLimits reports the first size of c above its limit.
func (c Config) checkLimits() error {
	for _, f := range []struct {
		name   string
		v, max int
	}{{"Embed", c.Embed, MaxWidth}, {"Hidden", c.Hidden, MaxWidth}, {"DecoderEmbed", c.DecoderEmbed, MaxWidth}, {"InVocab", c.InVocab, MaxVocab},
		{"OutVocab", c.OutVocab, MaxVocab}, {"MaxInput", c.MaxInput, MaxLength}, {"MaxOutput", c.MaxOutput, MaxLength}} {
		if f.v > f.max {
			return fmt.Errorf("%w: %s = %d, want ≤ %d", ErrConfig, f.name, f.v, f.max)
		}
	}
	return nil
}

// Size limits of the files this package reads. A file beyond its limit is
// refused with an error before its contents are read, so that a damaged or
// crafted file, or a device such as /dev/zero, cannot exhaust memory.
const (
	// MaxSafetensorsBytes bounds a safetensors model. The widest model
	// within the Config limits, stored as float64, takes about 0.5 GB.
	MaxSafetensorsBytes = 1 << 30
	// MaxCheckpointBytes bounds a checkpoint. The widest model's
	// checkpoint holds four tensors per parameter (weights, best weights,
	// Adam's two moments) at up to 9 bytes a value: about 2.1 GB.
	MaxCheckpointBytes = 4 << 30

	// maxSafetensorsHeader bounds the JSON header of a safetensors model
	// (the reference files' take about 2 KB).
	maxSafetensorsHeader = 1 << 20
)
