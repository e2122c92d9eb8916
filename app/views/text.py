"""?view=text: a character-level language model on a built-in text or the learner's own.
Its settings live in the tab (keys and URL parameters `text_*`); the run goes through
the shared cache like any other. Shows bits per character against two baselines (and
says, from those numbers, whether the network beats each), a sample written after the
learner's start at a temperature, the next character's probabilities, one unit's output
coloured over the test text, and the samples written while it trained."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import streamlit as st

from app.context import PageContext
from app.session import sync_url
from playground.charts.text import (
    cells_chart,
    next_char_chart,
    saliency_chart,
    snapshot_player,
    sweep_chart,
    text_loss_chart,
    unit_html,
)
from playground.i18n import Note
from playground.i18n import render_note
from playground.params import LEARNING_RATES, MODELS, format_value
from playground.text import (
    FEATURES,
    TextConfig,
    TextRejected,
    generate,
    next_char_probs,
    read_text,
    run_text,
)
from playground.text.config import TEXT_PARAM_BY_NAME, URL_PREFIX
from playground.text.presets import TEXT_PRESETS
from playground.text.sentiment import N_TEST, SentimentResult, run_sentiment
from playground.views.text import (
    COMPARE_SEEDS,
    SWEEP_SEEDS,
    cells_frame,
    cells_verdict,
    gap_verdict,
    probe_units,
    run_key,
    sentiment_config,
    sentiment_key,
    sweep_frame,
    sweep_gaps,
    text_downloads,
    verdicts,
)

SHOWN = (
    "task", "corpus", "model", "hidden_size", "seq_length", "epochs", "learning_rate",
    "num_layers", "seed", "gap",
)  # fmt: skip
PROMPTS = {"en": "the cat ", "zh": "小猫", "own": ""}  # a start that suits each corpus
SAMPLE_CHARS = 200  # characters written after the start
TEMPERATURES = [round(0.1 * i, 1) for i in range(16)]  # 0.0 .. 1.5


def key_of(name: str) -> str:
    return URL_PREFIX + name


def seed_from_link() -> dict[str, Any]:
    """The tab's settings (`text_values`, kept apart from the widgets: Streamlit drops a
    widget's state in a run that does not draw it, as when the tab is closed or the
    task hides it), read from the link once per session; the link's notes shown once.
    Each drawn control starts from them and writes back to them."""
    if "text_values" not in st.session_state:
        query = {k: st.query_params.get_all(k) for k in st.query_params if k.startswith(URL_PREFIX)}
        cfg, notes = TextConfig.from_query_params(query)
        st.session_state.text_values = {name: getattr(cfg, name) for name in SHOWN}
        st.session_state.text_notes = notes
    values = st.session_state.text_values
    for name in SHOWN:
        if key_of(name) in st.session_state:  # a drawn control: its value is the setting
            values[name] = st.session_state[key_of(name)]
        else:  # a control about to draw: it starts from the setting
            st.session_state[key_of(name)] = values[name]
    return values


def read_own(ctx: PageContext) -> None:
    """Check what the text box or the uploader holds; a good text becomes the one in
    use (`text_own`), a bad one leaves the previous and says why (`text_own_error`)."""
    upload = st.session_state.get(key_of("upload"))
    seen = st.session_state.get("text_upload_seen")
    raw: Any = None
    if upload is not None and upload.file_id != seen:
        st.session_state.text_upload_seen = upload.file_id
        raw = upload.getvalue()
    elif st.session_state.get("text_area_changed"):
        raw = st.session_state.get(key_of("area"), "")
    st.session_state.text_area_changed = False
    if raw is None:
        return
    try:
        text, notes = read_text(raw)
    except TextRejected as err:
        st.session_state.text_own_error = err.note
        return
    st.session_state.text_own = text
    st.session_state.text_own_notes = notes
    st.session_state.text_own_error = None


def own_text_box(ctx: PageContext) -> None:
    """The text box and the uploader, with what they hold."""
    with st.container(border=True):
        st.text_area(
            ctx.t("text.own.area"),
            key=key_of("area"),
            height=120,
            on_change=lambda: st.session_state.update(text_area_changed=True),
        )
        st.file_uploader(ctx.t("text.own.upload"), type=["txt"], key=key_of("upload"))
        error: Note | None = st.session_state.get("text_own_error")
        if error is not None:
            kept = ctx.t("text.own.kept") if st.session_state.get("text_own") else ""
            st.error(f"{render_note(ctx.lang, error)} {kept}".strip())
        for note in st.session_state.get("text_own_notes", []):
            st.caption(render_note(ctx.lang, note))
        own = st.session_state.get("text_own")
        if own:
            st.caption(ctx.t("text.own.using", chars=f"{len(own):,}", distinct=len(set(own))))
        else:
            st.caption(ctx.t("text.own.none"))


def label(ctx: PageContext, name: str) -> str:
    own = f"param.text.{name}.label"
    return ctx.t(own) if ctx.t(own) != own else ctx.t(f"param.{name}.label")


def help_of(ctx: PageContext, name: str) -> str:
    own = f"param.text.{name}.help"
    return ctx.t(own) if ctx.t(own) != own else ctx.t(f"param.{name}.help")


def settled(ctx: PageContext) -> tuple[TextConfig, list[Note]]:
    """The config of the controls' values (and the text in use), within the budget; the
    controls moved to what runs (before they draw, so they show it)."""
    values = st.session_state.text_values
    if values["task"] == "sentiment" and values["corpus"] == "own":
        values["corpus"] = st.session_state[key_of("corpus")] = "en"  # reviews: en or zh
    cfg = TextConfig(**values | {"corpus": "en" if values["corpus"] == "own" else values["corpus"]})
    if values["corpus"] == "own" and st.session_state.get("text_own"):
        cfg = cfg.with_text(st.session_state.text_own)
    cfg, notes = cfg.within_budget()
    values["epochs"] = st.session_state[key_of("epochs")] = cfg.epochs
    return cfg, notes


def controls(ctx: PageContext) -> TextConfig:
    """The tab's settings (kept in the URL) and the config that runs."""
    seed_from_link()
    read_own(ctx)
    cfg, budget_notes = settled(ctx)
    p = TEXT_PARAM_BY_NAME
    common = lambda name: dict(key=key_of(name), help=help_of(ctx, name))  # noqa: E731
    with st.expander(ctx.t("text.settings"), icon=":material/tune:", expanded=True):
        preset_picker(ctx)
        st.segmented_control(
            label(ctx, "task"),
            p["task"].choices,
            format_func=lambda k: ctx.t(f"text.task.{k}"),
            required=True,
            **common("task"),
        )
        if cfg.task == "sentiment":
            sentiment_controls(ctx, common)
            return cfg
        a, b, c, d = st.columns(4)
        a.selectbox(
            label(ctx, "corpus"),
            p["corpus"].choices,
            format_func=lambda k: ctx.t(f"text.corpus.{k}"),
            **common("corpus"),
        )
        b.selectbox(
            label(ctx, "model"),
            p["model"].choices,
            format_func=lambda k: ctx.t(f"choice.model.{k}"),
            **common("model"),
        )
        for col, name in ((c, "hidden_size"), (d, "seq_length")):
            col.slider(
                label(ctx, name), p[name].low, p[name].high, step=p[name].step, **common(name)
            )
        a, b, c, d = st.columns(4)
        a.slider(label(ctx, "epochs"), p["epochs"].low, p["epochs"].high, **common("epochs"))
        b.select_slider(
            label(ctx, "learning_rate"), LEARNING_RATES, format_func=format_value,
            **common("learning_rate"),
        )  # fmt: skip
        c.slider(label(ctx, "num_layers"), 1, p["num_layers"].high, **common("num_layers"))
        d.number_input(label(ctx, "seed"), 0, p["seed"].high, step=1, **common("seed"))
        st.caption(
            ctx.t("text.settings.cost", seconds=f"{cfg.seconds():.1f}", epochs=cfg.max_epochs())
        )
    after_controls(ctx, budget_notes)
    if st.session_state.text_values["corpus"] == "own":
        own_text_box(ctx)
    return cfg


