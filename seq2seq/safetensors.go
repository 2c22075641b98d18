package seq2seq

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"math/bits"
	"os"
	"slices"
	"strings"

	"github.com/nlpodyssey/safetensors"

	"github.com/scan-equitune/equitune/internal/atomicfile"
	"github.com/scan-equitune/equitune/scan"
)

// ErrSafetensors is wrapped by every error reading a safetensors model.
var ErrSafetensors = errors.New("seq2seq: bad safetensors model")

// The reference PyTorch code (the equi-tuning paper's train_seq2seq_scan.py)
// stores a model as a state_dict whose tensors map one to one onto this
// package's parameters, in the same layouts: PyTorch's gate orders (LSTM
// i, f, g, o; GRU r, z, n), W as out × in, both biases of every cell.
// Embedding rows and output rows are in the reference code's vocabulary
// order, which the file's metadata lists (in_vocab, out_vocab: JSON lists
// of words, actions without their "I_" prefix). Two tensors of the state
// dict are never read by the reference forward pass; they are written as
// zeros so that the reference code loads an exported file strictly.
const (
	refSemanticWidth = 120 // encoder.semantic_embedding: V_in × 120
	actionPrefix     = "I_"
)

// refNames returns the reference name of every kernel parameter of m.
func refNames(m *Model) map[*Param]string {
	names := map[*Param]string{m.enc.emb: "encoder.embedding.weight"}
	cellNames := func(prefix, suffix string, c *cell) {
		names[c.wx] = prefix + "weight_ih_l0" + suffix
		names[c.wh] = prefix + "weight_hh_l0" + suffix
		names[c.bx] = prefix + "bias_ih_l0" + suffix
		names[c.bh] = prefix + "bias_hh_l0" + suffix
	}
	for i, d := range m.enc.dirs {
		cellNames("encoder.rnn.", []string{"", "_reverse"}[i], d.cell)
	}
	d := m.dec
	names[d.emb] = "decoder.embedding.weight"
	names[d.wc] = "decoder.attn_combine.weight"
	names[d.bc] = "decoder.attn_combine.bias"
	cellNames("decoder.rnn.", "", d.cell)
	names[d.wo] = "decoder.out.weight"
	names[d.bo] = "decoder.out.bias"
	return names
}

// unreadTensors returns the shapes of the state dict's tensors that the
// reference forward pass never reads.
func unreadTensors(cfg Config) map[string][]int {
	hd := cfg.directions() * cfg.Hidden
	return map[string][]int{
		"encoder.semantic_embedding.weight": {cfg.InVocab, refSemanticWidth},
		"decoder.attn.weight":               {cfg.MaxOutput, 2 * hd},
		"decoder.attn.bias":                 {cfg.MaxOutput},
	}
}

// ReadSafetensors reads a model stored in the reference code's state_dict
// layout (see refNames). The cell comes from the metadata key "cell", the
// sizes from the tensors' shapes, the vocabulary orders from "in_vocab" and
// "out_vocab" (this package's order when absent), the decoder's training
// dropout, which the file does not hold, from dropout; the other settings
// are Default's. Float32 and float64 tensors are read exactly. Any tensor
// whose name, shape or type does not fit, any weight that is not finite,
// and any word this package does not know, is an error naming it.
//
// The header is read and checked whole before the tensors' data: a file
// whose header claims more data than it holds, or a model beyond the
// Config limits, is refused before anything of that size is allocated, and
// the file is never read beyond MaxSafetensorsBytes.
func ReadSafetensors(path string, dropout float64) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size := int64(-1) // unknown for a pipe or a device
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return readSafetensors(f, size, path, dropout)
}

