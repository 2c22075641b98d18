package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
// cell). The model's dropout stays [model]'s. Errors do not name the key.
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
	data, err := os.ReadFile(path)
	if err != nil {
		return err
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
	sum := sha256.Sum256(data)
	c.PretrainedModel, c.PretrainedModelSHA256, c.Cells = path, hex.EncodeToString(sum[:]), []string{cell}
	c.Model = ModelConfig{Hidden: mc.Hidden, Embed: mc.Embed, DecoderEmbed: mc.DecoderEmbed,
		Attention: !mc.NoAttention, Bidirectional: !mc.Unidirectional, Dropout: c.Model.Dropout}
	return nil
}
