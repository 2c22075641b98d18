package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/nlpodyssey/safetensors"

	"github.com/scan-equitune/equitune/seq2seq"
)

// ModelFile is the name of a training method run's selected model, beside
// its result.json, in the reference code's safetensors layout.
const ModelFile = "model.safetensors"

// trains reports whether the method named m trains a model of its own
// (Method.trains).
func trains(m string) bool {
	meth, ok := methodNamed(m)
	return ok && meth.trains()
}

// exportModel writes the model of run r as the reference code's state_dict
// to dst: a pretraining's (or an untrained method's) best-validation
// pretrained model from the cache, or a training method's ModelFile. Rows
// are in the word order of the metadata of the safetensors file vocabFrom
// (this project's order when empty), so that the reference code, whose
// order is that of its training data, reads the words right.
func exportModel(e *Env, r Run, dst, vocabFrom string) error {
	in, out, err := vocabOrders(vocabFrom)
	if err != nil {
		return err
	}
	var m *seq2seq.Model
	switch {
	case trains(r.Method):
		src := filepath.Join(filepath.Dir(e.Layout.Result(r)), ModelFile)
		if m, err = seq2seq.ReadSafetensors(src, e.Config.Model.Dropout); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("%w: run %d (%s) has no %s yet: run it first", ErrConfig, r.Index, r.ID(), src)
			}
			return err
		}
	case e.Config.PretrainedModel != "":
		if m, err = e.Imported(); err != nil {
			return err
		}
	default:
		path := e.Layout.Checkpoint(e.Config, r)
		tr, err := seq2seq.LoadTraining(path)
		if err != nil {
			return fmt.Errorf("%w: run %d (%s): no finished pretraining at %s: %v", ErrConfig, r.Index, r.ID(), path, err)
		}
		if !tr.Done() {
			return fmt.Errorf("%w: run %d (%s): the pretraining at %s is at step %d of %d: run it first",
				ErrConfig, r.Index, r.ID(), path, tr.Step, tr.Schedule.Iterations)
		}
		tr.UseBest()
		m = tr.Model
	}
	return m.WriteSafetensors(dst, in, out)
}

// vocabOrders returns the in_vocab and out_vocab word lists of a
// safetensors file's metadata (nil, nil for no file).
func vocabOrders(path string) (in, out []string, err error) {
	if path == "" {
		return nil, nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: -vocab-from: %v", ErrConfig, err)
	}
	_, meta, err := safetensors.ReadMetadata(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: -vocab-from %s: %v", ErrConfig, path, err)
	}
	md := meta.Metadata()
	for _, k := range []struct {
		key string
		dst *[]string
	}{{"in_vocab", &in}, {"out_vocab", &out}} {
		if err := json.Unmarshal([]byte(md[k.key]), k.dst); err != nil {
			return nil, nil, fmt.Errorf("%w: -vocab-from %s: metadata %s: want a JSON list of words: %v", ErrConfig, path, k.key, err)
		}
	}
	return in, out, nil
}
