"""?view=text: a character-level language model on a built-in text or the learner's own,
and a review classifier whose answer needs memory. Its settings are the tab's own
(app/text_controls.py); what it draws is prepared by the view's plans
(playground/views/text.py, views/sentiment.py), as the warm-up prepares them. Shows bits
per character against two baselines (and says, from those numbers, whether the network
beats each), a sample written after the learner's start at a temperature, the next
character's probabilities, one unit's output coloured over the test text, and the
samples written while it trained."""

from __future__ import annotations

import streamlit as st

from app.context import PageContext
from app.text_controls import asked_for, controls, key_of, locked_names
from playground.charts.text import shown_char, snapshot_player, unit_html
from playground.i18n import t
from playground.params import MODELS
from playground.text import FEATURES, TextConfig
from playground.text.config import MAX_TEXT_SECONDS, TEXT_PARAM_BY_NAME, budget_cut, default_size
from playground.text.charnet import UNKNOWN
from playground.text.sentiment import N_TEST
from playground.views.sentiment import gap_verdict, sentiment_plan, sweep_configs, sweep_plan
from playground.views.sentiment import SWEEP_SEEDS, sentiment_downloads, sweep_gaps
from playground.views.text import (
    COMPARE_SEEDS,
    PROMPTS,
    SAMPLE_CHARS,
    TEMPERATURE,
    TEMPERATURES,
    cells_configs,
    cells_plan,
    cells_verdict,
    size_verdict,
    text_downloads,
    text_plan,
    verdicts,
)


TEXT_EPOCHS = TEXT_PARAM_BY_NAME["epochs"]
# Test accuracy from which the page says the network reads the negation: the last word
# alone is right half the time (the labels are balanced), so well above a half, on
# N_TEST reviews, is the "not" read across the gap.
READS_NEGATION = 0.75


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
        got = ctx.prepare(text_plan(cfg, ctx.lang, prompt, temperature, beside), near=here)
    except ValueError as err:
        st.error(ctx.t("text.error.cannot_train", error=err))
        return
    result = got["run"]
    if result.diverged:
        st.error(ctx.t("error.diverged", epoch=result.stopped_epoch + 1))
    losses(ctx, got)
    writing(ctx, got, prompt, temperature)
    units(ctx, got)
    snapshots(ctx, result)
    cells(ctx, cfg)


def compared(ctx: PageContext, plan, runs: int, pressed: bool):
    """A comparison's values: all of `plan` when its button was `pressed`; its frame and
    chart alone when the frame is cached (its runs may be gone); else None."""
    frame = plan[runs]
    if pressed:
        return ctx.prepare(plan, near=st.empty())
    if ctx.cache.get(frame.key) is not None:
        try:
            return ctx.prepare(plan[runs:])
        except KeyError:  # the frame was evicted since: its runs are asked for again
            return None
    return None


def cells(ctx: PageContext, cfg: TextConfig) -> None:
    """RNN, LSTM and GRU at these settings over seeds, behind a button; a live verdict
    with the spread."""
    st.subheader(ctx.t("text.compare.title"))
    cfgs, plan = cells_configs(cfg), cells_plan(cfg, ctx.lang)
    shown_seeds = ", ".join(map(str, COMPARE_SEEDS))
    done = compared(ctx, plan, len(cfgs), False)
    if done is None:
        label = ctx.t("text.compare.run", seeds=shown_seeds)
        if st.button(label, key="text_cells_run"):
            done = compared(ctx, plan, len(cfgs), True)
    if done is None:
        seconds = sum(c.seconds() for c in cfgs)
        st.caption(ctx.t("text.compare.cost", runs=len(cfgs), seconds=f"{seconds:.0f}"))
        return
    v = cells_verdict(done["cells"])
    numbers = {m: v.mean[m] for m in MODELS}
    numbers |= {f"{m}_low": v.low[m] for m in MODELS} | {f"{m}_high": v.high[m] for m in MODELS}
    best = ctx.t(f"choice.model.{v.best}")
    if not ctx.options.hide_text:  # the room is to read the chart first
        st.markdown(f"**{ctx.t('text.compare.verdict', seeds=shown_seeds, best=best, **numbers)}**")
        st.markdown(f"**{ctx.t('text.compare.apart' if v.apart else 'text.compare.overlap')}**")
    st.vega_lite_chart(done["cells_chart"], width="stretch")


def losses(ctx: PageContext, got) -> None:
    """Bits per character against the baselines, and the verdicts from those numbers."""
    st.subheader(ctx.t("text.loss.title"))
    result = got["run"]
    model = result.cfg.model.upper()
    said = verdicts(result.metrics, result.cfg.model) if not ctx.options.hide_text else ()
    for v in said:
        words = "text.verdict.beats" if v.beats else "text.verdict.loses"
        baseline = ctx.t(f"text.baseline.{v.baseline}")
        st.markdown(f"**{ctx.t(words, model=model, bits=v.bits, baseline=baseline, base=v.base)}**")
    budget(ctx, got)
    more = more_epochs(result.cfg, ctx.options.locked)
    if any(not v.beats for v in said) and more:
        st.info(ctx.t("text.verdict.more_epochs", epochs=result.cfg.epochs, most=more))
    st.vega_lite_chart(got["text_loss"], width="stretch")
    if not ctx.options.hide_text:
        st.caption(ctx.t("text.loss.caption"))
    downloads(ctx, text_downloads(result))


