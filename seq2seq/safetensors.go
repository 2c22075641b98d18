package seq2seq

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
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
// whose name, shape or type does not fit, and any word this package does
// not know, is an error naming it.
func ReadSafetensors(path string, dropout float64) (*Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w %s: %s", ErrSafetensors, path, fmt.Sprintf(format, a...))
	}
	st, err := deserialize(data)
	if err != nil {
		return nil, bad("%v", err)
	}
	_, meta, err := safetensors.ReadMetadata(data)
	if err != nil {
		return nil, bad("%v", err)
	}
	md := meta.Metadata()
	shape := func(name string) []int {
		tv, ok := st.Tensor(name)
		if !ok {
			return nil
		}
		var s []int
		for _, d := range tv.Shape() {
			s = append(s, int(d))
		}
		return s
	}
	cell := CellKind(md["cell"])
	if err := cell.Validate(); err != nil {
		return nil, bad("metadata cell: %v", err)
	}
	emb, whh, demb := shape("encoder.embedding.weight"), shape("encoder.rnn.weight_hh_l0"), shape("decoder.embedding.weight")
	for name, s := range map[string][]int{"encoder.embedding.weight": emb, "encoder.rnn.weight_hh_l0": whh, "decoder.embedding.weight": demb} {
		if len(s) != 2 {
			return nil, bad("tensor %s: missing or not a matrix (shape %v)", name, s)
		}
	}
	inWords, err := vocabOrder(md, "in_vocab", scan.InputVocab(), "")
	if err != nil {
		return nil, bad("%v", err)
	}
	outWords, err := vocabOrder(md, "out_vocab", scan.OutputVocab(), actionPrefix)
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
	m, err := newPlain(cfg)
	if err != nil {
		return nil, bad("%v", err)
	}
	names := refNames(m)
	unread := unreadTensors(cfg)
	known := map[string]bool{}
	for _, p := range m.kernelParams() {
		name := names[p]
		known[name] = true
		tv, ok := st.Tensor(name)
		if !ok {
			return nil, bad("tensor %s (%s) is missing", name, p.Name)
		}
		if got := shape(name); !slices.Equal(got, p.Shape) {
			return nil, bad("tensor %s has shape %v, the %s model of these sizes wants %v", name, got, cell, p.Shape)
		}
		vals, err := floats(tv)
		if err != nil {
			return nil, bad("tensor %s: %v", name, err)
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
	for _, name := range st.Names() {
		if !known[name] {
			if _, ok := unread[name]; !ok {
				return nil, bad("unexpected tensor %s (not in the reference %s model)", name, cell)
			}
		}
	}
	return m, nil
}

// deserialize parses a safetensors buffer, turning the library's panics on
// malformed input into errors.
func deserialize(data []byte) (st safetensors.SafeTensors, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("malformed file: %v", r)
		}
	}()
	return safetensors.Deserialize(data)
}

// floats returns a tensor's values as float64.
func floats(tv safetensors.TensorView) ([]float64, error) {
	raw := tv.Data()
	switch tv.DType() {
	case safetensors.F32:
		out := make([]float64, len(raw)/4)
		for i := range out {
			out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:])))
		}
		return out, nil
	case safetensors.F64:
		out := make([]float64, len(raw)/8)
		for i := range out {
			out[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
		}
		return out, nil
	}
	return nil, fmt.Errorf("dtype %s, want F32 or F64", tv.DType())
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
