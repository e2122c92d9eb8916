"""What a trained translator says: the translation of any text with its attention, the
decoder step by step (top choices, where it looked), accuracy by input length (alone or
with and without attention over seeds) and, on dates, whether each output digit looked
at its own source digit.

A source character the network never saw in training reads as the unknown id (UNK):
`translate` still answers, and `unknown_chars` names those characters for the page.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import replace

import pandas as pd
import torch

from playground.pipeline.threads import single_threaded
from playground.translate import seq2seq as s2s
from playground.translate.config import TranslateConfig
from playground.translate.pairs import MAX_SIDE_CHARS
from playground.translate.run import TranslateResult, run_translate
from playground.translate.tasks import DATE_FORMS, date_alignment, write_date

ATTENTION_COLUMNS = ["source_pos", "source_char", "output_pos", "output_char", "weight"]
STEP_COLUMNS = ["output_pos", "output_char", "rank", "choice", "p", "looked_pos", "looked_char"]
LENGTH_COLUMNS = ["length", "pairs", "exact", "char_accuracy"]
END = "</s>"  # the end of the output, as a choice of the decoder


def source_of(text: str) -> str:
    """The part of `text` a translator reads: its first MAX_SIDE_CHARS characters."""
    return text[:MAX_SIDE_CHARS]


def unknown_chars(result: TranslateResult, text: str) -> list[str]:
    """Characters of `text` (as read) the network never saw in training, each once, in
    order; they read as the unknown id."""
    known = set(result.src_vocab[len(s2s.SPECIALS) :])
    return list(dict.fromkeys(c for c in source_of(text) if c not in known))


def decode_one(result: TranslateResult, text: str) -> tuple[list[int], torch.Tensor, torch.Tensor]:
    """Greedy decoding of one source: ids up to and with EOS (or max_len of them), their
    steps' log probabilities (T, V) and attention weights (T, S)."""
    src = s2s.pad([s2s.encode(source_of(text), result.src_vocab)])
    ids, logps, weights = s2s.greedy(result.net, src, result.max_len)
    row = ids[0].tolist()
    steps = row.index(s2s.EOS) + 1 if s2s.EOS in row else len(row)
    return row[:steps], logps[0, :steps], weights[0, :steps]


def char_of(result: TranslateResult, i: int) -> str:
    """An output id as text: END for EOS, U+FFFD for UNK, the other specials by name
    ("<pad>", "<s>": never trained as targets, so only ever unlikely choices)."""
    if i == s2s.EOS:
        return END
    return s2s.decode([i], result.tgt_vocab) if i >= s2s.UNK else s2s.SPECIALS[i]


@single_threaded
def translate(result: TranslateResult, text: str) -> tuple[str, pd.DataFrame]:
    """The network's translation of `text` (greedy) and its attention: one row per
    (source character, output character) with columns source_pos, source_char,
    output_pos, output_char, weight (each output character's weights sum to 1). The
    output's end is not a row. Without attention, or for a blank text, the frame is
    empty (same columns)."""
    if not source_of(text):
        return "", pd.DataFrame(columns=ATTENTION_COLUMNS)
    ids, _, weights = decode_one(result, text)
    output = s2s.decode(ids, result.tgt_vocab)
    if not result.cfg.attends:
        return output, pd.DataFrame(columns=ATTENTION_COLUMNS)
    source = source_of(text)
    rows = [
        (j, source[j], t, output[t], float(weights[t, j]))
        for t in range(len(output))
        for j in range(len(source))
    ]
    return output, pd.DataFrame(rows, columns=ATTENTION_COLUMNS)


@single_threaded
def decoder_steps(result: TranslateResult, text: str, k: int = 3) -> pd.DataFrame:
    """The decoder step by step: for each output step (the end, END, included) its `k`
    likeliest choices (rank 1 = the one written) with probability p, and the source
    position and character it looked at most (looked_pos -1, looked_char "" without
    attention). Columns: output_pos, output_char, rank, choice, p, looked_pos,
    looked_char."""
    if not source_of(text):
        return pd.DataFrame(columns=STEP_COLUMNS)
    source = source_of(text)
    ids, logps, weights = decode_one(result, text)
    rows = []
    for t, i in enumerate(ids):
        top = torch.topk(logps[t].double().exp(), min(k, logps.shape[1]))
        looked = int(weights[t].argmax()) if result.cfg.attends else -1
        for rank, (p, c) in enumerate(zip(top.values.tolist(), top.indices.tolist()), 1):
            rows.append(
                (t, char_of(result, i), rank, char_of(result, c), p, looked,
                 source[looked] if looked >= 0 else "")
            )  # fmt: skip
    return pd.DataFrame(rows, columns=STEP_COLUMNS)


def accuracy_by_length(result: TranslateResult) -> pd.DataFrame:
    """Held-out accuracy per source length: length, pairs, exact, char_accuracy."""
    held = result.held_out
    rows = []
    for length, part in held.groupby("length", sort=True):
        _, chars = s2s.accuracies(list(part.output), list(part.target))
        rows.append((int(length), len(part), float(part.exact.mean()), chars))
    return pd.DataFrame(rows, columns=LENGTH_COLUMNS)


def length_frame(results: Iterable[TranslateResult]) -> pd.DataFrame:
    """accuracy_by_length of several runs, stacked with their attention and seed:
    attention, seed, length, pairs, exact, char_accuracy."""
    parts = []
    for r in results:
        part = accuracy_by_length(r)
        part.insert(0, "seed", r.cfg.seed)
        part.insert(0, "attention", r.cfg.attention)
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def attention_by_length(cfg: TranslateConfig, seeds: Sequence[int] = (0, 1, 2)) -> pd.DataFrame:
    """`cfg` trained with and without attention on each seed (2 x len(seeds) runs),
    as `length_frame` (the page runs the same configs through its cache instead)."""
    runs = [
        run_translate(replace(cfg, attention=a, seed=s))
        for a in ("additive", "none")
        for s in seeds
    ]
    return length_frame(runs)


@single_threaded
def digit_attention(result: TranslateResult) -> pd.DataFrame:
    """On dates: for each held-out pair and each digit of the output that copies a
    source digit (`tasks.date_alignment`), the source position it looked at most and its
    own: columns source, output_pos, own_pos, looked_pos, hit. Empty for other tasks or
    without attention."""
    columns = ["source", "output_pos", "own_pos", "looked_pos", "hit"]
    if result.cfg.task != "dates" or not result.cfg.attends:
        return pd.DataFrame(columns=columns)
    rows = []
    for source, target in zip(result.held_out.source, result.held_out.target, strict=True):
        day = datetime.date.fromisoformat(target)
        form = next(f for f in DATE_FORMS if write_date(day, f) == source)
        _, _, weights = decode_one(result, source)
        for t, own in enumerate(date_alignment(day, form)):
            if own >= 0 and t < len(weights):
                looked = int(weights[t].argmax())
                rows.append((source, t, own, looked, looked == own))
    return pd.DataFrame(rows, columns=columns)