// readSafetensors reads the model of ReadSafetensors from r, a file of size
// bytes (−1 if unknown) that name names in errors.
func readSafetensors(f io.Reader, size int64, path string, dropout float64) (*Model, error) {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w %s: %s", ErrSafetensors, path, fmt.Sprintf(format, a...))
	}
	if size > MaxSafetensorsBytes {
		return nil, bad("%d bytes, more than the %d of the largest model within the size limits", size, MaxSafetensorsBytes)
	}
	h, err := readHeader(f, size)
	if err != nil {
		return nil, bad("%v", err)
	}
	shape := func(name string) []int {
		info, ok := h.tensors[name]
		if !ok {
			return nil
		}
		s := make([]int, len(info.Shape))
		for i, d := range info.Shape {
			s[i] = int(d) // readHeader bounds every dimension
		}
		return s
	}
	cell := CellKind(h.meta["cell"])
	if err := cell.Validate(); err != nil {
		return nil, bad("metadata cell: %v", err)
	}
	emb, whh, demb := shape("encoder.embedding.weight"), shape("encoder.rnn.weight_hh_l0"), shape("decoder.embedding.weight")
	for _, t := range []struct {
		name string
		s    []int
	}{{"encoder.embedding.weight", emb}, {"encoder.rnn.weight_hh_l0", whh}, {"decoder.embedding.weight", demb}} {
		if len(t.s) != 2 {
			return nil, bad("tensor %s: missing or not a matrix (shape %v)", t.name, t.s)
		}
	}
	inWords, err := vocabOrder(h.meta, "in_vocab", scan.InputVocab(), "")
	if err != nil {
		return nil, bad("%v", err)
	}
	outWords, err := vocabOrder(h.meta, "out_vocab", scan.OutputVocab(), actionPrefix)
	if err != nil {
		return nil, bad("%v", err)
	}
	cfg := Default(cell, len(inWords), len(outWords))
	cfg.Dropout = dropout
	cfg.Embed, cfg.Hidden, cfg.DecoderEmbed = emb[1], whh[1], demb[1]
	cfg.Unidirectional = shape("encoder.rnn.weight_hh_l0_reverse") == nil
	if wc := shape("decoder.attn_combine.weight"); len(wc) == 2 && wc[1] == cfg.DecoderEmbed {
		cfg.NoAttention = true
	}
	if err := cfg.Validate(); err != nil {
		return nil, bad("%v", err)
	}
	// The tensors' names depend on the model's kind, not on its sizes:
	// a model of width 1 names them without allocating the real one.
	small := cfg
	small.Embed, small.Hidden, small.DecoderEmbed = 1, 1, 1
	sm, err := newPlain(small)
	if err != nil {
		return nil, bad("%v", err)
	}
	smallNames := refNames(sm)
	known := map[string]bool{}
	for _, p := range sm.kernelParams() {
		name := smallNames[p]
		known[name] = true
		if _, ok := h.tensors[name]; !ok {
			return nil, bad("tensor %s (%s) is missing", name, p.Name)
		}
	}
	unread := unreadTensors(cfg)
	for _, name := range slices.Sorted(maps.Keys(h.tensors)) {
		if known[name] {
			continue
		}
		want, ok := unread[name]
		if !ok {
			return nil, bad("unexpected tensor %s (not in the reference %s model)", name, cell)
		}
		// Never read, so only bounded: the reference code's MAX_LENGTH
		// (the first dimension of decoder.attn) may differ from ours.
		if got := h.tensors[name].Shape; len(got) != len(want) || numElements(got) > maxUnreadElements {
			return nil, bad("tensor %s has shape %v, want %d dimensions and at most %d values", name, got, len(want), maxUnreadElements)
		}
	}
	if err := h.checkLayout(size); err != nil {
		return nil, bad("%v", err)
	}
	m, err := newPlain(cfg)
	if err != nil {
		return nil, bad("%v", err)
	}
	names := refNames(m)
	for _, p := range m.kernelParams() {
		name := names[p]
		if got := shape(name); !slices.Equal(got, p.Shape) {
			return nil, bad("tensor %s has shape %v, the %s model of these sizes wants %v", name, got, cell, p.Shape)
		}
		if dt := h.tensors[name].DType; dt != safetensors.F32 && dt != safetensors.F64 {
			return nil, bad("tensor %s: dtype %s, want F32 or F64", name, dt)
		}
	}
	data, err := readData(f, h.dataLen, size >= 0)
	if err != nil {
		return nil, bad("%v", err)
	}
	for _, p := range m.kernelParams() {
		name := names[p]
		info := h.tensors[name]
		vals := floats(info.DType, data[info.DataOffsets[0]:info.DataOffsets[1]])
		if i := firstNonFinite(vals); i >= 0 {
			return nil, bad("tensor %s: value %v at flat index %d is not finite", name, vals[i], i)
		}
		perm := rowOrder(m, p, inWords, outWords)
		rowLen := len(p.W) / p.Shape[0]
		for i, v := range vals {
			row := i / rowLen
			if perm != nil {
				row = perm[row]
			}
			p.W[row*rowLen+i%rowLen] = v
		}
	}
	return m, nil
}

