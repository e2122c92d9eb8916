"""Text classification that needs memory: short generated reviews whose label depends on
a negation standing `gap` words before the end.

A review is a subject, "was", "not" (or, as often, "really"), then exactly `gap`
neutral words (an aside: "as my friend said after the long walk home"), then an
adjective: "the soup was not, as my friend said, good". The label is the adjective's
sentiment, flipped by the negation. The last word alone gives the right answer only half
the time; the network must carry "was there a 'not'?" across the aside. The same
grammar in Chinese ("这碗汤，不，我朋友说，好"), one word per token.

The reviews, the classifier and its training stand alone in reviews.py (the exported
script ships that file). `run_sentiment(cfg)` trains the classifier and reports
train/test loss and accuracy, and which words its test answers depended on
(|∂logit/∂embedding| per word, averaged over the test reviews, by distance from the end).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from playground.params import keep_gate_block
from playground.pipeline.threads import single_threaded
from playground.text.config import TextConfig
from playground.text.reviews import (
    EPOCHS,
    N_TEST,
    ReviewClassifier,
    evaluate,
    fit,
    init_classifier,
    reviews_data,
)

__all__ = ["N_TEST", "SentimentResult", "lang_of", "run_sentiment", "word_saliency"]


@dataclass
class SentimentResult:
    """One training on the sentiment task."""

    cfg: TextConfig
    losses: pd.DataFrame  # epoch, split, loss (logistic loss, nats)
    metrics: pd.DataFrame  # model, split, loss, accuracy
    saliency: pd.DataFrame  # position (words before the end, 0 = last), word_role, saliency
    net: ReviewClassifier = field(repr=False)
    vocab: list[str] = field(repr=False)


def lang_of(cfg: TextConfig) -> str:
    """The reviews' language: Chinese for the Chinese corpus, else English."""
    return "zh" if cfg.corpus == "zh" else "en"


@single_threaded
def run_sentiment(cfg: TextConfig, epochs: int = EPOCHS) -> SentimentResult:
    """Train `cfg.model` on reviews at `cfg.gap` (seeded by `cfg.seed`): losses per
    epoch, test accuracy, and the saliency of each position of the test reviews."""
    vocab, data = reviews_data(lang_of(cfg), cfg.gap, cfg.seed)
    xtr, ytr, xte, yte = data
    net = init_classifier(cfg.model, len(vocab), cfg.seed, keep_gate_block(cfg.model))
    rows = []
    for epoch, train, test in fit(net, data, epochs, cfg.seed):
        rows += [(epoch, "train", train), (epoch, "test", test)]
    net.eval()
    net.requires_grad_(False)
    metric_rows = [
        (cfg.model, split, *evaluate(net, xs, ys))
        for split, xs, ys in (("train", xtr, ytr), ("test", xte, yte))
    ]
    return SentimentResult(
        cfg,
        pd.DataFrame(rows, columns=["epoch", "split", "loss"]),
        pd.DataFrame(metric_rows, columns=["model", "split", "loss", "accuracy"]),
        word_saliency(net, xte, cfg.gap),
        net,
        vocab,
    )


def word_saliency(net: ReviewClassifier, x: torch.Tensor, gap: int) -> pd.DataFrame:
    """Mean over reviews of |∂logit/∂vector| (the L2 norm over the word vector's
    entries) at each of the last gap + 2 positions: position 0 is the adjective, gap + 1
    the word that is "not" (or "really"). Columns position, role ("adjective",
    "aside", "negation"), saliency."""
    with torch.enable_grad():
        vectors = net.embed(x).detach().requires_grad_(True)  # (B, L, E)
        net.from_vectors(vectors).sum().backward()
    per_word = vectors.grad.norm(dim=-1).mean(dim=0).flip(0)[: gap + 2]  # last word first
    roles = ["adjective"] + ["aside"] * gap + ["negation"]
    return pd.DataFrame(
        {"position": np.arange(gap + 2), "role": roles, "saliency": per_word.numpy()}
    )
