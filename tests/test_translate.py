"""The translator end to end at small settings: its config and URL round trip, the
learner's pairs (every bad input a named error with a translatable note), a run's frames,
`translate` on any text (unknown characters included), the decoder's steps, accuracy by
length, the same bits in another thread, the exported script printing the run's numbers,
and the charts built with Altair's validation in both languages."""

from __future__ import annotations

import subprocess
import sys
import threading
from dataclasses import replace

import pandas as pd
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from playground import (
    TRANSLATE_PRESETS,
    PairsRejected,
    TranslateConfig,
    accuracy_by_length,
    attention_by_length,
    decoder_steps,
    digit_attention,
    length_frame,
    read_pairs,
    run_translate,
    translate,
    unknown_chars,
)
from playground.charts.translate import attention_chart, length_chart, translate_loss_chart
from playground.i18n import strings
from playground.translate import pairs as pr
from playground.translate.codegen import generate_translate_script
from speckit import has_cjk, titles

URL_PREFIX = TranslateConfig.URL_PREFIX
SMALL = TranslateConfig(epochs=2, pairs=500)


@pytest.fixture(scope="module")
def small():
    return run_translate(SMALL)


# ---- config -----------------------------------------------------------------------
def test_defaults_are_dates_with_attention_and_links_round_trip():
    cfg = TranslateConfig()
    assert (cfg.task, cfg.attention, cfg.attends) == ("dates", "additive", True)
    other = TranslateConfig(task="reverse", attention="none", hidden_size=32, seed=7)
    back, notes = TranslateConfig.from_query_params(other.to_query_params())
    assert back == other and notes == []


def test_bad_link_values_are_noted_and_own_pairs_never_come_from_a_link():
    cfg, notes = TranslateConfig.from_query_params(
        {URL_PREFIX + "hidden_size": "9999", URL_PREFIX + "task": "own", "noise": "x"}
    )
    assert cfg.hidden_size == 128 and cfg.task == "dates"
    assert [n.key for n in notes] == ["note.clamped", "translate.note.own_not_in_link"]


@pytest.mark.parametrize("bad", [{"hidden_size": 7}, {"task": "poetry"}, {"epochs": True}])
def test_a_config_out_of_bounds_is_refused(bad):
    with pytest.raises(ValueError, match="invalid TranslateConfig"):
        TranslateConfig(**bad)


def test_presets_are_complete_configs_with_titles_in_both_languages():
    assert set(TRANSLATE_PRESETS) == {"dates_attention", "no_attention_long", "numbers_en_zh"}
    long = TRANSLATE_PRESETS["no_attention_long"].config
    assert (long.task, long.attends) == ("reverse", False)
    for p in TRANSLATE_PRESETS.values():
        for lang in ("en", "zh"):
            assert p.title_key in strings(lang) and p.notice_key in strings(lang)


# ---- the learner's pairs ------------------------------------------------------------
GOOD = "".join(f"Hi {i}.\t你好{i}。\tCC-BY 2.0 (France)\n" for i in range(30))


def test_tatoeba_lines_give_pairs_and_ignore_further_columns():
    got, notes = read_pairs(GOOD.encode("utf-8"))
    assert got[0] == ("Hi 0.", "你好0。") and len(got) == 30 and notes == []
    assert read_pairs("\ufeff" + GOOD.replace("\n", "\r\n"))[0] == got


@pytest.mark.parametrize(
    "raw, key",
    [
        (b"", "translate.note.empty"),
        ("  \n\t\n", "translate.note.empty"),
        ("just one column\nand another\n" * 20, "translate.note.one_column"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "translate.note.binary"),
        ("\x01\x02\x03\x04ab\tcd\n", "translate.note.binary"),
        (b"a" * (pr.MAX_BYTES + 1), "translate.note.too_big"),
        (b"a\tb\n" * 2_500_000, "translate.note.too_big"),  # 10 MB
        ("Hi.\t你好。\n", "translate.note.too_few"),  # one pair
        (("x" * 1000 + "\ty\n") * 30, "translate.note.lines_too_long"),
        ("Café\tcoffee\n".encode("latin-1") * 30, "translate.note.not_utf8"),
    ],
)
def test_every_bad_input_is_a_named_error_with_a_note_in_both_languages(raw, key):
    with pytest.raises(PairsRejected) as caught:
        read_pairs(raw)
    assert caught.value.note.key == key
    for lang in ("en", "zh"):
        assert key in strings(lang)


