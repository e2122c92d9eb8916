"""Challenge cards: a goal to reach by changing settings, judged so that a setting, not a
seed, passes it.

`CHALLENGES` maps a key to a `Challenge`. A card is judged on its median over three seeds,
the learner's seed and the next two (`judged_configs`): `challenge.check(cfg, results,
reference)` reads the runs of those seeds (`results`) and returns a `Verdict(passed, key,
params)`; the page shows `t(lang, key, **params)`. A goal about the settings alone (too
many hidden units, too little noise) is checked before any run. A challenge that `needs`
more than its runs says so: "memory" reads the Long memory sweep (its own seeds), which
the page passes as `reference` once the learner has run it. `challenge.judge(cfg)` trains
what the check needs (through the caller's cache, if given) and returns the page's
verdict; `challenge.example` is a settings link (query parameters) that solves it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from statistics import median
from typing import Any, NamedTuple

from playground.config import ExperimentConfig
from playground.pipeline.experiment import ExperimentResult, run_experiment
from playground.views.compare import seeds_after
from playground.views.memory import DEFAULT_LAG, MemoryRuns, memory_runs, page_memory_config

JUDGED_SEEDS = 3  # a card is judged on the learner's seed and the next two


class Verdict(NamedTuple):
    """A check's outcome: passed?, an i18n key and its format fields."""

    passed: bool
    key: str  # e.g. "challenge.small_model.not_yet"
    params: dict[str, Any]  # format fields of that string (goal fields included)


# (cfg, results of judged_configs(cfg) or None, reference) -> Verdict. A check given no
# results answers from the settings alone when they break a rule, else None.
CheckFn = Callable[[ExperimentConfig, Sequence[ExperimentResult] | None, Any], Verdict | None]


def judged_configs(cfg: ExperimentConfig) -> list[ExperimentConfig]:
    """The runs a card is judged on: `cfg` at its seed and the next two."""
    return [replace(cfg, seed=s) for s in seeds_after(cfg.seed, JUDGED_SEEDS)]


def seeds_text(results: Sequence[ExperimentResult]) -> str:
    """The judged seeds as the page lists them: "0, 1, 2"."""
    return ", ".join(str(r.config.seed) for r in results)


@dataclass(frozen=True)
class Challenge:
    """One card: what to reach, how it is checked, and a link that solves it."""

    key: str  # registry key; i18n keys are challenge.<key>.*
    goal: Mapping[str, Any]  # the goal's numbers (format fields of the goal text)
    check_fn: CheckFn
    example: Mapping[str, str] = field(default_factory=dict)  # query params that solve it
    needs: str = ""  # "memory": the check reads the Long memory sweep (else its runs)

    @property
    def title_key(self) -> str:
        return f"challenge.{self.key}.title"

    @property
    def goal_key(self) -> str:
        return f"challenge.{self.key}.goal"

    def example_config(self) -> ExperimentConfig:
        """The config of the example link (the rest at the page's defaults)."""
        cfg, notes = ExperimentConfig.from_query_params(self.example)
        assert not notes, notes  # an example is a valid link
        return cfg

    def rule(self, cfg: ExperimentConfig) -> Verdict | None:
        """The verdict when `cfg` breaks one of the goal's rules about settings (no run
        needed), else None."""
        return self.check_fn(cfg, None, None) if self.needs != "memory" else None

    def check(
        self,
        cfg: ExperimentConfig,
        results: Sequence[ExperimentResult] | None = None,
        reference: Any = None,
    ) -> Verdict:
        """Has `cfg` met the goal? `results`: the runs of `judged_configs(cfg)` (for a
        card judged on runs); `reference`: what the card `needs` (the memory sweep)."""
        verdict = self.check_fn(cfg, results, reference)
        assert verdict is not None, "a card judged on runs needs its results"
        return verdict

    def judge(
        self,
        cfg: ExperimentConfig,
        run: Callable[[ExperimentConfig], ExperimentResult] = run_experiment,
        memory: Callable[..., MemoryRuns] = memory_runs,
        lag: int = DEFAULT_LAG,
    ) -> Verdict:
        """The verdict the page shows for `cfg`, training what it needs: the runs of
        `judged_configs(cfg)` through `run`, or for "memory" the Long memory sweep up to
        `lag` through `memory(mc)` (the longest lag's RNN and LSTM runs only: the check
        reads nothing else)."""
        if self.needs == "memory":
            mc = page_memory_config(lag, cfg.keep_gate_bias)
            mc = replace(mc, lags=(max(mc.lags),), models=("rnn", "lstm"))
            sweep = memory(mc).sweep if cfg.keep_gate_bias >= self.goal["min_bias"] else None
            return self.check(cfg, None, sweep)
        early = self.rule(cfg)
        if early is not None:
            return early
        return self.check(cfg, [run(c) for c in judged_configs(cfg)])


def held_out_metric(result: ExperimentResult, metric: str) -> float:
    """The held-out (test) value of `metric` ("mse" | "mae" | "rmse")."""
    return float(result.metrics.set_index("split").loc["test", metric])


def final_losses(result: ExperimentResult) -> tuple[float, float]:
    """(train, test) MSE of the last kept epoch."""
    last = result.losses[result.losses.epoch == result.stopped_epoch].set_index("split").loss
    return float(last["train"]), float(last["test"])


# ---- The checks ----------------------------------------------------------------------
# The floor at noise 0.1 is an RMSE of ~0.1 (the noise drawn in the test points: 0.07-0.13
# over seeds 0-31 at 100 points); a small network gets within ~20 % of it given data.
SMALL_MODEL = {"target": 0.13, "max_hidden": 8, "min_noise": 0.1}


