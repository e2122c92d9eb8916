"""A text as the character model reads it: its vocabulary, its ids, the train/test
split, and the two baselines a network must beat on the same targets (see charlm).

Split: the first TRAIN_FRACTION of the text trains, the rest tests. Every prediction
(network and baselines) is scored on the same targets: each character of a split but
the first. The network reads a split in chunks of seq_length characters, each from a
zero state, the way it was trained; the baselines are the unigram (character
frequencies of the training text) and the bigram (the next character's frequencies
after the previous one in the training text), both add-one smoothed over the
vocabulary, so no test character has probability 0."""

from __future__ import annotations

import numpy as np

from playground.text.config import TextConfig
from playground.text.validate import MAX_VOCAB, UNKNOWN

TRAIN_FRACTION = 0.9  # the first 90 % of the text trains; the rest tests


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


def text_of(cfg: TextConfig) -> str:
    """The text `cfg` reads: a built-in corpus or the learner's own."""
    return cfg.source()


# ---- Baselines ------------------------------------------------------------------------
def unigram_bits(train: np.ndarray, targets: np.ndarray, vocab_size: int) -> float:
    """Mean bits per character of `targets` under the add-one smoothed character
    frequencies of `train`: p(c) = (n_c + 1) / (N + V)."""
    counts = np.bincount(train, minlength=vocab_size).astype(np.float64) + 1.0
    p = counts / counts.sum()
    return float(-np.log2(p[targets]).mean())


def bigram_bits(train: np.ndarray, prev: np.ndarray, targets: np.ndarray, vocab_size: int) -> float:
    """Mean bits per character of `targets` given the character before each (`prev`),
    under add-one smoothed counts of pairs in `train`:
    p(c | b) = (n_bc + 1) / (n_b· + V), n_b· counting b's successors."""
    pairs = np.zeros((vocab_size, vocab_size), dtype=np.float64)
    np.add.at(pairs, (train[:-1], train[1:]), 1.0)
    pairs += 1.0
    p = pairs / pairs.sum(axis=1, keepdims=True)
    return float(-np.log2(p[prev, targets]).mean())
