"""A text as the character model reads it (its vocabulary, ids and train/test split
live in charnet.py, which stands alone), and the two baselines a network must beat on
the same targets (see charlm).

Split: the first TRAIN_FRACTION (charnet) of the text trains, the rest tests. Every prediction
(network and baselines) is scored on the same targets: each character of a split but
the first. The network reads a split in chunks of seq_length characters, each from a
zero state, the way it was trained; the baselines are the unigram (character
frequencies of the training text) and the bigram (the next character's frequencies
after the previous one in the training text), both add-one smoothed over the
vocabulary, so no test character has probability 0."""

from __future__ import annotations

import numpy as np

from playground.text.config import TextConfig


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
