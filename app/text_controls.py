"""The Text view's settings (`?view=text`): kept apart from the sidebar's (keys and URL
parameters `text_*`), read from the link once per session, set by a preset, held by
the instructor's locks (`lock=text_epochs`, `lock=all`), moved by the budget to what
runs (a locked one never: an unlocked size gives way), and the learner's own text
(pasted or uploaded; a bad one leaves the previous in use and says why)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.context import PageContext
from app.session import sync_url
from playground.i18n import Note, render_note
from playground.params import LEARNING_RATES, format_value
from playground.text import TextConfig, TextRejected, read_text
from playground.text.config import TEXT_PARAM_BY_NAME, URL_PREFIX, budget_cut
from playground.text.presets import TEXT_PRESETS

SHOWN = (
    "task", "corpus", "model", "hidden_size", "seq_length", "epochs", "learning_rate",
    "num_layers", "seed", "gap",
)  # fmt: skip


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
    asked = cfg
    cfg, notes = cfg.within_budget(locked_names(ctx.options.locked))
    if budget_cut(asked, cfg) is not None:  # kept while these settings run (see asked_for)
        st.session_state.text_asked = (cfg.key(), asked)
    for name in ("epochs", "hidden_size", "num_layers"):  # what the budget may lower
        values[name] = st.session_state[key_of(name)] = getattr(cfg, name)
    return cfg, notes


def asked_for(cfg: TextConfig) -> TextConfig | None:
    """What the learner asked for when the budget cut it to `cfg` (the controls show
    `cfg` since), or None when `cfg` runs as asked."""
    ran, asked = st.session_state.get("text_asked", (None, None))
    return asked if ran == cfg.key() else None


def locked_names(locked: frozenset[str]) -> frozenset[str]:
    """The tab's settings among the instructor's locks (`text_epochs` -> "epochs")."""
    return frozenset(n.removeprefix(URL_PREFIX) for n in locked if n.startswith(URL_PREFIX))


def controls(ctx: PageContext) -> TextConfig:
    """The tab's settings (kept in the URL) and the config that runs."""
    seed_from_link()
    read_own(ctx)
    cfg, budget_notes = settled(ctx)
    p = TEXT_PARAM_BY_NAME
    locked = locked_names(ctx.options.locked)

    def common(name: str) -> dict[str, Any]:
        """A control's key, help and, when the instructor locked it, disabled."""
        held = name in locked
        words = help_of(ctx, name) + ("\n\n" + ctx.t("instructor.locked") if held else "")
        return dict(key=key_of(name), help=words, disabled=held)

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
        else:
            next_char_controls(ctx, cfg, common)
    after_controls(ctx, budget_notes)
    if cfg.task == "next_char" and st.session_state.text_values["corpus"] == "own":
        own_text_box(ctx)
    return cfg


def next_char_controls(ctx: PageContext, cfg: TextConfig, common) -> None:
    """The next-character task's settings, and what a run of them costs."""
    p = TEXT_PARAM_BY_NAME
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
        col.slider(label(ctx, name), p[name].low, p[name].high, step=p[name].step, **common(name))
    a, b, c, d = st.columns(4)
    a.slider(label(ctx, "epochs"), p["epochs"].low, p["epochs"].high, **common("epochs"))
    b.select_slider(
        label(ctx, "learning_rate"), LEARNING_RATES, format_func=format_value,
        **common("learning_rate"),
    )  # fmt: skip
    c.slider(label(ctx, "num_layers"), 1, p["num_layers"].high, **common("num_layers"))
    d.number_input(label(ctx, "seed"), 0, p["seed"].high, step=1, **common("seed"))
    st.caption(ctx.t("text.settings.cost", seconds=f"{cfg.seconds():.1f}", epochs=cfg.max_epochs()))


def apply_preset() -> None:
    """Preset callback: every setting of the tab set to the preset's."""
    chosen = TEXT_PRESETS.get(st.session_state.get("text_preset") or "")
    if chosen is None:
        return
    locked = locked_names(st.session_state.options.locked)
    for name in SHOWN:
        if name not in locked:  # a locked control never moves
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
    """The URL set to the controls; the locks, the link's and the budget's notes."""
    locked = [label(ctx, n) for n in SHOWN if n in locked_names(ctx.options.locked)]
    if locked:
        join = "、".join if ctx.lang == "zh" else ", ".join
        st.caption(":material/lock: " + ctx.t("instructor.locked_summary", labels=join(locked)))
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
