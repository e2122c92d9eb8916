"""Signal registry: the tutorial's sine unchanged, every entry well formed, real data right."""

import numpy as np
import pytest

from playground import ExperimentConfig
from playground.config import SIGNALS
from playground.pipeline.signals import REAL_SERIES, SIGNAL_MAKERS, load_dataset, make_signal


def test_default_sine_is_the_tutorials_numbers():
    t, y = make_signal(ExperimentConfig())
    rng = np.random.default_rng(0)
    expected_t = np.linspace(0.0, 4.0 * np.pi, 100)
    np.testing.assert_array_equal(t, expected_t)
    np.testing.assert_array_equal(y, np.sin(expected_t) + rng.normal(0.0, 0.1, 100))


def test_registry_matches_config_choices():
    assert tuple(SIGNAL_MAKERS) == SIGNALS
    assert SIGNALS[0] == "sine"


@pytest.mark.parametrize("name", list(SIGNAL_MAKERS))
def test_each_signal_is_finite_deterministic_and_sized(name):
    cfg = ExperimentConfig(signal=name, n_points=120, seed=3)
    t, y = make_signal(cfg)
    assert t.shape == y.shape == (120,)
    assert np.all(np.isfinite(y)) and np.all(np.diff(t) > 0)
    t2, y2 = make_signal(cfg)
    np.testing.assert_array_equal(y, y2)


@pytest.mark.parametrize("name", sorted(set(SIGNAL_MAKERS) - REAL_SERIES))
def test_synthetic_signals_depend_on_noise(name):
    quiet = make_signal(ExperimentConfig(signal=name, noise=0.0))[1]
    noisy = make_signal(ExperimentConfig(signal=name, noise=0.5))[1]
    assert np.std(noisy - quiet) > 0.1


@pytest.mark.parametrize("name", sorted(REAL_SERIES))
def test_real_series_ignore_noise_and_keep_most_recent_points(name):
    full_t, full_y = load_dataset(name)
    t, y = make_signal(ExperimentConfig(signal=name, noise=0.9, n_points=60, seq_length=10))
    np.testing.assert_array_equal(y, full_y[-60:])
    np.testing.assert_array_equal(t, full_t[-60:])
    t, y = make_signal(ExperimentConfig(signal=name, n_points=1000))
    assert len(y) == len(full_y)


def test_airline_is_box_jenkins_series_g():
    t, y = load_dataset("airline")
    assert len(y) == 144 and y.sum() == 40363
    assert list(y[:12]) == [112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118]
    assert list(y[-3:]) == [461, 390, 432] and y.max() == 622
    assert t[0] == 1949.0 and t[-1] == pytest.approx(1960 + 11 / 12, abs=1e-6)


def test_sunspots_are_yearly_1700_to_1988():
    t, y = load_dataset("sunspots")
    assert len(y) == 289 and t[0] == 1700 and t[-1] == 1988
    assert np.all(np.diff(t) == 1)
    assert y.max() == 190.2 and t[np.argmax(y)] == 1957
    assert y[0] == 5 and y[t == 1870][0] == 139 and y[-1] == 100.2
    assert y.min() == 0


def test_real_series_train_end_to_end():
    from playground import run_experiment

    res = run_experiment(ExperimentConfig(signal="airline", epochs=3, n_points=144))
    assert res.predictions.t.max() == pytest.approx(1960 + 11 / 12, abs=1e-6)
    assert np.isfinite(res.metrics.mse).all()
