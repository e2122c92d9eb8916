"""The sidebar: language, scenario, one control per parameter (from `PARAMS`), what the
settings cost, and the upload. Returns the settings to run and the data to run them on.

The controls show what runs: every move settles them (`session.on_setting_change`), the
epochs and points controls say the most these settings allow, and a control that does
nothing for the data in use (noise for a real series or a file, the signal for a file)
is disabled with the reason in its help.

The Advanced group and the upload group draw their controls only while open (the
upload group also while it holds a file): closed, a rerun sends none of them.

An uploaded CSV is parsed once per file and kept per session as a few thousand numbers;
a file that cannot be used shows why and leaves the previous good file in place.
Replacing a file reruns the page once with no file before the new one arrives, so the
last good file is kept across an empty uploader; it trains only while a file is in the
uploader (no file: the built-in signal).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.session import (
    ADVANCED,
    view_label,
    view_of,
    NO_PRESET,
    UPLOAD_OPEN,
    apply_preset,
    on_setting_change,
    settle,
)
from playground import PARAMS, ExperimentConfig, Param
from playground.config import MIN_EPOCHS
from playground.i18n import LANGUAGES, Note, t
from playground.pipeline.signals import REAL_SERIES
from playground.pipeline.upload import UploadError, column_series, parse_csv
from playground.pipeline.experiment import SIGNAL, Data
from playground.workshop.instructor import InstructorOptions
from playground.workshop.presets import PRESETS

OWN_SETTINGS = ("text", "translate")  # views whose settings live in their tab, not here

# What the series comes from, for the controls' help: the built-in synthetic signal, a
# real series (airline, sunspots) or an uploaded file.
SYNTHETIC, REAL, UPLOAD = "synthetic", "real", "upload"


def source_of(cfg: ExperimentConfig) -> str:
    """Where the series the settings run on comes from."""
    if upload_in_use():
        return UPLOAD
    return REAL if cfg.signal in REAL_SERIES else SYNTHETIC


def explain(
    p: Param, lang: str, cfg: ExperimentConfig, source: str, locked: frozenset[str] = frozenset()
) -> tuple[str, bool]:
    """The help of `p`'s control for these settings and data (and the instructor's
    `locked` settings), and whether the control is disabled because it does nothing for
    them (the reason is in the help)."""
    if p.name == "n_points" and source != SYNTHETIC:
        help_text = t(lang, f"param.n_points.help_{source}")
    else:
        help_text = t(lang, f"param.{p.name}.help")
    idle = None  # why the control does nothing for this series
    if p.name == "noise" and source != SYNTHETIC:
        idle = t(lang, f"param.noise.off_{source}")
    elif p.name == "signal" and source == UPLOAD:
        idle = t(lang, "param.signal.off_upload")
    if idle is not None:
        help_text += "\n\n" + idle
    if p.name == "epochs":
        help_text += "\n\n" + t(lang, "param.epochs.max", max=cfg.max_epochs())
    elif p.name == "n_points" and "epochs" in locked:  # the points make room for them
        most = cfg.max_points(cfg.epochs)
        help_text += "\n\n" + t(lang, "param.n_points.max_locked", max=most, epochs=cfg.epochs)
    elif p.name == "n_points" and cfg.max_points() < p.high:
        help_text += "\n\n" + t(
            lang, "param.n_points.max", max=cfg.max_points(), min_epochs=MIN_EPOCHS
        )
    return help_text, idle is not None


def widget(
    p: Param, lang: str, options: InstructorOptions, cfg: ExperimentConfig, source: str
) -> object:
    """The control for one parameter, keyed by its name."""
    help_text, idle = explain(p, lang, cfg, source, options.locked)
    locked = p.name in options.locked
    if locked:
        help_text += "\n\n" + t(lang, "instructor.locked")
    common = dict(
        key=p.name,
        help=help_text,
        disabled=locked or idle,
        on_change=on_setting_change,
        args=(p.name,),
    )
    label = t(lang, f"param.{p.name}.label")
    if p.choices:  # the URL keeps the key, not the translated label
        return st.selectbox(
            label,
            p.choices,
            index=p.choices.index(p.default),
            format_func=lambda v, n=p.name: t(lang, f"choice.{n}.{v}"),
            **common,
        )
    if p.steps:  # the learning rate: a log scale of round values
        return st.select_slider(
            label, options=p.steps, value=p.default, format_func=lambda v: f"{v:g}", **common
        )
    if p.name == "seed":  # typed in: any of 10,000 values, none better than another
        return st.number_input(label, p.low, p.high, p.default, p.step, format="%d", **common)
    return st.slider(
        label, min_value=p.low, max_value=p.high, value=p.default, step=p.step, **common
    )


def controls(lang: str, options: InstructorOptions) -> tuple[dict[str, object], CostPlace]:
    """Language, scenario, every parameter's control and what the settings cost; returns
    the values chosen (always the values that run: see `session.settle`) and the cost's
    place, where the run's progress shows while it trains (`CostPlace`)."""
    cfg, _ = settle()  # a no-op after the callbacks; kept so the rule holds on any path
    source = source_of(cfg)
    scenario_locked = any(p.name in options.locked for p in PARAMS)  # a locked page keeps it
    with st.sidebar:
        st.selectbox(t(lang, "lang.label"), tuple(LANGUAGES), key="lang", format_func=LANGUAGES.get)
        st.selectbox(
            t(lang, "preset.select"),
            (NO_PRESET, *PRESETS),
            key="preset",
            format_func=lambda k: t(lang, PRESETS[k].title_key) if k else t(lang, "preset.custom"),
            on_change=apply_preset,
            disabled=scenario_locked,
        )
        view = view_of(st.session_state.get("view"))
        if view in OWN_SETTINGS:  # one set of controls: the open view's, in its tab
            st.caption(t(lang, "sidebar.own_settings", view=view_label(lang, view)))
            return keep(list(PARAMS)), CostPlace("")
        st.header(t(lang, "sidebar.header"))
        values = {p.name: widget(p, lang, options, cfg, source) for p in PARAMS if not p.advanced}
        # Drawn only while open: closed, a rerun sends none of its controls (each one
        # more element every browser in the room redraws on every change), and they
        # keep their values (`keep`). A link or scenario that sets one opens it.
        advanced = st.expander(t(lang, "sidebar.advanced"), key=ADVANCED, on_change="rerun")
        hidden = [p for p in PARAMS if p.advanced]
        if advanced.open:
            with advanced:
                values |= {p.name: widget(p, lang, options, cfg, source) for p in hidden}
        else:
            values |= keep(hidden)
        near = CostPlace(cost_text(lang, cfg))
    return values, near