// maxUnreadElements bounds the tensors the reference forward pass never
// reads: decoder.attn.weight at the Config limits (MaxLength × 2·2·MaxWidth).
const maxUnreadElements = MaxLength * 4 * MaxWidth

// stHeader is the header of a safetensors file: its metadata and, by name,
// each tensor's type, shape and byte range in the data that follows.
type stHeader struct {
	meta    map[string]string
	tensors map[string]*safetensors.TensorInfo
	start   int64  // offset of the data in the file
	dataLen uint64 // bytes of data, the end of the last tensor
}

// readHeader reads the header of a safetensors file (8 bytes of length,
// then JSON) from r, of size bytes (−1 if unknown), and checks each tensor
// on its own: a floating-point or integer type, dimensions below 2³¹, and a
// byte range as long as its shape in its type, within MaxSafetensorsBytes.
// It reads at most maxSafetensorsHeader bytes of JSON.
func readHeader(r io.Reader, size int64) (*stHeader, error) {
	var head [8]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, errors.New("not a safetensors file: shorter than its 8-byte header length")
	}
	n := binary.LittleEndian.Uint64(head[:])
	switch {
	case n == 0 || n > maxSafetensorsHeader:
		return nil, fmt.Errorf("not a safetensors file: header length %d, want 1 to %d", n, maxSafetensorsHeader)
	case size >= 0 && n > uint64(size-8):
		return nil, fmt.Errorf("header length %d, the file has %d bytes after it", n, size-8)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("header length %d, the file ends before it: %v", n, err)
	}
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(buf, &entries); err != nil {
		return nil, fmt.Errorf("header: %v", err)
	}
	h := &stHeader{meta: map[string]string{}, tensors: map[string]*safetensors.TensorInfo{}, start: 8 + int64(n)}
	for _, name := range slices.Sorted(maps.Keys(entries)) {
		if name == "__metadata__" {
			if err := json.Unmarshal(entries[name], &h.meta); err != nil {
				return nil, fmt.Errorf("header: __metadata__: want an object of strings: %v", err)
			}
			continue
		}
		info, err := tensorInfo(entries[name])
		if err != nil {
			return nil, fmt.Errorf("header: tensor %s: %v", name, err)
		}
		h.tensors[name] = info
		numel := uint64(1)
		for _, d := range info.Shape {
			if d >= 1<<31 {
				return nil, fmt.Errorf("tensor %s: shape %v, dimension %d is too large", name, info.Shape, d)
			}
			if hi, lo := bits.Mul64(numel, d); hi != 0 || lo > MaxSafetensorsBytes {
				return nil, fmt.Errorf("tensor %s: shape %v holds more than %d values", name, info.Shape, uint64(MaxSafetensorsBytes))
			}
			numel *= d
		}
		s, e := info.DataOffsets[0], info.DataOffsets[1]
		if e < s || e > MaxSafetensorsBytes || e-s != numel*info.DType.Size() {
			return nil, fmt.Errorf("tensor %s: %s %v takes %d bytes, its data_offsets [%d, %d] do not hold them",
				name, info.DType, info.Shape, numel*info.DType.Size(), s, e)
		}
	}
	return h, nil
}

