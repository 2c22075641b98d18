package config

import (
	"image/color"
	"math/rand/v2"

	"github.com/scan-equitune/equitune/seq2seq"
)

// streamLambda is the random stream of rand.NewPCG(seed, stream) that
// initialises λ-equitune's weight network.
const streamLambda = 0x6c616d62

// colorLambdaEquitune is lambda_equitune's colour: a violet beside
// equitune's blue.
var colorLambdaEquitune = color.NRGBA{0x7b, 0x5e, 0xd6, 0xff}

// lambdaEquitune is λ-equitune (Basu et al., NeurIPS 2023) under G:
//
//	M_λ(x) = Σ_g λ(g·x) · g⁻¹·M(g·x) / Σ_g λ(g·x)
//
// with λ = exp(v·tanh(f W + c)) of the copy's own encoder state f
// (seq2seq.Lambda), starting uniform (M_λ = M_G at step 0), trained jointly
// with M under the [tune] schedule, and decoded (validation and test) with
// the same λ in Config.Decode mode. λ's parameters are checkpointed with the
// tuning and not exported with the model.
var lambdaEquitune = Method{Name: "lambda_equitune",
	Doc:   "λ-equitune: M_G with the copies weighted by λ(g·x) / Σ_g λ(g·x), λ a network of each copy's encoder state trained with M",
	Start: FromPretrained, Schedule: Tuned, Equi: true, Mode: configDecode,
	Combiner: func(m *seq2seq.Model, seed uint64) (seq2seq.Combiner, error) {
		l, err := seq2seq.NewLambda(m.Config, seq2seq.LambdaHidden, rand.New(rand.NewPCG(seed, streamLambda)))
		if err != nil {
			return nil, err
		}
		return l, nil
	},
	Reads: []string{"Tune", "Group", "Decode"}, Color: colorLambdaEquitune}
