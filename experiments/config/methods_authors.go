package config

import "github.com/scan-equitune/equitune/seq2seq"

// The settings of the equi-tuning authors' own code (registered in
// methods), beside the paper's methods.
var (
	// equituneIndependent is equitune validated and tested as the authors'
	// equitune_scan.py decodes M_G (seq2seq.Independent: each copy on its
	// own, log-probabilities averaged), whatever the decode key says, so
	// that one experiment reports both the authors' setting and the exactly
	// equivariant one (equitune with decode = "shared").
	equituneIndependent = Method{Name: "equitune_independent",
		Doc:   "M_G tuned, selected and tested in the authors' `independent` decoding",
		Start: FromPretrained, Schedule: Tuned, Equi: true,
		Mode:  func(*Config) seq2seq.Mode { return seq2seq.Independent },
		Reads: []string{"Tune", "Group"}, Color: colorEquituneIndependent}
)
