"""The view contract: a view's preparation is a Plan, carried out by the page and the
warm-up alike.

A view's module here (`views/<view>.py`) says, purely, what the view needs computed
for some settings and language: a Plan, the Steps in the order they depend on each
other, each under its cache key. The page (`app/context.PageContext.prepare`) carries a
plan out through the shared cache, all trainings on the pool at once, and draws the
values by name (`app/views/<view>.py`); the warm-up (`playground/warm.py`) turns the same
plan into one job per step. So the warm-up fills exactly the keys a first visit reads,
and no step's computation waits inside another's: a step only reads the values of the
steps before it (`Got`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from playground.config import ExperimentConfig
from playground.i18n import Note
from playground.pipeline.experiment import (
    ExperimentResult,
    fitted_models,
    model_configs,
    run_experiment,
)
from playground.serve.keys import SIGNAL, Data, run_key, spec_key
from playground.serve.specs import page_spec

Got = Mapping[Hashable, Any]  # the values of a plan's earlier steps, by name
Report = Callable[[Any], None]  # a step's progress: (fraction done, Note)
Kind = Literal["train", "work", "derive"]


@dataclass(frozen=True)
class Step:
    """One value a view needs: its cache key, how it is computed from the values of the
    steps before it, the name the drawing reads it by, and its kind:

    - "train": a training; a plan's trainings go on the pool at once, with progress
      (`cost`: its epoch work, see config.epoch_work: large ones run one at a time);
    - "work": heavier than drawing (backward passes, forecasts), on the pool, with
      progress;
    - "derive": made from values at hand (a chart spec, a table, a sentence, a frame),
      made once and shared by every session, never queued behind a training."""

    key: Hashable
    compute: Callable[[Got, Report], Any]
    name: Hashable
    kind: Kind = "derive"
    cost: float = 0.0


Plan = tuple[Step, ...]


def train(cfg: ExperimentConfig, data: Data = SIGNAL) -> Step:
    """The run of `cfg` on `data`, named by its key (`got[run_key(cfg, data)]`)."""

    def compute(got: Got, report: Report) -> ExperimentResult:
        total = cfg.epochs
        report((0.0, Note("progress.started", {"model": cfg.model.upper(), "total": total})))

        def on_epoch(e: int, tr: float, te: float) -> None:
            note = Note("progress.epoch", {"epoch": e, "total": total, "train": tr, "test": te})
            report((e / total, note))

        return run_experiment(cfg, on_epoch, series=data.series)

    key = run_key(cfg, data)
    return Step(key, compute, key, "train", cfg.epoch_work())


def trains(cfgs: list[ExperimentConfig], data: Data = SIGNAL) -> Plan:
    """The runs of `cfgs`, one step each."""
    return tuple(train(c, data) for c in cfgs)


def runs_of(got: Got, data: Data = SIGNAL) -> Callable[[ExperimentConfig], ExperimentResult]:
    """`run(cfg)`: the run of `cfg` on `data` among the values got."""
    return lambda cfg: got[run_key(cfg, data)]


def work(key: Hashable, compute: Callable[[Got, Report], Any], name: Hashable) -> Step:
    """Heavier work on the pool (with progress)."""
    return Step(key, compute, name, "work")


def derive(key: Hashable, compute: Callable[[Got], Any], name: Hashable | None = None) -> Step:
    """A value made from values at hand, not queued; named `name` or its key."""
    return Step(key, lambda got, report: compute(got), key if name is None else name)


def shown(of: Hashable, name: str, lang: str, build: Callable[[Got], Any]) -> Step:
    """Something drawn in `lang` from the value keyed `of` (a table, a sentence, a
    player), under `spec_key(of, name, lang)`, named `name`."""
    return derive(spec_key(of, name, lang), build, name)


def chart(of: Hashable, name: str, lang: str, build: Callable[[Got], Any]) -> Step:
    """The page spec of the Altair chart `build(got)` makes (see `shown`)."""
    return shown(of, name, lang, lambda got: page_spec(build(got)))


class CacheReader(Mapping):
    """`Got` over a cache, for the warm-up: a step's value as an earlier job stored it,
    computed here (outside the cache) only if it was evicted since."""

    def __init__(self, plan: Plan, read: Callable[[Hashable], Any]) -> None:
        self._steps = {s.name: s for s in plan}
        self._read = read

    def __getitem__(self, name: Hashable) -> Any:
        step = self._steps[name]
        hit = self._read(step.key)
        return step.compute(self, lambda progress: None) if hit is None else hit

    def __iter__(self) -> Iterator[Hashable]:
        return iter(self._steps)

    def __len__(self) -> int:
        return len(self._steps)


def jobs(plan: Plan, read: Callable[[Hashable], Any]) -> Iterator[tuple[Hashable, Callable]]:
    """Each step of `plan` as a job (key, compute()): a later job reads the earlier ones
    through `read` (the cache's get)."""
    got = CacheReader(plan, read)
    for step in plan:
        yield step.key, lambda step=step: step.compute(got, lambda progress: None)


def model_trains(cfg: ExperimentConfig, models: tuple[str, ...], data: Data = SIGNAL) -> Plan:
    """The run of each of `models` at the other settings of `cfg` (a view of models)."""
    return trains(model_configs(cfg, models), data)


def fits_of(got: Got, cfg: ExperimentConfig, models: tuple[str, ...], data: Data = SIGNAL):
    """The fitted network of each of `models` from their runs among the values got."""
    return fitted_models(cfg, models, series=data.series, run=runs_of(got, data))