// tensorInfo decodes the header entry of a tensor: exactly the keys dtype,
// shape and data_offsets (two offsets).
func tensorInfo(raw json.RawMessage) (*safetensors.TensorInfo, error) {
	var e struct {
		DType       *string   `json:"dtype"`
		Shape       *[]uint64 `json:"shape"`
		DataOffsets []uint64  `json:"data_offsets"`
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return nil, err
	}
	if e.DType == nil || e.Shape == nil || len(e.DataOffsets) != 2 {
		return nil, errors.New(`want the keys "dtype", "shape" and "data_offsets" (two offsets)`)
	}
	dt, err := safetensors.ParseDType(*e.DType)
	if err != nil {
		return nil, err
	}
	return &safetensors.TensorInfo{DType: dt, Shape: *e.Shape, DataOffsets: [2]uint64(e.DataOffsets)}, nil
}

// numElements returns the number of values of a tensor of shape s (checked
// by readHeader).
func numElements(s []uint64) uint64 {
	n := uint64(1)
	for _, d := range s {
		n *= d
	}
	return n
}

// checkLayout checks that the tensors' byte ranges tile the data, from 0
// without gap or overlap, and that the data fills the rest of the file (of
// size bytes, −1 if unknown); it sets h.dataLen.
func (h *stHeader) checkLayout(size int64) error {
	names := slices.SortedFunc(maps.Keys(h.tensors), func(a, b string) int {
		return cmp.Or(cmp.Compare(h.tensors[a].DataOffsets[0], h.tensors[b].DataOffsets[0]),
			cmp.Compare(h.tensors[a].DataOffsets[1], h.tensors[b].DataOffsets[1]), strings.Compare(a, b))
	})
	end := uint64(0)
	for i, name := range names {
		s, e := h.tensors[name].DataOffsets[0], h.tensors[name].DataOffsets[1]
		switch {
		case s > end:
			return fmt.Errorf("bytes %d to %d of the data belong to no tensor (before %s)", end, s, name)
		case s < end:
			return fmt.Errorf("tensors %s and %s overlap (data_offsets from %d)", names[i-1], name, s)
		}
		end = e
	}
	h.dataLen = end
	if size >= 0 && uint64(size-h.start) != end {
		return fmt.Errorf("the header describes %d bytes of tensor data, the file holds %d", end, size-h.start)
	}
	return nil
}

// readData reads the n bytes of data that follow the header from r and
// checks that nothing follows them. For a file of known size (exact), the
// buffer is allocated at once; otherwise it grows with what r delivers.
func readData(r io.Reader, n uint64, exact bool) ([]byte, error) {
	var data []byte
	var err error
	if exact {
		data = make([]byte, n)
		_, err = io.ReadFull(r, data)
	} else {
		data, err = io.ReadAll(io.LimitReader(r, int64(n)))
		if err == nil && uint64(len(data)) < n {
			err = io.ErrUnexpectedEOF
		}
	}
	if err != nil {
		return nil, fmt.Errorf("reading %d bytes of tensor data: %v", n, err)
	}
	var one [1]byte
	if k, _ := r.Read(one[:]); k > 0 {
		return nil, fmt.Errorf("more data after the %d bytes the header describes", n)
	}
	return data, nil
}

