"""Snapshots of training (result.snapshots) and the replay player built from them.

A snapshot is the one-step prediction over every window of the weights after `epoch`
updates (0 = untrained), in signal units, on the t of the prediction rows. The last one
is the prediction the page shows, bit for bit.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from playground import ExperimentConfig, run_experiment
from playground.charts import replay
from playground.charts.replay import MAX_POINTS, replay_data, replay_html
from playground.pipeline import experiment
from playground.pipeline.experiment import SNAPSHOTS, initial_network, predict, snapshot_epochs

SHORT = ExperimentConfig(epochs=12)


@pytest.fixture(scope="module")
def tutorial():
    return run_experiment(ExperimentConfig())  # 100 epochs


def prediction_rows(result) -> pd.DataFrame:
    p = result.predictions
    return p[p.series == "prediction"]


def frames(result) -> dict[int, pd.DataFrame]:
    return {e: f for e, f in result.snapshots.groupby("epoch", sort=True)}


def untrained_prediction(result) -> np.ndarray:
    """predict() of the config's untrained network over the run's windows."""
    untrained = copy.copy(result.fitted)
    untrained.net = initial_network(result.config).eval()
    return predict(untrained, result.fitted.X)


# ---- The schedule ------------------------------------------------------------------------
@given(st.integers(min_value=0, max_value=1000))
def test_schedule_covers_the_run_densely_early(epochs):
    chosen = snapshot_epochs(epochs)
    assert list(chosen) == sorted(set(chosen))
    assert chosen[0] == 0 and chosen[-1] == epochs
    if epochs + 1 <= SNAPSHOTS:
        assert chosen == tuple(range(epochs + 1))  # short runs: every epoch
    else:
        assert SNAPSHOTS <= len(chosen) <= SNAPSHOTS + 5
        gaps = np.diff(chosen)
        assert gaps[0] == 1 and gaps[-1] >= gaps[0]  # denser early
    assert len(chosen) >= min(epochs + 1, 20)


# ---- The frame ---------------------------------------------------------------------------
def test_columns_and_types(tutorial):
    s = tutorial.snapshots
    assert list(s.columns) == ["epoch", "t", "value"]
    assert s.epoch.dtype == np.int64 and s.t.dtype == np.float64 and s.value.dtype == np.float64


def test_long_run_has_at_least_20_snapshots_from_0_to_the_last_epoch(tutorial):
    epochs = sorted(frames(tutorial))
    assert len(epochs) >= 20
    assert epochs[0] == 0 and epochs[-1] == tutorial.stopped_epoch == 100
    assert epochs[:20] == list(range(20))  # every early epoch, where the fit moves most


def test_short_run_has_every_epoch():
    r = run_experiment(SHORT)
    assert sorted(frames(r)) == list(range(13))


def test_every_snapshot_is_on_the_prediction_rows_t(tutorial):
    t = prediction_rows(tutorial).t.to_numpy()
    for frame in frames(tutorial).values():
        np.testing.assert_array_equal(frame.t.to_numpy(), t)


def test_last_snapshot_is_the_prediction_shown_bit_for_bit(tutorial):
    last = frames(tutorial)[tutorial.stopped_epoch]
    np.testing.assert_array_equal(last.value.to_numpy(), prediction_rows(tutorial).value.to_numpy())


@pytest.mark.parametrize("model", ["rnn", "gru"])
def test_first_snapshot_is_the_untrained_network_exactly(model):
    r = run_experiment(replace(SHORT, model=model))
    np.testing.assert_array_equal(frames(r)[0].value.to_numpy(), untrained_prediction(r))


def test_first_snapshot_is_the_untrained_lstm():
    # CPU LSTM kernels differ in the last float32 bit between training and inference
    # mode (~1e-8 here); every other cell matches exactly (above).
    r = run_experiment(replace(SHORT, model="lstm", num_layers=2))
    np.testing.assert_allclose(
        frames(r)[0].value.to_numpy(), untrained_prediction(r), rtol=1e-6, atol=1e-7
    )


def test_snapshots_are_the_weights_the_losses_were_measured_on(tutorial):
    """Snapshot e's test windows give epoch e's test loss; its train windows give epoch
    e + 1's train loss (the loss of a step is that of the weights before it)."""
    r = tutorial
    n_train = r.fitted.n_train
    target = r.fitted.Y
    losses = r.losses.pivot(index="epoch", columns="split", values="loss")
    for e, frame in frames(r).items():
        value = frame.value.to_numpy()
        if e >= 1:
            test_mse = np.mean((value[n_train:] - target[n_train:]) ** 2)
            assert test_mse == pytest.approx(losses.loc[e, "test"], rel=1e-4)
        if e < r.stopped_epoch:
            train_mse = np.mean((value[:n_train] - target[:n_train]) ** 2)
            assert train_mse == pytest.approx(losses.loc[e + 1, "train"], rel=1e-4)


def test_the_fit_improves_from_first_to_last_snapshot(tutorial):
    target = tutorial.fitted.Y
    by_epoch = frames(tutorial)
    first = np.mean((by_epoch[0].value.to_numpy() - target) ** 2)
    last = np.mean((by_epoch[100].value.to_numpy() - target) ** 2)
    assert last < first / 5


def test_recording_does_not_change_the_numbers():
    cfg = replace(SHORT, model="gru", epochs=30)
    a = run_experiment(cfg)
    b = run_experiment(cfg, snapshots=False)
    pd.testing.assert_frame_equal(a.predictions, b.predictions)
    pd.testing.assert_frame_equal(a.losses, b.losses)
    assert len(b.snapshots) == 0 and list(b.snapshots.columns) == ["epoch", "t", "value"]
    assert a.fitted.train_result.snapshots == {}  # moved into result.snapshots


