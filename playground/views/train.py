"""?view=train: the run's prediction, loss and errors (specs made together), the noise
drawn, the run's health, and the replay of its training (drawn when opened)."""

from __future__ import annotations

from playground.charts.replay import replay_html
from playground.config import ExperimentConfig
from playground.pipeline.health import health_note
from playground.pipeline.noise import noise_text
from playground.serve.keys import SIGNAL, Data, run_key
from playground.serve.specs import build_chart_specs, errors_table
from playground.views.plan import Plan, shown, train


def train_plan(cfg: ExperimentConfig, lang: str, data: Data = SIGNAL) -> Plan:
    """What the Train tab draws of the run of `cfg` on `data`, in `lang`: "run" (the
    prediction, loss and metrics specs), "errors" (the table), "noise" (the sentence),
    "health" ((a Note or None,))."""
    run = run_key(cfg, data)
    return (
        train(cfg, data),
        shown(run, "run", lang, lambda got: build_chart_specs(got[run], lang)),
        shown(run, "errors", lang, lambda got: errors_table(got[run].metrics, lang)),
        shown(run, "noise", lang, lambda got: noise_text(cfg, got[run].metrics, lang)),
        shown(run, "health", lang, lambda got: (health_note(got[run]),)),
    )


def replay_plan(cfg: ExperimentConfig, lang: str, data: Data = SIGNAL) -> Plan:
    """The replay player of the run (its expander's content): "replay", HTML."""
    run = run_key(cfg, data)
    return (train(cfg, data), shown(run, "replay", lang, lambda got: replay_html(got[run], lang)))
