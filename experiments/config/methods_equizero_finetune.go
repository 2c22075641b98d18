package config

import (
	"image/color"

	"github.com/scan-equitune/equitune/seq2seq"
)

// colorEquizeroFinetune is equizero_finetune's colour: equizero's bluish
// green, darker.
var colorEquizeroFinetune = color.NRGBA{0x00, 0x5f, 0x45, 0xff}

// equizeroFinetune is the equi-tuning authors' equizero fine-tuning
// (EquiZeroSCAN/equizero_scan.py, Basu et al., NeurIPS 2023): M_G tuned
// with the [tune] schedule in the equizero mode of equizero_proxy, whose
// forward pass reports, per example, the loss of the copy g* of best proxy
// and whose gradient is that of the copies' average, straight through
// (out = avg + stopgrad(out_{g*} − avg); seq2seq.Trainer.Mode); without
// teacher forcing each copy is fed its own prediction, as theirs are.
// Validated and tested in that equizero mode, so exactly G-equivariant.
var equizeroFinetune = Method{Name: "equizero_finetune",
	Doc:   "M_G tuned through the equizero choice (straight through: the best-proxy copy's loss, the average's gradient), decoded as `equizero`",
	Start: FromPretrained, Schedule: Tuned, Equi: true,
	Mode:  func(c *Config) seq2seq.Mode { m, _ := equizeroMode(c.EquizeroProxy); return m },
	Reads: []string{"Tune", "Group", "EquizeroProxy"}, Color: colorEquizeroFinetune}
