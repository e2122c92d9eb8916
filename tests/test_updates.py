"""The size of each training update: recorded by the training loop as torch's optimizer
sees it, drawn with and without clipping on the Gradients tab; the optimizer choice."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest
import torch
from torch.optim.optimizer import (
    register_optimizer_step_post_hook,
    register_optimizer_step_pre_hook,
)

from playground import ExperimentConfig, run_experiment
from playground.charts.gradients import update_chart
from playground.i18n import strings
from playground.views.gradients import TWIN_CLIP, UPDATE_COLUMNS, clipping_twin, update_frame
from pagekit import run_app
from speckit import has_cjk, titles

SHORT = ExperimentConfig(epochs=12, hidden_size=8)


@cache
def run(cfg: ExperimentConfig):
    return run_experiment(cfg)


def hooked_sizes(cfg: ExperimentConfig) -> list[float]:
    """The norm of each optimizer step's change of the weights, seen from outside."""
    sizes, before = [], []

    def pre(opt, args, kwargs):
        before[:] = [p.detach().clone() for g in opt.param_groups for p in g["params"]]

    def post(opt, args, kwargs):
        after = [p.detach() for g in opt.param_groups for p in g["params"]]
        sizes.append(float(torch.sqrt(sum(((a - b) ** 2).sum() for a, b in zip(after, before)))))

    hooks = register_optimizer_step_pre_hook(pre), register_optimizer_step_post_hook(post)
    try:
        run_experiment(cfg)
    finally:
        for hook in hooks:
            hook.remove()
    return sizes


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_each_update_size_is_the_weights_change_of_its_step(optimizer):
    cfg = replace(SHORT, optimizer=optimizer, clip_grad=0.5)
    got = run(cfg).fitted.train_result.update_sizes
    assert len(got) == cfg.epochs
    np.testing.assert_allclose(got, hooked_sizes(cfg), rtol=1e-5)


def test_sgd_is_another_optimizer_and_clipping_caps_its_updates():
    adam, sgd = run(SHORT), run(replace(SHORT, optimizer="sgd"))
    assert adam.metrics.mse.tolist() != sgd.metrics.mse.tolist()
    clipped = run(replace(SHORT, optimizer="sgd", clip_grad=0.01))
    cap = SHORT.learning_rate * 0.01
    assert max(clipped.fitted.train_result.update_sizes) <= cap * (1 + 1e-3)  # float32


def test_a_run_is_compared_with_its_clipping_twin():
    assert clipping_twin(SHORT).clip_grad == TWIN_CLIP
    assert clipping_twin(replace(SHORT, clip_grad=2.0)) == SHORT
    frame = update_frame([run(SHORT), run(clipping_twin(SHORT))])
    assert list(frame.columns) == UPDATE_COLUMNS and len(frame) == 2 * SHORT.epochs
    assert set(frame.clipping) == {0.0, TWIN_CLIP} and (frame.update_size > 0).all()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_update_chart_is_valid_and_speaks_the_language(lang):
    frame = update_frame([run(SHORT), run(clipping_twin(SHORT))])
    spec = update_chart(frame, lang).to_dict()  # validated against the schema
    rows = [r for data in spec["datasets"].values() for r in data]
    assert {r["clip_label"] for r in rows} == {
        strings(lang)["chart.clip.none"],
        strings(lang)["chart.clip.at"].format(clip=TWIN_CLIP),
    }
    if lang == "zh":
        assert all(has_cjk(s) for s in titles(spec)), titles(spec)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_the_gradients_tab_draws_the_update_sizes_and_says_the_largest(optimizer):
    at = run_app(view="gradients", epochs="5", hidden_size="8", optimizer=optimizer)
    assert strings("en")["updates.title"] in [s.value for s in at.subheader]
    start = strings("en")["updates.largest"].split(":")[0]  # "{optimizer}"
    name = strings("en")[f"choice.optimizer.{optimizer}"]
    assert any(c.value.startswith(start.format(optimizer=name) + ":") for c in at.caption)