def apply_preset() -> None:
    """Preset callback: every setting of the tab set to the preset's."""
    chosen = TEXT_PRESETS.get(st.session_state.get("text_preset") or "")
    if chosen is None:
        return
    for name in SHOWN:
        value = getattr(chosen.config, name)
        st.session_state.text_values[name] = st.session_state[key_of(name)] = value


def preset_picker(ctx: PageContext) -> None:
    """The tab's starting points; the chosen one's notice while its settings hold."""
    keys = ["", *TEXT_PRESETS]
    chosen = TEXT_PRESETS.get(st.session_state.get("text_preset") or "")
    values = st.session_state.text_values
    if chosen is not None and any(getattr(chosen.config, n) != values[n] for n in SHOWN):
        st.session_state.text_preset = ""  # the settings left the preset
        chosen = None
    st.selectbox(
        ctx.t("text.preset.label"),
        keys,
        format_func=lambda k: ctx.t(TEXT_PRESETS[k].title_key) if k else ctx.t("text.preset.none"),
        key="text_preset",
        on_change=apply_preset,
    )
    if chosen is not None and not ctx.options.hide_text:
        st.info(ctx.t(chosen.notice_key), icon=":material/school:")


def after_controls(ctx: PageContext, notes: list[Note]) -> None:
    """The URL set to the controls; the link's and the budget's notes."""
    p = TEXT_PARAM_BY_NAME
    for name, value in st.session_state.text_values.items():
        sync_url(key_of(name), format_value(value), format_value(p[name].default))
    for note in st.session_state.pop("text_notes", []) + notes:
        st.caption(render_note(ctx.lang, note))


