package seq2seq_test

import (
	"fmt"
	"log"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/scan-equitune/equitune/scan"
	"github.com/scan-equitune/equitune/seq2seq"
	"github.com/scan-equitune/equitune/verbgroups"
)

// Build the reference model of the equi-tuning paper's code for SCAN's
// vocabularies; the seed fixes its initialisation.
func ExampleNew() {
	in, out := scan.InputVocab(), scan.OutputVocab()
	cfg := seq2seq.Default(seq2seq.LSTM, in.Size(), out.Size())
	m, err := seq2seq.New(cfg, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		log.Fatal(err)
	}
	n := 0
	for _, p := range m.Params() {
		n += len(p.W)
	}
	fmt.Printf("%s: embedding %d, hidden %d per direction, decoder embedding %d\n",
		cfg.Cell, cfg.Embed, cfg.Hidden, cfg.DecoderEmbed)
	fmt.Printf("%d tensors, %d parameters\n", len(m.Params()), n)
	// Output:
	// lstm: embedding 64, hidden 64 per direction, decoder embedding 128
	// 18 tensors, 234568 parameters
}

// Take training steps on one batch: SCAN's 22 commands of one or two
// words, teacher forced, encoded as ids by seq2seq.Encode.
func ExampleTrainer_Step() {
	var short []scan.Pair
	for _, p := range scan.All() {
		if len(p.Command) <= 2 {
			short = append(short, p)
		}
	}
	in, out := scan.InputVocab(), scan.OutputVocab()
	d, err := seq2seq.Encode(short, in, out)
	if err != nil {
		log.Fatal(err)
	}
	cfg := seq2seq.Default(seq2seq.GRU, in.Size(), out.Size())
	cfg.Embed, cfg.Hidden, cfg.DecoderEmbed = 8, 8, 16 // small, to be quick
	r := rand.New(rand.NewPCG(1, 2))
	m, err := seq2seq.New(cfg, r)
	if err != nil {
		log.Fatal(err)
	}
	t, err := seq2seq.NewTrainer(m, seq2seq.NewAdam(1e-2, 0, 5), seq2seq.Copies{}, 1, d.Len(), r)
	if err != nil {
		log.Fatal(err)
	}
	for step := 1; step <= 100; step++ {
		res, err := t.Step(d.In, d.Out)
		if err != nil {
			log.Fatal(err)
		}
		if step == 1 || step%25 == 0 {
			fmt.Printf("step %d: loss per token %.2f\n", step, res.SeqLoss)
		}
	}
	// Output:
	// step 1: loss per token 2.08
	// step 25: loss per token 0.81
	// step 50: loss per token 0.23
	// step 75: loss per token 0.04
	// step 100: loss per token 0.03
}

// Train a small model on SCAN's commands of one or two words with a
// Training (batches drawn by its random stream; every EvalEvery steps an
// evaluation, here on the training commands themselves; the best
// parameters kept), and decode commands greedily.
func ExampleModel_Greedy() {
	var short []scan.Pair
	for _, p := range scan.All() {
		if len(p.Command) <= 2 {
			short = append(short, p)
		}
	}
	in, out := scan.InputVocab(), scan.OutputVocab()
	d, err := seq2seq.Encode(short, in, out)
	if err != nil {
		log.Fatal(err)
	}
	cfg := seq2seq.Default(seq2seq.GRU, in.Size(), out.Size())
	cfg.Embed, cfg.Hidden, cfg.DecoderEmbed = 8, 8, 16
	m, err := seq2seq.New(cfg, rand.New(rand.NewPCG(0, 1)))
	if err != nil {
		log.Fatal(err)
	}
	sched := seq2seq.Schedule{Iterations: 300, Batch: 8, LR: 1e-2, Clip: 5, Teacher: 0.5, EvalEvery: 100}
	tr, err := seq2seq.NewTraining(m, sched, seq2seq.Copies{}, rand.NewPCG(0, 2))
	if err != nil {
		log.Fatal(err)
	}
	for !tr.Done() {
		if _, err := tr.Advance(d, d, nil); err != nil {
			log.Fatal(err)
		}
	}
	tr.UseBest()
	fmt.Printf("best accuracy %.2f at step %d\n", tr.BestAcc, tr.BestStep)

	var cmds [][]int
	for _, c := range []string{"jump twice", "turn left", "look right"} {
		x, err := in.Encode(strings.Fields(c))
		if err != nil {
			log.Fatal(err)
		}
		cmds = append(cmds, x)
	}
	preds, err := m.Greedy(cmds, seq2seq.Copies{}, seq2seq.Shared)
	if err != nil {
		log.Fatal(err)
	}
	for i, y := range preds {
		fmt.Printf("%s → %s\n", strings.Join(in.Decode(cmds[i]), " "), strings.Join(out.Decode(y), " "))
	}
	// Output:
	// best accuracy 1.00 at step 200
	// jump twice → I_JUMP I_JUMP
	// turn left → I_TURN_LEFT
	// look right → I_TURN_RIGHT I_LOOK
}

