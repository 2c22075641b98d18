package seq2seq

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/nlpodyssey/safetensors"

	"github.com/scan-equitune/equitune/scan"
)

// tinySafetensors returns the bytes of the safetensors file of a GRU model
// of width 2 over SCAN's vocabularies (about 11 KB).
func tinySafetensors(tb testing.TB) []byte {
	tb.Helper()
	cfg := Default(GRU, scan.InputVocab().Size(), scan.OutputVocab().Size())
	cfg.Embed, cfg.Hidden, cfg.DecoderEmbed, cfg.MaxOutput = 2, 2, 2, 4
	m, err := New(cfg, rand.New(rand.NewPCG(3, 3)))
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(tb.TempDir(), "tiny.safetensors")
	if err := m.WriteSafetensors(path, nil, nil); err != nil {
		tb.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

// stEntry is a tensor of a crafted safetensors file: its header entry, and
// the bytes written for it (fewer than its offsets claim for a file that
// does not hold what its header says).
type stEntry struct {
	name  string
	dtype string
	shape []uint64
	claim uint64 // bytes the header claims; len(data) when 0
	data  []byte
}

// craft writes a safetensors file holding the entries in their order, each
// at the offset the claims of those before it give; the header is written
// as the entries say, whatever the data. With fill, the file is extended
// (sparsely) to the size the header claims.
func craft(tb testing.TB, path string, md map[string]string, entries []stEntry, fill bool) {
	tb.Helper()
	header := map[string]any{"__metadata__": md}
	offset := uint64(0)
	for _, e := range entries {
		claim := cmpOr(e.claim, uint64(len(e.data)))
		header[e.name] = map[string]any{"dtype": e.dtype, "shape": e.shape, "data_offsets": []uint64{offset, offset + claim}}
		offset += claim
	}
	js, err := json.Marshal(header)
	if err != nil {
		tb.Fatal(err)
	}
	js = append(js, bytes.Repeat([]byte(" "), (8-len(js)%8)%8)...)
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	start := int64(8 + len(js))
	if err := binary.Write(f, binary.LittleEndian, uint64(len(js))); err != nil {
		tb.Fatal(err)
	}
	if _, err := f.Write(js); err != nil {
		tb.Fatal(err)
	}
	offset = 0
	for _, e := range entries {
		if _, err := f.WriteAt(e.data, start+int64(offset)); err != nil {
			tb.Fatal(err)
		}
		offset += cmpOr(e.claim, uint64(len(e.data)))
	}
	if fill {
		if err := f.Truncate(start + int64(offset)); err != nil {
			tb.Fatal(err)
		}
	}
}

func cmpOr(a, b uint64) uint64 {
	if a != 0 {
		return a
	}
	return b
}

// entriesOf returns the tensors of a safetensors file as entries, in the
// order of their data.
func entriesOf(tb testing.TB, data []byte) (map[string]string, []stEntry) {
	tb.Helper()
	st, err := safetensors.Deserialize(data)
	if err != nil {
		tb.Fatal(err)
	}
	_, md, err := safetensors.ReadMetadata(data)
	if err != nil {
		tb.Fatal(err)
	}
	var es []stEntry
	for _, nt := range st.Tensors() {
		es = append(es, stEntry{name: nt.Name, dtype: nt.TensorView.DType().String(),
			shape: nt.TensorView.Shape(), data: bytes.Clone(nt.TensorView.Data())})
	}
	return md.Metadata(), es
}

// allocatedBy returns the bytes f allocates on the heap (the tests of this
// file are not parallel).
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestSafetensorsMissingUncompacted checks that a tensor removed from the
// header, its data left in place (offsets not compacted), is named as
// missing, not its neighbour whose offset no longer follows.
func TestSafetensorsMissingUncompacted(t *testing.T) {
	md, es := entriesOf(t, tinySafetensors(t))
	i := slices.IndexFunc(es, func(e stEntry) bool { return e.name == "decoder.out.bias" })
	if i < 0 || i == len(es)-1 {
		t.Fatalf("decoder.out.bias at %d of %d tensors: want one in the middle", i, len(es))
	}
	path := filepath.Join(t.TempDir(), "gap.safetensors")
	// The entry stays in the layout but leaves the header: its bytes are a gap.
	header := slices.Clone(es)
	header[i].name = "\x00removed"
	craft(t, path, md, header, false)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	raw = removeHeaderEntry(t, raw, "\x00removed")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadSafetensors(path, 0.1)
	if !errors.Is(err, ErrSafetensors) || !strings.Contains(err.Error(), "decoder.out.bias") || !strings.Contains(err.Error(), "missing") {
		t.Fatalf("error %v, want ErrSafetensors naming decoder.out.bias as missing", err)
	}
	if next := es[i+1].name; strings.Contains(err.Error(), next) {
		t.Errorf("error %v names %s, which is present", err, next)
	}
}

// removeHeaderEntry returns a safetensors file with the header entry name
// removed and the data unchanged.
func removeHeaderEntry(tb testing.TB, file []byte, name string) []byte {
	tb.Helper()
	n := binary.LittleEndian.Uint64(file)
	var header map[string]json.RawMessage
	if err := json.Unmarshal(file[8:8+n], &header); err != nil {
		tb.Fatal(err)
	}
	delete(header, name)
	js, err := json.Marshal(header)
	if err != nil {
		tb.Fatal(err)
	}
	js = append(js, bytes.Repeat([]byte(" "), (8-len(js)%8)%8)...)
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(js)))
	return append(append(out, js...), file[8+n:]...)
}

