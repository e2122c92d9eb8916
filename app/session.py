"""The session: the link read once into session state, the open view, the controls kept
equal to what runs, and the URL kept equal to it too. The page writes the URL itself from
the parsed config (`sync_url`), not through Streamlit's query-param binding: one parser
reads every link, and the URL holds choice keys (`model=gru`), never labels in the
reader's language.

What you see is what ran: when a move takes the settings past a bound or the budget (a
window longer than half the points, more points or epochs than the sizes allow), the
moved-against controls are set to the values that run (`settle`), with a note; a move
that leaves a scenario's settings leaves the scenario (`on_setting_change`), unless it
is a move the scenario's own text asks for (`Preset.holds`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from playground import PARAMS, ExperimentConfig
from playground.config import MODELS, PARAM_BY_NAME, format_value
from playground.i18n import LANGUAGES, Note, detect_language, t
from playground.tour import STEPS, step_from_link
from playground.views import VIEWS, resolve_view
from playground.workshop.instructor import (
    InstructorOptions,
    parse_instructor_options,
    values_of,
)
from playground.workshop.presets import PRESETS

NO_PRESET = ""  # the preset selectbox's "your own settings" entry
# Notes of a value the budget lowered. The page shows none of them as they come: it
# keeps the value asked for (`ASKED`), tries it again on every move, and says in one
# note what the budget holds now (`budget_note`).
BUDGET_NOTES = ("note.budget", "note.points_budget", "note.locked_budget")
ASKED = "budget_asked"  # setting -> the value the learner (or the link) asked for
# Setting -> the value the callbacks of this run's moves set it to: several controls
# moved at once call back one after another, and the first settles them all, so a
# later one finds its control at the value the budget gave, not at one the learner asked.
WRITTEN = "budget_written"
ADVANCED = "advanced"  # the sidebar's Advanced group's key: whether it is open
UPLOAD_OPEN = "upload_open"  # the upload group's key: whether it is open


def open_advanced_for(cfg: ExperimentConfig) -> None:
    """Open the Advanced group when `cfg` (a link's, a scenario's) sets one of its
    settings away from the default: the reader sees every setting that differs."""
    if any(getattr(cfg, p.name) != p.default for p in PARAMS if p.advanced):
        st.session_state[ADVANCED] = True


def view_label(lang: str, view: str) -> str:
    """The tab label of `view` in `lang`."""
    return t(lang, f"view.{view}.title")


def view_of(label: object) -> str | None:
    """The view key behind a tab label in any language, or None."""
    for view in VIEWS:
        if any(label == view_label(lang, view) for lang in LANGUAGES):
            return view
    return None


def browser_language() -> str:
    """The language the reader's browser asks for (read once per session: the link
    keeps `lang` while it differs from it, on every rerun)."""
    state = st.session_state
    if "browser_lang" not in state:
        state.browser_lang = detect_language(st.context.headers.get("Accept-Language"))
    return state.browser_lang


def start() -> None:
    """Read the link into session state, once per session: instructor options, language,
    preset, every control's starting value (clamped, with notes) and the view to open."""
    if "options" in st.session_state:
        return
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    opts = parse_instructor_options(query)
    tour = step_from_link(query["tour"][-1]) if query.get("tour") else None
    tour_step = STEPS[tour - 1] if tour else None  # `tour=4`: the step sets the page up
    st.session_state.tour_link = tour  # app/tour.py opens it
    preset = PRESETS.get(opts.preset or (tour_step and tour_step.preset) or NO_PRESET)
    # A preset sets every control; settings written in the link refine it.
    begin = preset.config.to_query_params() if preset else {}
    url_cfg, notes = ExperimentConfig.from_query_params(
        begin | {k: v for k, v in query.items() if k in PARAM_BY_NAME}
    )
    views = query.get("view", [])
    opened = [resolve_view(v) for v in views]
    notes += [Note("note.unknown_view", {"value": v[:24]}) for v, k in zip(views, opened) if not k]
    st.session_state.options = opts
    st.session_state.url_notes = list(notes) + list(opts.notes)
    st.session_state[ASKED] = {}
    remember_asked(notes)
    st.session_state.lang = opts.lang or browser_language()
    st.session_state.preset = preset.key if preset else NO_PRESET
    st.session_state.preset_start = url_cfg  # the scenario as the link refined it
    linked = [m for m in MODELS if m in {v.lower() for v in values_of(query, "compare")}]
    remember_compare(linked or list(compare_default(preset)))
    for p in PARAMS:  # seed the widgets with the clamped values
        if getattr(url_cfg, p.name) != p.default:
            st.session_state[p.name] = getattr(url_cfg, p.name)
    open_advanced_for(url_cfg)
    known = [k for k in opened if k]
    start_view = (
        known[-1]
        if known
        else tour_step.view
        if tour_step
        else resolve_view(preset.view)
        if preset
        else None
    )
    if start_view is not None:  # else the first tab (or one set before the first run)
        st.session_state.view = view_label(st.session_state.lang, start_view)


