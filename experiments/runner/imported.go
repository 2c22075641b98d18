package runner

import (
	"fmt"

	"github.com/scan-equitune/equitune/experiments/config"
	"github.com/scan-equitune/equitune/seq2seq"
)

// Imported returns the model of the configuration's pretrained_model, the
// starting point of every method in place of a pretraining. A file that no
// longer reads as a model (its error names it and the tensor) is an error
// wrapping config.ErrConfig.
func (e *Env) Imported() (*seq2seq.Model, error) {
	m, err := seq2seq.ReadSafetensors(e.Config.PretrainedModel, e.Config.Model.Dropout)
	if err != nil {
		return nil, fmt.Errorf("%w: pretrained_model: %w", config.ErrConfig, err)
	}
	return m, nil
}
