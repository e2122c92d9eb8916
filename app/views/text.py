"""?view=text: a character-level language model on a built-in text or the learner's own,
and a review classifier whose answer needs memory. Its settings are the tab's own
(app/text_controls.py); its runs come from Streamlit's cache with their progress
(app/run.py), what it draws from them from the pure functions of playground/views/text.py
and views/sentiment.py. Shows bits per character against two baselines (and says, from
those numbers, whether the network beats each), a sample written after the learner's
start at a temperature, the next character's probabilities, one unit's output coloured
over the test text, and the samples written while it trained."""

from __future__ import annotations

from collections.abc import Callable, Hashable

import pandas as pd
import streamlit as st

from app import run
from app.context import PageContext, Places
from app.text_controls import asked_for, controls, key_of, locked_names
from playground.charts.text import (
    cells_chart,
    saliency_chart,
    shown_char,
    snapshot_player,
    sweep_chart,
    unit_html,
)
from playground.i18n import Note, t
from playground.params import MODELS
from playground.text import FEATURES, TextConfig
from playground.text.charlm import TextResult, run_text
from playground.text.config import MAX_TEXT_SECONDS, TEXT_PARAM_BY_NAME, budget_cut, default_size
from playground.text.charnet import UNKNOWN
from playground.text.sentiment import N_TEST, SentimentResult, run_sentiment
from playground.views.sentiment import SWEEP_SEEDS, gap_verdict, sentiment_config
from playground.views.sentiment import sentiment_downloads, sweep_configs, sweep_gaps, sweep_of
from playground.views.text import (
    COMPARE_SEEDS,
    PROMPTS,
    SAMPLE_CHARS,
    TEMPERATURES,
    cells_configs,
    cells_of,
    cells_verdict,
    first_visits,
    loss_chart,
    odds_chart,
    probe_units,
    size_verdict,
    text_downloads,
    TEMPERATURE,
    verdicts,
    write,
)


TEXT_EPOCHS = TEXT_PARAM_BY_NAME["epochs"]
# Test accuracy from which the page says the network reads the negation: the last word
# alone is right half the time (the labels are balanced), so well above a half, on
# N_TEST reviews, is the "not" read across the gap.
READS_NEGATION = 0.75
COMPARISONS_KEPT = 64  # comparisons' frames kept for every session (a few rows each)


# ---- Cached runs (one per config for the whole server) ----------------------------------
@st.cache_resource(max_entries=48, show_spinner=False)
def text_run(cfg: TextConfig, _report=None) -> TextResult:
    """The next-character run of `cfg`, reporting each epoch."""

    def on_epoch(epoch: int, train: float, test: float) -> None:
        if _report is not None:
            note = {"epoch": epoch, "total": cfg.epochs, "train": train, "test": test}
            _report((epoch / cfg.epochs, Note("progress.text.epoch", note)))

    with run.slot(_report):
        if _report is not None:
            chars = len(cfg.text) if cfg.corpus == "own" else ""
            note = {"model": cfg.model.upper(), "chars": chars}
            _report((0.0, Note("progress.text.started", note)))
        return run_text(cfg, on_epoch)


@st.cache_resource(max_entries=96, show_spinner=False)
def sentiment_run(cfg: TextConfig, _report=None) -> SentimentResult:
    """The reviews run of `cfg` (as `sentiment_config` keeps it: equal runs, one key)."""
    with run.slot(_report):
        if _report is not None:
            note = {"model": cfg.model.upper(), "gap": cfg.gap, "seed": cfg.seed}
            _report((0.0, Note("progress.text.sweep", note)))
        return run_sentiment(cfg)


@st.cache_resource(show_spinner=False)
def comparisons() -> dict[Hashable, pd.DataFrame]:
    """The comparisons someone ran (key -> frame, the last COMPARISONS_KEPT): every
    session shows one without pressing its button again, even once its runs are gone."""
    return {}


def warm_jobs() -> list:
    """The run of every first visit to the view (the default and each preset), for the
    warm-up."""
    return [
        (sentiment_run, (sentiment_config(c),)) if c.task == "sentiment" else (text_run, (c,))
        for c in first_visits()
    ]


def shared_all(ctx: PageContext, fn: Callable, cfgs: list[TextConfig], near) -> list:
    """The cached runs `fn` of `cfgs`, side by side, with one progress bar in the
    header's place and in `near`."""
    slots = [st.empty() if ctx.progress_slot is None else ctx.progress_slot, near]
    return run.shared_all(fn, [(c,) for c in cfgs], lang=ctx.lang, place=Places(slots))


