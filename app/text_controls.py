"""The Text view's settings (`?view=text`, URL keys `text_*`) on the one settings builder
(app/settings.py): read from the link once per session, set by a preset, held by the
instructor's locks (`lock=text_epochs`, `lock=all`), moved by the budget to what runs (a
locked one never: an unlocked size gives way); and the learner's own text (pasted or
uploaded; a bad one leaves the previous in use and says why)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app import settings
from app.context import PageContext
from playground.i18n import Note, render_note
from playground.text import TextConfig, TextRejected, read_text
from playground.text.config import URL_PREFIX, budget_cut
from playground.text.presets import TEXT_PRESETS

NEXT_CHAR = (
    "task", "corpus", "model", "hidden_size", "seq_length", "epochs", "learning_rate",
    "num_layers", "seed",
)  # fmt: skip
SENTIMENT = ("task", "corpus", "model", "gap", "seed")  # reviews in English or Chinese


def key_of(name: str) -> str:
    return URL_PREFIX + name


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


def settle(ctx: PageContext, values: dict[str, Any]) -> tuple[TextConfig, list[Note]]:
    """The config of the controls' values (and the text in use), within the budget."""
    if values["task"] == "sentiment" and values["corpus"] == "own":
        values["corpus"] = "en"  # reviews: English or Chinese
    own = values["corpus"] == "own" and st.session_state.get("text_own")
    cfg = TextConfig(**values | {"corpus": "en" if values["corpus"] == "own" else values["corpus"]})
    if own:
        cfg = cfg.with_text(st.session_state.text_own)
    asked = cfg
    cfg, notes = cfg.within_budget(locked_names(ctx.options.locked))
    if budget_cut(asked, cfg) is not None:  # kept while these settings run (see asked_for)
        st.session_state.text_asked = (cfg.key(), asked)
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
    held = settings.values(TextConfig)
    read_own(ctx)
    sentiment = held["task"] == "sentiment"
    with st.expander(ctx.t("text.settings"), icon=":material/tune:", expanded=True):
        preset_picker(ctx)
        cfg, notes = settings.controls(
            TextConfig,
            ctx.lang,
            ctx.options.locked,
            settle=lambda values: settle(ctx, values),
            shown=SENTIMENT if sentiment else NEXT_CHAR,
            sticky=("corpus",) if not sentiment and held["corpus"] == "own" else (),
        )
        if not sentiment:
            cost = ctx.t(
                "text.settings.cost", seconds=f"{cfg.seconds():.1f}", epochs=cfg.max_epochs()
            )
            st.caption(cost)
    after_controls(ctx, notes)
    if not sentiment and held["corpus"] == "own":
        own_text_box(ctx)
    return cfg


def preset_picker(ctx: PageContext) -> None:
    """The tab's starting points; the chosen one's notice while its settings hold."""
    keys = ["", *TEXT_PRESETS]
    chosen = TEXT_PRESETS.get(st.session_state.get("text_preset") or "")
    held = settings.values(TextConfig)
    if chosen is not None and any(getattr(chosen.config, n) != held[n] for n in held):
        st.session_state.text_preset = ""  # the settings left the preset
        chosen = None

    def apply() -> None:
        picked = TEXT_PRESETS.get(st.session_state.get("text_preset") or "")
        if picked is not None:
            settings.apply(TextConfig, picked.config, ctx.options.locked)

    st.selectbox(
        ctx.t("text.preset.label"),
        keys,
        format_func=lambda k: ctx.t(TEXT_PRESETS[k].title_key) if k else ctx.t("text.preset.none"),
        key="text_preset",
        on_change=apply,
    )
    if chosen is not None and not ctx.options.hide_text:
        st.info(ctx.t(chosen.notice_key), icon=":material/school:")


def after_controls(ctx: PageContext, notes: list[Note]) -> None:
    """The locks and the notes: the link's (once) and the budget's."""
    names = [n for n in settings.values(TextConfig) if n in locked_names(ctx.options.locked)]
    if names:
        join = "、".join if ctx.lang == "zh" else ", ".join
        labels = join(settings.label(ctx.lang, TextConfig, n) for n in names)
        st.caption(":material/lock: " + ctx.t("instructor.locked_summary", labels=labels))
    for note in notes:
        st.caption(render_note(ctx.lang, note))