// TestSafetensorsNonFinite checks that a NaN or infinite weight, float32 or
// float64, is refused naming the tensor and the flat index, and that the
// same value in a tensor the model never reads is ignored.
func TestSafetensorsNonFinite(t *testing.T) {
	md, es := entriesOf(t, tinySafetensors(t))
	for _, c := range []struct {
		name, tensor string
		index        int
		value        float64
		f64          bool
		want         string // "" for no error
	}{
		{"f32 NaN", "decoder.out.weight", 5, math.NaN(), false, "decoder.out.weight: value NaN at flat index 5"},
		{"f32 +Inf", "encoder.embedding.weight", 0, math.Inf(1), false, "encoder.embedding.weight: value +Inf at flat index 0"},
		{"f64 -Inf", "decoder.rnn.bias_hh_l0", 3, math.Inf(-1), true, "decoder.rnn.bias_hh_l0: value -Inf at flat index 3"},
		{"f32 max", "decoder.out.bias", 1, math.MaxFloat32, false, ""},
		{"unread NaN", "decoder.attn.weight", 2, math.NaN(), false, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts := map[string]safetensors.TensorView{}
			for _, e := range es {
				data, dtype := bytes.Clone(e.data), safetensors.F32
				if c.f64 && e.name == c.tensor {
					dtype, data = safetensors.F64, make([]byte, 2*len(e.data))
					for i := range len(e.data) / 4 {
						v := float64(math.Float32frombits(binary.LittleEndian.Uint32(e.data[4*i:])))
						binary.LittleEndian.PutUint64(data[8*i:], math.Float64bits(v))
					}
				}
				if e.name == c.tensor {
					if c.f64 {
						binary.LittleEndian.PutUint64(data[8*c.index:], math.Float64bits(c.value))
					} else {
						binary.LittleEndian.PutUint32(data[4*c.index:], math.Float32bits(float32(c.value)))
					}
				}
				tv, err := safetensors.NewTensorView(dtype, e.shape, data)
				if err != nil {
					t.Fatal(err)
				}
				ts[e.name] = tv
			}
			buf, err := safetensors.Serialize(ts, md)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "m.safetensors")
			if err := os.WriteFile(path, buf, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = ReadSafetensors(path, 0.1)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrSafetensors) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want ErrSafetensors saying %q", err, c.want)
			}
		})
	}
}

