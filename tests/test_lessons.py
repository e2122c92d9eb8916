"""Every lesson is an experiment: each sentence the page says about networks, run at the
page's settings over the lesson seeds (tests/lessonkit.py: default 0-9), holds in at least
80 % of them. Each test names the locale
keys it backs; where a claim could not be made to hold, the text was rewritten to say
what does (measurements in the commit that changed them).

Slow (several minutes of training in all): marked `slow`, and run in CI anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
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

from lessonkit import SEEDS, ends_on_a_spike, holds, recall_at_30, run
from lessonkit import memory as shared_memory

pytestmark = pytest.mark.slow

# Each claim is measured by a function of the seeds returning {what is measured: one
# flag a seed} (or a single flag where the claim is about all the seeds at once); the
# tests ask each to hold over the lesson seeds, and bench/claims.py runs the same
# functions over seeds the tests do not use.
Flags = dict[str, list[bool]]


def seeds_of(cfg: ExperimentConfig, seeds: Sequence[int] = SEEDS) -> list[ExperimentConfig]:
    return [replace(cfg, seed=s) for s in seeds]


def all_hold(flags: Flags) -> None:
    """Every measured flag list holds over the lesson seeds."""
    for what, got in flags.items():
        assert holds(got), (what, got)


def tutorial_flags(seeds: Sequence[int]) -> Flags:
    cfg = PRESETS["tutorial_rnn"].config
    below = []
    for c in seeds_of(cfg, seeds):
        test = run(c).metrics.set_index("split").mse["test"]
        below.append(test < 3 * drawn_noise(c).test)
    return {"test MSE below 3x the noise drawn in the test points": below}


def test_the_tutorial_fits_down_to_the_noise():
    """preset.tutorial_rnn.notice: within 100 epochs the line follows the wave, test
    part included; the test MSE ends below three times the noise drawn in the test
    points. It said "near the noise variance 0.01", tested as 0.005-0.03: 38 of seeds
    100-139 (test MSE 0.006-0.032, median 0.015); below 3x the drawn noise: 40 of 40
    (0.85-2.7 times it)."""
    all_hold(tutorial_flags(SEEDS))


def page_seeds(seed: int) -> tuple[int, ...]:
    """The seeds the Compare tab trains for a learner at `seed`."""
    return seeds_after(seed, PAGE_SEEDS)


def default_comparison(seeds: Sequence[int]) -> pd.DataFrame:
    """Test MSE per seed and model at the default settings, over every seed a learner at
    one of `seeds` sees on the Compare tab (that seed and the next two)."""
    every = tuple(sorted({s for seed in seeds for s in page_seeds(seed)}))
    return compare_models(ExperimentConfig(), seeds=every, run=run).metrics


def short_window_flags(seeds: Sequence[int]) -> Flags:
    """Claims about all of `seeds` at once: one flag each."""
    table = seed_table(default_comparison(seeds)).loc[list(seeds)]
    medians = table.median()
    lstm_wins = float((table.lstm < table.rnn).mean())
    return {
        "medians of the three within 1.5 times (all seeds)": [medians.max() / medians.min() < 1.5],
        "the winner changes with the seed (all seeds)": [table.idxmin(axis=1).nunique() >= 2],
        "LSTM beats the RNN on 20-80 % of the seeds (all seeds)": [0.2 <= lstm_wins <= 0.8],
    }


def test_on_a_short_window_no_cell_is_clearly_better():
    """view.compare.explain: on a short window of a noisy sine the three do about equally
    well (medians within 1.5 times), and which one wins changes from seed to seed.
    preset.rnn_vs_lstm.notice: the LSTM is not clearly better than the RNN: over the
    lesson seeds it beats the RNN on some and loses on others (on 2 to 8 of 10), so on a
    learner's three seeds the live verdict may name either, or neither. The LSTM beat the
    RNN on 6, 5, 6 and 7 of seeds 0-9, 10-19, 20-29, 30-39. Before, the test asked the
    live verdict beside the notice to be "no clear winner" at 80 % of the seeds: it was at
    10 of seeds 0-9 but at only 4 of 30-39 (with a near coin-flip winner, three seeds all
    agree about a quarter of the time), where the notice then contradicted it."""
    for what, (flag,) in short_window_flags(SEEDS).items():
        assert flag, what


def overfitting_flags(seeds: Sequence[int]) -> Flags:
    cfg = PRESETS["overfitting"].config
    assert cfg.learning_rate == 0.003 and cfg.within_budget() == cfg
    ratios, spikes = [], []
    for c in seeds_of(cfg, seeds):
        result = run(c)
        ratios.append(loss_ratio(result))
        losses = result.losses[result.losses.split == "train"].sort_values("epoch")
        spikes.append(ends_on_a_spike(losses.loss.to_numpy()))
    return {
        "final test loss over train loss above 5": [r > OVERFIT["ratio"] for r in ratios],
        "training loss ends on a jump (said: about 1 of 3; above 1.5x the last tenth's median)": (
            spikes
        ),
    }


def test_a_spike_at_the_end_is_told_from_a_falling_curve():
    falling = np.geomspace(1.0, 1e-3, 100)
    assert not ends_on_a_spike(falling)
    assert ends_on_a_spike(np.concatenate([falling[:-1], [0.05]]))


def test_the_overfitting_preset_overfits():
    """preset.overfitting.notice: the training loss ends more than 5 times below the
    test loss; it ends on a jump in about 1 of 3 seeds (issue 40 found the curve ending on
    a spike where the note pointed, unexplained). Measured over seeds 0-9: ratio 10/10
    (5.7 to over a thousand), ended on a jump 3/10; over seeds 100-139: 40/40, 12/40.
    (Some epoch of the last tenth above twice the one before: 27 of 40, so the note does
    not say the loss always jumps.) The test asks for 1 to 6 in 10."""
    flags = overfitting_flags(SEEDS)
    assert holds(flags["final test loss over train loss above 5"]), flags
    spikes = next(v for k, v in flags.items() if k.startswith("training loss ends on a jump"))
    assert 0.1 <= sum(spikes) / len(spikes) <= 0.6, spikes


def test_too_much_noise_is_fitted_in_training_only():
    """preset.too_much_noise.notice: the test error stays above the noise drawn in the
    18 test points, the training error falls below the noise drawn in the training
    points; that drawn noise varies from run to run (noise.drawn says it live).
    Measured over seeds 0-9: both 10/10; drawn test noise 0.19-0.48."""
    flags, drawn = too_much_noise_flags(SEEDS)
    all_hold(flags)
    assert len(SEEDS) < 2 or max(drawn) > 1.5 * min(drawn), drawn


def too_much_noise_flags(seeds: Sequence[int]) -> tuple[Flags, list[float]]:
    """The flags, and the noise drawn in the test points per seed."""
    cfg = PRESETS["too_much_noise"].config
    above, below, drawn = [], [], []
    for c in seeds_of(cfg, seeds):
        mse, noise = run(c).metrics.set_index("split").mse, drawn_noise(c)
        assert noise.n_test == 18 and noise.variance == pytest.approx(0.36)
        above.append(mse["test"] > noise.test)
        below.append(mse["train"] < noise.train)
        drawn.append(noise.test)
    flags = {
        "test MSE above the noise drawn in the test points": above,
        "training MSE below the noise drawn in the training points": below,
    }
    return flags, drawn


def share_at_first_step(frame, model: str, stage: str) -> float:
    """‖∂L/∂h_1‖ / ‖∂L/∂h_L‖: the share of the gradient that reaches the first step."""
    f = frame[(frame.model == model) & (frame.stage == stage)].sort_values("step")
    return float(f.grad_norm.iloc[0] / f.grad_norm.iloc[-1])


def gradient_shares(
    cfg: ExperimentConfig, stage: str, seeds: Sequence[int] = SEEDS
) -> dict[str, list[float]]:
    """Per model, the first-step share over the seeds (at init: nothing is trained)."""
    cfg = cfg if stage == "trained" else replace(cfg, epochs=1)  # init weights: epochs-free
    shares: dict[str, list[float]] = {}
    for c in seeds_of(cfg, seeds):
        frame = gradient_frames(fitted_models(c, ("rnn", "lstm", "gru"), run=run)).frame
        for model in ("rnn", "lstm", "gru"):
            shares.setdefault(model, []).append(share_at_first_step(frame, model, stage))
    return shares


VANISHING = PRESETS["vanishing_gradients"].config


def default_init_flags(seeds: Sequence[int]) -> Flags:
    shares = gradient_shares(replace(VANISHING, keep_gate_bias=0.0), "init", seeds)
    return {
        f"{m}: first-step share below 1e-6 at init, bias 0": [s < 1e-6 for s in shares[m]]
        for m in ("rnn", "lstm", "gru")
    }


def test_default_init_vanishes_in_every_cell():
    """view.gradients.explain, preset.vanishing_gradients.notice: with PyTorch's default
    init (keep-gate bias 0) the LSTM and GRU vanish too, like the RNN."""
    all_hold(default_init_flags(SEEDS))


def open_gate_flags(stage: str, seeds: Sequence[int]) -> Flags:
    assert VANISHING.keep_gate_bias == 4.0 and VANISHING.seq_length == 50
    shares = gradient_shares(VANISHING, stage, seeds)
    rnn = shares["rnn"]
    if stage == "init":
        flags = {"rnn: first-step share below 1e-06 (init)": [s < 1e-6 for s in rnn]}
    else:
        flags = {
            "rnn: first-step share below 0.1 (trained)": [s < 0.1 for s in rnn],
            "rnn: first-step share below 0.01 (trained; said: in most seeds)": [
                s < 1e-2 for s in rnn
            ],
        }
    for model in ("lstm", "gru"):
        flags[f"{model}: first-step share above 0.01 ({stage})"] = [s > 1e-2 for s in shares[model]]
    return flags


@pytest.mark.parametrize("stage", ["init", "trained"])
def test_an_open_keep_gate_carries_the_gradient_the_rnn_cannot(stage):
    """view.gradients.explain, preset.vanishing_gradients.notice: with the keep-gate bias
    at 4 the gated cells keep more than a hundredth of the gradient across 50 steps; the
    RNN keeps below a millionth at init and, after training, below a tenth, and below a
    hundredth in most seeds. The notice said "below a hundredth after training": 36 of
    seeds 100-139, no margin over 90 % (0.015, 0.018 and 0.040 among the others), so it
    now says "in most seeds"; the test asks for at least 3 in 5 of the lesson seeds."""
    flags = open_gate_flags(stage, SEEDS)
    hedged = "rnn: first-step share below 0.01 (trained; said: in most seeds)"
    for what, got in flags.items():
        if what == hedged:
            assert sum(got) >= 0.6 * len(got), (what, got)
        else:
            assert holds(got), (what, got)


def long_window_errors(seeds: Sequence[int]) -> dict[str, np.ndarray]:
    """Test MSE per model on the Vanishing gradients scenario, per seed."""
    errors = {m: [] for m in ("rnn", "lstm", "gru")}
    for c in seeds_of(VANISHING, seeds):
        for model in errors:
            mse = run(replace(c, model=model).within_budget()).metrics.set_index("split").mse
            errors[model].append(mse["test"])
    return {m: np.array(e) for m, e in errors.items()}


def long_window_flags(seeds: Sequence[int]) -> Flags:
    e = long_window_errors(seeds)
    return {
        "GRU lowest test MSE of the three (no longer said)": list(
            e["gru"] < np.minimum(e["rnn"], e["lstm"])
        ),
        "GRU test MSE below the RNN's": list(e["gru"] < e["rnn"]),
        "LSTM below the RNN on some seeds, above on others (all seeds)": [
            bool((e["lstm"] < e["rnn"]).any() and (e["rnn"] < e["lstm"]).any())
        ],
    }


def test_on_a_long_window_the_gru_beats_the_rnn_and_the_lstm_against_the_rnn_varies():
    """preset.vanishing_gradients.notice: on the scenario's 50-step window the GRU has a
    lower test error than the RNN in most seeds; whether the LSTM beats the RNN changes
    from seed to seed. Measured over seeds 0-9: GRU best of the three 10/10; LSTM below
    the RNN 7/10. Over seeds 100-119 the GRU was best of the three in only 17 (the
    notice said "best of the three in most seeds"; the issue's audit found 3 of 5), below
    the RNN in 20: the notice now says that."""
    flags = long_window_flags(SEEDS)
    assert holds(flags["GRU test MSE below the RNN's"]), flags
    if len(SEEDS) >= 5:
        assert all(flags["LSTM below the RNN on some seeds, above on others (all seeds)"])


def short_window_reach_flags(seeds: Sequence[int]) -> Flags:
    shares = gradient_shares(ExperimentConfig(), "trained", seeds)
    return {
        f"{m}: trained first-step share above 0.01, window 10": [s > 1e-2 for s in shares[m]]
        for m in ("rnn", "lstm", "gru")
    }


def test_on_the_default_short_window_every_trained_cell_reaches_its_first_step():
    """view.gradients.explain: on the default 10-step window every trained cell passes
    more than a hundredth of its last step's gradient back to its first step (the chart's
    own sentence, gradients.reach, reads each run's numbers). Measured over seeds 0-9:
    RNN 0.11-0.47, GRU 0.08-0.28, LSTM 0.037-0.097 (10/10 each)."""
    all_hold(short_window_reach_flags(SEEDS))


def explodes_flags(seeds: Sequence[int]) -> Flags:
    shares = gradient_shares(replace(VANISHING, init_scale=3.0), "init", seeds)
    return {"rnn: first-step share above 1 at init scale 3": [s > 1.0 for s in shares["rnn"]]}


def test_a_large_recurrent_init_explodes():
    """view.gradients.explain, gradients.try: at a recurrent init scale of 3 the RNN's
    gradient grows going back in time."""
    all_hold(explodes_flags(SEEDS))


def keep_gate_flags(seeds: Sequence[int]) -> Flags:
    flags: Flags = {}
    for bias, low, high in ((0.0, 0.4, 0.6), (4.0, 0.95, 0.99)):
        for model in ("lstm", "gru"):
            got = flags.setdefault(f"{model}: gate in ({low}, {high}) at bias {bias:g}", [])
            for seed in seeds:
                net = initial_network(ExperimentConfig(model=model, keep_gate_bias=bias, seed=seed))
                H = net.rnn.hidden_size
                b = net.rnn.bias_ih_l0[H : 2 * H] + net.rnn.bias_hh_l0[H : 2 * H]
                gate = float(torch.sigmoid(b.detach()).mean())  # at zero input and state
                got.append(low < gate < high)
    return flags


def test_keep_gate_starts_half_open_by_default_and_nearly_open_at_4():
    """memory.bias, param.keep_gate_bias.help, challenge.rnn_forgets.low_bias: at bias 0
    the keep gate starts about half open; at 4 near σ(4) ≈ 0.98. (low_bias said "with
    PyTorch's init the LSTM forgets too", a training result: now it says the gate.)"""
    for what, got in keep_gate_flags(SEEDS).items():
        assert all(got), (what, got)


def memory_table(seeds: Sequence[int]) -> pd.DataFrame:
    """The Long memory task at the page's settings (keep-gate bias 4, as the long_memory
    preset sets), lags 5 (the RNN) and 30, over `seeds`: relative MSE by (lag, seed)."""
    long = recall_at_30(tuple(seeds)).sweep  # = memory_sweep(lags=(30,), seeds, bias 4)
    short = shared_memory(MemoryConfig(lags=(5,), models=("rnn",), seeds=tuple(seeds))).sweep
    sweep = pd.concat([long, short], ignore_index=True)
    assert list(sweep.columns) == ["model", "lag", "seed", "test_mse", "relative_mse"]
    assert len(sweep) == 4 * len(seeds) and np.isfinite(sweep.test_mse).all()
    return sweep.pivot_table(index=["lag", "seed"], columns="model", values="relative_mse")


def memory_flags(seeds: Sequence[int]) -> Flags:
    memory = memory_table(seeds)
    at30, at5 = memory.loc[30], memory.loc[5]
    flags: Flags = {}
    for model in ("lstm", "gru"):
        flags[f"{model}: relative error below the RNN's at lag 30"] = list(at30[model] < at30.rnn)
        flags[f"{model}: median relative error below 0.1 at lag 30 (all seeds)"] = [
            at30[model].median() < 0.1
        ]
        flags[f"{model}: relative error below 0.5 at lag 30"] = list(at30[model] < 0.5)
    flags["rnn: error at lag 30 above its error at lag 5"] = list(at30.rnn > at5.rnn)
    return flags


def test_gated_cells_keep_recalling_where_the_rnn_forgets():
    """view.memory.explain, preset.long_memory.notice: with the keep-gate bias at 4 the
    LSTM and GRU recall better than the RNN at a long lag, and the RNN's error grows with
    the lag. Measured over seeds 0-9 at lag 30: LSTM better 8/10, GRU 9/10 (medians
    0.016 and 0.025, the RNN's 0.153); the RNN's error above its lag-5 error 10/10."""
    flags = memory_flags(SEEDS)
    for what, got in flags.items():
        assert all(got) if "(all seeds)" in what else holds(got), (what, got)


def low_bias_flags(seeds: Sequence[int]) -> Flags:
    """challenge.rnn_forgets.low_bias as it was: "with PyTorch's init (keep-gate bias 0)
    the LSTM forgets too", read as: at lag 30 the LSTM at bias 0 recalls no better than
    the RNN, or stays near the "answer 0" plateau (relative error above 0.5)."""
    rnn = memory_table(seeds).loc[30].rnn
    mc = MemoryConfig(lags=(30,), models=("lstm",), seeds=tuple(seeds), keep_gate_bias=0.0)
    lstm = shared_memory(mc).sweep.set_index("seed").relative_mse.loc[list(seeds)]
    return {
        "lstm at bias 0, lag 30: relative error not below the RNN's": list(
            lstm.to_numpy() >= rnn.loc[list(seeds)].to_numpy()
        ),
        "lstm at bias 0, lag 30: relative error above 0.5": list(lstm.to_numpy() > 0.5),
    }


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
    all_hold(challenge_flags(key, SEEDS))


def challenge_flags(key: str, seeds: Sequence[int]) -> Flags:
    challenge = CHALLENGES[key]
    cfg = challenge.example_config()
    verdicts = [challenge.judge(replace(cfg, seed=s), run=run) for s in seeds]
    return {
        f"{key}: the example passes (median of the seed and the next two)": [
            v.passed for v in verdicts
        ]
    }


def horizons(signal: str, seeds: Sequence[int] = SEEDS, models=("rnn", "lstm", "gru")):
    """The Forecast tab's horizon frame at the default settings on `signal`, per seed
    (with the networks `models`)."""
    return [
        forecast_frames(fitted_models(c, models, run=run)).horizon
        for c in seeds_of(ExperimentConfig(signal=signal), seeds)
    ]


NETWORKS = ["rnn", "lstm", "gru"]


def sine_forecast_flags(seeds: Sequence[int]) -> Flags:
    ratios, drifts = [], []
    for horizon in horizons("sine", seeds):
        mean = horizon.groupby("model").mse.mean()
        ratios.append(mean["linear_ar"] / mean[NETWORKS].min())
        pers = horizon[horizon.model == "persistence"].sort_values("horizon").mse.to_numpy()
        drifts.append(pers[-1] / pers[0])
    return {
        "sine: AR's mean horizon error within 2x the best network's": [r < 2.0 for r in ratios],
        "sine: persistence's error 5x larger at the last step than the first": [
            d > 5.0 for d in drifts
        ],
    }


def test_linear_ar_forecasts_a_sine_about_as_well_as_the_networks():
    """view.forecast.explain: a sine is an exact linear recurrence: the AR baseline does
    about as well as the networks (its mean horizon error within 2x of the best
    network's), while persistence drifts away within a few steps. Measured over seeds
    0-9: 10/10 and 10/10."""
    all_hold(sine_forecast_flags(SEEDS))


def jumps_forecast_flags(seeds: Sequence[int]) -> Flags:
    sawtooth = [h.groupby("model").mse.mean() for h in horizons("sawtooth", seeds)]
    square = [h.groupby("model").mse.mean() for h in horizons("square", seeds)]
    return {
        "sawtooth: best network below the linear AR": [
            m[NETWORKS].min() < m["linear_ar"] for m in sawtooth
        ],
        "square: persistence below every network": [
            m["persistence"] < m[NETWORKS].min() for m in square
        ],
    }


def test_a_network_beats_linear_ar_on_a_sawtooth_and_persistence_beats_them_on_a_square():
    """view.forecast.explain: on a sawtooth the best network's mean free-running error is
    below the linear AR's; on a square wave persistence's is below every network's.
    Measured over seeds 0-9: 10/10 (AR 4-23 times the best network's) and 10/10 (the
    best network 5-24 times persistence's). (The RNN alone beat the AR in 8/10: the
    sentence is about the best network.)"""
    all_hold(jumps_forecast_flags(SEEDS))


def loop_flags(seeds: Sequence[int]) -> Flags:
    turns = []
    for c in seeds_of(ExperimentConfig(), seeds):
        tr = inside_frames(run(c).fitted).trajectory
        z = (tr.pc1 - tr.pc1.mean()).to_numpy() + 1j * (tr.pc2 - tr.pc2.mean()).to_numpy()
        angle = np.unwrap(np.angle(z))
        turns.append(abs(angle[-1] - angle[0]) / (2 * np.pi))
    return {"hidden states turn 1.5 to 2.5 times around": [1.5 < n < 2.5 for n in turns]}


def test_the_hidden_states_of_a_sine_trace_a_loop():
    """view.inside.explain: projected to two dimensions, the last hidden states of a
    periodic signal trace a loop (the series holds two periods: about two turns)."""
    all_hold(loop_flags(SEEDS))


def real_data_flags(seeds: Sequence[int]) -> Flags:
    """The data has no seed: one check, whatever `seeds`."""
    cfg = PRESETS["real_data"].config
    _, y = make_signal(cfg)
    _, Y = make_windows(y, cfg.seq_length)
    first = cfg.seq_length + split_index(len(Y), cfg.train_fraction)
    share = float(np.mean(y[first:] > y[:first].max()))
    return {"15-35 % of the test months above the training range (no seed)": [0.15 < share < 0.35]}


def test_real_data_test_part_is_partly_above_the_training_range():
    """preset.real_data.notice: about a quarter of the test months are higher than any
    month the model trained on (the data has no seed: one check)."""
    assert all(
        real_data_flags(SEEDS)["15-35 % of the test months above the training range (no seed)"]
    )


def signal_errors(signal: str, seeds: Sequence[int]) -> list[tuple[float, float]]:
    """Per seed: (test MSE / variance of the series, test MSE / persistence's)."""
    out = []
    for c in seeds_of(ExperimentConfig(signal=signal), seeds):
        r = run(c)
        f, test = r.fitted, r.metrics.set_index("split").mse["test"]
        base = np.mean((persistence(f.X[f.n_train :]) - f.Y[f.n_train :]) ** 2)
        out.append((test / np.var(f.y), test / base))
    return out


def signals_flags(seeds: Sequence[int]) -> Flags:
    sine, square = signal_errors("sine", seeds), signal_errors("square", seeds)
    sawtooth, walk = signal_errors("sawtooth", seeds), signal_errors("random_walk", seeds)
    return {
        "sine: network below persistence": [p < 1 for _, p in sine],
        "square: network above persistence": [p > 1 for _, p in square],
        "sawtooth: relative error at least 3x the sine's": [
            saw[0] >= 3 * sin[0] for saw, sin in zip(sawtooth, sine)
        ],
        "random walk: network above 0.8 x persistence": [p > 0.8 for _, p in walk],
    }


def test_signals_differ_in_difficulty():
    """view.data.explain: on a sine the network beats repeating the last value
    (persistence); on a square wave it does worse than persistence; on a sawtooth its
    error relative to the signal's spread is at least three times a sine's; on a random walk
    no network beats persistence by much (by less than a fifth). The sawtooth's relative
    error over seeds 0-9 was 14-45 times the sine's, over 10-19 2.2-24 times (more than ten
    times in only 7 of them: "ten times" was the old, tuned sentence), over 20-29 11-38."""
    all_hold(signals_flags(SEEDS))


def replay_flags(seeds: Sequence[int]) -> Flags:
    faster = []
    for c in seeds_of(ExperimentConfig(), seeds):
        snaps = run(c).snapshots.pivot(index="epoch", columns="t", values="value")
        epochs = snaps.index.to_numpy()
        moved = np.abs(np.diff(snaps.to_numpy(), axis=0)).mean(axis=1) / np.diff(epochs)
        early, late = moved[epochs[1:] <= 10].mean(), moved[epochs[1:] > 50].mean()
        faster.append(early > late)
    return {"prediction moves more per epoch over epochs 1-10 than after 50": faster}


def test_the_fit_changes_fastest_in_the_first_epochs():
    """replay.caption: the first epochs are shown one by one "where the fit changes
    fastest": the prediction moves more per epoch over epochs 1-10 than after epoch 50."""
    all_hold(replay_flags(SEEDS))


def update_sizes(cfg: ExperimentConfig) -> list[float]:
    """The size of each training update of the run of `cfg` (tests/test_updates.py checks
    them against torch's optimizer hooks)."""
    return run(cfg).fitted.train_result.update_sizes


def adam_clipping_flags(seeds: Sequence[int]) -> Flags:
    cfg = replace(VANISHING, model="rnn", init_scale=3.0, epochs=5)
    same_first, not_capped = [], []
    for c in seeds_of(cfg, seeds):
        free, clipped = update_sizes(c), update_sizes(replace(c, clip_grad=1.0))
        same_first.append(abs(clipped[0] - free[0]) < 1e-3 * free[0])
        not_capped.append(max(clipped) >= 0.99 * max(free))
    return {
        "Adam: first update the same with clipping at 1": same_first,
        "Adam: largest update not smaller with clipping": not_capped,
    }


def test_clipping_does_not_cap_adams_updates():
    """gradients.try: on the Vanishing gradients scenario with the RNN at recurrent init
    scale 3 (the gradients explode), clipping at 1 leaves Adam's first update as it is,
    and the largest update is no smaller than without clipping. Measured over seeds 0-9
    (30 epochs): the first and largest update 0.3396 either way, 10/10; the median
    update of epochs 2-30 was larger with clipping, 10/10. Five epochs here."""
    all_hold(adam_clipping_flags(SEEDS))


def sgd_clipping_flags(seeds: Sequence[int]) -> Flags:
    cfg = replace(VANISHING, model="rnn", init_scale=3.0, epochs=5, optimizer="sgd")
    cap = cfg.learning_rate * 1.0
    capped, larger = [], []
    for c in seeds_of(cfg, seeds):
        free = run(c).fitted.train_result.update_sizes
        clipped = run(replace(c, clip_grad=1.0)).fitted.train_result.update_sizes
        capped.append(max(clipped) <= cap * (1 + 1e-3))  # float32
        larger.append(max(free) > cap)
    return {
        "SGD: every clipped update at most lr x 1": capped,
        "SGD: some unclipped update above lr x 1": larger,
    }


def test_clipping_caps_sgds_updates():
    """gradients.try, updates.largest: with plain SGD, clipping at 1 holds every update
    at or below learning rate × 1, while without clipping the exploding gradient makes
    larger updates (the RNN at init scale 3 on the Vanishing gradients scenario).
    Measured over seeds 0-9 (5 epochs): 10/10."""
    flags = sgd_clipping_flags(SEEDS)
    assert all(flags["SGD: every clipped update at most lr x 1"]), flags  # arithmetic
    assert holds(flags["SGD: some unclipped update above lr x 1"]), flags


def test_clipping_cannot_change_the_curves_at_initialisation():
    """gradients.try: the curves at initialisation are the same with clipping on."""
    for c in seeds_of(replace(VANISHING, init_scale=3.0, epochs=1))[:2]:
        free = gradient_frames(fitted_models(c, ("rnn",), run=run)).frame
        clipped = gradient_frames(fitted_models(replace(c, clip_grad=1.0), ("rnn",))).frame
        at_init = [f[f.stage == "init"].reset_index(drop=True) for f in (free, clipped)]
        pd.testing.assert_frame_equal(*at_init)
