package seq2seq

import (
	"bytes"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"os"
	"slices"

	"github.com/scan-equitune/equitune/internal/atomicfile"
)

// ErrCheckpoint is wrapped by every error reading a checkpoint.
var ErrCheckpoint = errors.New("seq2seq: bad checkpoint")

// checkpointMagic and checkpointVersion start every checkpoint file:
//
//	magic (8 bytes) | version (uint32) | payload length (uint64) | gob payload | CRC-32 of payload
const (
	checkpointMagic   = "S2SCKPT\x00"
	checkpointVersion = 1
	checkpointHead    = len(checkpointMagic) + 4 + 8 // up to the payload
)

// checkpoint is the stored state of a Training.
type checkpoint struct {
	Config   Config
	Shapes   [][]int
	Params   [][]float64
	Schedule Schedule
	Copies   Copies
	Mode     Mode
	Rand     []byte // PCG state
	Step     int
	AdamStep int
	M, V     [][]float64
	Best     [][]float64
	BestAcc  float64
	BestStep int
	Curve    []EvalPoint
	Identity string // Training.Identity

	// LambdaHidden is the hidden width of the Lambda that combines the
	// copies (Copies.Combiner), 0 without one. Its parameters follow the
	// model's in Shapes, Params, Best, M and V.
	LambdaHidden int
}

// Save writes the training to path atomically (a temporary file renamed over it).
// Of the combiners of copies, it stores a Lambda (with its parameters and
// their Adam moments); a training with another combiner cannot be saved.
func (tr *Training) Save(path string) error {
	data, err := tr.encode(path)
	if err != nil {
		return err
	}
	return atomicfile.WriteFile(path, data, 0o644)
}

// encode returns the bytes Save writes; path names the file in errors.
func (tr *Training) encode(path string) ([]byte, error) {
	src, err := tr.Src.MarshalBinary()
	if err != nil {
		return nil, err
	}
	ck := checkpoint{Config: tr.Model.Config, Params: snapshot(tr.params(), nil), Schedule: tr.Schedule,
		Copies: Copies{In: tr.Copies.In, Out: tr.Copies.Out},
		Mode:   tr.Mode, Rand: src, Step: tr.Step, AdamStep: tr.Opt.Step, M: tr.Opt.M, V: tr.Opt.V,
		Best: tr.Best, BestAcc: tr.BestAcc, BestStep: tr.BestStep, Curve: tr.Curve, Identity: tr.Identity}
	switch c := tr.Copies.Combiner.(type) {
	case nil:
	case *Lambda:
		ck.LambdaHidden = c.Hidden()
	default:
		return nil, fmt.Errorf("seq2seq: saving %s: a combiner of type %T has no checkpoint", path, c)
	}
	for _, p := range tr.params() {
		ck.Shapes = append(ck.Shapes, p.Shape)
	}
	var payload bytes.Buffer
	if err := gob.NewEncoder(&payload).Encode(&ck); err != nil {
		return nil, fmt.Errorf("seq2seq: encoding checkpoint: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(checkpointMagic)
	binary.Write(&buf, binary.LittleEndian, uint32(checkpointVersion))
	binary.Write(&buf, binary.LittleEndian, uint64(payload.Len()))
	buf.Write(payload.Bytes())
	binary.Write(&buf, binary.LittleEndian, crc32.ChecksumIEEE(payload.Bytes()))
	return buf.Bytes(), nil
}

// LoadTraining reads a training saved by Save. It reads no more than the
// header's payload length says, and refuses a file beyond
// MaxCheckpointBytes or whose first bytes are not a checkpoint's before
// reading the rest.
func LoadTraining(path string) (*Training, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w %s: %s", ErrCheckpoint, path, fmt.Sprintf(format, a...))
	}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxCheckpointBytes {
		return nil, bad("%d bytes, more than the limit of %d", fi.Size(), int64(MaxCheckpointBytes))
	}
	data := make([]byte, checkpointHead)
	k, err := io.ReadFull(f, data)
	if err != nil || string(data[:len(checkpointMagic)]) != checkpointMagic {
		return DecodeTraining(data[:k], path) // not a checkpoint, or truncated
	}
	n := binary.LittleEndian.Uint64(data[12:20])
	if n > MaxCheckpointBytes-uint64(checkpointHead)-4 {
		return nil, bad("payload length %d, more than the limit of %d bytes a file", n, int64(MaxCheckpointBytes))
	}
	// Grows with what the file holds, not with what its header claims;
	// one byte more than the header says shows trailing data.
	rest, err := io.ReadAll(io.LimitReader(f, int64(n)+4+1))
	if err != nil {
		return nil, bad("%v", err)
	}
	if uint64(len(rest)) > n+4 {
		return nil, bad("data after the checksum (header says %d payload bytes)", n)
	}
	return DecodeTraining(append(data, rest...), path)
}

// DecodeTraining decodes a training saved by Save from data, checking everything it
// holds against the model it describes; name names data in errors. Any
// byte string gives a training or an error wrapping ErrCheckpoint, never a panic
// or an allocation beyond the size limits of Config.
func DecodeTraining(data []byte, name string) (*Training, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w %s: %s", ErrCheckpoint, name, fmt.Sprintf(format, a...))
	}
	const head = checkpointHead
	if len(data) < head || string(data[:len(checkpointMagic)]) != checkpointMagic {
		return nil, bad("not a seq2seq checkpoint")
	}
	if v := binary.LittleEndian.Uint32(data[8:12]); v != checkpointVersion {
		return nil, bad("format version %d, this build reads version %d", v, checkpointVersion)
	}
	n := binary.LittleEndian.Uint64(data[12:20])
	if rest := uint64(len(data) - head); rest < 4 || n > rest-4 {
		return nil, bad("truncated: %d payload bytes, header says %d", len(data)-head, n)
	} else if extra := rest - 4 - n; extra > 0 {
		return nil, bad("%d bytes after the checksum (header says %d payload bytes)", extra, n)
	}
	payload := data[head : head+int(n)]
	if crc32.ChecksumIEEE(payload) != binary.LittleEndian.Uint32(data[head+int(n):]) {
		return nil, bad("checksum mismatch (corrupted)")
	}
	var ck checkpoint
	if err := gob.NewDecoder(bytes.NewReader(payload)).Decode(&ck); err != nil && err != io.EOF {
		return nil, bad("decoding: %v", err)
	}
	if err := ck.check(); err != nil {
		return nil, bad("%v", err)
	}
	m, err := New(ck.Config, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		return nil, bad("%v", err)
	}
	cp := ck.Copies
	if ck.LambdaHidden > 0 {
		if cp.Combiner, err = NewLambda(ck.Config, ck.LambdaHidden, rand.New(rand.NewPCG(0, 0))); err != nil {
			return nil, bad("%v", err)
		}
	}
	tr := &Training{Model: m, Copies: cp}
	if err := ck.fits(tr.params()); err != nil {
		return nil, bad("%v", err)
	}
	if err := ck.finite(tr.params()); err != nil {
		return nil, bad("%v", err)
	}
	restore(tr.params(), ck.Params)
	src := new(rand.PCG)
	if err := src.UnmarshalBinary(ck.Rand); err != nil {
		return nil, bad("random state: %v", err)
	}
	opt := NewAdam(ck.Schedule.LR, ck.Schedule.WeightDecay, ck.Schedule.Clip)
	opt.Step, opt.M, opt.V = ck.AdamStep, ck.M, ck.V
	return &Training{Model: m, Opt: opt, Schedule: ck.Schedule, Copies: cp, Mode: ck.Mode, Src: src,
		Step: ck.Step, Best: ck.Best, BestAcc: ck.BestAcc, BestStep: ck.BestStep, Curve: ck.Curve,
		Identity: ck.Identity}, nil
}

