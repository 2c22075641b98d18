package runner

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nlpodyssey/safetensors"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/seq2seq"
)

// ModelFile is the name of a training method run's selected model, beside
// its result.json, in the reference code's safetensors layout.
const ModelFile = "model.safetensors"

// Trains reports whether the method named m trains a model of its own
// (Method.trains).
func trains(m string) bool {
	meth, ok := config.Lookup(m)
	return ok && meth.Trains()
}

// Export writes the model of run r of a cell under the output root out
// (runModel) as the reference code's state_dict to dst. Rows are in the
// word order of the metadata of the safetensors file vocabFrom (this
// project's order when empty), so that the reference code, whose order is
// that of its training data, reads the words right. A dst that is a
// directory, or that exists and force is not set, is an error wrapping
// config.ErrConfig, as are a bad vocabFrom and a damaged model.
func Export(cell config.Cell, out string, r Run, dst, vocabFrom string, force bool) error {
	if fi, err := os.Stat(dst); err == nil && fi.IsDir() {
		return fmt.Errorf("%w: -o %s is a directory; give the file to write", config.ErrConfig, dst)
	} else if err == nil && !force {
		return fmt.Errorf("%w: -o %s exists; rerun with -force to overwrite it", config.ErrConfig, dst)
	}
	in, outVocab, err := vocabOrders(vocabFrom)
	if err != nil {
		return err
	}
	m, err := runModel(cell, out, r)
	if err != nil {
		return err
	}
	return m.WriteSafetensors(dst, in, outVocab)
}

// runModel returns the model of run r of a cell under the output root out: a
// pretraining's (or an untrained method's) best-validation pretrained model
// from the cache or the pretrained_model file, or a training method's
// ModelFile. A run not finished yet is an error wrapping config.ErrConfig.
func runModel(cell config.Cell, out string, r Run) (*seq2seq.Model, error) {
	e := &Env{Config: cell.Config, Layout: CellLayout(out, cell)}
	switch {
	case trains(r.Method):
		src := filepath.Join(filepath.Dir(e.Layout.Result(r)), ModelFile)
		m, err := seq2seq.ReadSafetensors(src, e.Config.Model.Dropout)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: run %d (%s) has no %s yet: run it first", config.ErrConfig, r.Index, r.ID(), src)
		} else if errors.Is(err, seq2seq.ErrSafetensors) {
			return nil, fmt.Errorf("%w: run %d (%s): %w; rerun the run to write it again", config.ErrConfig, r.Index, r.ID(), err)
		}
		return m, err
	case e.Config.PretrainedModel != "":
		return e.Imported()
	}
	path := e.Layout.Checkpoint(e.Config, r)
	tr, err := seq2seq.LoadTraining(path)
	if err != nil {
		return nil, fmt.Errorf("%w: run %d (%s): no finished pretraining at %s: %v", config.ErrConfig, r.Index, r.ID(), path, err)
	}
	if !tr.Done() {
		return nil, fmt.Errorf("%w: run %d (%s): the pretraining at %s is at step %d of %d: run it first",
			config.ErrConfig, r.Index, r.ID(), path, tr.Step, tr.Schedule.Iterations)
	}
	tr.UseBest()
	return tr.Model, nil
}

// maxVocabFromBytes bounds the -vocab-from file that vocabOrders reads: a
// model within seq2seq's limits.
const maxVocabFromBytes = seq2seq.MaxSafetensorsBytes

// vocabOrders returns the in_vocab and out_vocab word lists of a
// safetensors file's metadata (nil, nil for no file), each a permutation
// of the vocabulary of package scan (actions without their "I_"). Errors
// name the file, the key and the word.
func vocabOrders(path string) (in, out []string, err error) {
	if path == "" {
		return nil, nil, nil
	}
	data, err := readLimited(path, maxVocabFromBytes)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: -vocab-from: %v", config.ErrConfig, err)
	}
	_, meta, err := safetensors.ReadMetadata(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: -vocab-from %s: %v", config.ErrConfig, path, err)
	}
	md := meta.Metadata()
	for _, k := range []struct {
		key    string
		dst    *[]string
		v      *scan.Vocab
		prefix string
	}{{"in_vocab", &in, scan.InputVocab(), ""}, {"out_vocab", &out, scan.OutputVocab(), "I_"}} {
		if err := json.Unmarshal([]byte(md[k.key]), k.dst); err != nil {
			return nil, nil, fmt.Errorf("%w: -vocab-from %s: metadata %s: want a JSON list of words: %v", config.ErrConfig, path, k.key, err)
		}
		if err := checkOrder(*k.dst, k.v, k.prefix); err != nil {
			return nil, nil, fmt.Errorf("%w: -vocab-from %s: metadata %s: %v", config.ErrConfig, path, k.key, err)
		}
	}
	return in, out, nil
}

// checkOrder checks that words, each prefixed with prefix (but SOS and
// EOS), are the words of v, each once; an error names the first word and
// its position that are not.
func checkOrder(words []string, v *scan.Vocab, prefix string) error {
	seen := map[string]bool{}
	for i, w := range words {
		if w != "SOS" && w != "EOS" {
			w = prefix + w
		}
		if _, ok := v.ID(w); !ok {
			return fmt.Errorf("word %q (list index %d) is not in the vocabulary (%s)", words[i], i, strings.Join(v.Tokens(), " "))
		}
		if seen[w] {
			return fmt.Errorf("word %q (list index %d) is repeated", words[i], i)
		}
		seen[w] = true
	}
	if len(words) != v.Size() {
		return fmt.Errorf("%d words, the vocabulary has %d", len(words), v.Size())
	}
	return nil
}