def sentiment_controls(ctx: PageContext, common) -> None:
    """The sentiment task's settings: the reviews' language, the cell, the gap, the seed."""
    p = TEXT_PARAM_BY_NAME
    a, b, c, d = st.columns(4)
    a.selectbox(
        ctx.t("param.text.corpus.sentiment.label"),
        ("en", "zh"),
        format_func=lambda k: ctx.t(f"text.corpus.{k}").split(" (")[0].split("（")[0],
        **common("corpus"),
    )
    b.selectbox(
        label(ctx, "model"),
        p["model"].choices,
        format_func=lambda k: ctx.t(f"choice.model.{k}"),
        **common("model"),
    )
    c.slider(label(ctx, "gap"), p["gap"].low, p["gap"].high, **common("gap"))
    d.number_input(label(ctx, "seed"), 0, p["seed"].high, step=1, **common("seed"))


def training(cfg: TextConfig):
    """The cache's job for the text run of `cfg`, reporting progress."""

    def compute(report):
        chars = len(cfg.text) if cfg.corpus == "own" else None
        report(
            (0.0, Note("progress.text.started", {"model": cfg.model.upper(), "chars": chars or ""}))
        )

        def on_epoch(epoch: int, train: float, test: float) -> None:
            note = {"epoch": epoch, "total": cfg.epochs, "train": train, "test": test}
            report((epoch / cfg.epochs, Note("progress.text.epoch", note)))

        return run_text(cfg, on_epoch)

    return compute


def render(ctx: PageContext) -> None:
    ctx.explain("text")
    cfg = controls(ctx)
    if cfg.task == "sentiment":
        after_controls(ctx, [])
        sentiment(ctx, cfg)
        return
    key = run_key(cfg)
    try:
        result = ctx.cached(key, training(cfg))
    except ValueError as err:
        st.error(ctx.t("text.error.cannot_train", error=err))
        return
    if result.diverged:
        st.error(ctx.t("error.diverged", epoch=result.stopped_epoch + 1))
    losses(ctx, key, result)
    writing(ctx, key, result)
    units(ctx, key, result)
    snapshots(ctx, key, result)
    cells(ctx, cfg)


