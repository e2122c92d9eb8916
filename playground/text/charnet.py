"""A character model and its training, standing alone (torch, numpy and the standard
library only): the Text view trains with these functions, and its exported script is
this file as it is, followed by the run's settings and the few lines that call it.

Ids: the text's characters, sorted (past MAX_VOCAB the rarest share UNKNOWN); the first
TRAIN_FRACTION trains, the rest tests. The network: an embedding, recurrent layers, a
linear head over the vocabulary at every step. Training: non-overlapping windows of
`length` characters, minibatches of BATCH_SIZE windows in a seeded random order, Adam,
cross-entropy, gradients clipped to CLIP_GRAD. Scores: bits per character of every
target of a split, read in windows of `length` from a zero state.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

EMBED_SIZE = 32  # size of each character's learned vector
BATCH_SIZE = 32  # windows per Adam step
CLIP_GRAD = 1.0  # largest gradient norm per step (keeps the plain RNN stable)
TRAIN_FRACTION = 0.9  # the first 90 % of the text trains; the rest tests
# Most distinct characters a model reads and writes; rarer ones share one symbol, UNKNOWN
# (a Chinese text can hold thousands: the output layer would dwarf the network).
MAX_VOCAB = 256
UNKNOWN = "\ufffd"
LN2 = math.log(2.0)
CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


# ---- The text as ids ------------------------------------------------------------------
def vocabulary(text: str) -> str:
    """The characters a model of `text` reads and writes, sorted; past MAX_VOCAB the
    rarest share UNKNOWN (ties broken by character order)."""
    counts: dict[str, int] = {}
    for c in text:
        counts[c] = counts.get(c, 0) + 1
    if len(counts) <= MAX_VOCAB:
        return "".join(sorted(counts))
    kept = sorted(counts, key=lambda c: (-counts[c], c))[: MAX_VOCAB - 1]
    return "".join(sorted(kept + [UNKNOWN]))


def encode(text: str, vocab: str) -> np.ndarray:
    """(len(text),) int64 ids into `vocab`; a character outside it is UNKNOWN's id if
    the vocabulary has one, else skipped."""
    index = {c: i for i, c in enumerate(vocab)}
    unknown = index.get(UNKNOWN)
    ids = [index.get(c, unknown) for c in text]
    return np.array([i for i in ids if i is not None], dtype=np.int64)


def split_ids(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(train, test) ids: the first TRAIN_FRACTION, then the rest."""
    cut = int(round(len(ids) * TRAIN_FRACTION))
    return ids[:cut], ids[cut:]


# ---- The network ----------------------------------------------------------------------
class CharModel(nn.Module):
    """Embedding -> recurrent layers -> a linear head over the vocabulary, per step."""

    def __init__(self, model: str, vocab_size: int, hidden_size: int, num_layers: int) -> None:
        super().__init__()
        if model not in CELLS:
            raise ValueError(f"unknown model {model!r}; choose from {sorted(CELLS)}")
        self.kind = model
        self.embed = nn.Embedding(vocab_size, EMBED_SIZE)
        self.rnn = CELLS[model](EMBED_SIZE, hidden_size, num_layers=num_layers, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)

    def hidden(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (B, L) -> (B, L, H) the last layer's output at every step (zero start)."""
        out, _ = self.rnn(self.embed(ids))
        return out

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (B, L) -> (B, L, V) logits of the next character after each step."""
        return self.head(self.hidden(ids))


def init_char_model(
    model: str, vocab_size: int, hidden_size: int, num_layers: int, seed: int
) -> CharModel:
    """The untrained network, every weight drawn from a generator seeded with `seed`
    (PyTorch's default distributions: U(±1/√H) for the cell and head, N(0, 1) for the
    embedding), none from the global RNG."""
    gen = torch.Generator().manual_seed(seed)
    with torch.device("meta"):
        net = CharModel(model, vocab_size, hidden_size, num_layers)
    net = net.to_empty(device="cpu")
    bound = 1.0 / math.sqrt(hidden_size)
    with torch.no_grad():
        net.embed.weight.normal_(0.0, 1.0, generator=gen)
        for p in net.rnn.parameters():
            p.uniform_(-bound, bound, generator=gen)
        for p in net.head.parameters():
            p.uniform_(-bound, bound, generator=gen)
    return net


# ---- Windows and scores ---------------------------------------------------------------
def windows(ids: np.ndarray, length: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Non-overlapping training windows: inputs (N, length) and targets (N, length),
    the targets one character ahead. N = (len(ids) - 1) // length."""
    n = (len(ids) - 1) // length
    x = torch.from_numpy(ids[: n * length].reshape(n, length).copy())
    y = torch.from_numpy(ids[1 : n * length + 1].reshape(n, length).copy())
    return x, y


def chunks(ids: np.ndarray, length: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Every target of `ids` (all but the first character) in batches of windows of at
    most `length` inputs, each read from a zero state: the full windows as one batch,
    then the shorter tail as another."""
    x, y = windows(ids, length)
    out = [(x, y)] if len(x) else []
    done = len(x) * length
    if done < len(ids) - 1:
        tail_x = torch.from_numpy(ids[done:-1].copy()).unsqueeze(0)  # (1, rest)
        tail_y = torch.from_numpy(ids[done + 1 :].copy()).unsqueeze(0)
        out.append((tail_x, tail_y))
    return out


def bits_of(net: CharModel, ids: np.ndarray, length: int) -> float:
    """Mean bits per character the network gives every target of `ids` (see `chunks`)."""
    total, count = 0.0, 0
    with torch.inference_mode():
        for x, y in chunks(ids, length):
            logits = net(x)  # (B, L, V)
            total += F.cross_entropy(logits.flatten(0, 1), y.flatten(), reduction="sum").item()
            count += y.numel()
    return total / count / LN2


# ---- Training -------------------------------------------------------------------------
def fit(net, train_ids, test_ids, length: int, epochs: int, lr: float, seed: int):
    """Train `net` and yield (epoch, train bits, test bits): epoch 0 untrained, then
    after each epoch's steps (the network in eval mode while its caller reads it)."""
    x, y = windows(train_ids, length)  # (N, L), (N, L)
    order_gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    net.eval()
    yield 0, bits_of(net, train_ids, length), bits_of(net, test_ids, length)
    for epoch in range(1, epochs + 1):
        net.train()
        order = torch.randperm(len(x), generator=order_gen)
        for start in range(0, len(x), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            logits = net(x[batch])  # (B, L, V)
            loss = F.cross_entropy(logits.flatten(0, 1), y[batch].flatten())
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(net.parameters(), CLIP_GRAD)
            opt.step()
        net.eval()
        yield epoch, bits_of(net, train_ids, length), bits_of(net, test_ids, length)
