"""Challenge cards: a goal to reach by changing settings, and a pure check of a run.

`CHALLENGES` maps a key to a `Challenge`. `challenge.check(cfg, result, reference)`
returns a `Verdict(passed, key, params)`: the page shows `t(lang, key, **params)`.
A challenge that compares against another run (e.g. the same settings with an LSTM)
says which in `reference_config(cfg)`; the page trains that one too (through its
cache) and passes its result as `reference`. Checks read only the config and the
frames, so the same run always gets the same verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from playground.config import ExperimentConfig
from playground.pipeline.experiment import ExperimentResult


class Verdict(NamedTuple):
    """A check's outcome: passed?, an i18n key and its format fields."""

    passed: bool
    key: str  # e.g. "challenge.small_model.not_yet"
    params: dict[str, Any]  # format fields of that string (goal fields included)


CheckFn = Callable[[ExperimentConfig, ExperimentResult, ExperimentResult | None], Verdict]


@dataclass(frozen=True)
class Challenge:
    """One card: what to reach, how it is checked, and where a learner may start."""

    key: str  # registry key; i18n keys are challenge.<key>.*
    goal: Mapping[str, Any]  # the goal's numbers (format fields of the goal text)
    check_fn: CheckFn  # (cfg, result, reference) -> Verdict
    reference_fn: Callable[[ExperimentConfig], ExperimentConfig | None] = lambda cfg: None

    @property
    def title_key(self) -> str:
        return f"challenge.{self.key}.title"

    @property
    def goal_key(self) -> str:
        return f"challenge.{self.key}.goal"

    def reference_config(self, cfg: ExperimentConfig) -> ExperimentConfig | None:
        """The config of a second run the check needs for `cfg`, or None."""
        return self.reference_fn(cfg)

    def check(
        self,
        cfg: ExperimentConfig,
        result: ExperimentResult,
        reference: ExperimentResult | None = None,
    ) -> Verdict:
        """Has the run of `cfg` (and its reference run, if needed) met the goal?"""
        return self.check_fn(cfg, result, reference)


def held_out_metric(result: ExperimentResult, metric: str) -> float:
    """The held-out (test) value of `metric` ("mse" | "mae" | "rmse")."""
    return float(result.metrics.set_index("split").loc["test", metric])


def final_losses(result: ExperimentResult) -> tuple[float, float]:
    """(train, test) MSE of the last kept epoch."""
    last = result.losses[result.losses.epoch == result.stopped_epoch].set_index("split").loss
    return float(last["train"]), float(last["test"])


# ---- The checks ----------------------------------------------------------------------
SMALL_MODEL = {"target": 0.12, "max_hidden": 8, "min_noise": 0.1}


def check_small_model(cfg, result, reference=None) -> Verdict:
    """Test RMSE below target with few hidden units, on honest noise."""
    goal, key = dict(SMALL_MODEL), "challenge.small_model."
    if cfg.hidden_size > goal["max_hidden"]:
        return Verdict(False, key + "too_big", goal | {"hidden": cfg.hidden_size})
    if cfg.noise < goal["min_noise"]:
        return Verdict(False, key + "too_easy", goal | {"noise": cfg.noise})
    rmse = held_out_metric(result, "rmse")
    params = goal | {"rmse": rmse, "hidden": cfg.hidden_size}
    return Verdict(
        rmse < goal["target"], key + ("passed" if rmse < goal["target"] else "not_yet"), params
    )


QUICK_LEARNER = {"target": 0.03, "max_epochs": 10, "min_noise": 0.1}


def check_quick_learner(cfg, result, reference=None) -> Verdict:
    """Test MSE below target within a few epochs."""
    goal, key = dict(QUICK_LEARNER), "challenge.quick_learner."
    if cfg.epochs > goal["max_epochs"]:
        return Verdict(False, key + "too_long", goal | {"epochs": cfg.epochs})
    if cfg.noise < goal["min_noise"]:
        return Verdict(False, key + "too_easy", goal | {"noise": cfg.noise})
    mse = held_out_metric(result, "mse")
    passed = mse < goal["target"]
    return Verdict(
        passed, key + ("passed" if passed else "not_yet"), goal | {"mse": mse, "epochs": cfg.epochs}
    )


OVERFIT = {"ratio": 5}


def check_overfit(cfg, result, reference=None) -> Verdict:
    """Final test loss at least `ratio` times the final train loss."""
    train_loss, test_loss = final_losses(result)
    actual = test_loss / train_loss if train_loss > 0 else float("inf")
    passed = actual >= OVERFIT["ratio"]
    return Verdict(
        passed,
        "challenge.overfit." + ("passed" if passed else "not_yet"),
        dict(OVERFIT) | {"actual": actual},
    )


RNN_FORGETS = {"min_window": 40}


def lstm_twin(cfg: ExperimentConfig) -> ExperimentConfig | None:
    """The same settings with an LSTM (within budget), when `cfg` is an RNN."""
    if cfg.model != "rnn":
        return None
    return replace(cfg, model="lstm").within_budget()


def check_rnn_forgets(cfg, result, reference=None) -> Verdict:
    """A long-window RNN ends with a higher test MSE than its LSTM twin."""
    goal, key = dict(RNN_FORGETS), "challenge.rnn_forgets."
    if cfg.model != "rnn":
        return Verdict(False, key + "wrong_model", goal | {"model": cfg.model.upper()})
    if cfg.seq_length < goal["min_window"]:
        return Verdict(False, key + "short_window", goal | {"seq_length": cfg.seq_length})
    if reference is None or reference.config != lstm_twin(cfg):
        return Verdict(False, key + "needs_reference", goal)
    rnn, lstm = held_out_metric(result, "mse"), held_out_metric(reference, "mse")
    passed = rnn > lstm
    return Verdict(
        passed, key + ("passed" if passed else "not_yet"), goal | {"rnn": rnn, "lstm": lstm}
    )


CHALLENGES: dict[str, Challenge] = {
    c.key: c
    for c in (
        Challenge("small_model", SMALL_MODEL, check_small_model),
        Challenge("quick_learner", QUICK_LEARNER, check_quick_learner),
        Challenge("overfit", OVERFIT, check_overfit),
        Challenge(
            "rnn_forgets",
            RNN_FORGETS,
            check_rnn_forgets,
            reference_fn=lstm_twin,
        ),
    )
}