@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000)))
def test_any_bytes_or_text_give_pairs_or_a_named_rejection(raw):
    try:
        got, notes = read_pairs(raw)
    except PairsRejected as err:
        assert err.note.key in strings("en") and err.note.key in strings("zh")
        return
    assert len(got) >= pr.MIN_PAIRS and all(a and b and "\t" not in a for a, b in got)
    assert all(n.key in strings("zh") for n in notes)


def test_skipped_long_and_cut_lines_are_noted_and_the_rest_kept():
    raw = GOOD + "no tab here\n" + "x" * 1000 + "\ty\n" + "\tempty source\n"
    got, notes = read_pairs(raw)
    assert len(got) == 30
    assert {n.key: dict(n.params) for n in notes} == {
        "translate.note.skipped": {"lines": 2},
        "translate.note.long_skipped": {"lines": 1, "most": pr.MAX_SIDE_CHARS},
    }
    many = "".join(f"{i}\t{i}\n" for i in range(pr.MAX_PAIRS + 5))
    got, notes = read_pairs(many)
    assert len(got) == pr.MAX_PAIRS and notes[0].key == "translate.note.cut"


# ---- a run and what it says --------------------------------------------------------
def test_a_run_gives_its_frames(small):
    assert list(small.losses.columns) == ["epoch", "split", "loss"]
    assert set(small.losses.split) == {"train", "held_out"} and small.losses.epoch.max() == 2
    m = small.metrics.set_index("split")
    assert list(m.pairs) == [400, 100] and m.exact.between(0, 1).all()
    assert m.char_accuracy.between(0, 1).all()
    assert sorted(set(small.samples.epoch)) == [0, 1, 2]  # 2 epochs: every epoch kept
    assert small.samples.groupby("epoch").size().eq(5).all()
    assert list(small.scores.system) == ["model", "nearest", "copy"]
    assert small.scores[["chrf", "bleu"]].ge(0).all().all()


def test_translate_answers_any_text_with_attention_rows_summing_to_one(small):
    out, att = translate(small, "7 December 2026")
    assert isinstance(out, str) and list(att.columns) == [
        "source_pos", "source_char", "output_pos", "output_char", "weight"
    ]  # fmt: skip
    if out:
        sums = att.groupby("output_pos").weight.sum()
        assert len(sums) == len(out) and (sums - 1).abs().max() < 1e-5
        assert "".join(att.drop_duplicates("output_pos").output_char) == out
    blank, none = translate(small, "")
    assert blank == "" and none.empty and list(none.columns) == list(att.columns)


def test_an_unseen_character_is_read_as_unknown_and_named(small):
    text = "7 Décembre 2026 ☃"
    assert unknown_chars(small, text) == ["é", "☃"]
    out, att = translate(small, text)  # no exception
    assert isinstance(out, str) and set(att.source_char) <= set(text)
    assert unknown_chars(small, "x" * 500) == ["x"]  # read: its first 100 characters


def test_decoder_steps_give_top_choices_and_where_it_looked(small):
    steps = decoder_steps(small, "Dec 7, 2026", k=3)
    out, att = translate(small, "Dec 7, 2026")
    first = steps[steps["rank"] == 1]
    assert "".join(first.choice[first.choice != "</s>"]) == out
    assert steps.groupby("output_pos").p.apply(lambda p: p.is_monotonic_decreasing).all()
    assert steps.p.between(0, 1).all() and (steps.looked_pos >= 0).all()
    looked = att.loc[att.groupby("output_pos").weight.idxmax()]
    assert list(looked.source_pos) == list(first.looked_pos[: len(looked)])


def test_without_attention_there_is_no_map_and_nothing_looked_at():
    r = run_translate(replace(SMALL, attention="none", epochs=1))
    out, att = translate(r, "Dec 7, 2026")
    assert att.empty and (decoder_steps(r, "Dec 7, 2026").looked_pos == -1).all()
    assert digit_attention(r).empty


def test_accuracy_by_length_counts_every_held_out_pair(small):
    frame = accuracy_by_length(small)
    assert frame.pairs.sum() == 100 and frame.length.is_monotonic_increasing
    whole = small.metrics.set_index("split").exact["held_out"]
    assert abs((frame.exact * frame.pairs).sum() / 100 - whole) < 1e-12
    stacked = length_frame([small, small])
    assert list(stacked.columns[:2]) == ["attention", "seed"] and len(stacked) == 2 * len(frame)


