"""Times the reference code's batch-1 training step, the PyTorch side of
BenchmarkTrainStep (docs/performance.md).

A mirror, written for this harness, of what one iteration of the equi-tuning
paper's train_seq2seq_scan.py (basusourya/lambda_equitune, on Gordon et al.'s
perm_equivariant_seq2seq models) does with `--use_attention --bidirectional`,
hidden 64, semantic size 64: a bidirectional encoder (embedding 64, plus the
120-wide semantic embedding it computes and never reads), the attention
decoder of hidden and embedding 128 stepped one token at a time in Python
(dropout 0.1 on the embedding, unscaled dot-product attention of the
previous h over the encoder outputs, Linear(256 → 128) + ReLU into the cell,
Linear(128 → V) + log-softmax, outputs written into a 50 × V buffer);
teacher forcing 0.5 per sequence, else greedy for up to 50 steps; the NLL
summed over the target's positions up to the first predicted EOS; backward;
the gradient norm clipped to 5 for the encoder and the decoder separately;
an Adam step (1e-4) for each. Pairs are add_jump training pairs sampled with
replacement, the model untrained, as in BenchmarkTrainStep.

usage: python3 reference_step.py --train $SCAN_DIR/add_prim_split/tasks_train_addprim_jump.txt \
           --cell lstm --threads 2 --steps 2000
prints the median over 10 blocks of steps/10 of the milliseconds per step.
"""
import argparse
import random
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

SOS, EOS, MAX_LENGTH = 0, 1, 50
RNNS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


def read_pairs(path):
    """The (command words, action words) pairs of an official SCAN file."""
    pairs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            if not line.startswith("IN: ") or " OUT: " not in line:
                raise SystemExit(f"{path}:{n}: not 'IN: … OUT: …'")
            cmd, act = line[len("IN: "):].split(" OUT: ")
            pairs.append((cmd.split(), act.split()))
    return pairs


def vocab(sentences):
    """Word → index, SOS = 0 and EOS = 1 first."""
    ix = {"SOS": SOS, "EOS": EOS}
    for s in sentences:
        for w in s:
            ix.setdefault(w, len(ix))
    return ix


class Encoder(nn.Module):
    def __init__(self, cell, n_in, hidden):
        super().__init__()
        self.embedding = nn.Embedding(n_in, hidden)
        self.semantic_embedding = nn.Embedding(n_in, 120)
        self.rnn = RNNS[cell](hidden, hidden, bidirectional=True)
        self.lstm, self.hidden = cell == "lstm", hidden

    def forward(self, x):
        zero = torch.zeros(2, 1, self.hidden)
        h0 = (zero, zero.clone()) if self.lstm else zero
        self.semantic_embedding(x.squeeze())
        out, h = self.rnn(self.embedding(x.squeeze())[:, None, :], h0)
        final = lambda s: s.view(1, 2, 1, -1)[-1].view(1, 1, -1)  # [forward; backward]
        return out, (tuple(final(s) for s in h) if self.lstm else final(h))


class Decoder(nn.Module):
    def __init__(self, cell, n_out, hidden):
        super().__init__()
        self.embedding = nn.Embedding(n_out, hidden)
        self.attn = nn.Linear(2 * hidden, MAX_LENGTH)  # in the state dict, never read
        self.attn_combine = nn.Linear(2 * hidden, hidden)
        self.dropout = nn.Dropout(0.1)
        self.rnn = RNNS[cell](hidden, hidden)
        self.out = nn.Linear(hidden, n_out)

    def forward(self, token, hidden, enc):
        e = self.dropout(self.embedding(token).view(1, 1, -1))
        h = hidden[0] if isinstance(hidden, tuple) else hidden
        w = F.softmax(h[0] @ enc.squeeze().t(), dim=1)
        ctx = torch.bmm(w.unsqueeze(0), enc.permute(1, 0, 2))
        x = F.relu(self.attn_combine(torch.cat((e[0], ctx[0]), 1)).unsqueeze(0))
        o, hidden = self.rnn(x, hidden)
        return F.log_softmax(self.out(o[0]), dim=1), hidden


class Model(nn.Module):
    def __init__(self, cell, n_in, n_out, hidden=64):
        super().__init__()
        self.encoder = Encoder(cell, n_in, hidden)
        self.decoder = Decoder(cell, n_out, 2 * hidden)
        self.n_out = n_out

    def forward(self, x, y, forcing):
        enc, hidden = self.encoder(x)
        outs = torch.zeros(MAX_LENGTH, self.n_out)
        token = torch.tensor([[SOS]])
        for t in range(y.size(0) if forcing else MAX_LENGTH):
            logp, hidden = self.decoder(token, hidden, enc)
            outs[t] = logp
            if forcing:
                token = y[t]
            else:
                token = logp.topk(1)[1].squeeze().detach()
                if token.item() == EOS:
                    break
        return outs


def step(model, opts, loss_fn, x, y):
    model.train()
    for o in opts:
        o.zero_grad()
    outs = model(x, y, random.random() < 0.5)
    loss = 0
    for t in range(y.size(0)):
        loss += loss_fn(outs[t][None, :], y[t])
        if outs[t].topk(1)[1].item() == EOS:
            break
    loss.backward()
    nn.utils.clip_grad_norm_(model.encoder.parameters(), 5.0)
    nn.utils.clip_grad_norm_(model.decoder.parameters(), 5.0)
    for o in opts:
        o.step()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--train", required=True, help="official SCAN train file, e.g. tasks_train_addprim_jump.txt")
    p.add_argument("--cell", choices=sorted(RNNS), default="lstm")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    random.seed(a.seed)
    torch.manual_seed(a.seed)
    pairs = read_pairs(a.train)
    vin, vout = vocab(c for c, _ in pairs), vocab(t for _, t in pairs)
    tensor = lambda ws, v: torch.tensor([v[w] for w in ws] + [EOS]).view(-1, 1)
    data = [(tensor(c, vin), tensor(t, vout)) for c, t in pairs]
    model = Model(a.cell, len(vin), len(vout))
    opts = [torch.optim.Adam(model.encoder.parameters(), lr=1e-4), torch.optim.Adam(model.decoder.parameters(), lr=1e-4)]
    loss_fn = nn.NLLLoss()
    for _ in range(50):  # warm-up
        step(model, opts, loss_fn, *random.choice(data))
    block = max(a.steps // 10, 1)
    ms = []
    for _ in range(10):
        t0 = time.perf_counter()
        for _ in range(block):
            step(model, opts, loss_fn, *random.choice(data))
        ms.append((time.perf_counter() - t0) * 1e3 / block)
    print(f"reference_step cell={a.cell} threads={a.threads} torch={torch.__version__} "
          f"ms/step median={statistics.median(ms):.3f} min={min(ms):.3f} max={max(ms):.3f}")


if __name__ == "__main__":
    main()
