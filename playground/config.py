"""ExperimentConfig and the one parameter table behind widgets, URLs and validation.

Every setting of an experiment is a field of the frozen `ExperimentConfig`. The table
`PARAMS` gives, per field, its type, default, bounds, step and help; the page builds
its widgets from it (labels and help in each language are the locale keys
`param.<name>.label` / `.help`), `from_query_params` parses and clamps URL values with it,
and `to_query_params` writes them back. Nothing else in the app knows a bound.

Every value changed on the way in (defaulted, rounded, clamped, lowered to the window or
the budget) is reported as an `i18n.Note` (`note.clamped`, ...) whose `param` field is the
parameter's name; the page renders it in the reader's language.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Mapping

from playground.i18n import Note

# fmt: off
MODELS: tuple[str, ...] = ("rnn", "lstm", "gru")
SIGNALS: tuple[str, ...] = (  # tables read better aligned
    "sine", "square", "sawtooth", "sum_of_sines", "damped_sine", "trend_season",
    "random_walk", "airline", "sunspots",
)
# fmt: on

# Cost budget: one "work unit" is one multiply-accumulate of one training epoch, about
# 0.3 ns of one core here (bench/bench_cost.py). A recurrent step of one layer costs, per
# window, GATES x (H x (H_in + H + 2) + ELEMENT_WORK + ELEMENT_WORK_PER_UNIT x H): gate
# matrices (input, hidden, biases) and elementwise ops, fitted to measured times (the
# LSTM kernel's elementwise part grows with H); plus STEP_WORK[model] once for the op
# dispatch that dominates small models. The worst case the bounds allow is clamped (by
# lowering epochs) to stay under MAX_WORK, ~4 s of one busy core (limit 10 s, margin 2x).
GATES: dict[str, int] = {"rnn": 1, "gru": 3, "lstm": 4}
STEP_WORK: dict[str, float] = {"rnn": 3.0e5, "gru": 9.0e5, "lstm": 3.0e5}  # per step, layer
ELEMENT_WORK: float = 300.0  # per window, gate, step and layer
ELEMENT_WORK_PER_UNIT: float = 30.0  # the same, per hidden unit
EPOCH_WORK: float = 2.0e6  # optimizer, loss and bookkeeping per epoch
MAX_WORK: float = 1.2e10


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
    help: str = ""  # one-line help text shown beside the widget
    advanced: bool = False  # shown in the "advanced" group


# fmt: off
PARAMS: tuple[Param, ...] = (
    Param("noise", float, 0.1, 0.0, 1.0, 0.01,
          help="Standard deviation of the Gaussian noise added to the signal."),
    Param("seq_length", int, 10, 2, 60, 1,
          help="How many past values the network sees to predict the next one."),
    Param("hidden_size", int, 32, 1, 128, 1,
          help="Number of units in the recurrent layer's hidden state."),
    Param("epochs", int, 100, 1, 1000, 1,
          help="Full-batch training steps (Adam)."),
    Param("model", str, "rnn", choices=MODELS,
          help="Vanilla RNN, LSTM or GRU cell."),
    Param("seed", int, 0, 0, 9999, 1,
          help="Seeds the noise and the initial weights: same seed, same result."),
    Param("learning_rate", float, 0.01, 0.0001, 0.1, 0.0001,
          help="Adam step size.", advanced=True),
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


@dataclass(frozen=True)
class ExperimentConfig:
    """Every setting of one experiment. Defaults reproduce the tutorial exactly."""

    noise: float = 0.1  # σ of Gaussian noise added to the signal
    seq_length: int = 10  # window length: past steps fed to the network
    hidden_size: int = 32  # units in each recurrent layer
    epochs: int = 100  # full-batch Adam steps
    model: str = "rnn"  # "rnn" | "lstm" | "gru"
    seed: int = 0  # seeds noise and weight init
    learning_rate: float = 0.01  # Adam lr
    num_layers: int = 1  # stacked recurrent layers
    n_points: int = 100  # samples over 0..4π
    train_fraction: float = 0.8  # chronological split: first part trains
    signal: str = "sine"  # key into the signal registry
    clip_grad: float = 0.0  # max gradient norm per step; 0 = no clipping
    init_scale: float = 1.0  # factor on the initial recurrent (hidden-to-hidden) weights

    def __post_init__(self) -> None:
        problems = _check_all(asdict(self))
        if problems:
            raise ValueError("invalid ExperimentConfig: " + "; ".join(problems))

    # ---- URL round trip -------------------------------------------------
    @classmethod
    def from_query_params(cls, params: Mapping[str, Any]) -> tuple["ExperimentConfig", list[Note]]:
        """Parse URL query parameters into a config, never raising.

        Unknown keys are ignored silently (the URL may carry other options);
        unparseable values fall back to the default and out-of-range values are
        clamped, each with one note. Returns (config, notes).
        """
        values: dict[str, Any] = {}
        notes: list[Note] = []
        for p in PARAMS:
            if p.name not in params:
                continue
            raw = params[p.name]
            if isinstance(raw, (list, tuple)):  # repeated key: last one wins
                raw = raw[-1] if raw else ""
            value, note = parse_value(p, raw)
            if note:
                notes.append(note)
            values[p.name] = value
        return cls.from_values(values, notes)

    @classmethod
    def from_values(
        cls, values: Mapping[str, Any], notes: list[Note] | None = None
    ) -> tuple["ExperimentConfig", list[Note]]:
        """Build a config from already-typed values, clamping into bounds and budget.

        Returns (config, notes): `notes` (appended to) or a new list, one Note per
        value changed."""
        notes = [] if notes is None else notes
        clean: dict[str, Any] = {}
        for p in PARAMS:
            if p.name in values:
                value, note = coerce(p, values[p.name])
                if note:
                    notes.append(note)
                clean[p.name] = value
        n_points = clean.get("n_points", PARAM_BY_NAME["n_points"].default)
        seq_length = clean.get("seq_length", PARAM_BY_NAME["seq_length"].default)
        if seq_length > n_points // 2:
            clean["seq_length"] = n_points // 2
            notes.append(_window_note(seq_length, n_points))
        cfg = cls(**clean)
        budgeted = cfg.within_budget()
        if budgeted.epochs != cfg.epochs:
            notes.append(
                Note(
                    "note.budget",
                    {"param": "epochs", "value": cfg.epochs, "lowered": budgeted.epochs},
                )
            )
        return budgeted, notes

    def for_series(self, n_values: int) -> tuple["ExperimentConfig", list[Note]]:
        """This config for a given series of `n_values` values (an upload) instead of its
        own signal: the window lowered to half the series if it is longer, with a
        note; `signal` and `noise`, which shape only the config's own signal, back
        at their defaults, so that they do not tell equal runs apart. Raises ValueError
        below 4 values (no window of 2 fits)."""
        own_signal = {n: PARAM_BY_NAME[n].default for n in ("signal", "noise")}
        fitted = replace(self, **own_signal, seq_length=min(self.seq_length, n_values // 2))
        if fitted.seq_length == self.seq_length:
            return fitted, []
        return fitted, [_window_note(self.seq_length, n_values)]

    def to_query_params(self) -> dict[str, str]:
        """All fields as URL strings; `from_query_params` reads them back exactly."""
        return {p.name: format_value(getattr(self, p.name)) for p in PARAMS}

    # ---- cost ------------------------------------------------------------
    def work(self) -> float:
        """Training cost in work units (see MAX_WORK) for this config."""
        n_windows = max(self.n_points - self.seq_length, 1)
        h = self.hidden_size
        per_step = 0.0  # one time step through every layer, all windows
        for layer in range(self.num_layers):
            h_in = 1 if layer == 0 else h
            elementwise = ELEMENT_WORK + ELEMENT_WORK_PER_UNIT * h
            per_window = GATES[self.model] * (h * (h_in + h + 2) + elementwise)
            per_step += STEP_WORK[self.model] + n_windows * per_window
        return float(self.epochs * (self.seq_length * per_step + EPOCH_WORK))

    def max_epochs(self) -> int:
        """Most epochs this config may train within the budget."""
        per_epoch = replace(self, epochs=1).work()
        return int(max(1, min(PARAM_BY_NAME["epochs"].high, MAX_WORK // per_epoch)))

    def fits_budget(self) -> bool:
        """Whether this config may train: within MAX_WORK, or at the floor of one epoch
        (the largest sizes cost more than the budget in one epoch; bench_cost measures
        them well under the 10 s limit)."""
        return self.work() <= MAX_WORK or self.epochs == 1

    def within_budget(self) -> "ExperimentConfig":
        """This config with epochs lowered so its work fits MAX_WORK."""
        return self if self.epochs <= self.max_epochs() else replace(self, epochs=self.max_epochs())

    def key(self) -> tuple:
        """A hashable, order-stable identity (the cache key)."""
        return tuple((f.name, getattr(self, f.name)) for f in fields(self))


def format_value(value: Any) -> str:
    """URL form of a value: repr for floats round-trips exactly."""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def parse_value(p: Param, raw: Any) -> tuple[Any, Note | None]:
    """Parse one raw URL value for `p`: (value, Note or None); never raises.

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
    return coerce(p, value)


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