// TestSafetensorsClaimsBeyondFile checks that a header claiming more than a
// model within the size limits, or more than the file holds, is refused
// before the claimed size is allocated, and that a file holding more data
// than its header describes is refused too.
func TestSafetensorsClaimsBeyondFile(t *testing.T) {
	md, es := entriesOf(t, tinySafetensors(t))
	// with returns the entries with the one named edited and moved last,
	// so that the file ends where the data it claims would begin.
	with := func(name string, edit func(*stEntry)) []stEntry {
		var out []stEntry
		var last stEntry
		for _, e := range es {
			if e.name == name {
				last = e
				edit(&last)
			} else {
				out = append(out, e)
			}
		}
		return append(out, last)
	}
	const twoGB = 2 << 30
	for _, c := range []struct {
		name    string
		entries []stEntry
		fill    bool // extend the file sparsely to what the header claims
		extra   []byte
		want    string
	}{
		{"unexpected 2 GB tensor", append(slices.Clone(es), stEntry{name: "decoder.extra", dtype: "F32", shape: []uint64{twoGB / 4}, claim: twoGB}),
			false, nil, "decoder.extra"},
		{"2 GB embedding", with("encoder.embedding.weight", func(e *stEntry) { e.shape, e.claim = []uint64{16, 1 << 25}, twoGB }),
			false, nil, "encoder.embedding.weight"},
		{"decoder embedding beyond the limits", with("decoder.embedding.weight", func(e *stEntry) { e.shape, e.claim = []uint64{8, 4096}, 8*4096*4 }),
			false, nil, "DecoderEmbed"},
		{"offsets beyond shape", with("decoder.out.bias", func(e *stEntry) { e.claim = twoGB }),
			false, nil, "decoder.out.bias"},
		{"2 GB unread tensor", with("decoder.attn.weight", func(e *stEntry) { e.shape, e.claim = []uint64{4, twoGB / 16}, twoGB }),
			false, nil, "decoder.attn.weight"},
		{"64 MB unread tensor, sparse file", with("decoder.attn.weight", func(e *stEntry) { e.shape, e.claim = []uint64{4, 1 << 22}, 1<<26 }),
			true, nil, "decoder.attn.weight"},
		{"truncated data", with("decoder.rnn.weight_hh_l0", func(e *stEntry) { e.claim, e.data = uint64(len(e.data)), e.data[:4] }),
			false, nil, "the file holds"},
		{"data after the tensors", es, false, []byte("trailing"), "the file holds"},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.safetensors")
			craft(t, path, md, c.entries, c.fill)
			if c.extra != nil {
				f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				f.Write(c.extra)
				f.Close()
			}
			var err error
			alloc := allocatedBy(func() { _, err = ReadSafetensors(path, 0.1) })
			if !errors.Is(err, ErrSafetensors) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want ErrSafetensors naming %s", err, c.want)
			}
			if alloc > 8<<20 {
				t.Errorf("refusing the file allocated %d bytes", alloc)
			}
		})
	}
}

// TestSafetensorsFileLimit checks that a file beyond MaxSafetensorsBytes,
// and an endless device, are refused without being read.
func TestSafetensorsFileLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.safetensors")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxSafetensorsBytes + 1); err != nil { // sparse
		t.Fatal(err)
	}
	f.Close()
	var alloc uint64
	for _, p := range []string{path, "/dev/zero"} {
		if _, err := os.Stat(p); err != nil {
			t.Logf("skipping %s: %v", p, err)
			continue
		}
		alloc = allocatedBy(func() { _, err = ReadSafetensors(p, 0.1) })
		if !errors.Is(err, ErrSafetensors) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: error %v, want ErrSafetensors naming the file", p, err)
		}
		if alloc > 1<<20 {
			t.Errorf("%s: refusing the file allocated %d bytes", p, alloc)
		}
	}
}

// TestSafetensorsLayout checks that bytes of the data that belong to no
// tensor are refused naming the tensor after them.
func TestSafetensorsLayout(t *testing.T) {
	md, es := entriesOf(t, tinySafetensors(t))
	gap := slices.Insert(slices.Clone(es), 3, stEntry{name: "\x00pad", dtype: "U8", shape: []uint64{8}, data: make([]byte, 8)})
	path := filepath.Join(t.TempDir(), "gap.safetensors")
	craft(t, path, md, gap, false)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, removeHeaderEntry(t, raw, "\x00pad"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ReadSafetensors(path, 0.1)
	if !errors.Is(err, ErrSafetensors) || !strings.Contains(err.Error(), "belong to no tensor") || !strings.Contains(err.Error(), es[3].name) {
		t.Errorf("gap: error %v, want ErrSafetensors naming %s", err, es[3].name)
	}
}
