"""The one parameter table behind widgets, URLs and validation, and the parsing of values.

`PARAMS` gives, per setting, its type, default, bounds, step (or the widget's values)
and help; the page builds its widgets from it (labels and help in each language are the
locale keys `param.<name>.label` / `.help`), `config.ExperimentConfig.from_query_params`
parses and clamps URL values with it (and snaps them to a setting's values). Nothing
else in the app knows a bound. Every value changed on the way in is reported as an
`i18n.Note` whose `param` field is the parameter's name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

from playground.i18n import Note

# fmt: off
MODELS: tuple[str, ...] = ("rnn", "lstm", "gru")
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
    """One row of the parameter table: what a setting is and where it may go."""

    name: str  # field name = widget key = URL query parameter
    kind: type  # int, float or str
    default: Any  # the tutorial's value
    low: Any = None  # inclusive lower bound (numbers)
    high: Any = None  # inclusive upper bound (numbers)
    step: Any = None  # widget step; URL values are not snapped to it
    choices: tuple[str, ...] = ()  # allowed values (strings)
    steps: tuple[float, ...] = ()  # the widget's values (numbers); URL values snap to them
    help: str = ""  # one-line help text shown beside the widget
    advanced: bool = False  # shown in the "advanced" group


# fmt: off
PARAMS: tuple[Param, ...] = (
    Param("noise", float, 0.1, 0.0, 1.0, 0.01,
          help="Standard deviation of the Gaussian noise added to the signal."),
    Param("seq_length", int, 10, 2, 50, 1,
          help="How many past values the network sees to predict the next one."),
    Param("hidden_size", int, 32, 1, 128, 1,
          help="Number of units in the recurrent layer's hidden state."),
    Param("epochs", int, 100, 1, 1000, 1,
          help="Full-batch training steps (one update each)."),
    Param("model", str, "rnn", choices=MODELS,
          help="Vanilla RNN, LSTM or GRU cell."),
    Param("seed", int, 0, 0, 9999, 1,
          help="Seeds the noise and the initial weights: same seed, same result."),
    Param("learning_rate", float, 0.01, 0.0001, 0.1, steps=LEARNING_RATES,
          help="Step size of the optimizer (Adam or SGD).", advanced=True),
    Param("num_layers", int, 1, 1, 3, 1,
          help="Stacked recurrent layers.", advanced=True),
    Param("n_points", int, 100, 40, 1000, 10,
          help="Samples of the signal over 0..4π.", advanced=True),
    Param("train_fraction", float, 0.8, 0.5, 0.95, 0.05,
          help="The first part of the series trains; the rest is held out as test.",
          advanced=True),
    Param("signal", str, "sine", choices=SIGNALS,
          help="Which series to learn.", advanced=True),
    Param("clip_grad", float, 0.0, 0.0, 10.0, 0.1,
          help="Largest gradient norm per step (0 = no clipping).", advanced=True),
    Param("init_scale", float, 1.0, 0.1, 4.0, 0.1,
          help="Multiplies the initial recurrent weights; above ~2 gradients can explode.",
          advanced=True),
    Param("keep_gate_bias", float, 0.0, 0.0, 6.0, 0.5,
          help=(
               "Added at initialisation to the bias of the gate that keeps the memory "
               "(LSTM forget gate, GRU update gate): at b the gate starts near σ(b), "
               "and a stored value lasts about 1 + e^b steps. 0 is PyTorch's default "
               "(the gate starts half open); 4 keeps it open for ~55 steps. No effect "
               "on the plain RNN."
          ), advanced=True),
    Param("optimizer", str, "adam", choices=OPTIMIZERS,
          help=(
               "Adam scales each weight's step to about the learning rate; SGD steps by "
               "the learning rate times the gradient, so a large gradient makes a large step."
          ), advanced=True),
)
# fmt: on

PARAM_BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}

# Longest accepted URL value; anything longer is ignored (and reported).
MAX_VALUE_CHARS = 64


def _window_note(seq_length: int, n_points: int) -> Note:
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


def _check_all(values: Mapping[str, Any]) -> list[str]:
    """Reasons the values are not a valid config (empty when valid)."""
    problems = []
    for p in PARAMS:
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
    if not problems and values["seq_length"] > values["n_points"] // 2:
        problems.append(
            f"seq_length={values['seq_length']} is more than half of n_points={values['n_points']}"
        )
    return problems
