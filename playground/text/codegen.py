"""A standalone PyTorch script that trains what the Text view trained and prints its
bits per character, epoch by epoch, to the last digit: the same text (inlined), ids,
split, seeded initialisation, batch order, loop and scoring as `charlm.run_text`, on
one intra-op thread. Only torch and numpy are needed."""

from __future__ import annotations

from playground.text.charlm import CLIP_GRAD
from playground.text.config import BATCH_SIZE, EMBED_SIZE, TextConfig
from playground.text.ids import TRAIN_FRACTION
from playground.text.validate import MAX_VOCAB, UNKNOWN

_TEMPLATE = '''"""Next-character model from RNN Playground's Text view ({model}, hidden {hidden},
{layers} layer(s), window {window}, {epochs} epochs, lr {lr}, seed {seed}).
Prints the train and test loss in bits per character after each epoch (0 = untrained)."""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

torch.set_num_threads(1)  # the playground trains on one thread: the same sums, the same bits

TEXT = {text!r}
MODEL, HIDDEN, LAYERS, WINDOW = {model!r}, {hidden}, {layers}, {window}
EPOCHS, LR, SEED = {epochs}, {lr!r}, {seed}
BATCH, EMBED, CLIP, TRAIN_FRACTION = {batch}, {embed}, {clip!r}, {train_fraction!r}
MAX_VOCAB, UNKNOWN = {max_vocab}, {unknown!r}
CELLS = {{"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}}


def vocabulary(text):
    counts = {{}}
    for c in text:
        counts[c] = counts.get(c, 0) + 1
    if len(counts) <= MAX_VOCAB:
        return "".join(sorted(counts))
    kept = sorted(counts, key=lambda c: (-counts[c], c))[: MAX_VOCAB - 1]
    return "".join(sorted(kept + [UNKNOWN]))


vocab = vocabulary(TEXT)
index = {{c: i for i, c in enumerate(vocab)}}
ids = np.array([index.get(c, index.get(UNKNOWN)) for c in TEXT], dtype=np.int64)
cut = int(round(len(ids) * TRAIN_FRACTION))
train_ids, test_ids = ids[:cut], ids[cut:]


class CharModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(vocab), EMBED)
        self.rnn = CELLS[MODEL](EMBED, HIDDEN, num_layers=LAYERS, batch_first=True)
        self.head = nn.Linear(HIDDEN, len(vocab))

    def forward(self, x):  # (B, L) -> (B, L, V)
        out, _ = self.rnn(self.embed(x))
        return self.head(out)


gen = torch.Generator().manual_seed(SEED)
with torch.device("meta"):
    net = CharModel()
net = net.to_empty(device="cpu")
bound = 1.0 / math.sqrt(HIDDEN)
with torch.no_grad():
    net.embed.weight.normal_(0.0, 1.0, generator=gen)
    for p in net.rnn.parameters():
        p.uniform_(-bound, bound, generator=gen)
    for p in net.head.parameters():
        p.uniform_(-bound, bound, generator=gen)


def windows(a, length):
    n = (len(a) - 1) // length
    x = torch.from_numpy(a[: n * length].reshape(n, length).copy())
    y = torch.from_numpy(a[1 : n * length + 1].reshape(n, length).copy())
    return x, y


def bits(a):
    """Mean bits per character of every target of `a`, in windows from a zero state."""
    x, y = windows(a, WINDOW)
    parts = [(x, y)] if len(x) else []
    done = len(x) * WINDOW
    if done < len(a) - 1:
        tail = torch.from_numpy(a[done:].copy())
        parts.append((tail[:-1].unsqueeze(0), tail[1:].unsqueeze(0)))
    total, count = 0.0, 0
    with torch.inference_mode():
        for xs, ys in parts:
            logits = net(xs)
            total += F.cross_entropy(logits.flatten(0, 1), ys.flatten(), reduction="sum").item()
            count += ys.numel()
    return total / count / math.log(2.0)


x, y = windows(train_ids, WINDOW)
batches = torch.Generator().manual_seed(SEED)
opt = torch.optim.Adam(net.parameters(), lr=LR)
net.eval()
print(f"epoch 0: train {{bits(train_ids)!r}} test {{bits(test_ids)!r}}")
for epoch in range(1, EPOCHS + 1):
    net.train()
    order = torch.randperm(len(x), generator=batches)
    for start in range(0, len(x), BATCH):
        batch = order[start : start + BATCH]
        loss = F.cross_entropy(net(x[batch]).flatten(0, 1), y[batch].flatten())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), CLIP)
        opt.step()
    net.eval()
    print(f"epoch {{epoch}}: train {{bits(train_ids)!r}} test {{bits(test_ids)!r}}")
'''


def text_script(cfg: TextConfig) -> str:
    """The script of `cfg`'s next-character run (see the module doc)."""
    if cfg.task != "next_char":
        raise ValueError("only the next-character task has a script")
    return _TEMPLATE.format(
        text=cfg.source(),
        model=cfg.model,
        hidden=cfg.hidden_size,
        layers=cfg.num_layers,
        window=cfg.seq_length,
        epochs=cfg.epochs,
        lr=cfg.learning_rate,
        seed=cfg.seed,
        batch=BATCH_SIZE,
        embed=EMBED_SIZE,
        clip=CLIP_GRAD,
        train_fraction=TRAIN_FRACTION,
        max_vocab=MAX_VOCAB,
        unknown=UNKNOWN,
    )