// floats returns the values of a tensor's data of type F32 or F64 as
// float64.
func floats(dt safetensors.DType, raw []byte) []float64 {
	if dt == safetensors.F32 {
		out := make([]float64, len(raw)/4)
		for i := range out {
			out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
		}
		return out
	}
	out := make([]float64, len(raw)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return out
}

// vocabOrder returns the words of metadata key in their file order, prefix
// added to every word but SOS and EOS; without the key, v's own order. The
// words must be v's, each once.
func vocabOrder(md map[string]string, key string, v *scan.Vocab, prefix string) ([]string, error) {
	s, ok := md[key]
	if !ok {
		return v.Tokens(), nil
	}
	var words []string
	if err := json.Unmarshal([]byte(s), &words); err != nil {
		return nil, fmt.Errorf("metadata %s: want a JSON list of words: %v", key, err)
	}
	seen := map[string]bool{}
	for i, w := range words {
		if w != "SOS" && w != "EOS" {
			w = prefix + w
		}
		if _, ok := v.ID(w); !ok || seen[w] {
			return nil, fmt.Errorf("metadata %s: word %q at %d is unknown or repeated (vocabulary: %s)",
				key, words[i], i, strings.Join(v.Tokens(), " "))
		}
		seen[w] = true
		words[i] = w
	}
	if len(words) != v.Size() {
		return nil, fmt.Errorf("metadata %s lists %d words, the vocabulary has %d", key, len(words), v.Size())
	}
	return words, nil
}

// rowOrder returns, for a parameter indexed by words (embeddings, output
// rows), the id of each file row: perm[fileRow] = id; nil otherwise.
func rowOrder(m *Model, p *Param, in, out []string) []int {
	var words []string
	var v *scan.Vocab
	switch p {
	case m.enc.emb:
		words, v = in, scan.InputVocab()
	case m.dec.emb, m.dec.wo, m.dec.bo:
		words, v = out, scan.OutputVocab()
	default:
		return nil
	}
	perm := make([]int, len(words))
	for i, w := range words {
		perm[i], _ = v.ID(w)
	}
	return perm
}

// WriteSafetensors writes m's weights (gathered, for a tied model) as the
// reference code's float32 state_dict, rows in the vocabulary orders in and
// out (this package's when nil; actions may be given with or without "I_"),
// which the metadata records with the cell. Float32 rounds the weights: a
// model read from such a file is written back bit for bit.
func (m *Model) WriteSafetensors(path string, in, out []string) error {
	if m.tied() {
		m.gather(m.kernelParams())
	}
	md := map[string]string{"cell": string(m.Config.Cell), "source": "github.com/scan-equitune/equitune"}
	var err error
	if in, err = orderFor(md, "in_vocab", in, scan.InputVocab(), ""); err != nil {
		return err
	}
	if out, err = orderFor(md, "out_vocab", out, scan.OutputVocab(), actionPrefix); err != nil {
		return err
	}
	views := map[string]safetensors.TensorView{}
	add := func(name string, shape []int, vals []float64) error {
		raw := make([]byte, 4*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(float32(v)))
		}
		dims := make([]uint64, len(shape))
		for i, d := range shape {
			dims[i] = uint64(d)
		}
		tv, err := safetensors.NewTensorView(safetensors.F32, dims, raw)
		views[name] = tv
		return err
	}
	names := refNames(m)
	for _, p := range m.kernelParams() {
		vals := p.W
		if perm := rowOrder(m, p, in, out); perm != nil {
			rowLen := len(p.W) / p.Shape[0]
			vals = make([]float64, len(p.W))
			for row, id := range perm {
				copy(vals[row*rowLen:(row+1)*rowLen], p.W[id*rowLen:(id+1)*rowLen])
			}
		}
		if err := add(names[p], p.Shape, vals); err != nil {
			return fmt.Errorf("seq2seq: writing %s: %w", names[p], err)
		}
	}
	for name, shape := range unreadTensors(m.Config) {
		n := 1
		for _, d := range shape {
			n *= d
		}
		if err := add(name, shape, make([]float64, n)); err != nil {
			return fmt.Errorf("seq2seq: writing %s: %w", name, err)
		}
	}
	buf, err := safetensors.Serialize(views, md)
	if err != nil {
		return fmt.Errorf("seq2seq: writing %s: %w", path, err)
	}
	return atomicfile.WriteFile(path, buf, 0o644)
}

// orderFor checks a vocabulary order given for writing (v's when nil),
// records it under key in md without the prefix, and returns it with the
// prefix.
func orderFor(md map[string]string, key string, words []string, v *scan.Vocab, prefix string) ([]string, error) {
	if words == nil {
		words = v.Tokens()
	}
	plain := make([]string, len(words))
	for i, w := range words {
		plain[i] = strings.TrimPrefix(w, prefix)
	}
	enc, _ := json.Marshal(plain)
	md[key] = string(enc)
	full, err := vocabOrder(md, key, v, prefix)
	if err != nil {
		return nil, fmt.Errorf("seq2seq: %w", err)
	}
	return full, nil
}