def cells(ctx: PageContext, cfg: TextConfig) -> None:
    """RNN, LSTM and GRU at these settings over seeds, behind a button; a live verdict
    with the spread."""
    st.subheader(ctx.t("text.compare.title"))
    seeds = COMPARE_SEEDS
    cfgs = [replace(cfg, model=m, seed=s) for m in MODELS for s in seeds]
    cfgs = [c.within_budget()[0] for c in cfgs]  # each cell within the budget
    key = ("text_cells", cfg.key(), seeds)
    done = ctx.cache.get(key)
    shown_seeds = ", ".join(map(str, seeds))
    if done is None and st.button(
        ctx.t("text.compare.run", seeds=shown_seeds), key="text_cells_run"
    ):
        runs = {(c.model, c.seed): ctx.cached(run_key(c), training(c)) for c in cfgs}
        test = {
            k: float(r.metrics.set_index(["model", "split"]).loss[k[0], "test"])
            for k, r in runs.items()
        }
        frame = cells_frame(test)
        done = ctx.cache.get_or_compute(key, lambda report: frame, pooled=False)
    if done is None:
        seconds = sum(c.seconds() for c in cfgs)
        st.caption(ctx.t("text.compare.cost", runs=len(cfgs), seconds=f"{seconds:.0f}"))
        return
    v = cells_verdict(done)
    numbers = {m: v.mean[m] for m in MODELS}
    numbers |= {f"{m}_low": v.low[m] for m in MODELS} | {f"{m}_high": v.high[m] for m in MODELS}
    best = ctx.t(f"choice.model.{v.best}")
    st.markdown(f"**{ctx.t('text.compare.verdict', seeds=shown_seeds, best=best, **numbers)}**")
    st.markdown(f"**{ctx.t('text.compare.apart' if v.apart else 'text.compare.overlap')}**")
    ctx.draw(key, "cells", lambda: cells_chart(done, ctx.lang))


def losses(ctx: PageContext, key: tuple, result) -> None:
    """Bits per character against the baselines, and the verdicts from those numbers."""
    st.subheader(ctx.t("text.loss.title"))
    model = result.cfg.model.upper()
    for v in verdicts(result.metrics, result.cfg.model):
        words = "text.verdict.beats" if v.beats else "text.verdict.loses"
        baseline = ctx.t(f"text.baseline.{v.baseline}")
        st.markdown(f"**{ctx.t(words, model=model, bits=v.bits, baseline=baseline, base=v.base)}**")
    ctx.draw(
        key,
        "text_loss",
        lambda: text_loss_chart(result.losses, result.metrics, result.cfg.model, ctx.lang),
    )
    if not ctx.options.hide_text:
        st.caption(ctx.t("text.loss.caption"))
    files = text_downloads(result)
    columns = st.columns(len(files))
    for column, (kind, (name, mime, data)) in zip(columns, files.items()):
        column.download_button(
            ctx.t(f"text.download.{kind}"),
            data,
            file_name=name,
            mime=mime,
            key=f"text_download_{kind}",
            on_click="ignore",
        )


def writing(ctx: PageContext, key: tuple, result) -> None:
    """A start typed by the learner, the text written after it, the next character's odds."""
    st.subheader(ctx.t("text.sample.title"))
    corpus = result.cfg.corpus
    # The start and temperature outlive their widgets (dropped while the tab is closed);
    # a new text starts from a start that suits it.
    kept = st.session_state.setdefault("text_writing", {"prompt": None, "temperature": 0.5})
    if st.session_state.get("text_prompt_corpus") != corpus:
        st.session_state.text_prompt_corpus = corpus
        kept["prompt"] = PROMPTS[corpus]
        st.session_state[key_of("prompt")] = kept["prompt"]
    for name in ("prompt", "temperature"):
        st.session_state.setdefault(key_of(name), kept[name])
    left, right = st.columns([2, 1])
    prompt = left.text_input(ctx.t("text.prompt"), key=key_of("prompt"), max_chars=200)
    temperature = right.select_slider(
        ctx.t("text.temperature"),
        TEMPERATURES,
        key=key_of("temperature"),
        help=ctx.t("text.temperature.help"),
    )
    kept.update(prompt=prompt, temperature=temperature)
    seed = result.cfg.seed
    sample = ctx.shared(
        (key, prompt, temperature),
        "sample",
        lambda: generate(result, prompt, SAMPLE_CHARS, temperature, seed),
    )
    st.code(prompt + sample, language=None, wrap_lines=True)
    st.caption(
        ctx.t("text.sample.caption", length=SAMPLE_CHARS, temperature=temperature, seed=seed)
    )
    st.markdown(f"**{ctx.t('text.probs.title')}**")
    ctx.draw(
        (key, prompt),
        "next_char",
        lambda: next_char_chart(next_char_probs(result, prompt), ctx.lang),
    )
    if not ctx.options.hide_text:
        st.caption(ctx.t("text.probs.caption"))