// check reports the first field of ck that no training could have saved, before
// a model is built from it.
func (ck *checkpoint) check() error {
	if err := ck.Schedule.Validate(); err != nil {
		return err
	}
	switch {
	case ck.Step < 0 || ck.Step > ck.Schedule.Iterations:
		return fmt.Errorf("step %d outside the schedule's %d iterations", ck.Step, ck.Schedule.Iterations)
	case ck.AdamStep < 0:
		return fmt.Errorf("Adam step %d", ck.AdamStep)
	case ck.BestStep < 0 || ck.BestStep > ck.Step:
		return fmt.Errorf("best step %d after step %d", ck.BestStep, ck.Step)
	case !(ck.BestAcc >= -1 && ck.BestAcc <= 1):
		return fmt.Errorf("best accuracy %g", ck.BestAcc)
	case ck.Mode < Shared || ck.Mode > EquizeroTop1:
		return fmt.Errorf("decoding mode %d", ck.Mode)
	case ck.LambdaHidden < 0 || ck.LambdaHidden > MaxWidth:
		return fmt.Errorf("λ hidden width %d", ck.LambdaHidden)
	}
	if err := ck.Config.Validate(); err != nil {
		return err
	}
	return ck.Copies.check(ck.Config.InVocab, ck.Config.OutVocab)
}

// fits reports the first stored tensor whose size is not that of the training's
// parameters ps.
func (ck *checkpoint) fits(ps []*Param) error {
	np := len(ps)
	for _, t := range []struct {
		name     string
		n        int
		optional bool
	}{{"shapes", len(ck.Shapes), false}, {"parameter tensors", len(ck.Params), false},
		{"best tensors", len(ck.Best), true}, {"Adam first moments", len(ck.M), true}, {"Adam second moments", len(ck.V), true}} {
		if t.n != np && !(t.optional && t.n == 0) {
			return fmt.Errorf("%d %s, the training has %d", t.n, t.name, np)
		}
	}
	for i, p := range ps {
		if !slices.Equal(ck.Shapes[i], p.Shape) {
			return fmt.Errorf("parameter %s has shape %v, want %v", p.Name, ck.Shapes[i], p.Shape)
		}
		for _, vs := range [][][]float64{ck.Params, ck.Best, ck.M, ck.V} {
			if len(vs) > 0 && len(vs[i]) != len(p.W) {
				return fmt.Errorf("parameter %s has %d values, want %d", p.Name, len(vs[i]), len(p.W))
			}
		}
	}
	return nil
}

// finite reports the first stored value that is NaN or infinite, naming the
// tensor (weights, best weights or an Adam moment), its parameter among ps
// and its flat index.
func (ck *checkpoint) finite(ps []*Param) error {
	for _, t := range []struct {
		name string
		vs   [][]float64
	}{{"weights", ck.Params}, {"best weights", ck.Best}, {"Adam first moments", ck.M}, {"Adam second moments", ck.V}} {
		for i, v := range t.vs {
			if j := firstNonFinite(v); j >= 0 {
				return fmt.Errorf("%s of parameter %s: value %v at flat index %d is not finite", t.name, ps[i].Name, v[j], j)
			}
		}
	}
	return nil
}