def test_tiny_run():
    r = run_experiment(ExperimentConfig(epochs=1, n_points=40, seq_length=3, hidden_size=1))
    assert sorted(frames(r)) == [0, 1]
    assert len(r.snapshots) == 2 * 37
    np.testing.assert_array_equal(frames(r)[1].value.to_numpy(), prediction_rows(r).value)


def test_run_that_diverges_at_once_keeps_the_untrained_snapshot():
    t = np.linspace(0, 10, 60)
    y = np.sin(t)
    y[-1] = np.nan  # a held-out target: the first test loss is NaN
    r = run_experiment(ExperimentConfig(epochs=20), series=(t, y))
    assert r.diverged and r.stopped_epoch == 0
    (only,) = frames(r).values()
    np.testing.assert_array_equal(only.value.to_numpy(), prediction_rows(r).value.to_numpy())


class BlowsUpAfter(nn.Module):
    """Wraps a net; from the `n`-th training forward pass on, its output is inf."""

    def __init__(self, net: nn.Module, n: int) -> None:
        super().__init__()
        self.net, self.n, self.calls = net, n, 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.net(x)
        if torch.is_grad_enabled():
            self.calls += 1
            if self.calls >= self.n:
                return out * float("inf")
        return out


def test_run_that_diverges_midway_replays_only_kept_weights(monkeypatch):
    real = experiment.initial_network
    monkeypatch.setattr(experiment, "initial_network", lambda cfg: BlowsUpAfter(real(cfg), n=8))
    r = run_experiment(replace(SHORT, epochs=40))
    assert r.diverged and r.stopped_epoch == 6  # pass 8 sees the weights after epoch 7
    assert sorted(frames(r)) == list(range(7))
    assert np.isfinite(r.snapshots.value).all()
    np.testing.assert_array_equal(frames(r)[6].value.to_numpy(), prediction_rows(r).value)


# ---- The player --------------------------------------------------------------------------
def embedded(html: str) -> dict:
    """The JSON the player carries."""
    match = re.search(r'<script type="application/json" id="replay-data">(.*?)</script>', html)
    assert match, "no inline data"
    return json.loads(match.group(1))


def test_player_carries_every_snapshot(tutorial):
    """Every frame, to 4 significant digits of the data's span (far below a pixel)."""
    data = embedded(replay_html(tutorial, "en"))
    by_epoch = frames(tutorial)
    pred = prediction_rows(tutorial)
    assert data["epochs"] == sorted(by_epoch)
    assert len(data["frames"]) == len(by_epoch)
    assert data["pt"] == pytest.approx(pred.t.to_list(), abs=5e-3)  # t spans 12.6
    for e, values in zip(data["epochs"], data["frames"], strict=True):
        assert values == pytest.approx(by_epoch[e].value.to_list(), abs=5e-4)  # y spans 2.3
    assert data["loss"]["epoch"] == list(range(1, 101))
    assert data["test"][0] == pytest.approx(pred[pred.split == "test"].t.min())


@pytest.mark.parametrize(
    ("lang", "play", "pause", "epoch"),
    [("en", "Play", "Pause", "epoch {epoch}"), ("zh", "播放", "暂停", "第 {epoch} 轮")],
)
def test_player_speaks_the_readers_language(tutorial, lang, play, pause, epoch):
    html = replay_html(tutorial, lang)
    assert re.search(rf'<button id="play" type="button" aria-label="{play}">', html)
    assert re.search(r'<input id="scrub" type="range"[^>]*aria-label="[^"]+"', html)
    labels = embedded(html)["labels"]
    assert labels["play"] == play and labels["pause"] == pause and labels["epoch"] == epoch


def test_player_is_self_contained_and_pure(tutorial):
    html = replay_html(tutorial, "en")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # no network
    assert "http://www.w3.org/2000/svg" in html  # the SVG namespace, not a fetch
    assert 'viewBox="0 0 1000 340"' in html and "width: 100%" in html  # fits the column
    assert replay_html(tutorial, "en") == html


def test_player_text_cannot_break_out_of_its_markup(tutorial, monkeypatch):
    nasty = '</script><b x="1">&'
    monkeypatch.setattr(replay, "t", lambda lang, key, **params: nasty)
    html = replay_html(tutorial, "en")
    assert html.count("</script>") == 2  # the data block and the player's own
    assert embedded(html)["labels"]["chart"] == nasty  # the data still says it exactly
    assert 'aria-label="&lt;/script&gt;&lt;b x=&quot;1&quot;&gt;&amp;"' in html


def test_player_of_a_run_without_snapshots_shows_the_final_prediction():
    r = run_experiment(SHORT, snapshots=False)
    data = replay_data(r, "en")
    assert data["epochs"] == [12] and len(data["frames"]) == 1


def test_player_thins_long_series():
    t = np.arange(3000.0)
    y = np.sin(t / 50)
    r = run_experiment(ExperimentConfig(epochs=2, seq_length=5, hidden_size=2), series=(t, y))
    data = replay_data(r, "zh")
    assert len(data["t"]) <= MAX_POINTS + 1 and len(data["pt"]) <= MAX_POINTS + 1
    assert all(len(f) == len(data["pt"]) for f in data["frames"])
    assert data["t"][-1] == 2999.0 and data["pt"][-1] == 2999.0  # the last point is kept