// Equi-tune in miniature. M is trained on SCAN's short commands in which
// jump only appears alone, as in add_jump, and gets the other jump commands
// wrong; M_G = (1/|G|) Σ_g g⁻¹·M(g·x) under verb = {e, jump↔run} reads each
// command also as its run twin, and once tuned it gets them right.
func ExampleCopiesOf() {
	var train, test []scan.Pair
	for _, p := range scan.All() {
		switch {
		case len(p.Command) > 2:
		case slices.Contains(p.Command, "jump") && len(p.Command) > 1:
			test = append(test, p) // jump left, jump right, jump twice, jump thrice
		default:
			train = append(train, p)
		}
	}
	in, out := scan.InputVocab(), scan.OutputVocab()
	d, err := seq2seq.Encode(train, in, out)
	if err != nil {
		log.Fatal(err)
	}
	dt, err := seq2seq.Encode(test, in, out)
	if err != nil {
		log.Fatal(err)
	}
	g, err := verbgroups.ByName("verb")
	if err != nil {
		log.Fatal(err)
	}
	cfg := seq2seq.Default(seq2seq.GRU, in.Size(), out.Size())
	cfg.Embed, cfg.Hidden, cfg.DecoderEmbed = 8, 8, 16
	m, err := seq2seq.New(cfg, rand.New(rand.NewPCG(0, 1)))
	if err != nil {
		log.Fatal(err)
	}
	fit := func(cp seq2seq.Copies, iterations int) {
		sched := seq2seq.Schedule{Iterations: iterations, Batch: 8, LR: 1e-2, Clip: 5, Teacher: 0.5, EvalEvery: 100}
		tr, err := seq2seq.NewTraining(m, sched, cp, rand.NewPCG(0, 2))
		if err != nil {
			log.Fatal(err)
		}
		for !tr.Done() {
			if _, err := tr.Advance(d, d, nil); err != nil {
				log.Fatal(err)
			}
		}
		tr.UseBest()
	}
	accuracy := func(name string, cp seq2seq.Copies) {
		acc, err := m.Accuracy(dt.In, dt.Out, cp, seq2seq.Shared)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%-16s %.2f of the jump commands\n", name, acc)
	}
	mg := seq2seq.CopiesOf(g)
	fit(seq2seq.Copies{}, 300) // pretrain M
	accuracy("M", seq2seq.Copies{})
	accuracy("M_G, zero-shot", mg)
	fit(mg, 100) // equi-tune: train M_G
	accuracy("M_G, equi-tuned", mg)
	// Output:
	// M                0.00 of the jump commands
	// M_G, zero-shot   0.25 of the jump commands
	// M_G, equi-tuned  1.00 of the jump commands
}

// Gordon et al.'s G-equivariant model: the plain model's layers with
// weights tied across the group, so it has fewer parameters and
// M(g·x) = g·M(x) holds by construction. Trained from scratch on the short
// commands in which jump only appears alone, it gets the jump commands right.
func ExampleNewEquivariant() {
	var train, test []scan.Pair
	for _, p := range scan.All() {
		switch {
		case len(p.Command) > 2:
		case slices.Contains(p.Command, "jump") && len(p.Command) > 1:
			test = append(test, p)
		default:
			train = append(train, p)
		}
	}
	in, out := scan.InputVocab(), scan.OutputVocab()
	d, err := seq2seq.Encode(train, in, out)
	if err != nil {
		log.Fatal(err)
	}
	g, err := verbgroups.ByName("verb")
	if err != nil {
		log.Fatal(err)
	}
	cfg := seq2seq.Default(seq2seq.GRU, in.Size(), out.Size())
	cfg.Embed, cfg.Hidden, cfg.DecoderEmbed = 8, 8, 16 // multiples of |G| = 2
	plain, err := seq2seq.New(cfg, rand.New(rand.NewPCG(0, 1)))
	if err != nil {
		log.Fatal(err)
	}
	m, err := seq2seq.NewEquivariant(cfg, g, rand.New(rand.NewPCG(0, 1)))
	if err != nil {
		log.Fatal(err)
	}
	count := func(m *seq2seq.Model) (n int) {
		for _, p := range m.Params() {
			n += len(p.W)
		}
		return n
	}
	fmt.Printf("parameters: %d plain, %d tied\n", count(plain), count(m))

	sched := seq2seq.Schedule{Iterations: 300, Batch: 8, LR: 1e-2, Clip: 5, Teacher: 0.5, EvalEvery: 100}
	tr, err := seq2seq.NewTraining(m, sched, seq2seq.Copies{}, rand.NewPCG(0, 2))
	if err != nil {
		log.Fatal(err)
	}
	for !tr.Done() {
		if _, err := tr.Advance(d, d, nil); err != nil {
			log.Fatal(err)
		}
	}
	tr.UseBest()
	dt, err := seq2seq.Encode(test, in, out)
	if err != nil {
		log.Fatal(err)
	}
	preds, err := m.Greedy(dt.In, seq2seq.Copies{}, seq2seq.Shared)
	if err != nil {
		log.Fatal(err)
	}
	for i, y := range preds {
		fmt.Printf("%s → %s\n", strings.Join(test[i].Command, " "), strings.Join(out.Decode(y), " "))
	}
	// Output:
	// parameters: 3408 plain, 1707 tied
	// jump left → I_TURN_LEFT I_JUMP
	// jump right → I_TURN_RIGHT I_JUMP
	// jump twice → I_JUMP I_JUMP
	// jump thrice → I_JUMP I_JUMP I_JUMP
}