# ---- The view ---------------------------------------------------------------------------
def render(ctx: PageContext) -> None:
    explained = st.empty()  # the task's explanation, above its settings
    cfg = controls(ctx)
    if not ctx.options.hide_text:  # each task says what it measures
        said = "view.text.explain" if cfg.task != "sentiment" else "view.text.explain_sentiment"
        explained.info(ctx.t(said), icon=":material/lightbulb:")
    here = st.empty()  # the training's progress, under the settings
    if cfg.task == "sentiment":
        sentiment(ctx, cfg, here)
        return
    prompt, temperature = writing_inputs(cfg.corpus)
    asked = asked_for(cfg)  # the budget cut the run: the default size trains beside it
    beside = None if asked is None else default_size(asked, locked_names(ctx.options.locked))
    try:
        result, *besides = shared_all(ctx, text_run, [cfg] + ([beside] if beside else []), here)
    except ValueError as err:
        st.error(ctx.t("text.error.cannot_train", error=err))
        return
    if result.diverged:
        st.error(ctx.t("error.diverged", epoch=result.stopped_epoch + 1))
    losses(ctx, result, besides[0] if besides else None)
    writing(ctx, result, prompt, temperature)
    units(ctx, result)
    snapshots(ctx, result)
    cells(ctx, cfg)


def compared(ctx: PageContext, key: Hashable, button: tuple[str, str], fn, cfgs, frame_of):
    """A comparison's frame: the one someone ran already, else `frame_of` the runs `fn`
    of `cfgs` once its button (label, widget key) is pressed; None until then."""
    done = comparisons()
    if key not in done:
        if not st.button(button[0], key=button[1]):
            return None
        done[key] = frame_of(shared_all(ctx, fn, cfgs, st.empty()))
        while len(done) > COMPARISONS_KEPT:
            done.pop(next(iter(done)), None)
    return done.get(key)


def cells(ctx: PageContext, cfg: TextConfig) -> None:
    """RNN, LSTM and GRU at these settings over seeds, behind a button; a live verdict
    with the spread."""
    st.subheader(ctx.t("text.compare.title"))
    cfgs, key = cells_configs(cfg), ("text_cells", cfg.key(), COMPARE_SEEDS)
    shown_seeds = ", ".join(map(str, COMPARE_SEEDS))
    button = ctx.t("text.compare.run", seeds=shown_seeds), "text_cells_run"
    frame = compared(ctx, key, button, text_run, cfgs, cells_of)
    if frame is None:
        seconds = sum(c.seconds() for c in cfgs)
        st.caption(ctx.t("text.compare.cost", runs=len(cfgs), seconds=f"{seconds:.0f}"))
        return
    v = cells_verdict(frame)
    numbers = {m: v.mean[m] for m in MODELS}
    numbers |= {f"{m}_low": v.low[m] for m in MODELS} | {f"{m}_high": v.high[m] for m in MODELS}
    best = ctx.t(f"choice.model.{v.best}")
    if not ctx.options.hide_text:  # the room is to read the chart first
        st.markdown(f"**{ctx.t('text.compare.verdict', seeds=shown_seeds, best=best, **numbers)}**")
        st.markdown(f"**{ctx.t('text.compare.apart' if v.apart else 'text.compare.overlap')}**")
    ctx.draw(key, "cells_chart", lambda: cells_chart(frame, ctx.lang))


def losses(ctx: PageContext, result: TextResult, beside: TextResult | None) -> None:
    """Bits per character against the baselines, and the verdicts from those numbers."""
    st.subheader(ctx.t("text.loss.title"))
    model = result.cfg.model.upper()
    said = verdicts(result.metrics, result.cfg.model) if not ctx.options.hide_text else ()
    for v in said:
        words = "text.verdict.beats" if v.beats else "text.verdict.loses"
        baseline = ctx.t(f"text.baseline.{v.baseline}")
        st.markdown(f"**{ctx.t(words, model=model, bits=v.bits, baseline=baseline, base=v.base)}**")
    budget(ctx, result, beside)
    more = more_epochs(result.cfg, ctx.options.locked)
    if any(not v.beats for v in said) and more:
        st.info(ctx.t("text.verdict.more_epochs", epochs=result.cfg.epochs, most=more))
    ctx.draw(("text", result.cfg.key()), "text_loss", lambda: loss_chart(result, ctx.lang))
    if not ctx.options.hide_text:
        st.caption(ctx.t("text.loss.caption"))
    downloads(ctx, text_downloads(result))


