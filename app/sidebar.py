"""The sidebar: language, scenario, one control per parameter (from `PARAMS`), and the
upload. Returns the settings to run and the data to run them on.

An uploaded CSV is parsed once per file and kept per session as a few thousand numbers;
a file that cannot be used shows why and leaves the previous good file in place.
Replacing a file reruns the page once with no file before the new one arrives, so the
last good file is kept across an empty uploader; it trains only while a file is in the
uploader (no file: the built-in signal).
"""

from __future__ import annotations

import streamlit as st

from app.session import NO_PRESET, apply_preset
from playground import PARAMS, ExperimentConfig, Param
from playground.i18n import LANGUAGES, Note, t
from playground.pipeline.upload import UploadError, column_series, parse_csv
from playground.serve.keys import SIGNAL, Data
from playground.workshop.instructor import InstructorOptions
from playground.workshop.presets import PRESETS


def widget(p: Param, lang: str, options: InstructorOptions) -> object:
    """The control for one parameter, keyed by its name."""
    help_text = t(lang, f"param.{p.name}.help")
    locked = p.name in options.locked
    if locked:
        help_text += "\n\n" + t(lang, "instructor.locked")
    common = dict(key=p.name, help=help_text, disabled=locked)
    label = t(lang, f"param.{p.name}.label")
    if p.choices:  # the URL keeps the key, not the translated label
        return st.selectbox(
            label,
            p.choices,
            index=p.choices.index(p.default),
            format_func=lambda v, n=p.name: t(lang, f"choice.{n}.{v}"),
            **common,
        )
    # Typed-in numbers for the learning rate and seed; sliders for the rest.
    if p.name in ("learning_rate", "seed"):
        control, extra = st.number_input, {"format": "%.4f" if p.kind is float else "%d"}
    else:
        control, extra = st.slider, {}
    return control(
        label, min_value=p.low, max_value=p.high, value=p.default, step=p.step, **extra, **common
    )


def controls(lang: str, options: InstructorOptions) -> dict[str, object]:
    """Language, scenario and every parameter's control; returns the values chosen."""
    with st.sidebar:
        st.selectbox(t(lang, "lang.label"), tuple(LANGUAGES), key="lang", format_func=LANGUAGES.get)
        st.selectbox(
            t(lang, "preset.select"),
            (NO_PRESET, *PRESETS),
            key="preset",
            format_func=lambda k: t(lang, PRESETS[k].title_key) if k else t(lang, "preset.custom"),
            on_change=apply_preset,
            disabled=bool(options.locked),  # a locked page keeps its scenario
        )
        st.header(t(lang, "sidebar.header"))
        values = {p.name: widget(p, lang, options) for p in PARAMS if not p.advanced}
        with st.expander(t(lang, "sidebar.advanced")):
            values |= {p.name: widget(p, lang, options) for p in PARAMS if p.advanced}
    return values


def data(lang: str, cfg: ExperimentConfig) -> tuple[ExperimentConfig, Data, list[Note]]:
    """The uploader and its column picker: the config fitted to the series, the data to
    train on and the notes to show."""
    with st.sidebar.expander(t(lang, "upload.header")):
        upload = st.file_uploader(t(lang, "upload.file"), type=["csv", "txt"], key="upload")
    seen = st.session_state.get("upload_seen", (None, None))
    if upload is not None and seen[0] != upload.file_id:
        error = None
        try:  # at most MAX_ROWS x MAX_COLUMNS numbers kept per session, not the file
            st.session_state.dataset = (upload.name, parse_csv(upload.getvalue()))
        except UploadError as err:
            error = err
        st.session_state.upload_seen = (upload.file_id, error)
    error = st.session_state.upload_seen[1] if upload is not None else None
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
