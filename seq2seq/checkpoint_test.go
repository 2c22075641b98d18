package seq2seq

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
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

// TestCheckpointTrailingBytes checks that bytes after the checksum, which
// Save never writes, make a checkpoint damaged.
func TestCheckpointTrailingBytes(t *testing.T) {
	data := tinyCheckpoint(t, false)
	path := filepath.Join(t.TempDir(), "trailing.ckpt")
	if err := os.WriteFile(path, append(data, "more"...), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadTraining(path)
	if !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), "after the checksum") {
		t.Fatalf("error %v, want ErrCheckpoint saying data follows the checksum", err)
	}
	_, err = DecodeTraining(append(data, "more"...), "trailing")
	if !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), "4 bytes after the checksum") {
		t.Fatalf("error %v, want ErrCheckpoint saying 4 bytes follow the checksum", err)
	}
}

// TestCheckpointNonFinite checks that a NaN or infinite value among the
// weights, the best weights or Adam's moments is refused naming the
// tensor, the parameter and the flat index.
func TestCheckpointNonFinite(t *testing.T) {
	for _, c := range []struct {
		name  string
		set   func(tr *Training)
		want  string
		value float64
	}{
		{"weight NaN", func(tr *Training) { tr.Model.Params()[2].W[3] = math.NaN() }, "weights of parameter %s: value NaN at flat index 3", 0},
		{"best +Inf", func(tr *Training) { tr.Best[2][0] = math.Inf(1) }, "best weights of parameter %s: value +Inf at flat index 0", 0},
		{"moment -Inf", func(tr *Training) { tr.Opt.V[2][1] = math.Inf(-1) }, "Adam second moments of parameter %s: value -Inf at flat index 1", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			run, err := DecodeTraining(tinyCheckpoint(t, false), "tiny")
			if err != nil {
				t.Fatal(err)
			}
			if run.Best == nil {
				run.Best = snapshot(run.params(), nil)
			}
			if run.Opt.M == nil {
				run.Opt.M, run.Opt.V = snapshot(run.params(), nil), snapshot(run.params(), nil)
			}
			c.set(run)
			path := filepath.Join(t.TempDir(), "nan.ckpt")
			if err := run.Save(path); err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf(c.want, run.params()[2].Name)
			if _, err := LoadTraining(path); !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), want) {
				t.Fatalf("error %v, want ErrCheckpoint saying %q", err, want)
			}
		})
	}
}

// TestCheckpointFileLimit checks that a file beyond MaxCheckpointBytes, an
// endless device and a header claiming more than the file holds are
// refused without reading or allocating what they claim.
func TestCheckpointFileLimit(t *testing.T) {
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge.ckpt")
	f, err := os.Create(huge)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxCheckpointBytes + 1); err != nil { // sparse
		t.Fatal(err)
	}
	f.Close()
	claims := filepath.Join(dir, "claims.ckpt")
	head := binary.LittleEndian.AppendUint32([]byte(checkpointMagic), checkpointVersion)
	head = binary.LittleEndian.AppendUint64(head, 3<<30)
	if err := os.WriteFile(claims, append(head, "short"...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{huge, "more than the limit"},
		{"/dev/zero", "not a seq2seq checkpoint"},
		{claims, "truncated"},
	} {
		if _, err := os.Stat(c.path); err != nil {
			t.Logf("skipping %s: %v", c.path, err)
			continue
		}
		var err error
		alloc := allocatedBy(func() { _, err = LoadTraining(c.path) })
		if !errors.Is(err, ErrCheckpoint) || !strings.Contains(err.Error(), c.path) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want ErrCheckpoint naming the file and saying %q", c.path, err, c.want)
		}
		if alloc > 1<<20 {
			t.Errorf("%s: refusing the file allocated %d bytes", c.path, alloc)
		}
	}
}