def budget(ctx: PageContext, result: TextResult, beside: TextResult | None) -> None:
    """When the budget cut the run: what it read of the text and its epochs, and beside
    it the default size trained in the same budget, from the two runs' numbers."""
    asked = asked_for(result.cfg)
    cut = None if asked is None else budget_cut(asked, result.cfg)
    if cut is None:
        return
    said = "text.budget.cut_text" if cut.chars < cut.total else "text.budget.cut_epochs"
    numbers = dict(budget=f"{MAX_TEXT_SECONDS:.0f}", chars=cut.chars, total=cut.total)
    st.markdown(f":material/timer: {ctx.t(said, epochs=cut.epochs, asked=cut.asked, **numbers)}")
    if beside is None or ctx.options.hide_text:
        return
    v, other = size_verdict(result, beside), beside.cfg
    size = dict(hidden=other.hidden_size, layers=other.num_layers, window=other.seq_length)
    words = "text.budget.default_wins" if v.default_wins else "text.budget.bigger_wins"
    st.markdown(
        ctx.t(
            words, budget=numbers["budget"], model=other.model.upper(), epochs=other.epochs,
            bits=v.bits, default_bits=v.default_bits, **size,
        )
    )  # fmt: skip


def more_epochs(cfg: TextConfig, locked: frozenset[str]) -> int | None:
    """The most epochs these settings may train, when that is more than they did and the
    instructor did not lock the epochs; else None."""
    if "text_epochs" in locked:
        return None
    most = min(cfg.max_epochs(), TEXT_EPOCHS.high)
    return most if most > cfg.epochs else None


def unseen_note(prompt: str, vocab: str, fallback: str, lang: str) -> str | None:
    """What the network makes of the characters of `prompt` its text never had (None
    when it had them all): read as its rare-character sign, left out, or (none known)
    replaced by the start it writes after."""
    unseen = "".join(dict.fromkeys(c for c in prompt if c not in vocab))
    if not unseen:
        return None
    chars = "、".join(unseen) if lang == "zh" else " ".join(unseen)
    if UNKNOWN in vocab:
        return t(lang, "text.prompt.unseen_rare", chars=chars)
    if all(c not in vocab for c in prompt):
        return t(lang, "text.prompt.unseen_all", chars=chars, start=shown_char(fallback, lang))
    return t(lang, "text.prompt.unseen_skipped", chars=chars)


def downloads(ctx: PageContext, files) -> None:
    """A row of download buttons that wraps, each as wide as its label (in equal columns
    a 1366 px screen cut "Samples while training (CSV)" short): kind -> (file name, MIME
    type, a function making it)."""
    row = st.container(horizontal=True, gap="small")
    for kind, (name, mime, data) in files.items():
        row.download_button(
            ctx.t(f"text.download.{kind}"),
            data,
            file_name=name,
            mime=mime,
            key=f"text_download_{kind}",
            on_click="ignore",
        )


def writing_inputs(corpus: str) -> tuple[str, float]:
    """The learner's start and temperature. They outlive their widgets (dropped while
    the tab is closed); a new text starts from a start that suits it."""
    kept = st.session_state.setdefault("text_writing", {"prompt": None, "temperature": TEMPERATURE})
    if st.session_state.get("text_prompt_corpus") != corpus:
        st.session_state.text_prompt_corpus = corpus
        kept["prompt"] = PROMPTS[corpus]
        st.session_state[key_of("prompt")] = kept["prompt"]
    for name in ("prompt", "temperature"):
        kept[name] = st.session_state.setdefault(key_of(name), kept[name])
    return kept["prompt"], kept["temperature"]


def writing(ctx: PageContext, result: TextResult, prompt: str, temperature: float) -> None:
    """The start typed by the learner, the text written after it, the next character's odds."""
    st.subheader(ctx.t("text.sample.title"))
    left, right = st.columns([2, 1])
    left.text_input(ctx.t("text.prompt"), key=key_of("prompt"), max_chars=200)
    right.select_slider(
        ctx.t("text.temperature"),
        TEMPERATURES,
        key=key_of("temperature"),
        help=ctx.t("text.temperature.help"),
    )
    key, seed, fitted = ("text", result.cfg.key()), result.cfg.seed, result.fitted
    unseen = unseen_note(prompt, fitted.vocab, fitted.fallback, ctx.lang)
    if unseen is not None:
        st.caption(f":material/info: {unseen}")
    written = lambda: write(result, prompt, temperature)  # noqa: E731
    sample = ctx.shared((key, prompt, temperature), "text_sample", written)
    st.code(prompt + sample, language=None, wrap_lines=True)
    st.caption(
        ctx.t("text.sample.caption", length=SAMPLE_CHARS, temperature=temperature, seed=seed)
    )
    st.markdown(f"**{ctx.t('text.probs.title')}**")
    ctx.draw((key, prompt), "next_char", lambda: odds_chart(result, prompt, ctx.lang))
    if not ctx.options.hide_text:
        st.caption(ctx.t("text.probs.caption"))


