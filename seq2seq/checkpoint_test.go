package seq2seq

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckpointErrors checks that damaged checkpoints give ErrCheckpoint
// naming the file and what is wrong, never a panic.
func TestCheckpointErrors(t *testing.T) {
	src := rand.NewPCG(1, 1)
	cfg := Default(GRU, 15, 8)
	cfg.Hidden, cfg.Embed, cfg.DecoderEmbed = 4, 4, 8
	m, err := New(cfg, rand.New(src))
	if err != nil {
		t.Fatal(err)
	}
	run, err := NewTraining(m, Schedule{Iterations: 1, Batch: 1, LR: 1e-3, EvalEvery: 1}, Copies{}, src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.ckpt")
	if err := run.Save(good); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadTraining(good); err != nil {
		t.Fatalf("loading a good checkpoint: %v", err)
	}
	flip := append([]byte(nil), data...)
	flip[len(flip)/2] ^= 0xff
	version := append([]byte(nil), data...)
	binary.LittleEndian.PutUint32(version[8:12], 99)
	for _, tc := range []struct {
		name, want string
		data       []byte
	}{
		{"empty", "not a seq2seq checkpoint", nil},
		{"other", "not a seq2seq checkpoint", []byte("IN: jump OUT: I_JUMP\n")},
		{"truncated", "truncated", data[:len(data)-10]},
		{"header only", "truncated", data[:20]},
		{"corrupted", "checksum", flip},
		{"version", "version 99", version},
	} {
		path := filepath.Join(dir, tc.name+".ckpt")
		if err := os.WriteFile(path, tc.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := LoadTraining(path)
		if !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want ErrCheckpoint naming %s and %q", tc.name, err, path, tc.want)
		}
	}
}
