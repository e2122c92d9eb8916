"""A character-level language model: the network, its training (scored against the
baselines of ids.py, on the same split and targets), and what a trained one says
(samples, next-character odds; what its units follow: probe.py).

Losses are in **bits per character**: the cross-entropy of the true next character
under the model, in base 2 (nats / ln 2). A model that knows nothing but the alphabet of
V characters scores log2 V; a perfect one 0; 2^bits is the perplexity (the number of
characters it is, on average, as unsure as choosing among).

Next-character odds read the last seq_length characters of the prompt from a zero state
(the context the network was trained with); generation starts the same way, then carries
the state on, one step per written character (cheaper at long windows than re-reading the last
window at every step; at the default settings both wrote the same 400 characters), stepped
by `Writer` in float64 numpy, each prompt with its own stream of draws (`sample_seed`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from playground.pipeline.threads import single_threaded
from playground.text.charnet import CharModel, encode, fit, init_char_model, split_ids, vocabulary
from playground.text.config import TextConfig
from playground.text.ids import bigram_bits, text_of, unigram_bits

SNAPSHOT_COUNT = 6  # samples kept while training: epoch 0, ..., the last
SNAPSHOT_CHARS = 160  # length of each snapshot's sample
SNAPSHOT_TEMPERATURE = 0.5

# on_epoch(epoch, train_bits, test_bits): epoch counts from 1, once per epoch, in order.
TextEpochCallback = Callable[[int, float, float], None]


# ---- A trained model and what it says ---------------------------------------------------
@dataclass
class FittedText:
    """A trained character model with what it needs to read and write text."""

    net: CharModel  # eval mode, gradients off: shared read-only
    vocab: str  # id -> character
    seq_length: int  # the context it reads (its training window)
    fallback: str  # the context of an empty prompt (a line start, else the first char)

    def ids(self, text: str) -> np.ndarray:
        return encode(text, self.vocab)


@dataclass
class TextResult:
    """What a text run produced: tidy frames and the fitted network."""

    cfg: TextConfig
    losses: pd.DataFrame  # epoch, split, loss (bits per character); epoch 0 = untrained
    metrics: pd.DataFrame  # model, split, loss (bits per character), perplexity
    snapshots: pd.DataFrame  # epoch, sample: written from an empty prompt during training
    fitted: FittedText = field(repr=False)
    diverged: bool = False  # a loss became NaN/inf; the last good weights are kept
    stopped_epoch: int = 0  # the last epoch trained


def snapshot_epochs(epochs: int, count: int = SNAPSHOT_COUNT) -> list[int]:
    """`count` epochs spread from 0 to `epochs` (fewer if epochs is small)."""
    return sorted({round(i * epochs / (count - 1)) for i in range(count)})


@single_threaded
def run_text(cfg: TextConfig, on_epoch: TextEpochCallback | None = None) -> TextResult:
    """Train a character model per `cfg` and score it against the baselines. The same
    config gives the same bits in any thread or process."""
    if cfg.task != "next_char":
        raise ValueError(f"run_text trains task 'next_char'; got {cfg.task!r}")
    text = text_of(cfg)
    vocab = vocabulary(text)
    ids = encode(text, vocab)
    train_ids, test_ids = split_ids(ids)
    if len(train_ids) < cfg.seq_length + 1 or len(test_ids) < 2:
        raise ValueError(f"text too short for a window of {cfg.seq_length}")
    V = len(vocab)
    net = init_char_model(cfg.model, V, cfg.hidden_size, cfg.num_layers, cfg.seed)
    fallback = "\n" if "\n" in vocab else vocab[int(ids[0])]
    fitted = FittedText(net, vocab, cfg.seq_length, fallback)
    keep = snapshot_epochs(cfg.epochs)
    rows: list[tuple[int, str, float]] = []
    samples: list[tuple[int, str]] = []
    diverged, stopped = False, 0
    saved = [p.detach().clone() for p in net.parameters()]
    trained = fit(net, train_ids, test_ids, cfg.seq_length, cfg.epochs, cfg.learning_rate, cfg.seed)
    for epoch, tr, te in trained:
        if not (math.isfinite(tr) and math.isfinite(te)):  # keep the last good weights
            with torch.no_grad():
                for p, s in zip(net.parameters(), saved, strict=True):
                    p.copy_(s)
            diverged = True
            break
        rows.extend([(epoch, "train", tr), (epoch, "test", te)])
        if epoch in keep:
            sample = _sample(fitted, "", SNAPSHOT_CHARS, SNAPSHOT_TEMPERATURE, cfg.seed)
            samples.append((epoch, sample))
        if epoch == 0:
            continue
        stopped = epoch
        with torch.no_grad():
            for s, p in zip(saved, net.parameters(), strict=True):
                s.copy_(p)
        if on_epoch is not None:
            on_epoch(epoch, tr, te)
    net.eval()
    net.requires_grad_(False)
    losses = pd.DataFrame(rows, columns=["epoch", "split", "loss"])
    last = losses[losses.epoch == losses.epoch.max()].set_index("split").loss
    metric_rows = []
    for split, split_ids_ in (("train", train_ids), ("test", test_ids)):
        targets, prev = split_ids_[1:], split_ids_[:-1]
        metric_rows += [
            (cfg.model, split, float(last[split])),
            ("unigram", split, unigram_bits(train_ids, targets, V)),
            ("bigram", split, bigram_bits(train_ids, prev, targets, V)),
        ]
    metrics = pd.DataFrame(metric_rows, columns=["model", "split", "loss"])
    metrics["perplexity"] = np.exp2(metrics.loss)
    snapshots = pd.DataFrame(samples, columns=["epoch", "sample"])
    return TextResult(cfg, losses, metrics, snapshots, fitted, diverged, stopped)


def _context(fitted: FittedText, prompt: str) -> list[int]:
    """The ids the network reads for `prompt`: its known characters, or the fallback."""
    ids = list(fitted.ids(prompt)) or list(fitted.ids(fitted.fallback))
    return ids


def _next_logits(fitted: FittedText, context: list[int]) -> torch.Tensor:
    """(V,) logits of the character after the last seq_length ids of `context`."""
    x = torch.tensor([context[-fitted.seq_length :]], dtype=torch.int64)  # (1, L)
    return fitted.net(x)[0, -1]


def sample_seed(seed: int, prompt: str) -> int:
    """The seed of the draws written after `prompt`: its own stream per (seed, prompt),
    so two prompts never share their draws (with shared draws, once the state had
    forgotten the prompt, two prompts wrote one text)."""
    digest = hashlib.sha256(f"{seed}\n{prompt}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "little")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # = 1 / (1 + e^-x), never overflows


class Writer:
    """The network stepped one character at a time, in float64 numpy: the same equations
    as nn.RNN / nn.LSTM / nn.GRU with the trained weights (checked against them in the
    tests). A torch call per written character cost ~0.2 s of a default run's 1.2 s
    for its six snapshots; this costs a tenth of that."""

    def __init__(self, net: CharModel) -> None:
        def arr(t: torch.Tensor) -> np.ndarray:
            return t.detach().double().numpy()

        rnn, self.kind = net.rnn, net.kind
        self.layers = []  # per layer (w_ih, b_ih, w_hh, b_hh), (G, In), (G,), (G, H), (G,)
        for n in range(rnn.num_layers):
            names = ("weight_ih", "bias_ih", "weight_hh", "bias_hh")
            self.layers.append(tuple(arr(getattr(rnn, f"{w}_l{n}")) for w in names))
        w_ih, b_ih = self.layers[0][:2]
        self.table = arr(net.embed.weight) @ w_ih.T + b_ih  # (V, G): each char's input part
        self.head_w, self.head_b = arr(net.head.weight), arr(net.head.bias)  # (V, H), (V,)
        hidden = rnn.hidden_size
        self.h = [np.zeros(hidden) for _ in self.layers]  # zero start
        self.c = [np.zeros(hidden) for _ in self.layers]  # the LSTM's cell states

    def step(self, char: int) -> np.ndarray:
        """Read one character id; (V,) logits of the next character."""
        for n, (w_ih, b_ih, w_hh, b_hh) in enumerate(self.layers):
            gi = self.table[char] if n == 0 else w_ih @ self.h[n - 1] + b_ih  # (G,)
            gh = w_hh @ self.h[n] + b_hh  # (G,)
            if self.kind == "rnn":
                self.h[n] = np.tanh(gi + gh)
            elif self.kind == "lstm":
                i, f, g, o = np.split(gi + gh, 4)
                self.c[n] = _sigmoid(f) * self.c[n] + _sigmoid(i) * np.tanh(g)
                self.h[n] = _sigmoid(o) * np.tanh(self.c[n])
            else:  # gru
                (ri, zi, ni), (rh, zh, nh) = np.split(gi, 3), np.split(gh, 3)
                r, z = _sigmoid(ri + rh), _sigmoid(zi + zh)
                self.h[n] = (1.0 - z) * np.tanh(ni + r * nh) + z * self.h[n]
        return self.head_w @ self.h[-1] + self.head_b


def _sample(fitted: FittedText, prompt: str, length: int, temperature: float, seed: int) -> str:
    """See `generate`: the window of the prompt from a zero state, then one step per
    written character with the state carried on."""
    rng = np.random.default_rng(sample_seed(seed, prompt))
    writer = Writer(fitted.net)
    for char in _context(fitted, prompt)[-fitted.seq_length :]:
        logits = writer.step(char)
    out: list[str] = []
    for i in range(length):
        if temperature <= 0.0:
            nxt = int(np.argmax(logits))
        else:
            scaled = logits / temperature
            cum = np.cumsum(np.exp(scaled - scaled.max()))  # softmax, unnormalised
            nxt = min(int(np.searchsorted(cum, rng.random() * cum[-1], side="right")), len(cum) - 1)
        out.append(fitted.vocab[nxt])
        if i + 1 < length:
            logits = writer.step(nxt)
    return "".join(out)


@single_threaded
def generate(
    result: TextResult, prompt: str, length: int = 200, temperature: float = 0.8, seed: int = 0
) -> str:
    """`length` characters the trained network writes after `prompt` (the prompt not
    included): it reads the prompt's last seq_length characters from a zero state, then
    carries its state on as it writes. Temperature 0 takes the likeliest character
    each step; above 0 samples from softmax(logits / temperature) with a generator
    seeded by `seed` and `prompt` together (`sample_seed`): the same result, prompt,
    temperature and seed give the same text, and two prompts draw from two streams.
    Characters of the prompt outside the vocabulary are skipped; an empty prompt starts
    at a line start."""
    if length < 0:
        raise ValueError(f"length must be at least 0, got {length}")
    if not math.isfinite(temperature) or temperature < 0:
        raise ValueError(f"temperature must be finite and at least 0, got {temperature}")
    return _sample(result.fitted, prompt, length, temperature, seed)


@single_threaded
def next_char_probs(result: TextResult, prefix: str) -> pd.DataFrame:
    """The network's probability of every character coming next after `prefix`:
    columns char, p; sorted by p (largest first), p summing to 1."""
    fitted = result.fitted
    with torch.inference_mode():
        p = torch.softmax(_next_logits(fitted, _context(fitted, prefix)).double(), dim=0)
    frame = pd.DataFrame({"char": list(fitted.vocab), "p": p.numpy()})
    return frame.sort_values(["p", "char"], ascending=[False, True], ignore_index=True)