def units(ctx: PageContext, result: TextResult) -> None:
    """One unit's output coloured over the test text; the units that follow a feature."""
    st.subheader(ctx.t("text.units.title"))
    probed = ctx.shared(("text", result.cfg.key()), "text_units", lambda: probe_units(result))
    suggested: list[int] = []
    for feature in FEATURES:
        if feature not in probed.ranked:
            continue
        top = probed.suggested(feature)
        words = ctx.t(f"text.feature.{feature}")
        if top:
            shown = ", ".join(ctx.t("text.unit.label", unit=u, r=r) for u, r in top)
            st.caption(ctx.t("text.units.suggest", feature=words, units=shown))
            suggested += [u for u, _ in top if u not in suggested]
        else:
            st.caption(ctx.t("text.units.none", feature=words))
    hidden = probed.activations.shape[1]
    options = suggested + [u for u in range(hidden) if u not in suggested]
    unit = st.selectbox(ctx.t("text.units.pick"), options, key=key_of("unit"))
    if unit is None or unit >= hidden:
        unit = options[0]
    st.html(unit_html(probed.passage, probed.activations[:, unit]))
    if not ctx.options.hide_text:
        st.caption(ctx.t("text.units.caption"))


def snapshots(ctx: PageContext, result) -> None:
    """The samples written during training, replayed in the browser; drawn while open."""
    expander = st.expander(
        ctx.t("text.snapshots.title"),
        icon=":material/play_circle:",
        key=key_of("replay"),
        on_change="rerun",
    )
    if not expander.open:
        return
    html = ctx.shared(
        ("text", result.cfg.key()),
        "text_player",
        lambda: snapshot_player(result.snapshots, ctx.lang),
    )
    with expander:
        st.caption(ctx.t("text.snapshots.caption"))
        st.iframe(html, height=260, alt=ctx.t("text.snapshots.title"))


# ---- The sentiment task -----------------------------------------------------------------
def sentiment(ctx: PageContext, cfg: TextConfig, here) -> None:
    """The reviews task: the run of the settings, what it depended on, the comparison."""
    if not ctx.options.hide_text:
        st.caption(ctx.t("text.sentiment.explain", gap=cfg.gap))
    (result,) = shared_all(ctx, sentiment_run, [sentiment_config(cfg)], here)
    metrics = result.metrics
    test = metrics[metrics.split == "test"].iloc[0]
    words = dict(model=cfg.model.upper(), acc=test.accuracy, n=N_TEST, gap=cfg.gap)
    st.markdown(f"**{ctx.t('text.sentiment.accuracy', **words)}**")
    st.subheader(ctx.t("text.sentiment.saliency.title"))
    saliency = lambda: saliency_chart(result.saliency, ctx.lang)  # noqa: E731
    ctx.draw(("text_sentiment", result.cfg.key()), "saliency", saliency)
    if not ctx.options.hide_text:
        st.caption(ctx.t("text.sentiment.saliency.caption"))
        # A short "not" bar beside a high accuracy: what each measures, from the numbers
        # shown (the last word alone is right half the time: more is the negation read).
        reads = test.accuracy >= READS_NEGATION
        said = "text.sentiment.saliency.reads" if reads else "text.sentiment.saliency.not_yet"
        st.caption(ctx.t(said, **words))
    downloads(ctx, sentiment_downloads(result))
    sweep(ctx, cfg)


def sweep(ctx: PageContext, cfg: TextConfig) -> None:
    """RNN, LSTM and GRU over the gap and seeds, behind a button; the numbers at every
    gap trained, and a live verdict at the longest."""
    st.subheader(ctx.t("text.sweep.title"))
    cfgs = sweep_configs(cfg)
    key = ("text_sweep", sentiment_config(cfg).key(), sweep_gaps(cfg.gap), SWEEP_SEEDS)
    shown_seeds = ", ".join(map(str, SWEEP_SEEDS))
    gaps = ", ".join(map(str, sweep_gaps(cfg.gap)))
    button = ctx.t("text.sweep.run", gaps=gaps, seeds=shown_seeds), "text_sweep_run"
    frame = compared(ctx, key, button, sentiment_run, cfgs, sweep_of)
    if frame is None:
        st.caption(ctx.t("text.sweep.cost", runs=len(cfgs)))
        return
    for gap in sorted(frame.gap.unique()):
        v = gap_verdict(frame, int(gap))
        numbers = {m: v.mean[m] for m in MODELS}
        numbers |= {f"{m}_low": v.low[m] for m in MODELS} | {f"{m}_high": v.high[m] for m in MODELS}
        st.markdown(ctx.t("text.sweep.verdict", gap=v.gap, seeds=shown_seeds, **numbers))
    if not ctx.options.hide_text:
        said = "text.sweep.behind" if v.behind >= 10 else "text.sweep.level"
        st.markdown(f"**{ctx.t(said, gap=v.gap, points=v.behind)}**")
    ctx.draw(key, "sweep_chart", lambda: sweep_chart(frame, ctx.lang))
