"""A standalone PyTorch script that trains what the Text view's reviews task trained and
prints its losses, epoch by epoch, then each split's loss and accuracy, to the last
digit: the same generated reviews (the grammar inlined, the same random draws), word
ids, seeded initialisation with the keep gate biased open, batch order, loop and
scoring as `sentiment.run_sentiment`, on one intra-op thread. Only torch and numpy are
needed. The numbers are read from the package at export time, never written twice."""

from __future__ import annotations

from playground.text import sentiment as s
from playground.text.config import TextConfig

ARTICLES = {"rnn": "an RNN", "lstm": "an LSTM", "gru": "a GRU"}
LANGUAGES = {"en": "English", "zh": "Chinese"}

_BODY = '''
torch.set_num_threads(1)  # the playground trains on one thread: the same sums, the same bits
CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def make_reviews(n):
    """n reviews (lists of words) and their labels (1 = positive), half negated."""
    g = GRAMMAR
    rng = random.Random(f"{LANG}-{GAP}-{SEED}")
    reviews, labels = [], []
    for i in range(n):
        negated = i % 2 == 1
        positive_word = rng.random() < 0.5
        subject = g["subject"][rng.randrange(len(g["subject"]))]
        words = list(subject if isinstance(subject, tuple) else (subject,)) + list(g["was"])
        words.append(g["not"] if negated else rng.choice(g["plain"]))
        words += [rng.choice(g["filler"]) for _ in range(GAP)]
        words.append(rng.choice(g["positive"] if positive_word else g["negative"]))
        reviews.append(words)
        labels.append(int(positive_word != negated))
    order = list(range(n))
    rng.shuffle(order)
    return [reviews[i] for i in order], np.array([labels[i] for i in order], dtype=np.int64)


def vocabulary():
    g = GRAMMAR
    words = {w for s in g["subject"] for w in (s if isinstance(s, tuple) else (s,))}
    words |= set(g["was"]) | {g["not"]} | set(g["plain"]) | set(g["filler"])
    words |= set(g["positive"]) | set(g["negative"])
    return [PAD, *sorted(words)]


def encode(reviews, vocab):
    """(n, L) word ids, left-padded with PAD (id 0): every review ends at the last step."""
    index = {w: i for i, w in enumerate(vocab)}
    length = max(len(r) for r in reviews)
    rows = [[0] * (length - len(r)) + [index[w] for w in r] for r in reviews]
    return torch.tensor(rows, dtype=torch.int64)


class ReviewClassifier(nn.Module):
    def __init__(self, vocab_size):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, EMBED)
        self.rnn = CELLS[MODEL](EMBED, HIDDEN, batch_first=True)
        self.head = nn.Linear(HIDDEN, 1)

    def forward(self, ids):  # (B, L) -> (B,) logits of "positive"
        out, _ = self.rnn(self.embed(ids))
        return self.head(out[:, -1]).squeeze(-1)


vocab = vocabulary()
reviews, labels = make_reviews(N_TRAIN + N_TEST)
x, y = encode(reviews, vocab), torch.from_numpy(labels).float()
xtr, ytr, xte, yte = x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:]

gen = torch.Generator().manual_seed(SEED)
with torch.device("meta"):
    net = ReviewClassifier(len(vocab))
net = net.to_empty(device="cpu")
bound = 1.0 / math.sqrt(HIDDEN)
with torch.no_grad():
    net.embed.weight.normal_(0.0, 1.0, generator=gen)
    for p in [*net.rnn.parameters(), *net.head.parameters()]:
        p.uniform_(-bound, bound, generator=gen)
    if KEEP_BLOCK is not None:  # the LSTM's forget gate, the GRU's update gate: open
        net.rnn.bias_ih_l0[KEEP_BLOCK * HIDDEN : (KEEP_BLOCK + 1) * HIDDEN] += KEEP_GATE_BIAS

opt = torch.optim.Adam(net.parameters(), lr=LR)
batches = torch.Generator().manual_seed(SEED)
for epoch in range(1, EPOCHS + 1):
    net.train()
    order = torch.randperm(N_TRAIN, generator=batches)
    total = 0.0
    for start in range(0, N_TRAIN, BATCH):
        batch = order[start : start + BATCH]
        loss = F.binary_cross_entropy_with_logits(net(xtr[batch]), ytr[batch])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.item() * len(batch)
    with torch.inference_mode():
        test = F.binary_cross_entropy_with_logits(net(xte), yte).item()
    print(f"epoch {epoch}: train {total / N_TRAIN!r} test {test!r}")

net.eval()
net.requires_grad_(False)
with torch.inference_mode():
    for split, xs, ys in (("train", xtr, ytr), ("test", xte, yte)):
        logits = net(xs)
        loss = F.binary_cross_entropy_with_logits(logits, ys).item()
        accuracy = float(((logits > 0).float() == ys).float().mean())
        print(f"{split}: loss {loss!r} accuracy {accuracy!r}")
'''


def sentiment_script(cfg: TextConfig) -> str:
    """The script of the reviews run of `cfg` (its task, language, model, gap and seed)."""
    if cfg.task != "sentiment":
        raise ValueError("this script is the reviews task's; see codegen.text_script")
    lang = s.lang_of(cfg)
    head = f'''"""Review classifier from RNN Playground's Text view: {ARTICLES[cfg.model]} reading
generated {LANGUAGES[lang]} reviews whose label hangs on a negation {cfg.gap} words before
the end (seed {cfg.seed}). Prints the train and test loss (logistic, in nats) after each
epoch, then each split's loss and accuracy, as the page shows them."""

import math
import random

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

GRAMMAR = {s.GRAMMAR[lang]!r}
LANG, MODEL, GAP, SEED = {lang!r}, {cfg.model!r}, {cfg.gap}, {cfg.seed}
N_TRAIN, N_TEST, EPOCHS, BATCH = {s.N_TRAIN}, {s.N_TEST}, {s.EPOCHS}, {s.BATCH}
HIDDEN, EMBED, LR = {s.HIDDEN}, {s.EMBED}, {s.LEARNING_RATE!r}
KEEP_GATE_BIAS, KEEP_BLOCK = {s.KEEP_GATE_BIAS!r}, {s.keep_gate_block(cfg.model)!r}
PAD = {s.PAD!r}
'''
    return head + _BODY
