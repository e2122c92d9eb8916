"""?view=translate: a character encoder-decoder, with or without attention, on a task
the package generates (dates, numbers between English and Chinese, reversing letters) or
on the learner's own pairs. Its settings come from the one settings builder
(app/settings.py, URL keys `translate_*`), its runs from Streamlit's cache with their
progress (app/run.py). Shows held-out accuracy (chrF and BLEU beside two baselines for
own pairs), the translation of what the learner types with its attention map and the
decoder step by step, the loss, the translations written while it trained, and accuracy
by input length with and without attention over three seeds."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import pandas as pd
import streamlit as st

from app import run, settings
from app.context import PageContext
from playground.charts.translate import attention_chart, length_chart, translate_loss_chart
from playground.i18n import Note, render_note
from playground.translate import (
    TRANSLATE_PRESETS,
    PairsRejected,
    TranslateConfig,
    decoder_steps,
    length_frame,
    read_pairs,
    run_translate,
    translate,
    unknown_chars,
)
from playground.translate.codegen import generate_translate_script
from playground.translate.pairs import MAX_BYTES
from playground.translate.run import pairs_of

LENGTH_SEEDS = (0, 1, 2)  # accuracy by length: each attention on these seeds
EXAMPLES = {  # what the input box starts with, per task
    "dates": "7 December 2026",
    "en_zh": "three hundred and twelve",
    "zh_en": "三百一十二",
    "en_digits": "three hundred and twelve",
    "reverse": "playground",
}
Pairs = tuple[tuple[str, str], ...]


# ---- Cached runs (one per config and pairs for the whole server) ----------------------
@st.cache_resource(max_entries=24, show_spinner=False)
def trained(cfg: TranslateConfig, pairs: Pairs | None, _report=None):
    """The run of `cfg` (on `pairs` for task "own"), reporting each epoch."""

    def on_epoch(epoch: int, train_loss: float, held_loss: float) -> None:
        if _report is not None:
            note = Note("translate.progress", {"epoch": epoch, "total": cfg.epochs})
            _report((epoch / cfg.epochs, note))

    with run.slot(_report):
        return run_translate(cfg, on_epoch, pairs)


@st.cache_resource(max_entries=8, show_spinner=False)
def by_length(cfg: TranslateConfig, pairs: Pairs | None, _report=None) -> pd.DataFrame:
    """Accuracy by input length of `cfg` with and without attention on LENGTH_SEEDS
    (the runs through `trained`, so the page's own run is reused)."""
    cfgs = [replace(cfg, attention=a, seed=s) for a in ("additive", "none") for s in LENGTH_SEEDS]
    results = []
    for i, c in enumerate(cfgs):
        if _report is not None:
            note = Note("translate.progress_runs", {"done": i, "total": len(cfgs)})
            _report((i / len(cfgs), note))
        results.append(trained(c, pairs))
    return length_frame(results)


def warm_jobs() -> list:
    """The default link's and every preset's run, for the warm-up."""
    return [(trained, (p.config, None)) for p in TRANSLATE_PRESETS.values()]


# ---- The budget -------------------------------------------------------------------------
def within_budget(cfg: TranslateConfig, pairs: Pairs | None) -> tuple[TranslateConfig, list]:
    """`cfg` within the budget (`TranslateConfig.within_budget`) for the mean target
    length of its own pairs (a sample of a generated task's)."""
    try:
        sample = pairs_of(cfg if cfg.task == "own" else replace(cfg, pairs=500), pairs)
    except ValueError:  # no pairs yet: nothing runs
        return cfg, []
    targets = sum(len(b) + 1 for _, b in sample) / len(sample)
    return cfg.within_budget(targets, sum(len(a) for a, _ in sample) / len(sample))


# ---- The view ---------------------------------------------------------------------------
def render(ctx: PageContext) -> None:
    ctx.explain("translate")
    preset_picker(ctx)
    controls = st.container(border=True)  # first on the page, drawn once the pairs are read
    pairs = own_pairs(ctx) if settings.values(TranslateConfig)["task"] == "own" else None
    with controls:
        cfg, notes = settings.controls(
            TranslateConfig,
            ctx.lang,
            ctx.options.locked,
            settle=lambda v: within_budget(TranslateConfig(**v), pairs),
        )
        for note in notes:
            st.caption(render_note(ctx.lang, note))
    if cfg.task == "own" and pairs is None:
        st.info(ctx.t("translate.own.none"), icon=":material/edit_note:")
        return
    try:
        result = run.shared(trained, cfg, pairs, lang=ctx.lang)
    except ValueError as err:
        st.error(ctx.t("translate.error.cannot_train", error=err))
        return
    if result.diverged:
        st.error(ctx.t("translate.diverged"))
    scores(ctx, result)
    try_it(ctx, result)
    st.subheader(ctx.t("translate.loss.title"))
    st.altair_chart(translate_loss_chart(result.losses, ctx.lang), width="stretch")
    replay(ctx, result)
    downloads(ctx, result, pairs)
    lengths(ctx, cfg, pairs)


def preset_picker(ctx: PageContext) -> None:
    """The view's scenarios: choosing one sets every setting not locked."""

    def chosen() -> None:
        preset = TRANSLATE_PRESETS.get(st.session_state.get("translate_preset") or "")
        if preset is not None:
            settings.apply(TranslateConfig, preset.config, ctx.options.locked)

    keys = ["", *TRANSLATE_PRESETS]
    st.selectbox(
        ctx.t("translate.preset.label"),
        keys,
        key="translate_preset",
        format_func=lambda k: ctx.t(TRANSLATE_PRESETS[k].title_key) if k else "—",
        on_change=chosen,
    )
    preset = TRANSLATE_PRESETS.get(st.session_state.get("translate_preset") or "")
    if preset is not None and not ctx.options.hide_text:
        st.caption(ctx.t(preset.notice_key))


def own_pairs(ctx: PageContext) -> Pairs | None:
    """The learner's pairs (pasted or uploaded): a good set becomes the one in use, a
    bad one leaves the previous in use and says why."""
    with st.container(border=True):
        st.text_area(ctx.t("translate.own.area"), key="translate_area", height=120)
        upload = st.file_uploader(
            ctx.t("translate.own.upload"),
            type=["tsv", "txt"],
            key="translate_upload",
            max_upload_size=math.ceil(MAX_BYTES / 2**20),  # MiB: what the reader takes
        )
        raw = upload.getvalue() if upload is not None else st.session_state.translate_area
        if raw and raw != st.session_state.get("translate_own_read"):
            st.session_state.translate_own_read = raw
            try:
                pairs, notes = read_pairs(raw)
            except PairsRejected as err:
                st.session_state.translate_own_error = err.note
            else:
                st.session_state.translate_own_pairs = tuple(pairs)
                st.session_state.translate_own_notes = notes
                st.session_state.translate_own_error = None
        error: Note | None = st.session_state.get("translate_own_error")
        if error is not None:
            st.error(render_note(ctx.lang, error))
        for note in st.session_state.get("translate_own_notes", []):
            st.caption(render_note(ctx.lang, note))
        pairs = st.session_state.get("translate_own_pairs")
        if pairs:
            st.caption(ctx.t("translate.own.using", pairs=f"{len(pairs):,}"))
        return pairs


def scores(ctx: PageContext, result) -> None:
    """Held-out exact match and character accuracy; for own pairs chrF and BLEU beside
    the two baselines."""
    metrics = result.metrics.set_index("split")
    a, b, c = st.columns(3)
    held = metrics.loc["held_out"]
    a.metric(ctx.t("translate.metric.exact"), f"{held.exact:.1%}")
    b.metric(ctx.t("translate.metric.chars"), f"{held.char_accuracy:.1%}")
    c.metric(ctx.t("translate.metric.train_exact"), f"{metrics.loc['train'].exact:.1%}")
    st.caption(ctx.t("translate.metric.caption", held=int(held.pairs)))
    if result.cfg.task == "own":
        shown = result.scores.assign(
            system=result.scores.system.map(lambda s: ctx.t(f"translate.system.{s}"))
        )
        st.dataframe(shown, hide_index=True)


def try_it(ctx: PageContext, result) -> None:
    """The learner's input translated, its attention map and the decoder's steps."""
    st.subheader(ctx.t("translate.try.title"))
    text = st.text_input(
        ctx.t("translate.try.input"),
        value=EXAMPLES.get(result.cfg.task, str(result.held_out.source.iloc[0])),
        key=f"translate_input_{result.cfg.task}",
        max_chars=100,
    )
    output, attention = translate(result, text)
    unseen = unknown_chars(result, text)
    if unseen:
        unseen_note = Note("translate.note.unknown_chars", {"chars": "".join(unseen)})
        st.caption(render_note(ctx.lang, unseen_note))
    st.markdown(f"**{ctx.t('translate.try.output')}** `{output}`")
    if attention.empty:
        if not result.cfg.attends:
            st.caption(ctx.t("translate.try.no_attention"))
        return
    st.altair_chart(attention_chart(attention, ctx.lang), width="content")
    with st.expander(ctx.t("translate.steps.title"), icon=":material/footprint:"):
        steps = decoder_steps(result, text)
        st.dataframe(steps, hide_index=True)


def replay(ctx: PageContext, result) -> None:
    """The held-out translations written at each snapshot while it trained."""
    with st.expander(ctx.t("translate.replay.title"), icon=":material/play_circle:"):
        epochs = sorted(result.samples.epoch.unique())
        epoch = st.select_slider(
            ctx.t("translate.replay.epoch"), epochs, value=epochs[-1], key="translate_replay"
        )
        shown = result.samples[result.samples.epoch == epoch].drop(columns="epoch")
        st.dataframe(shown, hide_index=True)


def downloads(ctx: PageContext, result, pairs: Pairs | None) -> None:
    """The run's losses, accuracy and settings, and a standalone PyTorch script that
    prints the same accuracy (each file made only when its button is pressed)."""
    cfg = result.cfg
    name = f"translate_{cfg.task}_{cfg.model}_{cfg.attention}_seed{cfg.seed}"
    files = {
        "losses": ("csv", lambda: result.losses.to_csv(index=False).encode("utf-8")),
        "metrics": ("csv", lambda: result.metrics.to_csv(index=False).encode("utf-8")),
        "config": ("json", lambda: json.dumps(cfg.to_query_params(), indent=2).encode("utf-8")),
        "script": ("py", lambda: generate_translate_script(cfg, pairs).encode("utf-8")),
    }
    row = st.container(horizontal=True, gap="small")
    for kind, (ext, data) in files.items():
        row.download_button(
            ctx.t(f"download.{kind}"),
            data,
            file_name=f"{name}_{kind}.{ext}" if kind != "script" else f"{name}.py",
            key=f"translate_download_{kind}",
            on_click="ignore",
        )


def lengths(ctx: PageContext, cfg: TranslateConfig, pairs: Pairs | None) -> None:
    """Accuracy by input length with and without attention over LENGTH_SEEDS, behind a
    button (six runs)."""
    st.subheader(ctx.t("translate.length.title"))
    asked = st.session_state.get("translate_lengths_for")
    if asked != (cfg, pairs):
        if not st.button(ctx.t("translate.length.run"), key="translate_lengths"):
            st.caption(ctx.t("translate.length.hint", runs=2 * len(LENGTH_SEEDS)))
            return
        st.session_state.translate_lengths_for = (cfg, pairs)
    frame = run.shared(by_length, cfg, pairs, lang=ctx.lang)
    st.altair_chart(length_chart(frame, ctx.lang), width="stretch")