def compare_default(preset=None) -> tuple[str, ...]:
    """The models Compare trains unless the link says otherwise (`?compare=rnn,gru`):
    the scenario's, else all three."""
    return tuple((preset.compare_models if preset else ()) or MODELS)


def remember_compare(models: list[str]) -> None:
    """Set the models Compare trains: kept in `compare_choice`, which outlives the
    Compare tab's pills (Streamlit drops a widget's state in a run that does not draw
    it: the choice was lost on opening another tab), and given to the pills."""
    st.session_state.compare_choice = list(models)
    st.session_state.compare_models = list(models)


def compare_choice() -> list[str]:
    """The models Compare trains (the pills come back with them after another tab)."""
    if "compare_models" not in st.session_state:
        st.session_state.compare_models = list(st.session_state.get("compare_choice", MODELS))
    return st.session_state.compare_models


def sync_compare() -> None:
    """Keep `?compare=` equal to the models Compare trains (absent at the default), so
    that a copied link opens Compare with the same models."""
    chosen = st.session_state.get("compare_choice") or []
    preset = PRESETS.get(st.session_state.get("preset") or NO_PRESET)
    shown = ",".join(m for m in MODELS if m in chosen)
    sync_url("compare", shown, ",".join(compare_default(preset)))


def options() -> InstructorOptions:
    """The instructor options of this session's link."""
    return st.session_state.options


# Controls that show translated labels of their values: the browser keeps the label it
# shows (Streamlit sends a choice as its label), so after a language switch each is
# given its value again, which sends the new label.
TRANSLATED = ("preset", "compare_models", *(p.name for p in PARAMS if p.choices))
# Groups drawn only while open, whose state Streamlit ties to their label: after a
# language switch, each is given its state again (else it would close).
GROUPS = (ADVANCED, UPLOAD_OPEN)


def language() -> str:
    """The reader's language; after a language switch, the open tab and every control
    showing translated labels (`TRANSLATED`) are relabelled."""
    lang = st.session_state.lang
    if st.session_state.get("lang_shown", lang) != lang:
        for key in TRANSLATED + GROUPS:
            if key in st.session_state:
                st.session_state[key] = st.session_state[key]
    st.session_state.lang_shown = lang
    shown = st.session_state.get("view")  # None: the tabs' own (a browser's, or the first)
    open_view = view_of(shown)
    if shown is not None and (open_view is None or shown != view_label(lang, open_view)):
        st.session_state.view = view_label(lang, open_view or "train")
    return lang


def apply_preset() -> None:
    """Preset selectbox callback: set every (unlocked) control and open its view."""
    chosen = PRESETS.get(st.session_state.preset)
    if chosen is None:
        return
    for p in PARAMS:
        if p.name not in st.session_state.options.locked:
            st.session_state[p.name] = getattr(chosen.config, p.name)
    remember_compare(list(chosen.compare_models or MODELS))
    st.session_state.preset_start = chosen.config
    st.session_state[ASKED] = {}  # the scenario sets every value
    open_advanced_for(chosen.config)
    st.session_state.view = view_label(st.session_state.lang, resolve_view(chosen.view) or "train")


def scenario_start() -> ExperimentConfig | None:
    """The chosen scenario's settings as it began in this session (its config, as the
    link refined it); its "what to notice" holds there and at the moves it asks for."""
    return st.session_state.get("preset_start")


def settings() -> dict[str, object]:
    """Every control's value (its default before the control first shows)."""
    return {p.name: st.session_state.get(p.name, p.default) for p in PARAMS}