class CostPlace:
    """Under the controls: what the settings cost, and, while a run trains, its progress
    bar in the same place (one element, not two, for every rerun to send and every
    browser in the room to redraw). Used as the `near` place of `PageContext.run`."""

    def __init__(self, text: str, slot: Any = None):
        self.text, self.slot = text, st.empty() if slot is None else slot
        self.slot.caption(text)

    def progress(self, value: float, text: str = "") -> Any:
        return self.slot.progress(value, text=text)

    def empty(self) -> None:
        """Done: the cost again."""
        self.slot.caption(self.text)


def keep(hidden: list[Param]) -> dict[str, object]:
    """The values of controls not drawn in this run, kept in session state (Streamlit
    drops a widget's state in a run that does not draw it)."""
    for p in hidden:
        if p.name in st.session_state:
            st.session_state[p.name] = st.session_state[p.name]
    return {p.name: st.session_state.get(p.name, p.default) for p in hidden}


def cost_text(lang: str, cfg: ExperimentConfig) -> str:
    """What these settings cost: about how long they train, and the most epochs."""
    seconds = max(cfg.seconds(), 0.1)
    return t(lang, "sidebar.cost", seconds=f"{seconds:.1f}", epochs=cfg.max_epochs())


def read_upload() -> tuple[object | None, UploadError | None]:
    """The file in the uploader (or None) and why it cannot be used (or None). A new
    file is parsed once, into `st.session_state.dataset` when it can be used."""
    upload = st.session_state.get("upload")
    seen = st.session_state.get("upload_seen", (None, None))
    if upload is not None and seen[0] != upload.file_id:
        error = None
        try:  # at most MAX_ROWS x MAX_COLUMNS numbers kept per session, not the file
            st.session_state.dataset = (upload.name, parse_csv(upload.getvalue()))
        except UploadError as err:
            error = err
        st.session_state.upload_seen = (upload.file_id, error)
    return upload, (st.session_state.upload_seen[1] if upload is not None else None)


def upload_in_use() -> bool:
    """Whether the run trains on an uploaded file (a file is in the uploader and it, or
    an earlier one, could be used)."""
    upload, _ = read_upload()
    return upload is not None and "dataset" in st.session_state


def data(lang: str, cfg: ExperimentConfig) -> tuple[ExperimentConfig, Data, list[Note]]:
    """The uploader and its column picker: the config fitted to the series, the data to
    train on and the notes to show."""
    # The uploader is drawn while its group is open or holds a file (not drawn, a file
    # would be dropped): an empty, closed group sends nothing on a rerun.
    box = st.sidebar.expander(t(lang, "upload.header"), key=UPLOAD_OPEN, on_change="rerun")
    if box.open or st.session_state.get("upload") is not None:
        with box:
            st.file_uploader(t(lang, "upload.file"), type=["csv", "txt"], key="upload")
    upload, error = read_upload()
    if error is not None:
        reason = t(lang, f"upload.error.{error.code}", **error.params)
        st.sidebar.error(t(lang, "upload.error", error=reason))
    if upload is None or "dataset" not in st.session_state:
        return cfg, SIGNAL, []

    name, parsed = st.session_state.dataset
    notes = [Note("upload.kept_previous", {"name": name})] if error is not None else []
    column = st.sidebar.selectbox(t(lang, "upload.column"), parsed.numeric_columns(), key="column")
    t_up, y_up, upload_notes = column_series(parsed, column)  # columns offered are usable
    n = min(len(y_up), cfg.n_points)  # the most recent n_points values
    notes += upload_notes
    if n < len(y_up):
        notes.append(Note("upload.using_last", {"n": n, "total": len(y_up)}))
    cfg, lowered = cfg.for_series(n)
    notes += lowered
    st.sidebar.caption(t(lang, "upload.using_file", name=name, column=column, n=n))
    return cfg, Data((t_up[-n:], y_up[-n:]), ("upload", parsed.digest, column, n)), notes
