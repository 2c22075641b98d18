package seq2seq

import (
	"errors"
	"fmt"

	"github.com/scan-equitune/equitune/verbgroups"
)

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("seq2seq: invalid config")

// Config describes the encoder–decoder. Default returns the reference model
// of the equi-tuning paper's code.
type Config struct {
	Cell           CellKind // rnn, gru or lstm
	Embed          int      // input word embedding width E
	DecoderEmbed   int      // output word embedding width E_d (the reference's is D·H); 0 means Embed, as before the reference width was adopted
	Hidden         int      // encoder hidden width H per direction; the decoder's is D·H
	Unidirectional bool     // encode left to right only (D = 1) instead of both ways (D = 2)
	NoAttention    bool     // feed the decoder cell ReLU(W_c e + b_c) without a context
	Dropout        float64  // dropout probability on the decoder's input embedding in training
	InVocab        int      // input vocabulary size, SOS and EOS included
	OutVocab       int      // output vocabulary size, SOS and EOS included
	MaxInput       int      // longest encoded command, EOS included
	MaxOutput      int      // most tokens greedy decoding emits, EOS included

	// Group, if set, makes the model G-equivariant with tied weights
	// (NewEquivariant): Embed and Hidden are then |G|·K_e and |G|·K, K
	// channels per group element. New and LoadTraining rebuild the group from
	// this spec, bound to SCAN's vocabularies.
	Group *verbgroups.Spec `json:",omitempty"`
}

// Default returns the reference settings for the given cell and vocabulary
// sizes: E = 64, H = 64, bidirectional, attention, E_d = D·H = 128, dropout
// 0.1, 50 decoded tokens and SCAN's longest command (9 words + EOS).
func Default(cell CellKind, inVocab, outVocab int) Config {
	return Config{Cell: cell, Embed: 64, Hidden: 64, DecoderEmbed: 128, Dropout: 0.1,
		InVocab: inVocab, OutVocab: outVocab, MaxInput: 10, MaxOutput: 50}
}

// decoderEmbed returns E_d, the width of the decoder's word embedding.
func (c Config) decoderEmbed() int {
	if c.DecoderEmbed == 0 {
		return c.Embed
	}
	return c.DecoderEmbed
}

func (c Config) directions() int {
	if c.Unidirectional {
		return 1
	}
	return 2
}

// Validate reports the first invalid field.
func (c Config) Validate() error {
	if err := c.checkLimits(); err != nil {
		return err
	}
	if err := c.Cell.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrConfig, err)
	}
	for _, f := range []struct {
		name string
		v    int
		min  int
	}{{"Embed", c.Embed, 1}, {"Hidden", c.Hidden, 1}, {"InVocab", c.InVocab, 3}, {"OutVocab", c.OutVocab, 3}, {"MaxInput", c.MaxInput, 1}, {"MaxOutput", c.MaxOutput, 1}} {
		if f.v < f.min {
			return fmt.Errorf("%w: %s = %d, want ≥ %d", ErrConfig, f.name, f.v, f.min)
		}
	}
	if c.DecoderEmbed < 0 {
		return fmt.Errorf("%w: DecoderEmbed = %d, want ≥ 1 (or 0 for Embed)", ErrConfig, c.DecoderEmbed)
	}
	if !(c.Dropout >= 0 && c.Dropout < 1) { // NaN too
		return fmt.Errorf("%w: Dropout = %g, want in [0, 1)", ErrConfig, c.Dropout)
	}
	return nil
}
