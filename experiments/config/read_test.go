package config

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/seq2seq"
)

// allocatedBy returns the bytes f allocates.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestConfigSizeLimit checks that a config beyond MaxConfigBytes — a large
// regular file, an endless device, a pipe whose writer does not stop — is
// refused with ErrConfig naming the file, having read no more than the
// limit.
func TestConfigSizeLimit(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.toml")
	if err := os.WriteFile(huge, []byte("name = \"x\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, 8<<30); err != nil { // sparse
		t.Fatal(err)
	}
	paths := []string{huge, "/dev/zero"}
	fifo := filepath.Join(dir, "fifo.toml")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		go func() { // an endless writer; its error ends it when the reader closes
			f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			defer f.Close()
			line := []byte(strings.Repeat("# comment\n", 100))
			for {
				if _, err := f.Write(line); err != nil {
					return
				}
			}
		}()
		paths = append(paths, fifo)
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Logf("skipping %s: %v", p, err)
			continue
		}
		var err error
		alloc := allocatedBy(func() { _, err = LoadSweep(p, nil) })
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "limit") {
			t.Errorf("%s: error %v, want ErrConfig naming the file and the limit", p, err)
		}
		if alloc > 8*MaxConfigBytes {
			t.Errorf("%s: refusing it allocated %d bytes", p, alloc)
		}
	}
}

// TestPretrainedModelReadOnce checks that a pretrained_model file is read
// once, by seq2seq.ReadSafetensors, and hashed as a stream: loading the
// config allocates little beyond what reading the model does, not a second
// copy of the file, and records the file's SHA-256.
func TestPretrainedModelReadOnce(t *testing.T) {
	cfg := seq2seq.Default(seq2seq.LSTM, scan.InputVocab().Size(), scan.OutputVocab().Size())
	cfg.Hidden, cfg.Embed, cfg.DecoderEmbed = 256, 256, 512
	m, err := seq2seq.New(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	if err := m.WriteSafetensors(path, nil, nil); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := []byte(fmt.Sprintf("name = \"x\"\npretrained_model = %q\nmethods = [\"pretrained\"]\n", path))
	var model uint64
	for range 2 { // the second time, with warm caches
		model = allocatedBy(func() { _, err = seq2seq.ReadSafetensors(path, 0.1) })
	}
	if err != nil {
		t.Fatal(err)
	}
	var c *Config
	alloc := allocatedBy(func() { c, err = Parse(src, filepath.Join(dir, "x.toml")) })
	if err != nil {
		t.Fatal(err)
	}
	if extra := int64(alloc) - int64(model); extra > int64(len(file))/2 {
		t.Errorf("loading the config allocated %d bytes beyond the %d of reading the model: the %d-byte file is read again",
			extra, model, len(file))
	}
	if sum := sha256.Sum256(file); c.PretrainedModelSHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("SHA-256 %s, want %x", c.PretrainedModelSHA256, sum)
	}
}
