package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/scan-equitune/equitune/seq2seq"
)

// usePretrainedModel resolves the pretrained_model key of a configuration
// read from source: a relative path is taken from source's folder (from the
// working directory for a built-in configuration), the file is read, its
// SHA-256 recorded, and its cell and sizes replace cells and [model]
// (cellsSet: the configuration lists cells, which must then be that one
// cell). The model's dropout stays [model]'s. The file is read once by
// seq2seq.ReadSafetensors, within its limits, and hashed as a stream.
// Errors do not name the key.
func (c *Config) usePretrainedModel(source string, cellsSet bool) error {
	path := c.PretrainedModel
	if !filepath.IsAbs(path) {
		if _, err := os.Stat(source); err == nil {
			path = filepath.Join(filepath.Dir(source), path)
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		path = abs
	}
	m, err := seq2seq.ReadSafetensors(path, c.Model.Dropout)
	if err != nil {
		return err
	}
	mc := m.Config
	cell := string(mc.Cell)
	if cellsSet && !slices.Equal(c.Cells, []string{cell}) {
		return fmt.Errorf("cells = %q, but %s is a %s model (omit cells or set [%q])", c.Cells, path, cell, cell)
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return err
	}
	c.PretrainedModel, c.PretrainedModelSHA256, c.Cells = path, sum, []string{cell}
	c.Model = ModelConfig{Hidden: mc.Hidden, Embed: mc.Embed, DecoderEmbed: mc.DecoderEmbed,
		Attention: !mc.NoAttention, Bidirectional: !mc.Unidirectional, Dropout: c.Model.Dropout}
	return nil
}

// fileSHA256 returns the hexadecimal SHA-256 of the file at path, read as a
// stream of at most seq2seq.MaxSafetensorsBytes (which ReadSafetensors has
// checked the file against).
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, seq2seq.MaxSafetensorsBytes+1))
	if err != nil {
		return "", err
	}
	if n > seq2seq.MaxSafetensorsBytes {
		return "", fmt.Errorf("%s: more than %d bytes", path, int64(seq2seq.MaxSafetensorsBytes))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
