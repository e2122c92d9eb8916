"""ExperimentConfig: defaults, validation, URL round trip and clamping of any input."""

import itertools
import math
from dataclasses import asdict, replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from playground.config import (
    LEARNING_RATES,
    LOWERED_FOR_LOCKS,
    MAX_WORK,
    MIN_EPOCHS,
    MODELS,
    PARAM_BY_NAME,
    PARAMS,
    SIGNALS,
    ExperimentConfig,
    coerce,
    parse_value,
)
from playground.i18n import Note

NOTE_KEYS = {
    "note.ignored",
    "note.not_finite",
    "note.not_number",
    "note.unknown_choice",
    "note.rounded",
    "note.clamped",
    "note.seq_too_long",
    "note.budget",
    "note.points_budget",
    "note.snapped",
    "note.locked_budget",
    "note.points_for_window",
}


def test_defaults_are_the_tutorial():
    cfg = ExperimentConfig()
    assert (cfg.noise, cfg.seq_length, cfg.hidden_size, cfg.epochs) == (0.1, 10, 32, 100)
    assert (cfg.model, cfg.seed, cfg.learning_rate, cfg.num_layers) == ("rnn", 0, 0.01, 1)
    assert (cfg.n_points, cfg.signal) == (100, "sine")


def test_table_defaults_match_dataclass_defaults():
    cfg = ExperimentConfig()
    for p in PARAMS:
        assert getattr(cfg, p.name) == p.default, p.name
        if p.kind is not str:
            assert p.low <= p.default <= p.high


def test_config_is_frozen():
    with pytest.raises(AttributeError):
        ExperimentConfig().noise = 0.5  # type: ignore[misc]


@pytest.mark.parametrize(
    "bad",
    [
        {"noise": -0.1},
        {"epochs": 0},
        {"epochs": 10**6},
        {"model": "transformer"},
        {"hidden_size": 2.5},
        {"noise": float("nan")},
        {"seq_length": 30, "n_points": 40},  # more than half the points
        {"seq_length": 51},
        {"epochs": True},
    ],
)
def test_invalid_direct_construction_raises(bad):
    with pytest.raises(ValueError):
        ExperimentConfig(**bad)


def test_hostile_values_are_clamped_or_defaulted_with_a_note_each():
    cfg, notes = ExperimentConfig.from_query_params(
        {"epochs": "99999999", "noise": "abc", "model": "transformer", "hidden_size": "-4"}
    )
    assert cfg.epochs == PARAM_BY_NAME["epochs"].high
    assert cfg.noise == 0.1 and cfg.model == "rnn" and cfg.hidden_size == 1
    assert notes == [  # in PARAMS order
        Note("note.not_number", {"param": "noise", "value": "'abc'", "default": "0.1"}),
        Note(
            "note.clamped",
            {"param": "hidden_size", "value": "-4", "low": "1", "high": "128", "clamped": "1"},
        ),
        Note(
            "note.clamped",
            {"param": "epochs", "value": "1e+08", "low": "1", "high": "1000", "clamped": "1000"},
        ),
        Note(
            "note.unknown_choice",
            {
                "param": "model",
                "value": "'transformer'",
                "default": "'rnn'",
                "choices": "rnn, lstm, gru",
            },
        ),
    ]


def test_unknown_keys_ignored_and_valid_values_silent():
    cfg, notes = ExperimentConfig.from_query_params({"lang": "zh", "model": "LSTM", "noise": "0.3"})
    assert (cfg.model, cfg.noise) == ("lstm", 0.3)
    assert notes == []


def test_repeated_key_takes_last_value():
    cfg, _ = ExperimentConfig.from_query_params({"seed": ["3", "7"]})
    assert cfg.seed == 7


# Every size setting at its upper bound: far beyond the budget.
SIZES = ("hidden_size", "seq_length", "n_points", "num_layers", "epochs")
LARGEST = {"model": "lstm"} | {name: PARAM_BY_NAME[name].high for name in SIZES}


