package seq2seq

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/scan-equitune/equitune/verbgroups"
)

// tinyCheckpoint returns the bytes of a saved run of a tiny model: plain, or
// G-equivariant under verb and trained under its copies.
func tinyCheckpoint(tb testing.TB, equivariant bool) []byte {
	tb.Helper()
	src := rand.NewPCG(1, 2)
	cfg := Default(LSTM, 15, 8)
	cfg.Hidden, cfg.Embed = 2, 2
	var (
		m   *Model
		cp  Copies
		err error
	)
	if equivariant {
		g, gerr := verbgroups.ByName("verb")
		if gerr != nil {
			tb.Fatal(gerr)
		}
		m, err = NewEquivariant(cfg, g, rand.New(src))
		cp = CopiesOf(g)
	} else {
		m, err = New(cfg, rand.New(src))
	}
	if err != nil {
		tb.Fatal(err)
	}
	run, err := NewTraining(m, Schedule{Iterations: 2, Batch: 1, LR: 1e-3, EvalEvery: 1}, cp, src)
	if err != nil {
		tb.Fatal(err)
	}
	run.Identity = "tiny"
	path := filepath.Join(tb.TempDir(), "tiny.ckpt")
	if err := run.Save(path); err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// FuzzDecodeTraining checks that no byte string makes DecodeTraining panic, and that
// whatever it accepts saves and decodes again to the same bytes. The corpus
// under testdata/fuzz/FuzzDecodeTraining holds inputs that once panicked (a
// payload length that overflows).
func FuzzDecodeTraining(f *testing.F) {
	f.Add(tinyCheckpoint(f, false))
	f.Add(tinyCheckpoint(f, true))
	f.Add([]byte(checkpointMagic))
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := DecodeTraining(data, "fuzz")
		if err != nil {
			if !errors.Is(err, ErrCheckpoint) {
				t.Fatalf("error %v does not wrap ErrCheckpoint", err)
			}
			return
		}
		path := filepath.Join(t.TempDir(), "again.ckpt")
		if err := run.Save(path); err != nil {
			t.Fatal(err)
		}
		again, err := LoadTraining(path)
		if err != nil {
			t.Fatalf("a decoded run does not load after saving: %v", err)
		}
		if again.Identity != run.Identity || again.Step != run.Step {
			t.Fatal("save and load changed the run")
		}
	})
}

// TestCheckpointIdentity checks that Identity survives a save and load, and
// that a checkpoint of an older build without it loads with none.
func TestCheckpointIdentity(t *testing.T) {
	run, err := DecodeTraining(tinyCheckpoint(t, true), "tiny")
	if err != nil {
		t.Fatal(err)
	}
	if run.Identity != "tiny" || run.Model.Config.Group == nil || run.Copies.K() != 2 {
		t.Errorf("decoded run: identity %q, group %v, %d copies", run.Identity, run.Model.Config.Group, run.Copies.K())
	}
}

// TestCheckpointOversized checks that a length field crafted to overflow and
// sizes beyond the limits are errors.
func TestCheckpointOversized(t *testing.T) {
	data := tinyCheckpoint(t, false)
	huge := bytes.Clone(data)
	binary.LittleEndian.PutUint64(huge[12:20], ^uint64(0)-2) // n+4 overflows
	if _, err := DecodeTraining(huge, "huge"); !errors.Is(err, ErrCheckpoint) {
		t.Errorf("overflowing length: %v", err)
	}
	cfg := Default(LSTM, 15, 8)
	cfg.Hidden = 4000000000
	if err := cfg.Validate(); err == nil {
		t.Error("hidden 4e9 is valid")
	}
}
