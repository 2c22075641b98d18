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
	cfg.Hidden, cfg.Embed, cfg.DecoderEmbed, cfg.MaxOutput = 2, 2, 2, 4
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
// whatever it accepts encodes (as Save writes it) to bytes that decode
// again and encode to themselves. The corpus under
// testdata/fuzz/FuzzDecodeTraining holds inputs that once panicked (a
// payload length that overflows).
//
// Each input costs a decoding and, when accepted, an encoding and a second
// decoding in memory, and the seeds are small (about 3 KB): the fuzzer
// minimizes every input that reaches new code, trying candidates in a number
// quadratic in its length, each an execution, which with the 18 KB seeds
// and a file saved, synced and loaded per accepted input took the worker
// the whole run.
func FuzzDecodeTraining(f *testing.F) {
	plain := tinyCheckpoint(f, false)
	f.Add(plain)
	f.Add(tinyCheckpoint(f, true))
	f.Add([]byte(checkpointMagic))
	// Each error of the header and the checksum, so that the first mutants
	// of the seeds, which mostly end in one of them, are not new code the
	// fuzzer stops to minimize.
	for _, damage := range []func(b []byte) []byte{
		func(b []byte) []byte { b[0] ^= 1; return b },                                // magic
		func(b []byte) []byte { b[8]++; return b },                                   // version
		func(b []byte) []byte { return b[:len(b)-1] },                                // truncated
		func(b []byte) []byte { b[len(b)/2] ^= 1; return b },                         // checksum
		func(b []byte) []byte { return append(b, 0) },                                // trailing byte
		func(b []byte) []byte { binary.LittleEndian.PutUint64(b[12:], 0); return b }, // length
	} {
		f.Add(damage(bytes.Clone(plain)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		run, err := DecodeTraining(data, "fuzz")
		if err != nil {
			if !errors.Is(err, ErrCheckpoint) {
				t.Fatalf("error %v does not wrap ErrCheckpoint", err)
			}
			return
		}
		enc, err := run.encode("fuzz")
		if err != nil {
			t.Fatal(err)
		}
		again, err := DecodeTraining(enc, "again")
		if err != nil {
			t.Fatalf("a decoded run does not decode after encoding: %v", err)
		}
		if again.Identity != run.Identity || again.Step != run.Step {
			t.Fatal("encoding and decoding changed the run")
		}
		if enc2, err := again.encode("again"); err != nil || !bytes.Equal(enc2, enc) {
			t.Fatalf("encoding is not a fixed point (error %v)", err)
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