def settle(moved: str | None = None) -> tuple[ExperimentConfig, list[Note]]:
    """Set every control whose value does not run (bounds, window, budget) to the value
    that does; a control the instructor locked never moves (the budget lowers an
    unlocked one: the points first, then `moved`, the control just moved). A value the
    budget lowered before is asked for again (`ASKED`): when the budget no longer
    binds, it comes back (a move of that control itself asks anew). Returns the config
    that runs and a note per value changed. Called before the controls are drawn
    (writing their state is allowed then)."""
    values = settings()
    locked = st.session_state.options.locked
    asked = st.session_state.setdefault(ASKED, {})
    written = st.session_state.setdefault(WRITTEN, {})
    if moved is not None and written.get(moved, asked.get(moved)) != values[moved]:
        asked.pop(moved, None)  # the learner asked for another value
    tried = values | {k: v for k, v in asked.items() if k not in locked}
    cfg, notes = ExperimentConfig.from_values(tried, locked=locked, moved=moved)
    remember_asked(notes)
    for name in list(asked):
        if getattr(cfg, name) == asked[name]:  # back: the budget no longer holds it
            del asked[name]
    for p in PARAMS:
        if getattr(cfg, p.name) != values[p.name]:
            st.session_state[p.name] = written[p.name] = getattr(cfg, p.name)
    if moved is None:  # the page's own settle, after the callbacks: the moves are done
        written.clear()
    return cfg, notes


def remember_asked(notes: list[Note]) -> None:
    """Keep the value asked for of each setting the budget lowered (the first asked)."""
    asked = st.session_state.setdefault(ASKED, {})
    for note in notes:
        if note.key in BUDGET_NOTES:
            asked.setdefault(note.params["param"], note.params["value"])


def budget_held() -> list[tuple[str, object, object]]:
    """What the budget holds now: (setting, the value that runs, the value asked for)
    of each setting below the value asked for."""
    asked = st.session_state.get(ASKED, {})
    return [
        (k, st.session_state[k], v)
        for k, v in asked.items()
        if k in st.session_state and st.session_state[k] != v
    ]


def on_setting_change(moved: str | None = None) -> None:
    """Callback of every control (`moved`: its name): settle the controls (the page
    shows this move's notes once) and leave the scenario when the settings are no
    longer its own."""
    cfg, notes = settle(moved)
    # One callback per control moved since the last run: the first settles them all.
    st.session_state.settle_notes = st.session_state.get("settle_notes", []) + notes
    preset = PRESETS.get(st.session_state.get("preset") or NO_PRESET)
    if preset is not None and not preset.holds(cfg, scenario_start()):
        st.session_state.preset = NO_PRESET


def sync_url(name: str, value: object, default: object) -> None:
    """Keep `?name=` equal to `value` (absent at the default)."""
    wanted = None if value == default else str(value)
    if st.query_params.get(name) != wanted:
        if wanted is None:
            del st.query_params[name]
        else:
            st.query_params[name] = wanted


def sync_link(cfg: ExperimentConfig, lang: str) -> None:
    """The URL holds what runs (clamped, budgeted): a link copied now opens this page."""
    for p in PARAMS:
        sync_url(p.name, format_value(getattr(cfg, p.name)), format_value(p.default))
    sync_url("lang", lang, browser_language())  # kept while it differs from the browser's
    sync_url("preset", st.session_state.preset, NO_PRESET)
    sync_compare()


def open_view() -> str:
    """The open tab's view key (kept in the URL)."""
    view = view_of(st.session_state.get("view")) or "train"
    sync_url("view", view, "train")
    return view


@dataclass(frozen=True)
class Shown:
    """A run this session showed: its settings, data key and prediction rows."""

    cfg: ExperimentConfig
    data_key: tuple
    predictions: Any = field(compare=False)  # its predictions frame (the cached run's own)


def previous_run(cfg: ExperimentConfig, data_key: tuple, result: Any) -> Shown | None:
    """The run this session showed before the last change (None before any change, or
    when it diverged): the run shown last is remembered, and when the run changes, it
    becomes the previous one, until the next change. Session state holds its settings
    and its predictions frame (the cached run's own object: no copy), not the run."""
    state = st.session_state
    last = state.get("run_shown")
    if last is None or (last.cfg, last.data_key) != (cfg, data_key):
        if last is not None:
            state.run_before = last
        shown = None if result.diverged else result.predictions
        state.run_shown = Shown(cfg, data_key, shown)
    before = state.get("run_before")
    return None if before is None or before.predictions is None else before
