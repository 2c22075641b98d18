package config

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

	// equizero decodes the pretrained M in an equizero mode under G: per
	// input the copy g*⁻¹·M(g*·x) of the best proxy (equizero_proxy).
	equizero = Method{Name: "equizero",
		Doc:   "per input the copy g*⁻¹·M(g*·x) of lowest mean entropy (or, with `equizero_proxy = \"top1\"`, largest mean top-1 probability), no tuning",
		Start: FromPretrained, Schedule: ZeroShot, Equi: true,
		Mode:  func(c *Config) seq2seq.Mode { m, _ := equizeroMode(c.EquizeroProxy); return m },
		Reads: []string{"Group", "EquizeroProxy"}, Color: colorEquizero}

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
