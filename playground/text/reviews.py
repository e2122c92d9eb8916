"""Reviews whose label hangs on a negation `gap` words before the end, and a word-level
classifier of them, standing alone (torch, numpy and the standard library): the Text
view's reviews task trains with these functions, and its exported script is this file as
it is, followed by the run's settings and the calls `sentiment.run_sentiment` makes.

A review is a subject, "was", "not" (or, as often, "really"), then exactly `gap`
neutral words, then an adjective; the label is the adjective's sentiment, flipped by the
negation. The classifier: an embedding, a recurrent layer, a linear head on the last
state; minibatch Adam on the logistic loss.
"""

import math
import random

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}

N_TRAIN = 1000  # reviews that train (600: the GRU failed at gap 12 with seed 2)
N_TEST = 500  # reviews held out
EPOCHS = 12  # passes over the training reviews (gated cells reach 100 % at gap 12 by then)
BATCH = 50  # reviews per Adam step
KEEP_GATE_BIAS = 2.0  # added to the LSTM forget / GRU update gate bias at init (see memory)
HIDDEN = 32
EMBED = 16
LEARNING_RATE = 0.01

GRAMMAR = {
    "en": {
        "subject": (("the", "soup"), ("the", "film"), ("our", "room"), ("the", "bread"),
                    ("the", "concert"), ("my", "new", "chair"), ("the", "old", "bus")),
        "was": ("was",),
        "not": "not",
        "plain": ("really", "truly"),  # stands where "not" would: every review one length
        "filler": ("as", "my", "friend", "said", "after", "the", "long", "walk", "home", "and",
                   "then", "in", "a", "quiet", "voice", "to", "everyone", "at", "table", "we",
                   "all", "thought", "for", "while", ","),
        "positive": ("good", "great", "lovely", "fine"),
        "negative": ("bad", "awful", "poor", "bland"),
        "space": " ",
    },
    "zh": {
        "subject": (("这", "碗", "汤"), ("那部", "电影"), ("我们的", "房间"), ("面包",),
                    ("音乐会",), ("我的", "新", "椅子"), ("那辆", "旧", "车")),
        "was": ("，",),
        "not": "不",
        "plain": ("真", "很"),
        "filler": ("我", "朋友", "说", "走了", "很长的", "路", "回家", "以后", "然后", "小声",
                   "对", "大家", "在", "桌边", "我们", "都", "觉得", "一会儿", "，"),
        "positive": ("好", "棒", "可爱", "舒服"),
        "negative": ("坏", "糟", "差", "乏味"),
        "space": "",
    },
}  # fmt: skip


def make_reviews(lang: str, gap: int, n: int, seed: int) -> tuple[list[list[str]], np.ndarray]:
    """`n` reviews (lists of words) and their labels (1 = positive), half negated."""
    if lang not in GRAMMAR:
        raise ValueError(f"unknown language {lang!r}; choose from {sorted(GRAMMAR)}")
    if gap < 0:
        raise ValueError(f"gap must be at least 0, got {gap}")
    g = GRAMMAR[lang]
    rng = random.Random(f"{lang}-{gap}-{seed}")
    reviews, labels = [], []
    for i in range(n):
        negated = i % 2 == 1
        positive_word = rng.random() < 0.5
        subject = g["subject"][rng.randrange(len(g["subject"]))]
        words = list(subject if isinstance(subject, tuple) else (subject,)) + list(g["was"])
        words.append(g["not"] if negated else rng.choice(g["plain"]))
        words += [rng.choice(g["filler"]) for _ in range(gap)]
        words.append(rng.choice(g["positive"] if positive_word else g["negative"]))
        reviews.append(words)
        labels.append(int(positive_word != negated))
    order = list(range(n))
    rng.shuffle(order)
    return [reviews[i] for i in order], np.array([labels[i] for i in order], dtype=np.int64)


PAD = "<pad>"