def test_attention_by_length_trains_both_settings_on_each_seed():
    frame = attention_by_length(replace(SMALL, epochs=1), seeds=(0, 3))
    runs = frame[["attention", "seed"]].drop_duplicates()
    assert sorted(map(tuple, runs.to_numpy())) == [
        ("additive", 0), ("additive", 3), ("none", 0), ("none", 3)
    ]  # fmt: skip
    assert frame.groupby(["attention", "seed"]).pairs.sum().eq(100).all()


def test_digit_attention_checks_only_digits_the_source_writes(small):
    digits = digit_attention(small)
    assert list(digits.columns) == ["source", "output_pos", "own_pos", "looked_pos", "hit"]
    assert len(digits) > 4 * len(small.held_out)  # at least the year's four per pair
    for row in digits.itertuples():
        assert row.source[row.own_pos].isdigit() and row.hit == (row.looked_pos == row.own_pos)


def test_own_pairs_train_character_by_character_and_score_against_baselines():
    pairs, _ = read_pairs(GOOD)
    r = run_translate(replace(SMALL, task="own", epochs=1), pairs=pairs)
    assert r.metrics.pairs.sum() == 30
    copy = r.scores.set_index("system").loc["copy"]
    assert copy.chrf >= 0 and copy.bleu >= 0
    with pytest.raises(ValueError, match="needs pairs"):
        run_translate(replace(SMALL, task="own"))


def test_the_same_config_gives_the_same_bits_in_another_thread(small):
    box = {}
    worker = threading.Thread(target=lambda: box.update(r=run_translate(SMALL)))
    worker.start()
    worker.join()
    other = box["r"]
    pd.testing.assert_frame_equal(other.losses, small.losses, check_exact=True)
    pd.testing.assert_frame_equal(other.metrics, small.metrics, check_exact=True)
    for a, b in zip(other.net.parameters(), small.net.parameters(), strict=True):
        assert torch.equal(a, b)


def test_the_exported_script_prints_the_runs_numbers_to_the_last_digit(small, tmp_path):
    path = tmp_path / "translate.py"
    path.write_text(generate_translate_script(SMALL), encoding="utf-8")
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, check=True)
    for row in small.metrics.itertuples():
        assert f"{row.split} exact {row.exact!r} char_accuracy {row.char_accuracy!r}" in out.stdout
    last = small.losses[small.losses.epoch == 2].set_index("split").loss
    tr, te = float(last["train"]), float(last["held_out"])
    assert f"epoch 2: train loss {tr!r}, held-out loss {te!r}" in out.stdout


def test_the_script_is_the_real_modules_source():
    import inspect

    from playground.translate import seq2seq, tasks

    script = generate_translate_script(SMALL)
    assert inspect.getsource(seq2seq) in script and inspect.getsource(tasks) in script
    own = read_pairs(GOOD)[0]
    assert "你好0。" in generate_translate_script(replace(SMALL, task="own"), own)


# ---- charts ------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_charts_are_valid_vega_lite_titled_in_the_language(small, lang):
    _, att = translate(small, "7 Dec 2026")
    lengths = length_frame([small, run_translate(replace(SMALL, attention="none", epochs=1))])
    charts = [
        attention_chart(att, lang),
        length_chart(lengths, lang),
        translate_loss_chart(small.losses, lang),
    ]
    for chart in charts:
        spec = chart.to_dict(validate=True)
        words = " ".join(titles(spec))
        assert words and has_cjk(words) == (lang == "zh")
    x_labels = charts[0].to_dict()["encoding"]["x"]["axis"]["labelExpr"]
    assert '"7", "␣", "D", "e", "c"' in x_labels


# ---- cost --------------------------------------------------------------------------
def test_the_default_fits_the_budget_and_a_costly_config_is_lowered_once():
    from playground.translate.config import MAX_TRANSLATE_SECONDS, MIN_TRANSLATE_EPOCHS

    default = TranslateConfig()
    assert default.seconds(11, 13) <= 15.0 and default.within_budget(11, 13) == (default, [])
    big = TranslateConfig(task="reverse", hidden_size=128, epochs=40, pairs=20000)
    fitted, notes = big.within_budget(18.5, 17)
    assert fitted.seconds(18.5, 17) <= MAX_TRANSLATE_SECONDS
    assert fitted.epochs == MIN_TRANSLATE_EPOCHS and fitted.pairs < big.pairs
    assert [n.params["param"] for n in notes] == ["epochs", "pairs"]
    assert fitted.within_budget(18.5, 17) == (fitted, [])
