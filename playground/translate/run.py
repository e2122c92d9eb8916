"""One translation run: pairs (generated or the learner's) -> train / held-out split ->
character vocabularies -> the encoder-decoder trained (seq2seq.py) with a replay of a few
held-out translations written while it trained -> accuracies per split, and chrF / BLEU
(sacrebleu) beside two baselines that do not learn.

Own pairs are read **character by character**, like the generated tasks: a Chinese side
has no spaces to split words at, a word vocabulary of a few thousand pairs would leave
most held-out words unseen (each an unknown), and characters keep the vocabulary and
the output layer small (at most MAX_VOCAB per side; rarer characters read as unknown).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from playground.pipeline.threads import check_stop, single_threaded
from playground.translate import seq2seq as s2s
from playground.translate.config import HELD_OUT, TranslateConfig
from playground.translate.tasks import make_pairs, split_pairs

MAX_VOCAB = 300  # characters per side a network reads or writes; rarer ones are unknown
SAMPLE_COUNT = 5  # held-out inputs the replay follows (the first of the held-out pairs)
SNAPSHOT_COUNT = 6  # epochs the replay shows: 0 (untrained), ..., the last
EXTRA_STEPS = 5  # greedy decoding writes at most the longest training target + this
NGRAM_BINS = 512  # hashed character uni- and bigram counts of the nearest-pair baseline

Pairs = list[tuple[str, str]]


@dataclass
class TranslateResult:
    """What a translation run produced: tidy frames and the trained network."""

    cfg: TranslateConfig
    losses: pd.DataFrame  # epoch, split ("train" | "held_out"), loss (nats per character)
    metrics: pd.DataFrame  # split, pairs, exact, char_accuracy (shares, 0..1)
    samples: pd.DataFrame  # epoch, source, output, target: the replay (held-out inputs)
    held_out: pd.DataFrame  # source, target, output, length (source chars), exact
    scores: pd.DataFrame  # system ("model" | "nearest" | "copy"), chrf, bleu on held-out
    net: s2s.Seq2Seq = field(repr=False)  # eval mode, gradients off: shared read-only
    src_vocab: list[str] = field(repr=False)  # id -> character (SPECIALS first)
    tgt_vocab: list[str] = field(repr=False)
    max_len: int = 0  # steps greedy decoding writes at most
    diverged: bool = False  # a loss stopped being finite; training stopped there
    train_pairs: Pairs = field(default_factory=list, repr=False)


def snapshot_epochs(epochs: int, count: int = SNAPSHOT_COUNT) -> list[int]:
    """`count` epochs spread from 0 to `epochs` (fewer if epochs is small)."""
    return sorted({round(i * epochs / (count - 1)) for i in range(count)})


def pairs_of(cfg: TranslateConfig, pairs: Sequence[tuple[str, str]] | None) -> Pairs:
    """The pairs a run uses: generated for a generated task; the learner's first
    `cfg.pairs` for task "own"."""
    if cfg.task == "own":
        if not pairs:
            raise ValueError("task 'own' needs pairs (read them with read_pairs)")
        return [(str(a), str(b)) for a, b in list(pairs)[: cfg.pairs]]
    return make_pairs(cfg.task, cfg.pairs, cfg.seed)


def data_of(
    cfg: TranslateConfig, pairs: Sequence[tuple[str, str]] | None = None
) -> tuple[Pairs, Pairs, list[str], list[str]]:
    """(train, held-out, source vocabulary, target vocabulary) of a run."""
    train, held = split_pairs(pairs_of(cfg, pairs), HELD_OUT, cfg.seed)
    src_vocab = s2s.vocabulary([a for a, _ in train], MAX_VOCAB)
    tgt_vocab = s2s.vocabulary([b for _, b in train], MAX_VOCAB)
    return train, held, src_vocab, tgt_vocab


@single_threaded
def run_translate(
    cfg: TranslateConfig,
    on_epoch: s2s.EpochCallback | None = None,
    pairs: Sequence[tuple[str, str]] | None = None,
) -> TranslateResult:
    """Train an encoder-decoder per `cfg` (on `pairs` for task "own") and score it.
    `on_epoch(epoch, train_loss, held_out_loss)` after each epoch. The same config (and
    pairs) gives the same bits in any thread or process."""
    train, held, src_vocab, tgt_vocab = data_of(cfg, pairs)
    net = s2s.init_seq2seq(
        cfg.model, len(src_vocab), len(tgt_vocab), cfg.hidden_size, cfg.attends, cfg.seed
    )
    max_len = max(len(b) for _, b in train) + EXTRA_STEPS

    def outputs(sources: list[str]) -> list[str]:
        return s2s.translate_all(net, sources, src_vocab, tgt_vocab, max_len)

    shown = held[:SAMPLE_COUNT]
    keep = snapshot_epochs(cfg.epochs)
    replay: list[tuple[int, str, str, str]] = []

    def snapshot(epoch: int) -> None:
        for (a, b), out in zip(shown, outputs([a for a, _ in shown]), strict=True):
            replay.append((epoch, a, out, b))

    def each(epoch: int, train_loss: float, held_loss: float) -> None:
        check_stop()
        if epoch in keep:
            snapshot(epoch)
        if on_epoch is not None:
            on_epoch(epoch, train_loss, held_loss)

    snapshot(0)
    train_t = s2s.tensors(train, src_vocab, tgt_vocab)
    held_t = s2s.tensors(held, src_vocab, tgt_vocab)
    rows = s2s.fit(net, train_t, held_t, cfg.epochs, cfg.learning_rate, cfg.seed, each)
    net.eval()
    net.requires_grad_(False)
    losses = pd.DataFrame(rows, columns=["epoch", "split", "loss"])
    diverged = not bool(np.isfinite(losses.loss.to_numpy()).all())
    metric_rows = []
    held_out_out: list[str] = []
    for split, part in (("train", train), ("held_out", held)):
        outs = outputs([a for a, _ in part])
        exact, chars = s2s.accuracies(outs, [b for _, b in part])
        metric_rows.append((split, len(part), exact, chars))
        if split == "held_out":
            held_out_out = outs
    frame = pd.DataFrame(
        {
            "source": [a for a, _ in held],
            "target": [b for _, b in held],
            "output": held_out_out,
        }
    )
    frame["length"] = frame.source.str.len()
    frame["exact"] = frame.output == frame.target
    return TranslateResult(
        cfg=cfg,
        losses=losses,
        metrics=pd.DataFrame(metric_rows, columns=["split", "pairs", "exact", "char_accuracy"]),
        samples=pd.DataFrame(replay, columns=["epoch", "source", "output", "target"]),
        held_out=frame,
        scores=score_systems(train, held, held_out_out),
        net=net,
        src_vocab=src_vocab,
        tgt_vocab=tgt_vocab,
        max_len=max_len,
        diverged=diverged,
        train_pairs=train,
    )


# ---- chrF and BLEU beside baselines ----------------------------------------------------
def has_cjk(texts: Sequence[str]) -> bool:
    """Whether any text holds a CJK ideograph."""
    return any("\u4e00" <= c <= "\u9fff" for t in texts for c in t)


def chrf_bleu(outputs: Sequence[str], targets: Sequence[str]) -> tuple[float, float]:
    """sacrebleu's corpus chrF and BLEU (0-100) of `outputs` against one reference each;
    BLEU tokenises Chinese by character ("zh"), other text by words ("13a")."""
    import sacrebleu  # here, not at the top: ~0.15 s a process would pay at start

    refs = [list(targets)]
    chrf = sacrebleu.corpus_chrf(list(outputs), refs).score
    tokenize = "zh" if has_cjk(targets) else "13a"
    bleu = sacrebleu.corpus_bleu(list(outputs), refs, tokenize=tokenize).score
    return float(chrf), float(bleu)


def ngram_counts(texts: Sequence[str]) -> torch.Tensor:
    """(N, NGRAM_BINS) float64 counts of each text's characters and character pairs,
    hashed into bins by code points (the same in every process)."""
    out = torch.zeros(len(texts), NGRAM_BINS, dtype=torch.float64)
    for row, text in enumerate(texts):
        for i, c in enumerate(text):
            out[row, ord(c) % NGRAM_BINS] += 1
            if i:
                out[row, (ord(text[i - 1]) * 31 + ord(c) * 7 + 1) % NGRAM_BINS] += 1
    return out


def nearest_targets(train: Pairs, sources: Sequence[str]) -> list[str]:
    """For each source, the target of the training pair whose source is most alike
    (cosine of `ngram_counts`; ties: the first). Counts are whole numbers, so the dot
    products are exact in float64."""
    a, b = ngram_counts(list(sources)), ngram_counts([s for s, _ in train])
    a = a / a.norm(dim=1, keepdim=True).clamp_min(1e-12)
    b = b / b.norm(dim=1, keepdim=True).clamp_min(1e-12)
    best = (a @ b.T).argmax(dim=1).tolist()
    return [train[i][1] for i in best]


def score_systems(train: Pairs, held: Pairs, outputs: Sequence[str]) -> pd.DataFrame:
    """system, chrf, bleu on the held-out pairs: the model, the nearest training pair's
    target, and the source copied."""
    sources, targets = [a for a, _ in held], [b for _, b in held]
    systems = {"model": list(outputs), "nearest": nearest_targets(train, sources), "copy": sources}
    rows = [(name, *chrf_bleu(outs, targets)) for name, outs in systems.items()]
    return pd.DataFrame(rows, columns=["system", "chrf", "bleu"])
