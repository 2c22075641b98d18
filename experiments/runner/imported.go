package runner

import "github.com/scan-equitune/equitune/seq2seq"

// Imported returns the model of the configuration's pretrained_model, the
// starting point of every method in place of a pretraining.
func (e *Env) Imported() (*seq2seq.Model, error) {
	return seq2seq.ReadSafetensors(e.Config.PretrainedModel, e.Config.Model.Dropout)
}
