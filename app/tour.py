"""The guided tour's panel (issue 39), drawn above the views: step k of N, a progress
bar, the step's one thing to do (its picture on the first steps), its reasons behind an
expander, the question asked before the run and, once the learner guessed and did the
thing, the answer read from their own numbers (`playground/tour`). Back / Next set up
the page for the step (its scenario, its view); the step lives in the URL (`tour=4`),
so a reload or a shared link resumes there. Leaving the tour keeps the step: a button
brings the learner back to it."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from app import session
from app.context import PageContext
from playground import PARAMS, ExperimentConfig
from playground.i18n import render_note
from playground.tour import STEPS, Reading, Step, judge, unrolled_svg

STEP = "tour_step"  # the step (1-based) this session is on; absent: never started
OPEN = "tour_open"  # whether the panel shows
REPLAY = "replay"  # the Train view's replay expander (app/views/train.py)
GUESSES = "tour_guesses"  # step key -> the learner's guess (outlives the radio)
SET_UP = "tour_preset"  # the scenario the tour's steps set up (their texts speak for it)


def started() -> bool:
    return STEP in st.session_state


def from_link(step: int) -> None:
    """A `tour=` link opened the session on `step` (session.start set its page up, with
    the step's scenario unless the link named its own)."""
    state = st.session_state
    state[STEP], state[OPEN] = step, True
    if not state.options.preset:
        state[SET_UP] = STEPS[step - 1].preset
    if STEPS[step - 1].replay:
        state[REPLAY] = True


def follow_link() -> None:
    """Open the step a `tour=` link asks for, once (the link is read by session.start)."""
    linked = st.session_state.pop("tour_link", None)
    if linked:
        from_link(linked)


def speaks_for(preset: str) -> bool:
    """Whether the open tour's step says what to notice in scenario `preset`: the tour
    set it up (this step or, for a step that keeps the settings, one before it). The
    header then leaves out the scenario's own "what to notice", which would repeat it."""
    follow_link()  # the header is drawn before the panel: a link's step is open already
    state = st.session_state
    return bool(state.get(OPEN)) and state.get(SET_UP) == preset


def go(step: int) -> None:
    """Callback of Start / Back / Next: open `step` and set the page up for it (its
    scenario's settings, except what the instructor locked, and its view)."""
    state = st.session_state
    state[STEP], state[OPEN] = step, True
    chosen = STEPS[step - 1]
    if chosen.preset:
        state.preset = state[SET_UP] = chosen.preset
        session.apply_preset()
    state.view = session.view_label(state.lang, chosen.view)
    if chosen.replay:
        state[REPLAY] = True  # the Train view's replay of the step's run, open


def close() -> None:
    st.session_state[OPEN] = False


def reopen() -> None:
    go(st.session_state.get(STEP, 1))


def remember_guess(key: str) -> None:
    st.session_state.setdefault(GUESSES, {})[key] = st.session_state[f"tour_guess_{key}"]


def start_button(ctx: PageContext) -> None:
    """The small "Start the tour" button (the Train view's top), until it started."""
    if not started():
        st.button(
            ctx.t("tour.start"), key="tour_start", icon=":material/tour:", on_click=go, args=(1,)
        )


def render(ctx: PageContext) -> None:
    """The panel when the tour is open; a button back to it when the learner left it;
    nothing before it started. Keeps `tour=` in the URL equal to the open step."""
    state = st.session_state
    follow_link()
    step = state.get(STEP)
    shown = step if step is not None and state.get(OPEN) else ""
    session.sync_url("tour", shown, "")
    if step is None:
        return
    if not state.get(OPEN):
        st.button(
            ctx.t("tour.resume", step=step),
            key="tour_resume",
            icon=":material/tour:",
            on_click=reopen,
        )
        return
    panel(ctx, step)


def panel(ctx: PageContext, number: int) -> None:
    step = STEPS[number - 1]
    total = len(STEPS)
    with st.container(border=True, key="tour_panel"):
        title = ctx.t(step.word("title"))
        st.markdown(f"**{ctx.t('tour.step_of', step=number, total=total, title=title)}**")
        st.progress(number / total)
        st.markdown(f":material/touch_app: **{ctx.t('tour.do')}** {ctx.t(step.word('do'))}")
        if step.picture:
            svg = unrolled_svg(ctx.cfg.seq_length, ctx.cfg.model, ctx.lang)
            st.markdown(f'<div class="tour-picture">{svg}</div>', unsafe_allow_html=True)
        if not ctx.options.hide_text:
            with st.expander(ctx.t("tour.more"), icon=":material/help:"):
                st.markdown(ctx.t(step.word("more")))
        question(ctx, step)
        if number == total:
            st.caption(ctx.t("tour.done"))
        row = st.container(horizontal=True, gap="small")
        row.button(
            ctx.t("tour.back"),
            key="tour_back",
            icon=":material/arrow_back:",
            disabled=number == 1,
            on_click=go,
            args=(number - 1,),
        )
        row.button(
            ctx.t("tour.next"),
            key="tour_next",
            icon=":material/arrow_forward:",
            type="primary",
            disabled=number == total,
            on_click=go,
            args=(number + 1,),
        )
        row.button(ctx.t("tour.close"), key="tour_close", icon=":material/close:", on_click=close)


def question(ctx: PageContext, step: Step) -> None:
    """The question, its guess, and the answer from the learner's numbers."""
    guesses = st.session_state.get(GUESSES, {})
    guess = guesses.get(step.key)
    st.radio(
        f"**{ctx.t('tour.guess')}** {ctx.t(step.word('question'))}",
        step.choices,
        index=step.choices.index(guess) if guess in step.choices else None,
        format_func=lambda c: ctx.t(step.choice_key(c)),
        key=f"tour_guess_{step.key}",
        on_change=remember_guess,
        args=(step.key,),
        horizontal=True,
    )
    if guess is None:
        st.caption(ctx.t("tour.guess_first"))
        return
    verdict = judge(step, reading(ctx, step))
    if verdict is None:
        st.caption(ctx.t(step.word("wait")))
        return
    said = render_note(ctx.lang, verdict.note)
    if verdict.choice == guess:
        st.success(f"{ctx.t('tour.right')} {said}", icon=":material/check_circle:")
    else:
        shown = ctx.t(step.choice_key(guess))
        st.info(f"{ctx.t('tour.other', guess=shown)} {said}", icon=":material/insights:")


# ---- The learner's numbers --------------------------------------------------------------
def base_config(ctx: PageContext, step: Step) -> ExperimentConfig:
    """The step's starting settings as they run here: its scenario's, with what the
    instructor locked as it is (settled like any settings)."""
    from playground.workshop.presets import PRESETS

    if step.preset is None:
        return ctx.cfg
    preset = PRESETS[step.preset].config
    locked = ctx.options.locked
    values = {p.name: getattr(ctx.cfg if p.name in locked else preset, p.name) for p in PARAMS}
    cfg, _ = ExperimentConfig.from_values(values, locked=locked)
    return cfg


def mse(metrics, model: str, split: str) -> float | None:
    rows = metrics[(metrics.model == model) & (metrics.split == split)]
    return float(rows.mse.iloc[0]) if len(rows) else None


def reading(ctx: PageContext, step: Step) -> Reading:
    """The numbers `step`'s judge reads: this run's errors, the starting run's test
    error when the step moved a setting, and its view's own numbers."""
    metrics, model = ctx.result.metrics, ctx.cfg.model
    base = base_config(ctx, step)
    base_test = None
    if step.moves and getattr(ctx.cfg, step.moves) != getattr(base, step.moves):
        base_test = mse(ctx.run(base).metrics, base.model, "test")
    return Reading(
        cfg=ctx.cfg,
        base=base,
        test_mse=mse(metrics, model, "test"),
        train_mse=mse(metrics, model, "train"),
        base_test_mse=base_test,
        extra=extra(ctx, step.needs) if step.needs else {},
    )


def extra(ctx: PageContext, needs: str) -> Mapping[str, float]:
    """A view's own numbers, through the same cached runs the view draws from (so the
    view below reuses them); {} when they are not there (e.g. a sweep not run)."""
    reader = {
        "inside": inside_numbers,
        "gradients": gradient_numbers,
        "memory": memory_numbers,
        "text": text_numbers,
        "sentiment": sentiment_numbers,
        "translate": translate_numbers,
    }[needs]
    try:
        return reader(ctx)
    except (ValueError, KeyError):  # a run that cannot train here: no answer, no crash
        return {}


def inside_numbers(ctx: PageContext) -> dict[str, float]:
    from playground.views.inside import inside_frames

    fitted = ctx.result.fitted
    n_windows = len(fitted.Y)
    window = min(st.session_state.get("window", fitted.n_train), n_windows - 1)
    key = ctx.key("inside", window)
    inside = ctx.cached(key, lambda report: inside_frames(fitted, window))
    return {"hidden_max": float(inside.hidden.value.abs().max())}


def gradient_numbers(ctx: PageContext) -> dict[str, float]:
    from app.views.gradients import gradients

    frame = gradients(ctx).frame
    rnn = frame[(frame.model == "rnn") & (frame.stage == "init")].sort_values("step")
    if rnn.empty or not rnn.grad_norm.iloc[-1] > 0:
        return {}
    return {"reach_rnn": float(rnn.grad_norm.iloc[0] / rnn.grad_norm.iloc[-1])}


def memory_numbers(ctx: PageContext) -> dict[str, float]:
    from app.views.memory import current_sweep

    sweep = current_sweep(ctx)
    if sweep is None or sweep.empty:
        return {}
    lag = int(sweep.lag.max())
    at = sweep[sweep.lag == lag].groupby("model").relative_mse.mean()
    if "rnn" not in at or "lstm" not in at:
        return {}
    return {"recall_rnn": float(at["rnn"]), "recall_lstm": float(at["lstm"]), "lag": lag}


def text_config(ctx: PageContext):
    from app import settings
    from app.text_controls import settle
    from playground.text import TextConfig

    cfg, _ = settle(ctx, dict(settings.values(TextConfig)))
    return cfg


def text_numbers(ctx: PageContext) -> dict[str, float]:
    from app import run
    from app.views.text import text_run
    from playground.views.text import verdicts

    cfg = text_config(ctx)
    if cfg.task != "next_char":
        return {}
    result = run.shared(text_run, cfg, lang=ctx.lang)
    for v in verdicts(result.metrics, cfg.model):
        if v.baseline == "bigram":
            return {"bits_net": v.bits, "bits_bigram": v.base}
    return {}


def sentiment_numbers(ctx: PageContext) -> dict[str, float]:
    from app import run
    from app.views.text import sentiment_run
    from playground.views.sentiment import sentiment_config

    cfg = text_config(ctx)
    if cfg.task != "sentiment":
        return {}
    result = run.shared(sentiment_run, sentiment_config(cfg), lang=ctx.lang)
    m = result.metrics
    test = m[(m.split == "test") & (m.model == cfg.model)]
    return {"accuracy": float(test.accuracy.iloc[0])} if len(test) else {}


def translate_numbers(ctx: PageContext) -> dict[str, float]:
    from app import run, settings
    from app.views.translate import trained, within_budget
    from playground.translate import TranslateConfig

    cfg = TranslateConfig(**settings.values(TranslateConfig))
    if cfg.task == "own":
        return {}
    cfg, _ = within_budget(cfg, None)
    m = run.shared(trained, cfg, None, lang=ctx.lang).metrics
    held = m[m.split == "held_out"]
    return {"exact": float(held.exact.iloc[0])} if len(held) else {}
