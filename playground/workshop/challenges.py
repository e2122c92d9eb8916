"""Challenge cards: a goal to reach by changing settings, and a pure check of a run.

`CHALLENGES` maps a key to a `Challenge`. `challenge.check(cfg, result, reference)`
returns a `Verdict(passed, key, params)`: the page shows `t(lang, key, **params)`.
A challenge that `needs` more than the run says so: "memory" reads the Long memory
sweep, which the page passes as `reference` once the learner has run it. Checks read
only the config and the frames, so the same run always gets the same verdict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from playground.config import ExperimentConfig
from playground.pipeline.experiment import ExperimentResult


class Verdict(NamedTuple):
    """A check's outcome: passed?, an i18n key and its format fields."""

    passed: bool
    key: str  # e.g. "challenge.small_model.not_yet"
    params: dict[str, Any]  # format fields of that string (goal fields included)


CheckFn = Callable[[ExperimentConfig, ExperimentResult, Any], Verdict]


@dataclass(frozen=True)
class Challenge:
    """One card: what to reach, how it is checked, and where a learner may start."""

    key: str  # registry key; i18n keys are challenge.<key>.*
    goal: Mapping[str, Any]  # the goal's numbers (format fields of the goal text)
    check_fn: CheckFn  # (cfg, result, reference) -> Verdict
    needs: str = ""  # "memory": the check reads the Long memory sweep (else the run only)

    @property
    def title_key(self) -> str:
        return f"challenge.{self.key}.title"

    @property
    def goal_key(self) -> str:
        return f"challenge.{self.key}.goal"

    def check(
        self,
        cfg: ExperimentConfig,
        result: ExperimentResult,
        reference: Any = None,
    ) -> Verdict:
        """Has the run of `cfg` (and what the challenge `needs`, if any) met the goal?"""
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
        dict(OVERFIT) | {"actual": ratio_text(actual)},
    )


RNN_FORGETS = {"min_lag": 20, "min_bias": 2}


def check_rnn_forgets(cfg, result, sweep=None) -> Verdict:
    """On the Long memory task (`sweep`, its frame), with the keep gate biased open, the
    RNN recalls worse than the LSTM in every seed at the longest lag."""
    goal, key = dict(RNN_FORGETS), "challenge.rnn_forgets."
    if cfg.keep_gate_bias < goal["min_bias"]:
        return Verdict(False, key + "low_bias", goal | {"bias": cfg.keep_gate_bias})
    if sweep is None or sweep.lag.max() < goal["min_lag"]:
        return Verdict(False, key + "needs_sweep", goal)
    lag = int(sweep.lag.max())
    at = sweep[sweep.lag == lag].pivot(index="seed", columns="model", values="relative_mse")
    wins, n = int((at["rnn"] > at["lstm"]).sum()), len(at)
    params = goal | {"lag": lag, "wins": wins, "n": n}
    return Verdict(wins == n, key + ("passed" if wins == n else "not_yet"), params)


def ratio_text(ratio: float) -> str:
    """A loss ratio rounded to what matters: 3.4, 34, or "1,000+" past a thousand."""
    if ratio >= 1000:
        return "1,000+"
    return f"{ratio:.1f}" if ratio < 10 else f"{ratio:.0f}"


CHALLENGES: dict[str, Challenge] = {
    c.key: c
    for c in (
        Challenge("small_model", SMALL_MODEL, check_small_model),
        Challenge("quick_learner", QUICK_LEARNER, check_quick_learner),
        Challenge("overfit", OVERFIT, check_overfit),
        Challenge("rnn_forgets", RNN_FORGETS, check_rnn_forgets, needs="memory"),
    )
}
