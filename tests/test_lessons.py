"""Every lesson is an experiment: each sentence the page says about networks, run at the
page's settings over the lesson seeds (tests/lessonkit.py: default 0-9), holds in at least
80 % of them. Each test names the locale
keys it backs; where a claim could not be made to hold, the text was rewritten to say
what does (measurements in the commit that changed them).

Slow (several minutes of training in all): marked `slow`, and run in CI anyway.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
import torch

from playground import ExperimentConfig, compare_models
from playground.pipeline.experiment import fitted_models, initial_network
from playground.pipeline.noise import drawn_noise
from playground.pipeline.signals import make_signal
from playground.pipeline.windows import make_windows, split_index
from playground.views.compare import PAGE_SEEDS, seed_table, seeds_after
from playground.views.forecast import forecast_frames, persistence
from playground.views.gradients import gradient_frames
from playground.views.inside import inside_frames
from playground.views.memory import DEFAULT_LAG, MAX_LAG, MemoryConfig
from playground.workshop.challenges import CHALLENGES, OVERFIT, RNN_FORGETS, loss_ratio
from playground.workshop.presets import PRESETS

from lessonkit import SEEDS, holds, recall_at_30, run
from lessonkit import memory as shared_memory

pytestmark = pytest.mark.slow


def seeds_of(cfg: ExperimentConfig) -> list[ExperimentConfig]:
    return [replace(cfg, seed=s) for s in SEEDS]


def test_the_tutorial_fits_down_to_the_noise():
    """preset.tutorial_rnn.notice: within 100 epochs the line follows the wave, test
    part included; the test MSE ends near the noise variance 0.01."""
    cfg = PRESETS["tutorial_rnn"].config
    test = [run(c).metrics.set_index("split").mse["test"] for c in seeds_of(cfg)]
    assert holds(0.005 < m < 0.03 for m in test), test


def page_seeds(seed: int) -> tuple[int, ...]:
    """The seeds the Compare tab trains for a learner at `seed`."""
    return seeds_after(seed, PAGE_SEEDS)


@pytest.fixture(scope="module")
def default_comparison():
    """Test MSE per seed and model at the default settings, over every seed a learner at
    a lesson seed sees on the Compare tab (that seed and the next two)."""
    seeds = tuple(sorted({s for seed in SEEDS for s in page_seeds(seed)}))
    return compare_models(ExperimentConfig(), seeds=seeds, run=run).metrics


def test_on_a_short_window_no_cell_is_clearly_better(default_comparison):
    """view.compare.explain: on a short window of a noisy sine the three do about equally
    well (medians within 1.5 times), and which one wins changes from seed to seed.
    preset.rnn_vs_lstm.notice: the LSTM is not clearly better than the RNN: over the
    lesson seeds it beats the RNN on some and loses on others (on 2 to 8 of 10), so on a
    learner's three seeds the live verdict may name either, or neither. The LSTM beat the
    RNN on 6, 5, 6 and 7 of seeds 0-9, 10-19, 20-29, 30-39. Before, the test asked the
    live verdict beside the notice to be "no clear winner" at 80 % of the seeds: it was at
    10 of seeds 0-9 but at only 4 of 30-39 (with a near coin-flip winner, three seeds all
    agree about a quarter of the time), where the notice then contradicted it."""
    metrics = default_comparison
    table = seed_table(metrics).loc[list(SEEDS)]
    medians = table.median()
    assert medians.max() / medians.min() < 1.5, medians
    assert table.idxmin(axis=1).nunique() >= 2, table  # the winner changes with the seed
    lstm_wins = float((table.lstm < table.rnn).mean())
    assert 0.2 <= lstm_wins <= 0.8, table


def test_the_overfitting_preset_overfits():
    """preset.overfitting.notice: the training loss ends more than 5 times below the
    test loss. Measured over seeds 0-9: 10/10 (5.7 to over a thousand)."""
    cfg = PRESETS["overfitting"].config
    assert cfg.learning_rate == 0.003 and cfg.within_budget() == cfg
    ratios = [loss_ratio(run(c)) for c in seeds_of(cfg)]
    assert holds(r > OVERFIT["ratio"] for r in ratios), ratios


def test_too_much_noise_is_fitted_in_training_only():
    """preset.too_much_noise.notice: the test error stays above the noise drawn in the
    18 test points, the training error falls below the noise drawn in the training
    points; that drawn noise varies from run to run (noise.drawn says it live).
    Measured over seeds 0-9: both 10/10; drawn test noise 0.19-0.48."""
    cfg = PRESETS["too_much_noise"].config
    above, below, drawn = [], [], []
    for c in seeds_of(cfg):
        mse, noise = run(c).metrics.set_index("split").mse, drawn_noise(c)
        assert noise.n_test == 18 and noise.variance == pytest.approx(0.36)
        above.append(mse["test"] > noise.test)
        below.append(mse["train"] < noise.train)
        drawn.append(noise.test)
    assert holds(above) and holds(below), (above, below)
    assert len(SEEDS) < 2 or max(drawn) > 1.5 * min(drawn), drawn


def share_at_first_step(frame, model: str, stage: str) -> float:
    """‖∂L/∂h_1‖ / ‖∂L/∂h_L‖: the share of the gradient that reaches the first step."""
    f = frame[(frame.model == model) & (frame.stage == stage)].sort_values("step")
    return float(f.grad_norm.iloc[0] / f.grad_norm.iloc[-1])


def gradient_shares(cfg: ExperimentConfig, stage: str) -> dict[str, list[float]]:
    """Per model, the first-step share over the seeds (at init: nothing is trained)."""
    cfg = cfg if stage == "trained" else replace(cfg, epochs=1)  # init weights: epochs-free
    shares: dict[str, list[float]] = {}
    for c in seeds_of(cfg):
        frame = gradient_frames(fitted_models(c, ("rnn", "lstm", "gru"), run=run)).frame
        for model in ("rnn", "lstm", "gru"):
            shares.setdefault(model, []).append(share_at_first_step(frame, model, stage))
    return shares


VANISHING = PRESETS["vanishing_gradients"].config


def test_default_init_vanishes_in_every_cell():
    """view.gradients.explain, preset.vanishing_gradients.notice: with PyTorch's default
    init (keep-gate bias 0) the LSTM and GRU vanish too, like the RNN."""
    shares = gradient_shares(replace(VANISHING, keep_gate_bias=0.0), "init")
    for model in ("rnn", "lstm", "gru"):
        assert holds(s < 1e-6 for s in shares[model]), (model, shares[model])


@pytest.mark.parametrize("stage", ["init", "trained"])
def test_an_open_keep_gate_carries_the_gradient_the_rnn_cannot(stage):
    """view.gradients.explain, preset.vanishing_gradients.notice: with the keep-gate bias
    at 4 the gated cells keep more than a hundredth of the gradient across 50 steps; the
    RNN keeps below a millionth at init and below a hundredth after training."""
    assert VANISHING.keep_gate_bias == 4.0 and VANISHING.seq_length == 50
    shares = gradient_shares(VANISHING, stage)
    limit = 1e-6 if stage == "init" else 1e-2
    assert holds(s < limit for s in shares["rnn"]), shares["rnn"]
    for model in ("lstm", "gru"):
        assert holds(s > 1e-2 for s in shares[model]), (model, shares[model])


def test_on_a_long_window_the_gru_predicts_best_and_the_lstm_against_the_rnn_varies():
    """preset.vanishing_gradients.notice: on the scenario's 50-step window the GRU has the
    lowest test error of the three in most seeds; whether the LSTM beats the RNN changes
    from seed to seed. Measured over seeds 0-9: GRU best 10/10; LSTM below the RNN 7/10."""
    errors = {m: [] for m in ("rnn", "lstm", "gru")}
    for c in seeds_of(VANISHING):
        for model in errors:
            mse = run(replace(c, model=model).within_budget()).metrics.set_index("split").mse
            errors[model].append(mse["test"])
    rnn, lstm, gru = (np.array(errors[m]) for m in ("rnn", "lstm", "gru"))
    assert holds(gru < np.minimum(rnn, lstm)), errors
    if len(SEEDS) >= 5:
        assert (lstm < rnn).any() and (rnn < lstm).any(), errors


def test_on_the_default_short_window_every_trained_cell_reaches_its_first_step():
    """view.gradients.explain: on the default 10-step window every trained cell passes
    more than a hundredth of its last step's gradient back to its first step (the chart's
    own sentence, gradients.reach, reads each run's numbers). Measured over seeds 0-9:
    RNN 0.11-0.47, GRU 0.08-0.28, LSTM 0.037-0.097 (10/10 each)."""
    shares = gradient_shares(ExperimentConfig(), "trained")
    for model in ("rnn", "lstm", "gru"):
        assert holds(s > 1e-2 for s in shares[model]), (model, shares[model])


def test_a_large_recurrent_init_explodes():
    """view.gradients.explain, gradients.try: at a recurrent init scale of 3 the RNN's
    gradient grows going back in time."""
    shares = gradient_shares(replace(VANISHING, init_scale=3.0), "init")
    assert holds(s > 1.0 for s in shares["rnn"]), shares["rnn"]


def test_keep_gate_starts_half_open_by_default_and_nearly_open_at_4():
    """memory.bias, param.keep_gate_bias.help: at bias 0 the keep gate starts about half
    open; at 4 near σ(4) ≈ 0.98."""
    for bias, low, high in ((0.0, 0.4, 0.6), (4.0, 0.95, 0.99)):
        for model in ("lstm", "gru"):
            for seed in SEEDS:
                net = initial_network(ExperimentConfig(model=model, keep_gate_bias=bias, seed=seed))
                H = net.rnn.hidden_size
                b = net.rnn.bias_ih_l0[H : 2 * H] + net.rnn.bias_hh_l0[H : 2 * H]
                gate = float(torch.sigmoid(b.detach()).mean())  # at zero input and state
                assert low < gate < high, (bias, model, seed, gate)


@pytest.fixture(scope="module")
def memory():
    """The Long memory task at the page's settings (keep-gate bias 4, as the long_memory
    preset sets), lags 5 and 30, the lesson seeds."""
    bias = PRESETS["long_memory"].config.keep_gate_bias
    assert bias == 4.0
    long = recall_at_30().sweep  # = memory_sweep(lags=(30,), seeds=SEEDS, keep_gate_bias=4)
    short = shared_memory(MemoryConfig(lags=(5,), models=("rnn",), seeds=SEEDS)).sweep
    sweep = pd.concat([long, short], ignore_index=True)
    assert list(sweep.columns) == ["model", "lag", "seed", "test_mse", "relative_mse"]
    assert len(sweep) == 4 * len(SEEDS) and np.isfinite(sweep.test_mse).all()
    return sweep.pivot_table(index=["lag", "seed"], columns="model", values="relative_mse")


def test_gated_cells_keep_recalling_where_the_rnn_forgets(memory):
    """view.memory.explain, preset.long_memory.notice: with the keep-gate bias at 4 the
    LSTM and GRU recall better than the RNN at a long lag, and the RNN's error grows with
    the lag. Measured over seeds 0-9 at lag 30: LSTM better 8/10, GRU 9/10 (medians
    0.016 and 0.025, the RNN's 0.153); the RNN's error above its lag-5 error 10/10."""
    at30, at5 = memory.loc[30], memory.loc[5]
    for model in ("lstm", "gru"):
        assert holds(at30[model] < at30.rnn), at30
        assert at30[model].median() < 0.1, at30
        assert holds(at30[model] < 0.5), at30  # off the "answer 0" plateau (about 1)
    assert holds(at30.rnn > at5.rnn), memory


@pytest.mark.parametrize("lag", [RNN_FORGETS["min_lag"], DEFAULT_LAG, MAX_LAG])
def test_the_memory_challenge_passes_at_every_lag_its_goal_allows(lag):
    """challenge.rnn_forgets.passed: the example (keep-gate bias 4), judged on the tab's
    sweep (its seeds 0-2, not the learner's), passes at every longest lag from the goal's
    minimum to the slider's end. Measured at every lag the slider allows (20, 25, 30, 35,
    40): the LSTM's error below the RNN's in each of the 3 seeds, 15/15 (the RNN's
    median 0.049-0.165, the LSTM's 0.012-0.037). Tested at the ends and the tab's
    default (recall trainings are the suite's costliest)."""
    challenge = CHALLENGES["rnn_forgets"]
    got = challenge.judge(challenge.example_config(), memory=shared_memory, lag=lag)
    assert got.passed and got.params["lag"] == lag, got


@pytest.mark.parametrize("key", ["small_model", "quick_learner", "overfit"])
def test_each_challenges_example_passes_at_the_lesson_seeds(key):
    """challenge.<key>.passed: the example link, at each lesson seed (judged on the
    median of that seed and the next two), passes. Measured over seeds 0-9: small_model
    10/10 (and 10/10 on seeds 10-19 and 20-29; the example had 100 points and the target
    0.12 before, 9/10 on 0-9 but 3/10 on 10-19: the test part's 18 points drew noise
    of RMSE 0.07-0.13 by seed), quick_learner 10/10, 9/10, 9/10 and 10/10 on seeds 0-9,
    10-19, 20-29 and 30-39 (medians 0.013-0.041 against the target 0.035; the example
    before, a GRU of 32 on windows of 10, passed 9/10 on 0-9 but 3/10 on 10-19 and 20-29:
    in 10 epochs the median over three seeds varies by seed more than between settings),
    overfit 10/10."""
    challenge = CHALLENGES[key]
    cfg = challenge.example_config()
    verdicts = [challenge.judge(replace(cfg, seed=s), run=run) for s in SEEDS]
    assert holds(v.passed for v in verdicts), [v.params for v in verdicts]


def horizons(signal: str, models=("rnn", "lstm", "gru")) -> list[pd.DataFrame]:
    """The Forecast tab's horizon frame at the default settings on `signal`, per seed
    (with the networks `models`)."""
    return [
        forecast_frames(fitted_models(c, models, run=run)).horizon
        for c in seeds_of(ExperimentConfig(signal=signal))
    ]


NETWORKS = ["rnn", "lstm", "gru"]


def test_linear_ar_forecasts_a_sine_about_as_well_as_the_networks():
    """view.forecast.explain: a sine is an exact linear recurrence: the AR baseline does
    about as well as the networks (its mean horizon error within 2x of the best
    network's), while persistence drifts away within a few steps. Measured over seeds
    0-9: 10/10 and 10/10."""
    ratios, drifts = [], []
    for horizon in horizons("sine"):
        mean = horizon.groupby("model").mse.mean()
        ratios.append(mean["linear_ar"] / mean[NETWORKS].min())
        pers = horizon[horizon.model == "persistence"].sort_values("horizon").mse.to_numpy()
        drifts.append(pers[-1] / pers[0])
    assert holds(r < 2.0 for r in ratios), ratios
    assert holds(d > 5.0 for d in drifts), drifts


def test_a_network_beats_linear_ar_on_a_sawtooth_and_persistence_beats_them_on_a_square():
    """view.forecast.explain: on a sawtooth the best network's mean free-running error is
    below the linear AR's; on a square wave persistence's is below every network's.
    Measured over seeds 0-9: 10/10 (AR 4-23 times the best network's) and 10/10 (the
    best network 5-24 times persistence's). (The RNN alone beat the AR in 8/10: the
    sentence is about the best network.)"""
    sawtooth = [h.groupby("model").mse.mean() for h in horizons("sawtooth")]
    square = [h.groupby("model").mse.mean() for h in horizons("square")]
    assert holds(m[NETWORKS].min() < m["linear_ar"] for m in sawtooth), sawtooth
    assert holds(m["persistence"] < m[NETWORKS].min() for m in square), square


def test_the_hidden_states_of_a_sine_trace_a_loop():
    """view.inside.explain: projected to two dimensions, the last hidden states of a
    periodic signal trace a loop (the series holds two periods: about two turns)."""
    turns = []
    for c in seeds_of(ExperimentConfig()):
        tr = inside_frames(run(c).fitted).trajectory
        z = (tr.pc1 - tr.pc1.mean()).to_numpy() + 1j * (tr.pc2 - tr.pc2.mean()).to_numpy()
        angle = np.unwrap(np.angle(z))
        turns.append(abs(angle[-1] - angle[0]) / (2 * np.pi))
    assert holds(1.5 < n < 2.5 for n in turns), turns


def test_real_data_test_part_is_partly_above_the_training_range():
    """preset.real_data.notice: about a quarter of the test months are higher than any
    month the model trained on (the data has no seed: one check)."""
    cfg = PRESETS["real_data"].config
    _, y = make_signal(cfg)
    _, Y = make_windows(y, cfg.seq_length)
    first = cfg.seq_length + split_index(len(Y), cfg.train_fraction)
    share = float(np.mean(y[first:] > y[:first].max()))
    assert 0.15 < share < 0.35, share


def test_signals_differ_in_difficulty():
    """view.data.explain: on a sine the network beats repeating the last value
    (persistence); on a square wave it does worse than persistence; on a sawtooth its
    error relative to the signal's spread is at least three times a sine's; on a random walk
    no network beats persistence by much (by less than a fifth). The sawtooth's relative
    error over seeds 0-9 was 14-45 times the sine's, over 10-19 2.2-24 times (more than ten
    times in only 7 of them: "ten times" was the old, tuned sentence), over 20-29 11-38."""

    def errors(signal):
        """Per seed: (test MSE / variance of the series, test MSE / persistence's)."""
        out = []
        for c in seeds_of(ExperimentConfig(signal=signal)):
            r = run(c)
            f, test = r.fitted, r.metrics.set_index("split").mse["test"]
            base = np.mean((persistence(f.X[f.n_train :]) - f.Y[f.n_train :]) ** 2)
            out.append((test / np.var(f.y), test / base))
        return out

    sine, square = errors("sine"), errors("square")
    sawtooth, walk = errors("sawtooth"), errors("random_walk")
    assert holds(vs_persistence < 1 for _, vs_persistence in sine), sine
    assert holds(vs_persistence > 1 for _, vs_persistence in square), square
    assert holds(saw[0] >= 3 * sin[0] for saw, sin in zip(sawtooth, sine)), (sawtooth, sine)
    assert holds(vs_persistence > 0.8 for _, vs_persistence in walk), walk


def test_the_fit_changes_fastest_in_the_first_epochs():
    """replay.caption: the first epochs are shown one by one "where the fit changes
    fastest": the prediction moves more per epoch over epochs 1-10 than after epoch 50."""
    faster = []
    for c in seeds_of(ExperimentConfig()):
        snaps = run(c).snapshots.pivot(index="epoch", columns="t", values="value")
        epochs = snaps.index.to_numpy()
        moved = np.abs(np.diff(snaps.to_numpy(), axis=0)).mean(axis=1) / np.diff(epochs)
        early, late = moved[epochs[1:] <= 10].mean(), moved[epochs[1:] > 50].mean()
        faster.append(early > late)
    assert holds(faster), faster


def update_sizes(cfg: ExperimentConfig) -> list[float]:
    """The size of each training update of the run of `cfg` (tests/test_updates.py checks
    them against torch's optimizer hooks)."""
    return run(cfg).fitted.train_result.update_sizes


def test_clipping_does_not_cap_adams_updates():
    """gradients.try: on the Vanishing gradients scenario with the RNN at recurrent init
    scale 3 (the gradients explode), clipping at 1 leaves Adam's first update as it is,
    and the largest update is no smaller than without clipping. Measured over seeds 0-9
    (30 epochs): the first and largest update 0.3396 either way, 10/10; the median
    update of epochs 2-30 was larger with clipping, 10/10. Five epochs here."""
    cfg = replace(VANISHING, model="rnn", init_scale=3.0, epochs=5)
    same_first, not_capped = [], []
    for c in seeds_of(cfg):
        free, clipped = update_sizes(c), update_sizes(replace(c, clip_grad=1.0))
        same_first.append(abs(clipped[0] - free[0]) < 1e-3 * free[0])
        not_capped.append(max(clipped) >= 0.99 * max(free))
    assert holds(same_first), same_first
    assert holds(not_capped), not_capped


def test_clipping_caps_sgds_updates():
    """gradients.try, updates.largest: with plain SGD, clipping at 1 holds every update
    at or below learning rate × 1, while without clipping the exploding gradient makes
    larger updates (the RNN at init scale 3 on the Vanishing gradients scenario).
    Measured over seeds 0-9 (5 epochs): 10/10."""
    cfg = replace(VANISHING, model="rnn", init_scale=3.0, epochs=5, optimizer="sgd")
    cap = cfg.learning_rate * 1.0
    capped, larger = [], []
    for c in seeds_of(cfg):
        free = run(c).fitted.train_result.update_sizes
        clipped = run(replace(c, clip_grad=1.0)).fitted.train_result.update_sizes
        capped.append(max(clipped) <= cap * (1 + 1e-3))  # float32
        larger.append(max(free) > cap)
    assert all(capped), capped  # arithmetic, not a tendency
    assert holds(larger), larger


def test_clipping_cannot_change_the_curves_at_initialisation():
    """gradients.try: the curves at initialisation are the same with clipping on."""
    for c in seeds_of(replace(VANISHING, init_scale=3.0, epochs=1))[:2]:
        free = gradient_frames(fitted_models(c, ("rnn",), run=run)).frame
        clipped = gradient_frames(fitted_models(replace(c, clip_grad=1.0), ("rnn",))).frame
        at_init = [f[f.stage == "init"].reset_index(drop=True) for f in (free, clipped)]
        pd.testing.assert_frame_equal(*at_init)
