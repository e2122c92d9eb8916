"""ExperimentConfig: every setting of an experiment, each declared once.

Every setting is a field of the frozen `ExperimentConfig`, declared with
`params.setting` (default, bounds, step or values, group); `PARAMS` is made from those
declarations: the page builds its widgets from it (labels and help in each language are
the locale keys `param.<name>.label` / `.help`), `from_query_params` parses and clamps
URL values with it, `to_query_params` writes them back, the budget reads its bounds and
the exported script its constants. Nothing else in the app knows a bound.

Every value changed on the way in (defaulted, rounded, clamped, snapped, lowered to the
window or the budget) is reported as an `i18n.Note` (`note.clamped`, ...) whose `param`
field is the parameter's name; the page renders it in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Callable, Collection, Mapping

from playground.i18n import Note
from playground.params import (  # noqa: F401  (re-exported)
    LEARNING_RATES,
    MAX_VALUE_CHARS,
    MODELS,
    OPTIMIZERS,
    SIGNALS,
    Param,
    window_note,
    check_values,
    coerce,
    format_value,
    parse_value,
    setting,
    settings_of,
    weight_blocks,
)

from playground.cost import MAX_WORK, MIN_EPOCHS, SECONDS_PER_WORK, epoch_terms


@dataclass(frozen=True)
class ExperimentConfig:
    """Every setting of one experiment. Defaults reproduce the tutorial exactly."""

    # fmt: off
    noise: float = setting(0.1, 0.0, 1.0, 0.01)  # σ of Gaussian noise added to the signal
    seq_length: int = setting(10, 2, 50, 1)  # window length: past steps fed to the network
    hidden_size: int = setting(32, 1, 128, 1)  # units in each recurrent layer
    epochs: int = setting(100, 1, 1000, 1)  # full-batch Adam steps
    model: str = setting("rnn", choices=MODELS)  # "rnn" | "lstm" | "gru"
    seed: int = setting(0, 0, 9999, 1)  # seeds noise and weight init
    learning_rate: float = setting(  # Adam lr, a select slider on a log scale
        0.01, 0.0001, 0.1, steps=LEARNING_RATES, advanced=True)
    num_layers: int = setting(1, 1, 3, 1, advanced=True)  # stacked recurrent layers
    n_points: int = setting(100, 40, 1000, 10, advanced=True)  # samples over 0..4π
    train_fraction: float = setting(  # chronological split: the first part trains
        0.8, 0.5, 0.95, 0.05, advanced=True)
    signal: str = setting("sine", choices=SIGNALS, advanced=True)  # key into signals.SIGNAL_MAKERS
    clip_grad: float = setting(  # max gradient norm per step; 0 = no clipping
        0.0, 0.0, 10.0, 0.1, advanced=True)
    init_scale: float = setting(  # factor on the initial recurrent (hidden-to-hidden) weights
        1.0, 0.1, 4.0, 0.1, advanced=True)
    keep_gate_bias: float = setting(  # added at init to the keep gate's bias (KEEP_GATE)
        0.0, 0.0, 6.0, 0.5, advanced=True)
    optimizer: str = setting(  # "adam" | "sgd" (plain gradient descent)
        "adam", choices=OPTIMIZERS, advanced=True)
    # fmt: on

    def __post_init__(self) -> None:
        problems = check_values(PARAMS, self.__dict__)  # the fields (no slots), no copy
        if not problems and self.seq_length > self.n_points // 2:
            problems.append(
                f"seq_length={self.seq_length} is more than half of n_points={self.n_points}"
            )
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
        cls,
        values: Mapping[str, Any],
        notes: list[Note] | None = None,
        locked: Collection[str] = frozenset(),
        moved: str | None = None,
    ) -> tuple["ExperimentConfig", list[Note]]:
        """Build a config from already-typed values, clamping into bounds and budget:
        the window to half the points, the points to `max_points`, the epochs to
        `max_epochs`. Returns (config, notes): `notes` (appended to) or a new list, one
        Note per value changed. Applied to its own result it changes nothing.

        `locked` names settings an instructor fixed: they never move. A rule that would
        lower a locked setting lowers an unlocked one instead: the points first, then
        `moved` (the control the learner just moved), then the other sizes
        (`LOWERED_FOR_LOCKS`), each to the most that fits, with a `note.locked_budget`;
        where the window is locked, the points rise to hold it. Locked values from a
        config this method made always leave a way; if not, the lock yields (the budget
        holds whatever a link says)."""
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
            if "seq_length" in locked and "n_points" not in locked:
                clean["n_points"] = points_for_window(seq_length)
                notes.append(
                    Note(
                        "note.points_for_window",
                        {"param": "n_points", "value": n_points, "raised": clean["n_points"]},
                    )
                )
            else:
                clean["seq_length"] = n_points // 2
                notes.append(window_note(seq_length, n_points))
        cfg = cls(**clean)
        if cfg.n_points > cfg.max_points() and "n_points" in locked:
            cfg = _lower_unlocked(
                cfg, lambda c: c.n_points <= c.max_points(), locked, moved, notes, points=False
            )
        most = cfg.max_points()
        if cfg.n_points > most:
            notes.append(
                Note(
                    "note.points_budget",
                    {
                        "param": "n_points",
                        "value": cfg.n_points,
                        "min_epochs": MIN_EPOCHS,
                        "lowered": most,
                    },
                )
            )
            cfg = replace(cfg, n_points=most)
        if cfg.epochs > cfg.max_epochs() and "epochs" in locked:
            cfg = _lower_unlocked(cfg, ExperimentConfig.fits_budget, locked, moved, notes)
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
        return fitted, [window_note(self.seq_length, n_values)]

    def to_query_params(self) -> dict[str, str]:
        """All fields as URL strings; `from_query_params` reads them back exactly."""
        return {p.name: format_value(getattr(self, p.name)) for p in PARAMS}

    # ---- cost ------------------------------------------------------------
    def epoch_work(self) -> float:
        """One epoch's cost in work units (see MAX_WORK)."""
        fixed, per_window = epoch_terms(
            self.model, self.hidden_size, self.num_layers, self.seq_length
        )
        return float(fixed + per_window * max(self.n_points - self.seq_length, 1))

    def work(self) -> float:
        """Training cost in work units (see MAX_WORK) for this config."""
        return self.epochs * self.epoch_work()

    def seconds(self) -> float:
        """About how long this config trains on one core (work x SECONDS_PER_WORK)."""
        return self.work() * SECONDS_PER_WORK

    def max_epochs(self) -> int:
        """Most epochs this config may train within the budget."""
        return int(max(1, min(PARAM_BY_NAME["epochs"].high, MAX_WORK // self.epoch_work())))

    def max_points(self, epochs: int = 0) -> int:
        """Most points these sizes (hidden size, layers, window) may train on so that
        every model fits MIN_EPOCHS epochs within the budget (with `epochs`: this model
        that many, locked), on the slider's steps; at least twice the window and at most
        the bound."""
        p = PARAM_BY_NAME["n_points"]
        most = p.high
        for model in (self.model,) if epochs else MODELS:
            fixed, per_window = epoch_terms(
                model, self.hidden_size, self.num_layers, self.seq_length
            )
            n_windows = (MAX_WORK / (epochs or MIN_EPOCHS) - fixed) // per_window
            most = min(most, int(n_windows) + self.seq_length)
        most = p.low + (most - p.low) // p.step * p.step  # on the slider's steps
        return max(most, 2 * self.seq_length, p.low)

    def fits_budget(self) -> bool:
        """Whether this config's training fits MAX_WORK (every config the page or a
        link can reach does; configs built in code may not)."""
        return self.work() <= MAX_WORK

    def within_budget(self) -> "ExperimentConfig":
        """This config with epochs lowered so its work fits MAX_WORK (at least one)."""
        return self if self.epochs <= self.max_epochs() else replace(self, epochs=self.max_epochs())

    def key(self) -> tuple:
        """A hashable, order-stable identity (the cache key)."""
        return tuple((f.name, getattr(self, f.name)) for f in fields(self))


PARAMS: tuple[Param, ...] = settings_of(ExperimentConfig)  # the settings, in field order
PARAM_BY_NAME: dict[str, Param] = {p.name: p for p in PARAMS}


# Where a lock holds a setting the budget would lower, these are lowered instead (after
# the points, and after the control just moved): each makes an epoch cheaper.
LOWERED_FOR_LOCKS: tuple[str, ...] = ("hidden_size", "seq_length", "num_layers")


def points_for_window(seq_length: int) -> int:
    """The fewest points, on the slider's steps, that hold a window of `seq_length`
    (twice the window), at most `max(2 x window, the bound)`."""
    p = PARAM_BY_NAME["n_points"]
    need = max(2 * seq_length, p.low)
    on_step = p.low + -(-(need - p.low) // p.step) * p.step
    return on_step if on_step <= p.high else need


def _lowered(cfg: ExperimentConfig, name: str, fits: Callable[[ExperimentConfig], bool]):
    """`cfg` with `name` lowered to the largest value on its steps (or its floor) for
    which `fits` holds; at its floor if none does. Every such setting makes an epoch
    cheaper as it goes down (the window stays at most half the points)."""
    p = PARAM_BY_NAME[name]
    floor = max(p.low, 2 * cfg.seq_length) if name == "n_points" else p.low
    current = getattr(cfg, name)
    below = {floor} | {v for v in range(p.low, current, p.step) if v >= floor}
    for value in sorted((v for v in below if v < current), reverse=True):
        lowered = replace(cfg, **{name: value})
        if fits(lowered):
            return lowered
    return replace(cfg, **{name: min(floor, current)})


def _lower_unlocked(
    cfg: ExperimentConfig,
    fits: Callable[[ExperimentConfig], bool],
    locked: Collection[str],
    moved: str | None,
    notes: list[Note],
    points: bool = True,
) -> ExperimentConfig:
    """`cfg` with unlocked settings lowered until `fits` holds: the points first (unless
    `points` is False), then `moved`, then the others of LOWERED_FOR_LOCKS; a
    `note.locked_budget` per setting lowered. Stops at the first that is enough."""
    first = ("n_points",) if points else ()
    then = (moved,) if moved in LOWERED_FOR_LOCKS else ()
    for name in dict.fromkeys(first + then + LOWERED_FOR_LOCKS):
        if fits(cfg):
            break
        if name in locked:
            continue
        lowered = _lowered(cfg, name, fits)
        if getattr(lowered, name) != getattr(cfg, name):
            notes.append(
                Note(
                    "note.locked_budget",
                    {"param": name, "value": getattr(cfg, name), "lowered": getattr(lowered, name)},
                )
            )
            cfg = lowered
    return cfg
