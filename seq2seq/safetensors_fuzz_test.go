package seq2seq

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/nlpodyssey/safetensors"
)

// readOnly returns a safetensors file without the tensors the reference
// forward pass never reads, which the reader accepts missing: a seed of
// 3 KB instead of 11 KB. The fuzzer minimizes each input that reaches new
// code, trying a number of candidates quadratic in its length.
func readOnly(tb testing.TB, file []byte) []byte {
	tb.Helper()
	md, es := entriesOf(tb, file)
	ts := map[string]safetensors.TensorView{}
	for _, e := range es {
		if strings.HasPrefix(e.name, "decoder.attn.") || strings.HasPrefix(e.name, "encoder.semantic") {
			continue
		}
		tv, err := safetensors.NewTensorView(safetensors.F32, e.shape, e.data)
		if err != nil {
			tb.Fatal(err)
		}
		ts[e.name] = tv
	}
	out, err := safetensors.Serialize(ts, md)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// FuzzReadSafetensors checks that no byte string makes the safetensors
// reader panic or fail without ErrSafetensors, that it gives the same
// answer whether or not it knows the file's size (a regular file or a
// pipe), and that every model it accepts is finite.
func FuzzReadSafetensors(f *testing.F) {
	good := readOnly(f, tinySafetensors(f))
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte("\x08\x00\x00\x00\x00\x00\x00\x00{}      "))
	// The errors the first mutants of the model mostly end in, so that
	// they are not new code the fuzzer stops to minimize.
	n := 8 + int(binary.LittleEndian.Uint64(good))
	for _, damage := range []func(b []byte) []byte{
		func(b []byte) []byte { b[7] = 1; return b },           // header length
		func(b []byte) []byte { b[8] = '['; return b },         // JSON
		func(b []byte) []byte { b[n/2] ^= 0x20; return b },     // a name, key or word
		func(b []byte) []byte { return b[:len(b)-1] },          // truncated data
		func(b []byte) []byte { return append(b, 0) },          // trailing data
		func(b []byte) []byte { b[len(b)-1] = 0xff; return b }, // NaN
		func(b []byte) []byte { b[len(b)-2] = 0x80; return b }, // a value
	} {
		f.Add(damage(bytes.Clone(good)))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := readSafetensors(bytes.NewReader(data), int64(len(data)), "fuzz", 0.1)
		streamed, serr := readSafetensors(bytes.NewReader(data), -1, "fuzz", 0.1)
		if (err == nil) != (serr == nil) {
			t.Fatalf("with the size known: %v; streamed: %v", err, serr)
		}
		if err != nil {
			if !errors.Is(err, ErrSafetensors) || !errors.Is(serr, ErrSafetensors) {
				t.Fatalf("errors %v and %v do not wrap ErrSafetensors", err, serr)
			}
			return
		}
		if m.Config != streamed.Config {
			t.Fatalf("configs differ: %+v and %+v", m.Config, streamed.Config)
		}
		for i, p := range m.kernelParams() {
			if j := firstNonFinite(p.W); j >= 0 {
				t.Fatalf("accepted %s[%d] = %v", p.Name, j, p.W[j])
			}
			if !slices.Equal(p.W, streamed.kernelParams()[i].W) {
				t.Fatalf("%s differs between the two reads", p.Name)
			}
		}
	})
}