def test_budget_lowers_points_then_epochs_and_says_so():
    cfg, notes = ExperimentConfig.from_values(LARGEST)
    assert cfg.fits_budget()
    assert MIN_EPOCHS <= cfg.epochs < 1000
    assert 2 * cfg.seq_length <= cfg.n_points < 1000
    assert (cfg.hidden_size, cfg.num_layers, cfg.seq_length) == (128, 3, 50)  # as asked
    assert notes == [
        Note(
            "note.points_budget",
            {"param": "n_points", "value": 1000, "min_epochs": MIN_EPOCHS, "lowered": cfg.n_points},
        ),
        Note("note.budget", {"param": "epochs", "value": 1000, "lowered": cfg.epochs}),
    ]


@given(
    st.integers(4, 2000),
    st.integers(2, PARAM_BY_NAME["seq_length"].high),
    st.floats(0, 1),
    st.sampled_from(SIGNALS),
)
def test_for_series_fits_the_window_to_a_shorter_series(n_values, seq_length, noise, signal):
    cfg = ExperimentConfig(seq_length=seq_length, n_points=1000, noise=noise, signal=signal)
    fitted, notes = cfg.for_series(n_values)
    assert fitted.seq_length == min(seq_length, n_values // 2)
    # The own signal's settings no longer tell runs apart; nothing else changes.
    assert (fitted.signal, fitted.noise) == ("sine", 0.1)
    assert replace(fitted, seq_length=seq_length, noise=noise, signal=signal) == cfg
    assert bool(notes) == (fitted.seq_length != seq_length)
    if notes:  # the same note (and translation) as a too-long window in a link
        assert notes == [
            Note(
                "note.seq_too_long",
                {
                    "param": "seq_length",
                    "value": seq_length,
                    "n_points": n_values,
                    "lowered": n_values // 2,
                },
            )
        ]


def test_window_longer_than_half_the_series_is_lowered():
    cfg, notes = ExperimentConfig.from_values({"n_points": 40, "seq_length": 30})
    assert cfg.seq_length == 20
    assert notes == [
        Note(
            "note.seq_too_long",
            {"param": "seq_length", "value": 30, "n_points": 40, "lowered": 20},
        )
    ]


def in_bounds():
    """Any values the controls can take (a number's bounds, a setting's offered values),
    before the window and budget rules."""
    fields = {}
    for p in PARAMS:
        if p.kind is str:
            fields[p.name] = st.sampled_from(p.choices)
        elif p.steps:
            fields[p.name] = st.sampled_from(p.steps)
        elif p.kind is int:
            fields[p.name] = st.integers(p.low, p.high)
        else:
            fields[p.name] = st.floats(p.low, p.high, allow_nan=False)
    return st.fixed_dictionaries(fields)


def valid_configs():
    """Any config the controls or a link can reach: values in bounds, then budgeted."""
    return in_bounds().map(lambda v: ExperimentConfig.from_values(v)[0])


# ---- the budget: every reachable config trains at least MIN_EPOCHS ----------------------
@given(in_bounds())
def test_every_reachable_config_may_train_min_epochs(values):
    cfg, _ = ExperimentConfig.from_values(values)
    assert cfg.max_epochs() >= MIN_EPOCHS
    assert cfg.epochs == min(values["epochs"], cfg.max_epochs())  # lowered only to the most
    assert cfg.fits_budget()
    # What runs is settled: the controls set to it stay there, without a note.
    assert ExperimentConfig.from_values(asdict(cfg)) == (cfg, [])


def corners():
    """Every combination of the size settings at their bounds (both ends), and model."""
    ends = [(PARAM_BY_NAME[n].low, PARAM_BY_NAME[n].high) for n in SIZES]
    for model in MODELS:
        for combo in itertools.product(*ends):
            yield {"model": model} | dict(zip(SIZES, combo))


def test_every_corner_trains_min_epochs_for_every_model():
    for values in corners():
        cfg, _ = ExperimentConfig.from_values(values)
        for model in MODELS:  # Compare and Forecast train all three on these points
            other = replace(cfg, model=model)
            assert other.max_epochs() >= MIN_EPOCHS, values
            assert replace(other, epochs=MIN_EPOCHS).fits_budget(), values


def test_the_points_floor_of_twice_the_window_is_never_needed():
    """`max_points` falls back to twice the window (the least the window rule allows);
    the bounds keep that within the budget: at the largest sizes, for every window, the
    points it allows fit MIN_EPOCHS for every model."""
    for layers, hidden, window in itertools.product(
        (1, 2, 3), (1, 64, 128), range(2, PARAM_BY_NAME["seq_length"].high + 1)
    ):
        cfg = ExperimentConfig(
            hidden_size=hidden, num_layers=layers, seq_length=window, n_points=2 * max(window, 20)
        )
        most = cfg.max_points()
        for model in MODELS:
            at_most = replace(cfg, model=model, n_points=most, epochs=MIN_EPOCHS)
            assert at_most.fits_budget(), (layers, hidden, window, model, most)


def test_the_points_limit_does_not_depend_on_the_model_or_epochs():
    cfg = ExperimentConfig(hidden_size=128, num_layers=3, seq_length=40)
    assert (
        len({replace(cfg, model=m, epochs=e).max_points() for m in MODELS for e in (1, 999)}) == 1
    )


def test_the_tutorial_and_the_presets_are_untouched_by_the_points_limit():
    assert ExperimentConfig().max_points() == PARAM_BY_NAME["n_points"].high
    assert ExperimentConfig().max_epochs() == PARAM_BY_NAME["epochs"].high


def test_cost_in_seconds_follows_work():
    cfg = ExperimentConfig()
    assert 0 < cfg.seconds() < 1  # the tutorial trains in well under a second
    assert replace(cfg, epochs=200).seconds() > cfg.seconds()


# ---- the learning rate: a log scale of round values; URLs snap to it --------------------
def test_learning_rates_are_a_log_scale_holding_every_preset_and_the_bounds():
    from playground.workshop.presets import PRESETS

    p = PARAM_BY_NAME["learning_rate"]
    assert p.steps == LEARNING_RATES == tuple(sorted(LEARNING_RATES))
    assert (LEARNING_RATES[0], LEARNING_RATES[-1]) == (p.low, p.high)
    assert p.default in LEARNING_RATES
    assert all(preset.config.learning_rate in LEARNING_RATES for preset in PRESETS.values())
    ratios = [b / a for a, b in itertools.pairwise(LEARNING_RATES)]
    assert all(1.2 < r <= 2.5 for r in ratios), ratios  # no step more than 2.5x


@given(st.floats(1e-4, 0.1))
def test_a_url_learning_rate_snaps_to_the_nearest_on_a_log_scale(lr):
    cfg, notes = ExperimentConfig.from_query_params({"learning_rate": repr(lr)})
    assert cfg.learning_rate in LEARNING_RATES
    distance = abs(math.log(cfg.learning_rate) - math.log(lr))
    assert all(distance <= abs(math.log(r) - math.log(lr)) + 1e-12 for r in LEARNING_RATES)
    if lr in LEARNING_RATES:
        assert (cfg.learning_rate, notes) == (lr, [])
    else:
        assert notes == [
            Note(
                "note.snapped",
                {"param": "learning_rate", "value": f"{lr:g}", "snapped": f"{cfg.learning_rate:g}"},
            )
        ]


@given(st.floats(1e-4, 0.1))
def test_configs_in_code_keep_any_learning_rate(lr):
    """Only links snap (the controls offer the steps); a config built in code, or read
    from an exported settings file, keeps its rate."""
    cfg, notes = ExperimentConfig.from_values({"learning_rate": lr})
    assert cfg.learning_rate == lr and notes == []


@given(valid_configs())
def test_query_params_round_trip_exactly(cfg):
    params = cfg.to_query_params()
    assert all(isinstance(v, str) for v in params.values())
    back, notes = ExperimentConfig.from_query_params(params)
    assert back == cfg
    assert notes == []


@given(
    st.dictionaries(
        st.sampled_from([p.name for p in PARAMS] + ["zzz", ""]),
        st.one_of(
            st.text(max_size=80),
            st.lists(st.text(max_size=5)),
            st.floats().map(repr),
            st.integers().map(str),
        ),
    )
)
def test_any_string_input_gives_a_valid_budgeted_config(params):
    cfg, notes = ExperimentConfig.from_query_params(params)
    for p in PARAMS:
        value = getattr(cfg, p.name)
        if p.kind is str:
            assert value in p.choices
        else:
            assert p.low <= value <= p.high and math.isfinite(value)
            assert isinstance(value, p.kind)
    assert cfg.fits_budget()
    for note in notes:
        assert isinstance(note, Note) and note.key in NOTE_KEYS, note
        assert note.params["param"] in PARAM_BY_NAME, note


def test_note_for_every_changed_value():
    params = {"noise": "5", "seq_length": "1", "epochs": "nan"}
    cfg, notes = ExperimentConfig.from_query_params(params)
    assert (cfg.noise, cfg.seq_length, cfg.epochs) == (1.0, 2, 100)
    assert [(n.key, n.params["param"]) for n in notes] == [
        ("note.clamped", "noise"),
        ("note.clamped", "seq_length"),
        ("note.not_finite", "epochs"),
    ]


def test_key_identifies_config():
    a = ExperimentConfig()
    assert a.key() == ExperimentConfig().key()
    assert a.key() != replace(a, seed=1).key()
    assert dict(a.key()) == asdict(a)


@pytest.mark.parametrize("value", [10**400, "1e999", None, object(), [1, 2]])
def test_from_values_never_raises_on_odd_python_values(value):
    cfg, notes = ExperimentConfig.from_values({"noise": value})
    assert cfg.noise == 0.1
    assert [n.key for n in notes] in (["note.not_number"], ["note.not_finite"])
    assert notes[0].params["param"] == "noise" and notes[0].params["default"] == "0.1"


def test_no_reachable_config_needs_the_one_epoch_floor():
    """The largest sizes once cost more than the budget in one epoch (they trained 1
    epoch); now the points are lowered first and they train at least MIN_EPOCHS."""
    cfg, _ = ExperimentConfig.from_values(LARGEST)
    assert cfg.epochs >= MIN_EPOCHS and cfg.work() <= MAX_WORK
    # A config built in code beyond the points limit is not held to it: its epochs are
    # lowered, at worst to the floor of one, which may still be over the budget.
    big = replace(cfg, n_points=1000)
    assert big.within_budget().epochs < MIN_EPOCHS


def test_negative_zero_becomes_zero():
    """`?noise=-0.0` passed the bounds as -0.0 and numpy's normal() refused the scale;
    found by the page's Hypothesis test."""
    cfg, notes = ExperimentConfig.from_query_params({"noise": "-0.0", "clip_grad": "-0"})
    assert math.copysign(1.0, cfg.noise) == 1.0 and math.copysign(1.0, cfg.clip_grad) == 1.0
    assert notes == []


P = PARAM_BY_NAME


@pytest.mark.parametrize(
    ("name", "raw", "value", "note"),
    [
        ("noise", "0.3", 0.3, None),
        ("learning_rate", "0.003", 0.003, None),
        (
            "learning_rate",
            "0.0123",
            0.01,
            Note("note.snapped", {"param": "learning_rate", "value": "0.0123", "snapped": "0.01"}),
        ),
        (  # on a log scale 0.00015 is nearer 0.0002 (x1.33) than 0.0001 (x1.5)
            "learning_rate",
            "0.00015",
            0.0002,
            Note(
                "note.snapped",
                {"param": "learning_rate", "value": "0.00015", "snapped": "0.0002"},
            ),
        ),
        (
            "noise",
            "",
            0.1,
            Note("note.ignored", {"param": "noise", "value": "''", "default": "0.1"}),
        ),
        (
            "noise",
            "x" * 80,
            0.1,
            Note(
                "note.ignored",
                {"param": "noise", "value": repr("x" * 21 + "..."), "default": "0.1"},
            ),
        ),
        (
            "noise",
            "y" * 30,
            0.1,
            Note(
                "note.not_number",
                {"param": "noise", "value": repr("y" * 21 + "..."), "default": "0.1"},
            ),
        ),
        (
            "epochs",
            "inf",
            100,
            Note("note.not_finite", {"param": "epochs", "value": "'inf'", "default": "100"}),
        ),
        (
            "hidden_size",
            "7.6",
            8,
            Note("note.rounded", {"param": "hidden_size", "value": "7.6", "rounded": "8"}),
        ),
        (
            "learning_rate",
            "5",
            0.1,
            Note(
                "note.clamped",
                {
                    "param": "learning_rate",
                    "value": "5",
                    "low": "0.0001",
                    "high": "0.1",
                    "clamped": "0.1",
                },
            ),
        ),
        (  # rounded and clamped: the clamp is the one note
            "num_layers",
            "7.6",
            3,
            Note(
                "note.clamped",
                {"param": "num_layers", "value": "8", "low": "1", "high": "3", "clamped": "3"},
            ),
        ),
        ("model", " GRU ", "gru", None),
        (
            "model",
            "cnn",
            "rnn",
            Note(
                "note.unknown_choice",
                {
                    "param": "model",
                    "value": "'cnn'",
                    "default": "'rnn'",
                    "choices": "rnn, lstm, gru",
                },
            ),
        ),
    ],
)
def test_parse_value_notes(name, raw, value, note):
    got, got_note = parse_value(P[name], raw)
    assert got == value and type(got) is P[name].kind
    assert got_note == note


@pytest.mark.parametrize(
    ("name", "value", "expected", "note"),
    [
        ("seed", 3, 3, None),
        (
            "seed",
            float("nan"),
            0,
            Note("note.not_finite", {"param": "seed", "value": "nan", "default": "0"}),
        ),
        (
            "seed",
            None,
            0,
            Note("note.not_number", {"param": "seed", "value": "'None'", "default": "0"}),
        ),
        ("seed", 2.5, 2, Note("note.rounded", {"param": "seed", "value": "2.5", "rounded": "2"})),
        (
            "seed",
            -5,
            0,
            Note(
                "note.clamped",
                {"param": "seed", "value": "-5", "low": "0", "high": "9999", "clamped": "0"},
            ),
        ),
        (
            "signal",
            3,
            "sine",
            Note(
                "note.unknown_choice",
                {
                    "param": "signal",
                    "value": "'3'",
                    "default": "'sine'",
                    "choices": ", ".join(SIGNALS),
                },
            ),
        ),
    ],
)
def test_coerce_notes(name, value, expected, note):
    assert coerce(P[name], value) == (expected, note)


def test_from_values_appends_to_the_notes_given():
    earlier = [Note("note.ignored", {"param": "seed", "value": "''", "default": "0"})]
    _, notes = ExperimentConfig.from_values({"noise": 5.0}, earlier)
    assert notes is earlier
    assert [n.key for n in notes] == ["note.ignored", "note.clamped"]


def test_param_has_no_label_field():
    """Labels live in the locales (`param.<name>.label`), not in the table."""
    assert not hasattr(PARAMS[0], "label")


# ---- locks: an instructor's fixed settings never move ------------------------------------
LOCKABLE = [p.name for p in PARAMS]


@given(valid_configs(), in_bounds(), st.sets(st.sampled_from(LOCKABLE)), st.sampled_from(LOCKABLE))
def test_locked_settings_never_move_and_the_budget_still_holds(start, moves, locked, moved):
    """From any reachable config, with any settings locked, any move of the others runs
    with the locked values untouched, every rule held (window, points, budget), and a
    note for every value the rules changed; what runs is settled."""
    values = asdict(start) | {k: v for k, v in moves.items() if k not in locked}
    cfg, notes = ExperimentConfig.from_values(values, locked=locked, moved=moved)
    # Where an unlocked setting (the model) made an epoch dearer and even every unlocked
    # setting that makes it cheaper at its floor would not fit the locked epochs, nothing
    # is left to lower: the locked epochs yield, with a note (the budget holds whatever
    # a link says).
    floors = {n: PARAM_BY_NAME[n].low for n in LOWERED_FOR_LOCKS if n not in locked}
    cheapest = replace(cfg, epochs=start.epochs, **floors)
    if "n_points" not in locked:
        cheapest = replace(cheapest, n_points=max(40, 2 * cheapest.seq_length))
    no_way = not cheapest.fits_budget()
    for name in locked:
        if name == "epochs" and no_way and cfg.epochs < start.epochs:
            assert "epochs" in {n.params["param"] for n in notes}
            continue
        assert getattr(cfg, name) == getattr(start, name), name
    assert cfg.seq_length <= cfg.n_points // 2
    assert cfg.n_points <= cfg.max_points()
    assert cfg.fits_budget()
    changed = {p.name for p in PARAMS if getattr(cfg, p.name) != values[p.name]}
    assert changed <= {n.params["param"] for n in notes}
    assert ExperimentConfig.from_values(asdict(cfg), locked=locked) == (cfg, [])


def test_locked_epochs_lower_the_points_not_the_epochs():
    """The overfitting scenario with model and epochs locked: 1000 points would leave
    142 epochs, so the points go down to the most that trains the locked 500."""
    start = ExperimentConfig(
        n_points=40, noise=0.3, hidden_size=128, epochs=500, learning_rate=0.003
    )
    values = asdict(start) | {"n_points": 1000}
    cfg, notes = ExperimentConfig.from_values(values, locked={"model", "epochs"}, moved="n_points")
    assert cfg.epochs == 500 and cfg.fits_budget()
    assert 40 < cfg.n_points < 1000
    assert not replace(cfg, n_points=cfg.n_points + 10).fits_budget()  # the most that fits
    assert [n.key for n in notes] == ["note.locked_budget"]
    # Unlocked, the same move lowers the epochs, as before.
    assert ExperimentConfig.from_values(values)[0].epochs < 500


def test_locked_points_lower_the_size_just_moved():
    start = ExperimentConfig(n_points=1000, seq_length=20)
    values = asdict(start) | {"hidden_size": 128}
    cfg, notes = ExperimentConfig.from_values(
        values, locked={"n_points", "epochs", "seq_length"}, moved="hidden_size"
    )
    assert (cfg.n_points, cfg.epochs, cfg.seq_length) == (1000, 100, 20)
    assert 32 <= cfg.hidden_size < 128 and cfg.fits_budget()
    assert notes[0].params["param"] == "hidden_size"


def test_a_locked_window_raises_the_points_instead_of_shrinking():
    start = ExperimentConfig(seq_length=23, n_points=300)
    cfg, notes = ExperimentConfig.from_values(
        asdict(start) | {"n_points": 40}, locked={"seq_length"}, moved="n_points"
    )
    assert (cfg.seq_length, cfg.n_points) == (23, 50)  # on the slider's steps of 10
    assert notes[0].key == "note.points_for_window"


def test_each_setting_is_declared_once_on_its_field():
    """The table is made from the fields: a field's default is its setting's default,
    and every field of the config is a setting (nothing declared twice to drift)."""
    from dataclasses import fields

    from playground.config import PARAMS

    assert [p.name for p in PARAMS] == [f.name for f in fields(ExperimentConfig)]
    for f, p in zip(fields(ExperimentConfig), PARAMS, strict=True):
        assert f.default == p.default and isinstance(p.default, p.kind)
        assert (p.choices == ()) == (p.kind is not str)
        assert p.kind is str or p.low <= p.default <= p.high


def test_the_gate_table_gives_the_blocks_and_the_keep_gate_rows():
    """One gate table (params.CELL_GATES): PyTorch's weight rows per cell are
    blocks x hidden size, and keep_gate_bias lands in the keep gate's block alone."""
    import torch

    from playground.params import CELL_GATES, KEEP_GATE, keep_gate_block, weight_blocks
    from playground.pipeline.models import init_model

    for model in CELL_GATES:
        net = init_model(model, 5, 1, 0)
        assert net.rnn.weight_ih_l0.shape[0] == weight_blocks(model) * 5
        biased = init_model(model, 5, 1, 0, keep_gate_bias=2.0)
        moved = (biased.rnn.bias_ih_l0 - net.rnn.bias_ih_l0).reshape(weight_blocks(model), 5)
        block = keep_gate_block(model)
        if model not in KEEP_GATE:
            assert block is None and torch.all(moved == 0)
            continue
        assert CELL_GATES[model][block] == KEEP_GATE[model]
        assert torch.allclose(moved[block], torch.full((5,), 2.0))
        assert torch.all(moved[[i for i in range(weight_blocks(model)) if i != block]] == 0)
