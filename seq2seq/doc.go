// Package seq2seq is the attention encoder–decoder of the equi-tuning
// paper's SCAN experiments, its training and greedy decoding, and the
// equi-tuned model M_G built on it.
//
// The model (Default gives the reference sizes E = 64, H = 64, D = 2 and
// the decoder's word embedding E_d = D·H = 128, as in the authors' code):
//
//	encoder:  o_t = [→h_t; ←h_t] of a bidirectional rnn/gru/lstm over E_in[w_t]
//	decoder:  α = softmax(h_{t−1} · o), ctx = Σ α_j o_j,
//	          u = ReLU(W_c [dropout(E_out[y_{t−1}]); ctx] + b_c),
//	          h_t = cell(u, h_{t−1}),  log p_t = log softmax(W_o h_t + b_o)
//
// The decoder starts from [→h_final; ←h_final] (and c for LSTM), reads SOS
// first and stops at EOS or after MaxOutput tokens.
//
// Training follows the reference code: per sequence, teacher forcing with
// probability 0.5; the loss is the NLL summed over the scored steps, and
// scoring stops after the first step whose argmax is EOS (or at the end of
// the target); gradients are clipped to norm 5 and applied by Adam. A batch
// of B averages the B sequences' losses.
//
// Equi-tuning runs K = |G| copies of each example as one batch: copy k reads
// g_k·x and g_k·y, and the copies' log-probabilities are averaged after
// reading copy k's output through g_k⁻¹ (Copies, CopiesOf):
//
//	M_G(x) = (1/|G|) Σ_g g⁻¹·M(g·x)
//
// A Combiner (Copies.Combiner) replaces the average by weights per example
// and copy, Σ_k w_{b,k} log p_{k,b}, computed by Gorgonia ops of its own
// parameters in the training graph and trained with the model. Lambda is
// λ-equitune's (Basu et al., NeurIPS 2023), a small network of each copy's
// own features:
//
//	M_λ(x) = Σ_g λ(g·x) · g⁻¹·M(g·x) / Σ_g λ(g·x)
//
// Every kernel (cells, encoder, attention decoder, their backward passes) is
// written by hand and runs as a fused op of a Gorgonia graph that is built
// once per trainer (graph.go); all randomness comes from an explicit
// *rand.Rand, so a seed fixes every number, and a Training can be
// checkpointed and resumed exactly. The numerics below the model live in
// package internal/kernel: the matrix products (over gonum BLAS), σ, tanh,
// exp and Adam's update have AVX2 and AVX-512 versions there that compute
// every element by the same IEEE operations as the portable ones (exp by
// math.Exp's own, which fuse multiply-adds where the CPU has FMA, as
// math.Exp does), and TestNumericsPinned holds the whole arithmetic to
// recorded digests: results do not depend on which kernels run, on the batch
// a row is in, on which rows of a batch have finished, or on how a product
// is split between the two threads of a training step (kernel.Split).
//
// The path through the package: Encode makes Data of SCAN pairs with the
// vocabularies of package scan; New (or NewEquivariant) makes a Model of a
// Config; CopiesOf makes the Copies of M_G of a verbgroups.Group;
// NewTraining starts a Training, which trains the model a Trainer step at
// a time (Advance runs to the next evaluation) and keeps the best
// parameters, and which Save checkpoints and LoadTraining reads back;
// Model.Greedy and Model.Accuracy decode and score.
//
// Where things are: the cells are registered in one table (cell.go,
// CellKinds), each in a file with its equations (rnn.go, gru.go, lstm.go);
// recurrent.go runs a cell over a batch of sequences and encoder.go makes
// the bidirectional encoder of it. The decoder's state and decoding loop
// are in decoder.go, a step and its attention in decoder_step.go, its
// backward pass in decoder_backward.go, the combination of the copies and
// the dropping of finished rows in decoder_greedy.go, and the decoding
// modes (Mode) in mode.go, independent.go and equizero.go; combiner.go
// weighs the copies, lambda.go and copynorm.go by λ. model.go, graph.go,
// trainer.go and train.go build, differentiate and train the model;
// decode.go decodes and scores it; checkpoint.go and safetensors.go store
// it; gequivariant.go and tied.go make it G-equivariant.
package seq2seq
