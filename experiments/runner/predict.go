package runner

import (
	"errors"
	"fmt"
	"strings"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/seq2seq"
	"github.com/scan-equitune/equitune/verbgroups"
)

// ErrCommand is wrapped by Predict's error about a command that is not
// SCAN's.
var ErrCommand = errors.New("bad command")

// A Decoder is a model as a method decodes it: the plain model or M_G
// (Copies), in a decoding mode.
type Decoder struct {
	Model  *seq2seq.Model
	Copies seq2seq.Copies // no copies: the plain model
	Mode   seq2seq.Mode
}

// RunDecoder returns the model of run r of a cell under the output root out
// (runModel) as r's method decodes it on the test split: a pretraining
// plainly, a method under its copies and mode. A method whose copies carry
// trained weights of their own (lambda_equitune's λ), which its run does
// not store, is an error wrapping config.ErrConfig.
func RunDecoder(cell config.Cell, out string, r Run) (Decoder, error) {
	c := cell.Config
	m, err := runModel(cell, out, r)
	if err != nil || r.Method == Pretrain {
		return Decoder{Model: m}, err
	}
	meth, ok := config.Lookup(r.Method)
	if !ok {
		return Decoder{}, fmt.Errorf("%w: unknown method %q", config.ErrConfig, r.Method)
	}
	if meth.Combiner != nil {
		return Decoder{}, fmt.Errorf("%w: run %d (%s): %s weighs its copies with weights its run does not store; "+
			"decode its model with -model and -group instead", config.ErrConfig, r.Index, r.ID(), r.Method)
	}
	g, err := c.Group.Group()
	if err != nil {
		return Decoder{}, err
	}
	cp, err := meth.Copies(g, m, r.Seed)
	return Decoder{Model: m, Copies: cp, Mode: meth.DecodeMode(c)}, err
}

// FileDecoder reads the model of a safetensors file (seq2seq.ReadSafetensors),
// plain or, under a built-in group, as M_G decoded in the named mode
// (seq2seq.Mode.String: shared, independent, equizero, equizero_top1).
func FileDecoder(path, group, decode string) (Decoder, error) {
	m, err := seq2seq.ReadSafetensors(path, 0)
	if err != nil {
		return Decoder{}, fmt.Errorf("-model %s: %w", path, err)
	}
	d := Decoder{Model: m}
	if group == "" {
		return d, nil
	}
	g, err := verbgroups.Spec{Name: group}.Group()
	if err != nil {
		return d, fmt.Errorf("-group: %w", err)
	}
	d.Copies = seq2seq.CopiesOf(g)
	for _, mode := range []seq2seq.Mode{seq2seq.Shared, seq2seq.Independent, seq2seq.Equizero, seq2seq.EquizeroTop1} {
		if mode.String() == decode {
			d.Mode = mode
			return d, nil
		}
	}
	return d, fmt.Errorf("-decode %q: want shared, independent, equizero or equizero_top1", decode)
}

// Predict decodes SCAN commands, each a list of words, greedily and
// returns each one's actions up to its first EOS, and whether it emitted
// one. An unknown word is an error wrapping ErrCommand that names the
// command.
func (d Decoder) Predict(commands [][]string) (actions [][]string, eos []bool, err error) {
	in, out := scan.InputVocab(), scan.OutputVocab()
	ins := make([][]int, len(commands))
	for i, c := range commands {
		if ins[i], err = in.Encode(c); err != nil {
			return nil, nil, fmt.Errorf("%w %d %q: %v", ErrCommand, i+1, strings.Join(c, " "), strings.TrimPrefix(err.Error(), "scan: "))
		}
	}
	preds, err := d.Model.Greedy(ins, d.Copies, d.Mode)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range preds {
		actions = append(actions, out.Decode(p))
		e := false
		for _, id := range p {
			e = e || id == scan.EOS
		}
		eos = append(eos, e)
	}
	return actions, eos, nil
}
