"""The warm-up: what it computes (the runs a first visit reads: a first visit after it
trains nothing), in what order, and that users go first."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from app import context, run
from app.warm import series_runs
from playground import ExperimentConfig
from playground.config import MODELS
from playground.i18n import LANGUAGES
from playground.pipeline.experiment import model_configs
from playground.views.compare import compare_configs, seeds_after
from playground.views.gradients import clipping_twin
from playground.workshop.presets import PRESETS

ROOT = Path(__file__).resolve().parents[1]  # not `from conftest`: tests/e2e has one too


def test_runs_are_the_default_page_then_the_presets_then_their_views_runs():
    cfgs = series_runs()
    links = [ExperimentConfig()] + [p.config for p in PRESETS.values()]
    assert cfgs[: len(set(links))] == list(dict.fromkeys(links))  # every link first
    assert len(cfgs) == len(set(cfgs))
    for preset in PRESETS.values():
        cfg = preset.config
        if preset.view == "compare":
            models = tuple(m for m in MODELS if m in (preset.compare_models or MODELS))
            assert set(compare_configs(cfg, models, seeds_after(cfg.seed))) <= set(cfgs)
        if preset.view == "gradients":
            assert set(model_configs(cfg, MODELS)) <= set(cfgs)
            assert clipping_twin(cfg) in cfgs
    assert any(p.view == "compare" for p in PRESETS.values())  # the cases above are met
    assert any(p.view == "gradients" for p in PRESETS.values())


def test_the_jobs_cover_every_links_compare_tab_after_the_first_visits():
    from app import warm

    runs = (context.experiment, context.large_experiment)
    jobs = [args[0] for fn, args, *_ in warm.jobs() if fn in runs]
    assert len(jobs) == len(set(jobs))
    first = jobs.index(warm.compare_runs()[0])
    assert set(series_runs()) == set(jobs[:first])  # first visits before any Compare tab
    for preset in [None, *PRESETS.values()]:
        cfg = ExperimentConfig() if preset is None else preset.config
        models = tuple(m for m in MODELS if m in ((preset and preset.compare_models) or MODELS))
        assert set(compare_configs(cfg, models, seeds_after(cfg.seed))) <= set(jobs)


def test_the_warm_up_waits_while_a_session_waits_for_a_computation():
    release, warmed = threading.Event(), threading.Event()

    @st.cache_resource(show_spinner=False)
    def user_run(x: int, _report=None) -> int:
        release.wait(10)
        return x

    @st.cache_resource(show_spinner=False)
    def warm_job(x: int, _report=None) -> int:
        warmed.set()
        return x

    flight = run.start(user_run, 1)
    run.warm([(warm_job, (2,))])
    assert not warmed.wait(1.0)  # a session's computation is in flight: the warm-up waits
    release.set()
    assert warmed.wait(10) and flight.value == 1


@pytest.fixture(scope="module")
def trained():
    """The series runs of the warm-up, computed (as its thread would), and a spy that
    lists every run trained from now on."""
    for cfg in series_runs():
        context.experiment_for(cfg)(cfg, (), _report=None)
    spied: list[ExperimentConfig] = []
    real = context.reported_run

    def spy(cfg, *args, **kwargs):
        spied.append(cfg)
        return real(cfg, *args, **kwargs)

    context.reported_run = spy
    yield spied
    context.reported_run = real


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("link", ["default", *PRESETS])
def test_after_the_warm_up_a_first_visit_to_any_link_trains_nothing(trained, link, lang):
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    if link != "default":
        at.query_params["preset"] = link
    at.query_params["lang"] = lang
    trained.clear()
    at.run()
    assert not at.exception
    if link != "default" and PRESETS[link].view == "memory":  # waits for its button
        assert [b.key for b in at.button] == ["run_memory"]
    else:
        assert at.get("vega_lite_chart")
    assert trained == [], f"{link} ({lang}) trained {len(trained)} runs"