def check_small_model(cfg, results, reference=None) -> Verdict | None:
    """Median test RMSE below target with few hidden units, on honest noise."""
    goal, key = dict(SMALL_MODEL), "challenge.small_model."
    if cfg.hidden_size > goal["max_hidden"]:
        return Verdict(False, key + "too_big", goal | {"hidden": cfg.hidden_size})
    if cfg.noise < goal["min_noise"]:
        return Verdict(False, key + "too_easy", goal | {"noise": cfg.noise})
    if results is None:
        return None
    rmse = median(held_out_metric(r, "rmse") for r in results)
    passed = rmse < goal["target"]
    params = goal | {"rmse": rmse, "hidden": cfg.hidden_size, "seeds": seeds_text(results)}
    return Verdict(passed, key + ("passed" if passed else "not_yet"), params)


QUICK_LEARNER = {"target": 0.035, "max_epochs": 10, "min_noise": 0.1}


def check_quick_learner(cfg, results, reference=None) -> Verdict | None:
    """Median test MSE below target within a few epochs."""
    goal, key = dict(QUICK_LEARNER), "challenge.quick_learner."
    if cfg.epochs > goal["max_epochs"]:
        return Verdict(False, key + "too_long", goal | {"epochs": cfg.epochs})
    if cfg.noise < goal["min_noise"]:
        return Verdict(False, key + "too_easy", goal | {"noise": cfg.noise})
    if results is None:
        return None
    mse = median(held_out_metric(r, "mse") for r in results)
    passed = mse < goal["target"]
    params = goal | {"mse": mse, "epochs": cfg.epochs, "seeds": seeds_text(results)}
    return Verdict(passed, key + ("passed" if passed else "not_yet"), params)


OVERFIT = {"ratio": 5}


def loss_ratio(result: ExperimentResult) -> float:
    """Final test loss / final train loss (inf when the train loss is 0)."""
    train_loss, test_loss = final_losses(result)
    return test_loss / train_loss if train_loss > 0 else float("inf")


def check_overfit(cfg, results, reference=None) -> Verdict | None:
    """Median over the seeds of final test loss / final train loss at least `ratio`."""
    if results is None:
        return None
    actual = median(loss_ratio(r) for r in results)
    passed = actual >= OVERFIT["ratio"]
    return Verdict(
        passed,
        "challenge.overfit." + ("passed" if passed else "not_yet"),
        dict(OVERFIT) | {"actual": ratio_text(actual), "seeds": seeds_text(results)},
    )


RNN_FORGETS = {"min_lag": 20, "min_bias": 2}


def check_rnn_forgets(cfg, results, sweep=None) -> Verdict | None:
    """On the Long memory task (`sweep`, its frame), with the keep gate biased open, the
    LSTM's median relative error over the sweep's seeds at the longest lag is below the
    RNN's."""
    goal, key = dict(RNN_FORGETS), "challenge.rnn_forgets."
    if cfg.keep_gate_bias < goal["min_bias"]:
        return Verdict(False, key + "low_bias", goal | {"bias": cfg.keep_gate_bias})
    if sweep is None or sweep.lag.max() < goal["min_lag"]:
        return Verdict(False, key + "needs_sweep", goal)
    lag = int(sweep.lag.max())
    at = sweep[sweep.lag == lag].pivot(index="seed", columns="model", values="relative_mse")
    rnn, lstm = float(at["rnn"].median()), float(at["lstm"].median())
    seeds = ", ".join(str(s) for s in at.index)
    params = goal | {"lag": lag, "rnn": rnn, "lstm": lstm, "n": len(at), "seeds": seeds}
    passed = lstm < rnn
    return Verdict(passed, key + ("passed" if passed else "not_yet"), params)


def ratio_text(ratio: float) -> str:
    """A loss ratio rounded to what matters: 3.4, 34, or "1,000+" past a thousand."""
    if ratio >= 1000:
        return "1,000+"
    return f"{ratio:.1f}" if ratio < 10 else f"{ratio:.0f}"


# Examples: settings links that solve each card; tests/test_lessons.py checks that each
# passes at 80 % of the lesson seeds (measurements in the commit that set them).
SMALL_MODEL_EXAMPLE = {"hidden_size": "8", "model": "lstm", "epochs": "300", "n_points": "300"}
QUICK_LEARNER_EXAMPLE = {  # a GRU of 24 units on windows of 20, at lr 0.03
    "model": "gru",
    "learning_rate": "0.03",
    "epochs": "10",
    "seq_length": "20",
    "hidden_size": "24",
}
OVERFIT_EXAMPLE = {  # the Overfitting scenario's settings
    "n_points": "40",
    "noise": "0.3",
    "hidden_size": "128",
    "epochs": "500",
    "learning_rate": "0.003",
}
RNN_FORGETS_EXAMPLE = {"keep_gate_bias": "4.0"}

CHALLENGES: dict[str, Challenge] = {
    c.key: c
    for c in (
        Challenge("small_model", SMALL_MODEL, check_small_model, SMALL_MODEL_EXAMPLE),
        Challenge("quick_learner", QUICK_LEARNER, check_quick_learner, QUICK_LEARNER_EXAMPLE),
        Challenge("overfit", OVERFIT, check_overfit, OVERFIT_EXAMPLE),
        Challenge(
            "rnn_forgets", RNN_FORGETS, check_rnn_forgets, RNN_FORGETS_EXAMPLE, needs="memory"
        ),
    )
}
