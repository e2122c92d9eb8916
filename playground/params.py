"""Settings: how a config field is declared once (`setting`), the vocabularies they
choose from (models and their gates, signals, learning rates), and the parsing and
clamping of their values.

A config's fields declared with `setting(default, low, high, step, ...)` are its
settings; `settings_of(config)` makes the `Param` of each, from which the page builds
its widgets (labels and help in each language are the locale keys `param.<name>.label` /
`.help`), `from_query_params` parses and clamps URL values (snapping them to a setting's
values) and the exported script writes its constants. Nothing else knows a bound. Every
value changed on the way in is reported as an `i18n.Note` whose `param` field is the
parameter's name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, Mapping

from playground.i18n import Note

# Each cell's blocks of weight rows in PyTorch's stacking order, by their letter in the
# equations: the LSTM's (i, f, g, o) gates, the GRU's (r, z, n); the RNN's one block is
# its tanh layer, h. The one gate table: weight-block counts (the cost budget), the gate
# that keeps the memory (keep_gate_bias) and the cell step's gates derive from it.
CELL_GATES: dict[str, tuple[str, ...]] = {
    "rnn": ("h",),
    "lstm": ("i", "f", "g", "o"),
    "gru": ("r", "z", "n"),
}
# The gate that keeps the old state when near 1 (LSTM forget f, GRU update z): the one
# keep_gate_bias is added to at initialisation. The plain RNN has none.
KEEP_GATE: dict[str, str] = {"lstm": "f", "gru": "z"}


def weight_blocks(model: str) -> int:
    """Blocks of weight rows (gate matrices) of one `model` cell: 1, 4 or 3."""
    return len(CELL_GATES[model])


def keep_gate_block(model: str) -> int | None:
    """Index of the keep gate's block of weight rows in `model`'s stacking, or None."""
    return CELL_GATES[model].index(KEEP_GATE[model]) if model in KEEP_GATE else None


# fmt: off
MODELS: tuple[str, ...] = tuple(CELL_GATES)
OPTIMIZERS: tuple[str, ...] = ("adam", "sgd")
SIGNALS: tuple[str, ...] = (  # tables read better aligned
    "sine", "square", "sawtooth", "sum_of_sines", "damped_sine", "trend_season",
    "random_walk", "airline", "sunspots",
)
# fmt: on

# The learning rates the page offers (a select slider, a log scale: 1-2-5 and 3 steps);
# every preset's rate is one of them. A URL value between them is snapped to the nearest
# (on a log scale), with a note; configs built in code may hold any rate in the bounds.
LEARNING_RATES: tuple[float, ...] = (
    0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.003, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1,
)  # fmt: skip


@dataclass(frozen=True)
class Param:
    """One setting: what it is and where it may go. Made from a config field declared
    with `setting` (`settings_of`); its label and help are the locale keys
    `param.<name>.label` / `.help`."""

    name: str  # field name = widget key = URL query parameter
    kind: type  # int, float or str (the default's type)
    default: Any  # the tutorial's value
    low: Any = None  # inclusive lower bound (numbers)
    high: Any = None  # inclusive upper bound (numbers)
    step: Any = None  # widget step; URL values are not snapped to it
    choices: tuple[str, ...] = ()  # allowed values (strings): a menu
    steps: tuple[float, ...] = ()  # the widget's values (numbers): a select slider; URL
    # values snap to them. Neither choices nor steps: a slider from low to high by step.
    advanced: bool = False  # shown in the "advanced" group


def setting(
    default: Any,
    low: Any = None,
    high: Any = None,
    step: Any = None,
    *,
    choices: tuple[str, ...] = (),
    steps: tuple[float, ...] = (),
    advanced: bool = False,
) -> Any:
    """A config field that is a setting: its one declaration (default, bounds, step or
    the widget's values or choices, group), from which the widgets, URL parsing,
    clamping, the budget's bounds and the exported script are made (`settings_of`)."""
    where = dict(low=low, high=high, step=step, choices=choices, steps=steps, advanced=advanced)
    return field(default=default, metadata={"setting": where})


def settings_of(config: type) -> tuple[Param, ...]:
    """The settings of a config dataclass, in field order (fields made by `setting`)."""
    return tuple(
        Param(f.name, type(f.default), f.default, **f.metadata["setting"])
        for f in fields(config)
        if "setting" in f.metadata
    )


# Longest accepted URL value; anything longer is ignored (and reported).
MAX_VALUE_CHARS = 64


def window_note(seq_length: int, n_points: int) -> Note:
    """The note for a window longer than half the series (lowered to the half)."""
    return Note(
        "note.seq_too_long",
        {
            "param": "seq_length",
            "value": seq_length,
            "n_points": n_points,
            "lowered": n_points // 2,
        },
    )


def format_value(value: Any) -> str:
    """URL form of a value: repr for floats round-trips exactly."""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def parse_value(p: Param, raw: Any) -> tuple[Any, Note | None]:
    """Parse one raw URL value for `p`: (value, Note or None); never raises. A value
    between `p.steps` is snapped to the nearest (`note.snapped`).

    Note fields are shown as text: `value` is the raw text quoted and cut to 24
    characters, `default` the URL form of the default."""
    text = str(raw).strip()
    shown = repr(text if len(text) <= 24 else text[:21] + "...")
    fallback = {"param": p.name, "value": shown, "default": format_value(p.default)}
    if len(text) > MAX_VALUE_CHARS or not text:
        return p.default, Note("note.ignored", fallback)
    if p.kind is str:
        value: Any = text.lower()
    else:
        try:
            number = float(text)
        except ValueError:
            return p.default, Note("note.not_number", fallback)
        if not math.isfinite(number):
            return p.default, Note("note.not_finite", fallback)
        value = number
    value, note = coerce(p, value)
    if p.steps and value not in p.steps:
        value, note = snap(p, value)
    return value, note


def snap(p: Param, value: float) -> tuple[float, Note]:
    """The nearest of `p.steps` to `value` on a log scale (they are all positive), with
    its note. Fields are shown as text (`:g`)."""
    nearest = min(p.steps, key=lambda s: (abs(math.log(s) - math.log(value)), s))
    note = Note("note.snapped", {"param": p.name, "value": f"{value:g}", "snapped": f"{nearest:g}"})
    return nearest, note


def coerce(p: Param, value: Any) -> tuple[Any, Note | None]:
    """Bring a typed value into `p`'s type and bounds: (value, Note or None).

    Note fields are shown as text: numbers as `:g` (bounds as written in PARAMS),
    unparseable values quoted and cut to 24 characters."""
    if p.kind is str:
        text = str(value)
        if text in p.choices:
            return text, None
        return p.default, Note(
            "note.unknown_choice",
            {
                "param": p.name,
                "value": repr(text[:24]),
                "default": repr(p.default),
                "choices": ", ".join(p.choices),
            },
        )
    try:
        number = float(value) + 0.0  # + 0.0 turns -0.0 into 0.0 (numpy refuses scale=-0.0)
    except (TypeError, ValueError, OverflowError):
        return p.default, Note(
            "note.not_number",
            {"param": p.name, "value": repr(str(value)[:24]), "default": str(p.default)},
        )
    if not math.isfinite(number):
        return p.default, Note(
            "note.not_finite",
            {"param": p.name, "value": repr(value), "default": str(p.default)},
        )
    note = None
    if p.kind is int:
        rounded = int(round(number))
        if rounded != number:
            note = Note(
                "note.rounded", {"param": p.name, "value": f"{number:g}", "rounded": str(rounded)}
            )
        number = rounded
    clamped = min(max(number, p.low), p.high)
    if clamped != number:
        note = Note(
            "note.clamped",
            {
                "param": p.name,
                "value": f"{number:g}",
                "low": str(p.low),
                "high": str(p.high),
                "clamped": f"{clamped:g}",
            },
        )
    return p.kind(clamped), note


def check_values(params: tuple[Param, ...], values: Mapping[str, Any]) -> list[str]:
    """Reasons `values` are not valid values of `params` (empty when valid)."""
    problems = []
    for p in params:
        value = values[p.name]
        if p.kind is str:
            if value not in p.choices:
                problems.append(f"{p.name}={value!r} not in {p.choices}")
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{p.name}={value!r} is not a number")
        elif p.kind is int and not float(value).is_integer():
            problems.append(f"{p.name}={value!r} is not an integer")
        elif not (p.low <= value <= p.high) or not math.isfinite(value):
            problems.append(f"{p.name}={value!r} outside {p.low}..{p.high}")
    return problems


class Settings:
    """What every view's settings dataclass shares (`TextConfig`, `TranslateConfig`):
    each field declared with `setting` is checked on construction, read from a link and
    written back to one under the view's URL prefix (`URL_PREFIX + field`, which is
    also the widget key). A subclass is a frozen dataclass that sets `URL_PREFIX`."""

    URL_PREFIX = ""  # e.g. "text_": URL key and widget key of field f

    def __post_init__(self) -> None:
        """Raise ValueError naming every setting outside its bounds or choices."""
        problems = invalid_settings(self)
        if problems:
            raise ValueError(f"invalid {type(self).__name__}: " + "; ".join(problems))

    @classmethod
    def params(cls) -> tuple[Param, ...]:
        """The settings, in field order."""
        return settings_of(cls)

    @classmethod
    def parse_query(cls, query: Mapping[str, Any]) -> tuple[dict[str, Any], list[Note]]:
        """The settings a link holds (`URL_PREFIX + field`; a repeated key's last value),
        parsed and clamped, never raising: unknown keys ignored, bad values defaulted,
        one note each (its `param` is the field's name)."""
        values: dict[str, Any] = {}
        notes: list[Note] = []
        for p in cls.params():
            raw = query.get(cls.URL_PREFIX + p.name)
            if raw is None:
                continue
            if isinstance(raw, list | tuple):
                raw = raw[-1] if raw else ""
            values[p.name], note = parse_value(p, raw)
            notes += [note] if note else []
        return values, notes

    @classmethod
    def from_query_params(cls, query: Mapping[str, Any]) -> tuple[Any, list[Note]]:
        """The config a link holds (see `parse_query`), with the notes of its changes."""
        values, notes = cls.parse_query(query)
        return cls(**values), notes

    def to_query_params(self) -> dict[str, str]:
        """Every setting as URL strings; `from_query_params` reads them back exactly."""
        return {
            self.URL_PREFIX + p.name: format_value(getattr(self, p.name)) for p in self.params()
        }


def invalid_settings(config: Any) -> list[str]:
    """Why the settings of `config` (a dataclass instance) are not valid (empty if they
    are): a number that is not one, a value outside its bounds or choices."""
    problems = []
    for p in settings_of(type(config)):
        value = getattr(config, p.name)
        if p.kind is not str and (isinstance(value, bool) or not isinstance(value, int | float)):
            problems.append(f"{p.name}={value!r} is not a number")
            continue
        clean, note = coerce(p, value)
        if note is not None or clean != value:
            problems.append(f"{p.name}={value!r} outside its bounds or choices")
    return problems
