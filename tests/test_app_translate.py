"""The Translate view on the page (AppTest, the real package): it opens from
?view=translate in both languages, trains from the link's settings (kept in the link),
translates what the learner types with its attention map, takes the learner's own pairs
and refuses bad ones with a message while the previous pairs stay."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pagekit import APP, TIMEOUT, widget
from playground.i18n import t

QUICK = {"epochs": "2", "translate_epochs": "2", "translate_pairs": "500"}  # quick runs


def open_translate(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in ({"view": "translate"} | QUICK | query).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def charts(at: AppTest) -> list:
    return [e for e in at.main if getattr(e, "type", "") == "vega_lite_chart"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_view_opens_from_its_link_and_draws_in_both_languages(lang):
    at = open_translate(lang=lang)
    labels = [m.label for m in at.metric]
    assert labels[:2] == [t(lang, "translate.metric.exact"), t(lang, "translate.metric.chars")]
    assert all(m.value.endswith("%") for m in at.metric)
    specs = charts(at)
    assert len(specs) >= 2  # the attention map and the loss
    assert at.text_input(key="translate_input_dates").value == "7 December 2026"
    assert widget(at, "translate_task").value == "dates"
    keys = [s.key for s in at.selectbox] + [s.key for s in at.button_group]
    assert {"translate_task", "translate_model", "translate_attention"} <= set(keys)


@pytest.mark.slow
def test_the_downloaded_script_prints_the_page_s_accuracy():
    import subprocess
    import sys

    at = open_translate()
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("en", "download.script") in labels and len(labels) == 4
    held = float(at.metric[0].value.rstrip("%")) / 100
    from playground.translate import TranslateConfig
    from playground.translate.codegen import generate_translate_script

    cfg = TranslateConfig(epochs=2, pairs=500)
    done = subprocess.run(
        [sys.executable, "-c", generate_translate_script(cfg)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("held_out exact"))
    assert abs(float(line.split()[2]) - held) < 0.0005  # the page rounds to 0.1 %


def test_the_link_s_settings_run_and_stay_in_the_link():
    at = open_translate(translate_task="reverse", translate_attention="none", translate_seed="3")
    assert widget(at, "translate_task").value == "reverse"
    assert widget(at, "translate_attention").value == "none"
    assert at.query_params["translate_task"] == "reverse"
    assert at.query_params["translate_seed"] == "3"
    # no attention: no map, and the page says why
    assert any(t("en", "translate.try.no_attention") == c.value for c in at.caption)
    widget(at, "translate_seed").set_value(4).run()
    assert not at.exception and at.query_params["translate_seed"] == "4"


def test_typing_an_input_translates_it_and_unseen_characters_are_named():
    at = open_translate()
    at.text_input(key="translate_input_dates").input("12 März 2030 ☃").run()
    assert not at.exception
    said = " ".join(c.value for c in at.caption)
    assert "☃" in said  # never seen in training, read as unknown


def test_own_pairs_train_and_a_bad_paste_says_why_while_the_previous_stay():
    at = open_translate(translate_task="own")  # a link cannot carry pairs: the dates task
    assert widget(at, "translate_task").value == "dates"
    widget(at, "translate_task").select("own").run()
    assert any(i.value == t("en", "translate.own.none") for i in at.info)
    good = "\n".join(f"{w}\t{w[::-1]}" for w in ("alpha beta gamma delta epsilon zeta".split() * 6))
    at.text_area(key="translate_area").input(good).run()
    assert not at.exception and not at.error
    assert len(at.metric) >= 2 and at.dataframe  # chrF and BLEU beside the baselines
    # The uploader's limit is the one the reader keeps (not the server's 10 MB for series).
    (uploader,) = at.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == 2  # MiB: the reader's 2,000,000 bytes
    at.text_area(key="translate_area").input("no tab on any line\nnone here").run()
    assert not at.exception
    assert at.error and t("en", "translate.note.one_column") in at.error[0].value
    assert len(at.metric) >= 2  # the previous pairs still train and show


def test_the_sidebar_leaves_the_series_settings_to_the_series_views_and_keeps_them():
    at = open_translate(hidden_size="16", noise="0.3")
    sidebar_keys = {w.key for w in at.sidebar.slider} | {w.key for w in at.sidebar.number_input}
    assert "hidden_size" not in sidebar_keys and "noise" not in sidebar_keys
    view = t("en", "view.translate.title")
    assert any(t("en", "sidebar.own_settings", view=view) == c.value for c in at.sidebar.caption)
    at.session_state["view"] = t("en", "view.train.title")  # back to a series view
    at.run()
    assert not at.exception
    assert widget(at, "hidden_size").value == 16 and widget(at, "noise").value == 0.3