def budget(ctx: PageContext, got) -> None:
    """When the budget cut the run: what it read of the text and its epochs, and beside
    it the default size trained in the same budget, from the two runs' numbers."""
    result = got["run"]
    asked = asked_for(result.cfg)
    cut = None if asked is None else budget_cut(asked, result.cfg)
    if cut is None:
        return
    said = "text.budget.cut_text" if cut.chars < cut.total else "text.budget.cut_epochs"
    numbers = dict(budget=f"{MAX_TEXT_SECONDS:.0f}", chars=cut.chars, total=cut.total)
    st.markdown(f":material/timer: {ctx.t(said, epochs=cut.epochs, asked=cut.asked, **numbers)}")
    if "beside" not in got or ctx.options.hide_text:
        return
    v, other = size_verdict(result, got["beside"]), got["beside"].cfg
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


def writing(ctx: PageContext, got, prompt: str, temperature: float) -> None:
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
    seed = got["run"].cfg.seed
    fitted = got["run"].fitted
    unseen = unseen_note(prompt, fitted.vocab, fitted.fallback, ctx.lang)
    if unseen is not None:
        st.caption(f":material/info: {unseen}")
    st.code(prompt + got["sample"], language=None, wrap_lines=True)
    st.caption(
        ctx.t("text.sample.caption", length=SAMPLE_CHARS, temperature=temperature, seed=seed)
    )
    st.markdown(f"**{ctx.t('text.probs.title')}**")
    st.vega_lite_chart(got["next_char"], width="stretch")
    if not ctx.options.hide_text:
        st.caption(ctx.t("text.probs.caption"))


def units(ctx: PageContext, got) -> None:
    """One unit's output coloured over the test text; the units that follow a feature."""
    st.subheader(ctx.t("text.units.title"))
    probed = got["units"]
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
    got = ctx.prepare(sentiment_plan(cfg, ctx.lang), near=here)
    metrics = got["run"].metrics
    test = metrics[metrics.split == "test"].iloc[0]
    words = dict(model=cfg.model.upper(), acc=test.accuracy, n=N_TEST, gap=cfg.gap)
    st.markdown(f"**{ctx.t('text.sentiment.accuracy', **words)}**")
    st.subheader(ctx.t("text.sentiment.saliency.title"))
    st.vega_lite_chart(got["saliency"], width="stretch")
    if not ctx.options.hide_text:
        st.caption(ctx.t("text.sentiment.saliency.caption"))
        # A short "not" bar beside a high accuracy: what each measures, from the numbers
        # shown (the last word alone is right half the time: more is the negation read).
        reads = test.accuracy >= READS_NEGATION
        said = "text.sentiment.saliency.reads" if reads else "text.sentiment.saliency.not_yet"
        st.caption(ctx.t(said, **words))
    downloads(ctx, sentiment_downloads(got["run"]))
    sweep(ctx, cfg)


def sweep(ctx: PageContext, cfg: TextConfig) -> None:
    """RNN, LSTM and GRU over the gap and seeds, behind a button; the numbers at every
    gap trained, and a live verdict at the longest."""
    st.subheader(ctx.t("text.sweep.title"))
    cfgs, plan = sweep_configs(cfg), sweep_plan(cfg, ctx.lang)
    shown_gaps = ", ".join(map(str, sweep_gaps(cfg.gap)))
    shown_seeds = ", ".join(map(str, SWEEP_SEEDS))
    done = compared(ctx, plan, len(cfgs), False)
    if done is None:
        label = ctx.t("text.sweep.run", gaps=shown_gaps, seeds=shown_seeds)
        if st.button(label, key="text_sweep_run"):
            done = compared(ctx, plan, len(cfgs), True)
    if done is None:
        st.caption(ctx.t("text.sweep.cost", runs=len(cfgs)))
        return
    frame = done["sweep"]
    for gap in sorted(frame.gap.unique()):
        v = gap_verdict(frame, int(gap))
        numbers = {m: v.mean[m] for m in MODELS}
        numbers |= {f"{m}_low": v.low[m] for m in MODELS} | {f"{m}_high": v.high[m] for m in MODELS}
        st.markdown(ctx.t("text.sweep.verdict", gap=v.gap, seeds=shown_seeds, **numbers))
    if not ctx.options.hide_text:
        said = "text.sweep.behind" if v.behind >= 10 else "text.sweep.level"
        st.markdown(f"**{ctx.t(said, gap=v.gap, points=v.behind)}**")
    st.vega_lite_chart(done["sweep_chart"], width="stretch")