def vocabulary(lang: str) -> list[str]:
    """Every word the grammar of `lang` uses, PAD first (id 0)."""
    g = GRAMMAR[lang]
    words = {w for s in g["subject"] for w in (s if isinstance(s, tuple) else (s,))}
    words |= set(g["was"]) | {g["not"]} | set(g["plain"]) | set(g["filler"])
    words |= set(g["positive"]) | set(g["negative"])
    return [PAD, *sorted(words)]


def encode_reviews(reviews: list[list[str]], vocab: list[str]) -> torch.Tensor:
    """(n, L) word ids, left-padded with PAD (id 0) so every review ends at the last step."""
    index = {w: i for i, w in enumerate(vocab)}
    length = max(len(r) for r in reviews)
    rows = [[0] * (length - len(r)) + [index[w] for w in r] for r in reviews]
    return torch.tensor(rows, dtype=torch.int64)


class ReviewClassifier(nn.Module):
    """Embedding -> recurrent layer -> a linear head on the last state: one logit."""

    def __init__(self, model: str, vocab_size: int, hidden_size: int = HIDDEN) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab_size, EMBED)
        self.rnn = CELLS[model](EMBED, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, 1)

    def from_vectors(self, vectors: torch.Tensor) -> torch.Tensor:
        """(B, L, E) word vectors -> (B,) logits of "positive"."""
        out, _ = self.rnn(vectors)
        return self.head(out[:, -1]).squeeze(-1)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.from_vectors(self.embed(ids))


def init_classifier(
    model: str, vocab_size: int, seed: int, keep_block: int | None
) -> ReviewClassifier:
    """Seeded weights (PyTorch's default distributions, from a generator), the keep
    gate (LSTM forget, GRU update: the `keep_block`-th block of the gate rows) biased
    open by KEEP_GATE_BIAS."""
    gen = torch.Generator().manual_seed(seed)
    with torch.device("meta"):
        net = ReviewClassifier(model, vocab_size)
    net = net.to_empty(device="cpu")
    bound = 1.0 / math.sqrt(HIDDEN)
    with torch.no_grad():
        net.embed.weight.normal_(0.0, 1.0, generator=gen)
        for p in [*net.rnn.parameters(), *net.head.parameters()]:
            p.uniform_(-bound, bound, generator=gen)
        if keep_block is not None:
            net.rnn.bias_ih_l0[keep_block * HIDDEN : (keep_block + 1) * HIDDEN] += KEEP_GATE_BIAS
    return net


def reviews_data(lang: str, gap: int, seed: int):
    """The vocabulary and the (train x, train y, test x, test y) tensors of the reviews
    of `lang` at `gap`, drawn with `seed`: N_TRAIN, then N_TEST."""
    vocab = vocabulary(lang)
    reviews, labels = make_reviews(lang, gap, N_TRAIN + N_TEST, seed)
    x = encode_reviews(reviews, vocab)  # (N, L)
    y = torch.from_numpy(labels).float()
    return vocab, (x[:N_TRAIN], y[:N_TRAIN], x[N_TRAIN:], y[N_TRAIN:])


def fit(net: ReviewClassifier, data, epochs: int, seed: int):
    """Train `net` on data = (xtr, ytr, xte, yte); yield (epoch, train loss, test loss)
    after each epoch: the train loss is the mean over the epoch's batches (as trained),
    the test loss after the epoch."""
    xtr, ytr, xte, yte = data
    opt = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE)
    gen = torch.Generator().manual_seed(seed)
    for epoch in range(1, epochs + 1):
        net.train()
        order = torch.randperm(len(xtr), generator=gen)
        total = 0.0
        for start in range(0, len(xtr), BATCH):
            batch = order[start : start + BATCH]
            loss = F.binary_cross_entropy_with_logits(net(xtr[batch]), ytr[batch])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item() * len(batch)
        with torch.inference_mode():
            test = F.binary_cross_entropy_with_logits(net(xte), yte).item()
        yield epoch, total / len(xtr), test


def evaluate(net: ReviewClassifier, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """(logistic loss, accuracy) of the trained `net` on reviews x with labels y."""
    with torch.inference_mode():
        logits = net(x)
        loss = F.binary_cross_entropy_with_logits(logits, y).item()
        return loss, float(((logits > 0).float() == y).float().mean())
