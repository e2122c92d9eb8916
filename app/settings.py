"""One settings builder for a view's settings: any frozen dataclass whose settings are
declared with `params.setting` and which carries a URL prefix (`params.Settings`:
`TranslateConfig`, next `TextConfig`).

From the declarations alone it draws one control per setting (a menu for choices, two
choices side by side, a
log slider for a setting's values, a typed number for the seed, else a slider), labels
them from the locales (`param.<view>.<name>.label`, else the shared
`param.<name>.label`), reads the link once per session (`<prefix><name>`, with a note
for each value it could not run), keeps the link equal to what runs, disables what the
instructor locked (`lock=<prefix><name>`), applies a preset, and settles the values to
what runs (a view's budget) before the controls draw, so they show it.

The values live apart from the widgets (`<prefix>values`): Streamlit drops a widget's
state in a run that does not draw it (a closed tab), and the settings must survive it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

import streamlit as st

from app.session import sync_url
from playground.i18n import Note, t
from playground.params import Param, Settings, format_value

Settle = Callable[[dict[str, Any]], tuple[Any, list[Note]]]  # values -> (what runs, notes)


def view_of(cls: type[Settings]) -> str:
    """The view a settings class belongs to: its prefix without the underscore."""
    return cls.URL_PREFIX.rstrip("_")


def word(lang: str, cls: type[Settings], kind: str, rest: str) -> str:
    """`<kind>.<view>.<rest>` in `lang` (the view's own word), else `<kind>.<rest>`."""
    own = f"{kind}.{view_of(cls)}.{rest}"
    text = t(lang, own)
    return text if text != own else t(lang, f"{kind}.{rest}")


def choice(lang: str, cls: type[Settings], name: str, value: str) -> str:
    """A choice's word in `lang`: the view's own (`<view>.<name>.<value>`, as
    `text.task.sentiment`), else the shared `choice.<name>.<value>`."""
    own = f"{view_of(cls)}.{name}.{value}"
    text = t(lang, own)
    return text if text != own else t(lang, f"choice.{name}.{value}")


def label(lang: str, cls: type[Settings], name: str, part: str = "label") -> str:
    """A setting's label (or help) in `lang`."""
    return word(lang, cls, "param", f"{name}.{part}")


def link_query() -> dict[str, list[str]]:
    """The page's link as lists of values per key."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def values(cls: type[Settings]) -> dict[str, Any]:
    """The settings this session holds for `cls`'s view (read from the link once per
    session; the link's notes are kept to be shown once, see `controls`)."""
    held = cls.URL_PREFIX + "values"
    if held not in st.session_state:
        cfg, notes = cls.from_query_params(link_query())
        st.session_state[held] = {p.name: getattr(cfg, p.name) for p in cls.params()}
        st.session_state[cls.URL_PREFIX + "link_notes"] = notes
    settings = st.session_state[held]
    for p in cls.params():
        key = cls.URL_PREFIX + p.name
        if key in st.session_state:  # a control drawn in the last run: its value is the setting
            settings[p.name] = st.session_state[key]
    return settings


def apply(cls: type[Settings], config: Any, locked: frozenset[str] = frozenset()) -> None:
    """Set every setting not locked to `config`'s (a preset): the values and the
    controls, before they draw."""
    held = values(cls)
    for p in cls.params():
        key = cls.URL_PREFIX + p.name
        if key not in locked:
            held[p.name] = st.session_state[key] = getattr(config, p.name)


def controls(
    cls: type[Settings],
    lang: str,
    locked: frozenset[str] = frozenset(),
    *,
    settle: Settle | None = None,
    shown: Sequence[str] | None = None,
    sticky: Collection[str] = (),
    columns: int = 4,
) -> tuple[Any, list[Note]]:
    """Draw the controls of `cls`'s settings (`shown`, default all) in rows of
    `columns`, and return the config that runs and the notes to show: the link's (once)
    and `settle`'s (the values to the config that runs: a view's budget, each time it
    applies). Each control starts from the held value and shows what runs, except the
    `sticky` ones, which keep the learner's choice (a choice that needs more than the
    settings, as one's own text); the link follows what runs."""
    held = values(cls)
    params = [p for p in cls.params() if shown is None or p.name in shown]
    notes = list(st.session_state.pop(cls.URL_PREFIX + "link_notes", []))
    cfg, moved = (cls(**held), []) if settle is None else settle(dict(held))
    notes += moved
    for p in params:  # every control shows what runs
        if p.name not in sticky:
            held[p.name] = getattr(cfg, p.name)
        st.session_state[cls.URL_PREFIX + p.name] = held[p.name]
    for row in range(0, len(params), columns):
        cells = st.columns(columns)
        for p, cell in zip(params[row : row + columns], cells):
            with cell:
                widget(cls, p, lang, cls.URL_PREFIX + p.name in locked)
    for p in cls.params():
        sync_url(cls.URL_PREFIX + p.name, format_value(held[p.name]), format_value(p.default))
    return cfg, notes


def widget(cls: type[Settings], p: Param, lang: str, locked: bool) -> Any:
    """The control of one setting, keyed `<prefix><name>`; disabled when locked."""
    help_text = label(lang, cls, p.name, "help")
    if locked:
        help_text += "\n\n" + t(lang, "instructor.locked")
    common = dict(key=cls.URL_PREFIX + p.name, help=help_text, disabled=locked)
    text = label(lang, cls, p.name)
    if p.choices:  # the URL keeps the key, not the translated word
        words = {c: choice(lang, cls, p.name, c) for c in p.choices}
        if len(p.choices) <= 2:  # both in sight, one click apart
            return st.segmented_control(
                text, p.choices, format_func=words.__getitem__, required=True, **common
            )
        return st.selectbox(text, p.choices, format_func=words.__getitem__, **common)
    if p.steps:
        return st.select_slider(text, options=p.steps, format_func=format_value, **common)
    if p.name == "seed":  # typed in: none better than another
        return st.number_input(text, p.low, p.high, step=p.step, format="%d", **common)
    return st.slider(text, min_value=p.low, max_value=p.high, step=p.step, **common)
