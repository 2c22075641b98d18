package main

import (
	"fmt"

	"github.com/scan-equitune/equitune/seq2seq"
)

// The paper's methods and Gordon et al.'s model (registered in methods).
var (
	// pretrained is the pretrained best-validation model M, as is.
	pretrained = Method{Name: "pretrained", Doc: "the best-validation pretrained M",
		Start: FromPretrained, Schedule: AsStarted, Color: colorPretrained}

	// finetune trains M further under the identity group.
	finetune = Method{Name: "finetune", Doc: "M tuned further",
		Start: FromPretrained, Schedule: Tuned, Reads: []string{"Tune"}, Color: colorFinetune}

	// equitune trains M_G under G, decoded in Config.Decode mode.
	equitune = Method{Name: "equitune", Doc: "M_G tuned",
		Start: FromPretrained, Schedule: Tuned, Equi: true, Mode: configDecode,
		Reads: []string{"Tune", "Group", "Decode"}, Color: colorEquitune}

	// equituneZeroshot is M_G of the pretrained M, not trained, decoded in
	// Config.Decode mode.
	equituneZeroshot = Method{Name: "equitune_zeroshot", Doc: "M_G, no tuning",
		Start: FromPretrained, Schedule: ZeroShot, Equi: true, Mode: configDecode,
		Reads: []string{"Group", "Decode"}, Color: colorEquituneZeroshot}

	// equizero decodes the pretrained M in seq2seq.Equizero mode under G:
	// per input the copy g*⁻¹·M(g*·x) of lowest mean entropy.
	equizero = Method{Name: "equizero", Doc: "per input the copy g*⁻¹·M(g*·x) of lowest mean entropy, no tuning",
		Start: FromPretrained, Schedule: ZeroShot, Equi: true,
		Mode:  func(*Config) seq2seq.Mode { return seq2seq.Equizero },
		Reads: []string{"Group"}, Color: colorEquizero}

	// gequivariant is the G'-equivariant model of Gordon et al. for G' =
	// Config.GEquivariantGroup, trained from scratch with the pretraining
	// schedule and checkpointed at every evaluation.
	gequivariant = Method{Name: GEquivariant,
		Doc:   "Gordon et al.'s G-equivariant model trained from scratch with the pretraining schedule",
		Start: FromScratchEquivariant, Schedule: AsStarted, Reads: []string{"GEquivariantGroup"},
		Color: colorGEquivariant,
		Note: func(c *Config) string {
			return fmt.Sprintf("gequivariant: the %s-equivariant model, trained from scratch with the pretraining schedule.",
				c.GEquivariantGroup.Name)
		}}
)

// configDecode is the decoding mode of the config's decode key.
func configDecode(c *Config) seq2seq.Mode {
	m, _ := decodeMode(c.Decode)
	return m
}
