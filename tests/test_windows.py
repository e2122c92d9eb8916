"""Sliding windows, the chronological split and the scaler."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from playground.pipeline.windows import Scaler, make_windows, split_index

series = arrays(np.float64, st.integers(2, 200), elements=st.floats(-1e6, 1e6))


@given(series, st.integers(1, 50))
def test_each_window_is_its_slice_and_target_the_next_value(y, L):
    if len(y) <= L:
        with pytest.raises(ValueError):
            make_windows(y, L)
        return
    X, Y = make_windows(y, L)
    assert X.shape == (len(y) - L, L) and Y.shape == (len(y) - L,)
    for i in range(len(Y)):
        assert np.array_equal(X[i], y[i : i + L])
        assert Y[i] == y[i + L]


def test_windows_do_not_alias_the_series():
    y = np.arange(12.0)
    X, Y = make_windows(y, 3)
    y[:] = -1
    assert X[0, 0] == 0.0 and Y[0] == 3.0


@pytest.mark.parametrize("L", [0, -1])
def test_bad_window_length_raises(L):
    with pytest.raises(ValueError):
        make_windows(np.arange(10.0), L)


def test_two_dimensional_series_raises():
    with pytest.raises(ValueError):
        make_windows(np.zeros((5, 2)), 2)


@given(st.integers(2, 10_000), st.floats(0.0, 1.0))
def test_split_keeps_at_least_one_window_each_side(n, frac):
    k = split_index(n, frac)
    assert 1 <= k <= n - 1
    assert abs(k - int(n * frac)) <= 1 or k in (1, n - 1)


def test_split_is_chronological_eighty_twenty():
    assert split_index(90, 0.8) == 72


@given(arrays(np.float64, st.integers(1, 100), elements=st.floats(-1e6, 1e6)))
def test_scaler_maps_training_range_to_unit_interval_and_back(values):
    s = Scaler.fit(values)
    z = s.transform(values)
    assert np.all(z >= -1 - 1e-9) and np.all(z <= 1 + 1e-9)
    np.testing.assert_allclose(s.inverse(z), values, rtol=1e-9, atol=1e-6)