def units(ctx: PageContext, key: tuple, result) -> None:
    """One unit's output coloured over the test text; the units that follow a feature."""
    st.subheader(ctx.t("text.units.title"))
    probed = ctx.shared(key, "units", lambda: probe_units(result))
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


def snapshots(ctx: PageContext, key: tuple, result) -> None:
    """The samples written during training, replayed in the browser; drawn while open."""
    expander = st.expander(
        ctx.t("text.snapshots.title"),
        icon=":material/play_circle:",
        key=key_of("replay"),
        on_change="rerun",
    )
    if not expander.open:
        return
    html = ctx.shared(key, "text_player", lambda: snapshot_player(result.snapshots, ctx.lang))
    with expander:
        st.caption(ctx.t("text.snapshots.caption"))
        st.iframe(html, height=260, alt=ctx.t("text.snapshots.title"))


# ---- The sentiment task -----------------------------------------------------------------
def sentiment_run(ctx: PageContext, cfg: TextConfig) -> SentimentResult:
    """One training on the reviews through the cache (the next-character settings do
    not enter its key)."""
    cfg = sentiment_config(cfg)

    def compute(report):
        report(
            (
                0.0,
                Note(
                    "progress.text.sweep",
                    {"model": cfg.model.upper(), "gap": cfg.gap, "seed": cfg.seed},
                ),
            )
        )
        return run_sentiment(cfg)

    return ctx.cached(sentiment_key(cfg), compute)


def sentiment(ctx: PageContext, cfg: TextConfig) -> None:
    """The reviews task: the run of the settings, what it depended on, the comparison."""
    if not ctx.options.hide_text:
        st.caption(ctx.t("text.sentiment.explain", gap=cfg.gap))
    result = sentiment_run(ctx, cfg)
    key = sentiment_key(cfg)
    test = result.metrics[result.metrics.split == "test"].iloc[0]
    words = dict(model=cfg.model.upper(), acc=test.accuracy, n=N_TEST, gap=cfg.gap)
    st.markdown(f"**{ctx.t('text.sentiment.accuracy', **words)}**")
    st.subheader(ctx.t("text.sentiment.saliency.title"))
    ctx.draw(key, "saliency", lambda: saliency_chart(result.saliency, ctx.lang))
    if not ctx.options.hide_text:
        st.caption(ctx.t("text.sentiment.saliency.caption"))
    sweep(ctx, cfg)


def sweep(ctx: PageContext, cfg: TextConfig) -> None:
    """RNN, LSTM and GRU over the gap and seeds, behind a button; a live verdict."""
    st.subheader(ctx.t("text.sweep.title"))
    gaps, seeds = sweep_gaps(cfg.gap), SWEEP_SEEDS
    cfgs = [
        sentiment_config(replace(cfg, model=m, gap=g, seed=s))
        for g in gaps for m in MODELS for s in seeds
    ]  # fmt: skip
    key = ("text_sweep", sentiment_config(cfg).key(), gaps, seeds)
    done = ctx.cache.get(key)
    shown_gaps = ", ".join(map(str, gaps))
    shown_seeds = ", ".join(map(str, seeds))
    if done is None and st.button(
        ctx.t("text.sweep.run", gaps=shown_gaps, seeds=shown_seeds), key="text_sweep_run"
    ):
        runs = {(c.model, c.gap, c.seed): sentiment_run(ctx, c) for c in cfgs}
        frame = sweep_frame({k: float(r.metrics.accuracy.iloc[1]) for k, r in runs.items()})
        done = ctx.cache.get_or_compute(key, lambda report: frame, pooled=False)
    if done is None:
        st.caption(ctx.t("text.sweep.cost", runs=len(cfgs)))
        return
    for gap in sorted(done.gap.unique()):
        v = gap_verdict(done, int(gap))
        numbers = {m: v.mean[m] for m in MODELS}
        numbers |= {f"{m}_low": v.low[m] for m in MODELS} | {f"{m}_high": v.high[m] for m in MODELS}
        st.markdown(f"**{ctx.t('text.sweep.verdict', gap=v.gap, seeds=shown_seeds, **numbers)}**")
    said = "text.sweep.behind" if v.behind >= 10 else "text.sweep.level"
    st.markdown(f"**{ctx.t(said, gap=v.gap, points=v.behind)}**")
    ctx.draw(key, "sweep", lambda: sweep_chart(done, ctx.lang))
