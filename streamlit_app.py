"""RNN Playground page: widgets (synced to the URL) -> ExperimentConfig -> cached runs -> charts.

The page only wires: it reads settings from widgets generated from `PARAMS`, calls the
`playground` package through one bounded cross-session cache, and lays out its charts.
Views beyond the main run compute only when their tab is open. Every string shown comes
from `playground/locales` through `t(lang, key)`: English or Simplified Chinese.

The URL carries the settings (`?noise=0.3&model=lstm`), the open view (`?view=compare`),
the language (`?lang=zh`) and a workshop's instructor options (`?preset=overfitting&
lock=model,epochs&hide=text`). The page writes the URL itself (`sync_url`) from the
config that runs, not through Streamlit's query-param binding: one parser reads every
link, and the URL holds choice keys (`model=gru`), not labels in the reader's language.

An uploaded CSV is parsed once per file and kept per session as a few thousand numbers;
a file that cannot be used shows why and leaves the previous good file in place.
"""

from __future__ import annotations

import time
from functools import partial

import streamlit as st

from playground import PARAMS, ExperimentConfig, Param, run_experiment
from playground.cache import RunCache, Status
from playground.challenges import CHALLENGES
from playground.chart_specs import cached_spec, chart_specs, page_spec
from playground.charts import METRICS, SPLITS, labels
from playground.charts import MODELS as CHART_MODELS
from playground.charts_learn import (
    compare_chart,
    compare_loss_chart,
    forecast_chart,
    gates_chart,
    gradient_chart,
    hidden_heatmap,
    horizon_chart,
    memory_chart,
    trajectory_chart,
)
from playground.codegen import SIGNAL_SOURCES
from playground.compare import compare_models
from playground.config import MODELS, PARAM_BY_NAME, format_value
from playground.experiment import fitted_models
from playground.export import (
    config_json,
    file_name,
    losses_csv,
    metrics_csv,
    mime_type,
    predictions_csv,
    script_bytes,
    weights_bytes,
)
from playground.forecast import forecast_frames
from playground.i18n import LANGUAGES, Note, detect_language, note_from_warning, render, t
from playground.instructor import InstructorOptions, parse_instructor_options
from playground.memory import MAX_LAG, MemoryConfig, memory_sweep
from playground.presets import PRESETS
from playground.probes import gradient_frames, inside_frames
from playground.upload import UploadError, column_series, parse_csv

PROGRESS_INTERVAL_S = 0.15  # at most ~7 progress-bar updates a second
# Tabs in page order (i18n titles `view.<key>.title`); `data` views open the first tab.
VIEWS = ("train", "compare", "forecast", "inside", "gradients", "memory", "challenges", "home")
VIEW_ALIASES = {"data": "train"}
NO_PRESET = ""  # the preset selectbox's "your own settings" entry

st.set_page_config(page_title="RNN Playground", page_icon="🔁", layout="wide")


@st.cache_resource
def run_cache() -> RunCache:
    """One result cache for every session of this server process."""
    return RunCache(max_entries=64)


# ---- Small helpers: language, URL sync, progress ---------------------------------------
def view_label(lang: str, view: str) -> str:
    """The tab label of `view` in `lang`."""
    return t(lang, f"view.{view}.title")


def view_of(label: object) -> str | None:
    """The view key behind a tab label in any language, or None."""
    for view in VIEWS:
        if any(label == view_label(lang, view) for lang in LANGUAGES):
            return view
    return None


def sync_url(name: str, value: object, default: object) -> None:
    """Keep `?name=` equal to `value` (absent at the default) for hand-synced controls."""
    wanted = None if value == default else str(value)
    if st.query_params.get(name) != wanted:
        if wanted is None:
            del st.query_params[name]
        else:
            st.query_params[name] = wanted


def progress_reporter(bar, lang: str):
    """A status callback that redraws `bar` at most every PROGRESS_INTERVAL_S.

    Computations report (fraction done, Note); each waiting session renders the Note in
    its own language."""
    last = [0.0]

    def on_status(status: Status) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_INTERVAL_S:
            return
        last[0] = now
        if status.state == "queued":
            bar.progress(0.0, text=t(lang, "progress.queued", ahead=status.ahead))
        elif status.progress is None:
            bar.progress(0.0, text=t(lang, "progress.starting"))
        else:
            fraction, note = status.progress
            bar.progress(min(max(fraction, 0.0), 1.0), text=render(lang, note))

    return on_status


def cached(key: tuple, compute):
    """`compute(report)` through the shared cache, with a progress bar on a miss."""
    cache = run_cache()
    hit = cache.get(key)
    if hit is not None:
        return hit
    bar = st.progress(0.0, text=t(lang, "progress.starting"))
    try:
        return cache.get_or_compute(key, compute, progress_reporter(bar, lang))
    finally:
        bar.empty()


def epoch_reporter(report, total: int):
    """An on_epoch callback that forwards progress as (fraction, Note)."""
    return lambda e, tr, te: report(
        (e / total, Note("progress.epoch", {"epoch": e, "total": total, "train": tr, "test": te}))
    )


def draw(key: tuple, build, container=st) -> None:
    """Draw the chart `build()` makes, full width. Its spec is built once per key and
    language and shared by every session (see chart_specs), not on every rerun."""
    spec = cached_spec(("view", *key, lang), lambda: page_spec(build()))
    container.vega_lite_chart(spec, width="stretch")


def metrics_table(metrics, container=st) -> None:
    """The errors table in the reader's language: headers and the model and split words
    (the frame's keys are relabelled for display only)."""
    shown = metrics.assign(
        model=metrics.model.map(labels(lang, "model", CHART_MODELS)),
        split=metrics.split.map(labels(lang, "split", SPLITS)),
    )
    columns = {
        "model": st.column_config.TextColumn(t(lang, "chart.title.model")),
        "split": st.column_config.TextColumn(t(lang, "chart.title.split")),
    } | {
        m: st.column_config.NumberColumn(t(lang, f"chart.metric.{m}"), format="%.5f")
        for m in METRICS
    }
    container.dataframe(shown, hide_index=True, column_config=columns)


def explain(view: str) -> None:
    """The explanation of `view`, unless the instructor hid explanations."""
    if not options.hide_text:
        st.info(t(lang, f"view.{view}.explain"), icon=":material/lightbulb:")


def train_run(run_cfg: ExperimentConfig):
    """The run of `run_cfg` on the page's data (signal or upload), through the cache."""
    return cached(
        ("run", run_cfg.key(), data_key),
        lambda report: run_experiment(
            run_cfg, epoch_reporter(report, run_cfg.epochs), series=series
        ),
    )


# ---- Session start: language, instructor options, the link's settings (once) -----------
if "options" not in st.session_state:
    query = {k: st.query_params.get_all(k) for k in st.query_params}
    opts = parse_instructor_options(query)
    preset = PRESETS.get(opts.preset or NO_PRESET)
    # A preset sets every control; settings written in the link refine it.
    start = preset.config.to_query_params() if preset else {}
    url_cfg, warnings = ExperimentConfig.from_query_params(
        start | {k: v for k, v in query.items() if k in PARAM_BY_NAME}
    )
    st.session_state.options = opts
    st.session_state.url_notes = [note_from_warning(w) for w in warnings] + list(opts.notes)
    st.session_state.lang = opts.lang or detect_language(st.context.headers.get("Accept-Language"))
    st.session_state.preset = preset.key if preset else NO_PRESET
    st.session_state.compare_models = list((preset.compare_models if preset else ()) or MODELS)
    for p in PARAMS:  # seed the widgets with the clamped values
        if getattr(url_cfg, p.name) != p.default:
            st.session_state[p.name] = getattr(url_cfg, p.name)
    views = [v for v in query.get("view", []) if v in VIEWS]
    start_view = views[-1] if views else preset.view if preset else None
    if start_view is not None:  # else the first tab (or one set before the first run)
        st.session_state.view = view_label(
            st.session_state.lang, VIEW_ALIASES.get(start_view, start_view)
        )

options: InstructorOptions = st.session_state.options
lang: str = st.session_state.lang
# The open tab is stored by label; after a language switch, relabel it.
open_view = view_of(st.session_state.get("view")) or "train"
if st.session_state.get("view") != view_label(lang, open_view):
    st.session_state.view = view_label(lang, open_view)


def apply_preset() -> None:
    """Preset selectbox callback: set every (unlocked) control and open its view."""
    chosen = PRESETS.get(st.session_state.preset)
    if chosen is None:
        return
    for p in PARAMS:
        if p.name not in options.locked:
            st.session_state[p.name] = getattr(chosen.config, p.name)
    st.session_state.compare_models = list(chosen.compare_models or MODELS)
    view = VIEW_ALIASES.get(chosen.view, chosen.view)
    st.session_state.view = view_label(st.session_state.lang, view)


def widget(p: Param) -> object:
    """The sidebar control for one parameter, keyed by its name (synced to the URL by
    `sync_url`, not Streamlit's binding: our one parser reads every link)."""
    help_text = t(lang, f"param.{p.name}.help")
    locked = p.name in options.locked
    if locked:
        help_text += "\n\n" + t(lang, "instructor.locked")
    common = dict(key=p.name, help=help_text, disabled=locked)
    label = t(lang, f"param.{p.name}.label")
    if p.choices:  # the URL keeps the key, not the translated label
        return st.selectbox(
            label,
            p.choices,
            index=p.choices.index(p.default),
            format_func=lambda v, n=p.name: t(lang, f"choice.{n}.{v}"),
            **common,
        )
    # Typed-in numbers for the learning rate and seed; sliders for the rest.
    if p.name in ("learning_rate", "seed"):
        control, extra = st.number_input, {"format": "%.4f" if p.kind is float else "%d"}
    else:
        control, extra = st.slider, {}
    return control(
        label, min_value=p.low, max_value=p.high, value=p.default, step=p.step, **extra, **common
    )


# ---- Sidebar: language, scenario, the controls ---------------------------------------
with st.sidebar:
    st.selectbox(
        t(lang, "lang.label"), tuple(LANGUAGES), key="lang", format_func=lambda k: LANGUAGES[k]
    )
    st.selectbox(
        t(lang, "preset.select"),
        (NO_PRESET, *PRESETS),
        key="preset",
        format_func=lambda k: t(lang, PRESETS[k].title_key) if k else t(lang, "preset.custom"),
        on_change=apply_preset,
    )
    st.header(t(lang, "sidebar.header"))
    values = {p.name: widget(p) for p in PARAMS if not p.advanced}
    with st.expander(t(lang, "sidebar.advanced")):
        values |= {p.name: widget(p) for p in PARAMS if p.advanced}
    with st.expander(t(lang, "upload.header")):
        upload = st.file_uploader(t(lang, "upload.file"), type=["csv", "txt"], key="upload")

cfg, warnings = ExperimentConfig.from_values(values)
notes: list[Note] = [note_from_warning(w) for w in warnings]

# The URL holds what runs (clamped, budgeted), in the parser's own format; a link
# copied now opens exactly this page, without notes.
for p in PARAMS:
    sync_url(p.name, format_value(getattr(cfg, p.name)), format_value(p.default))
# ?lang= stays in the URL whenever it differs from what the reader's browser asks for.
sync_url("lang", lang, detect_language(st.context.headers.get("Accept-Language")))
sync_url("preset", st.session_state.preset, NO_PRESET)

# ---- Uploaded data: parsed once per file; a bad file keeps the last good one ------------
# Replacing a file reruns the page once with no file before the new one arrives, so the
# last good file is kept in the session across an empty uploader; it trains only while
# a file is in the uploader (no file: the built-in signal).
if upload is not None and st.session_state.get("upload_seen", (None,))[0] != upload.file_id:
    upload_error = None
    try:  # at most MAX_ROWS x MAX_COLUMNS numbers kept per session, not the file
        st.session_state.dataset = (upload.name, parse_csv(upload.getvalue()))
    except UploadError as err:
        upload_error = err
    st.session_state.upload_seen = (upload.file_id, upload_error)
upload_error = st.session_state.upload_seen[1] if upload is not None else None
if upload_error is not None:
    reason = t(lang, f"upload.error.{upload_error.code}", **upload_error.params)
    st.sidebar.error(t(lang, "upload.error", error=reason))

series, data_key = None, ()
if upload is not None and "dataset" in st.session_state:
    upload_name, parsed = st.session_state.dataset
    if upload_error is not None:
        notes.append(Note("upload.kept_previous", {"name": upload_name}))
    column = st.sidebar.selectbox(t(lang, "upload.column"), parsed.numeric_columns(), key="column")
    t_up, y_up, upload_notes = column_series(parsed, column)  # columns offered are usable
    n = min(len(y_up), cfg.n_points)  # the most recent n_points values
    series = (t_up[-n:], y_up[-n:])
    data_key = ("upload", parsed.digest, column, n)
    notes += upload_notes
    if n < len(y_up):
        notes.append(Note("upload.using_last", {"n": n, "total": len(y_up)}))
    cfg, lowered = cfg.for_series(n)
    notes += [note_from_warning(w) for w in lowered]
    st.sidebar.caption(t(lang, "upload.using_file", name=upload_name, column=column, n=n))

# ---- Header -----------------------------------------------------------------------
st.title(t(lang, "app.title"))
st.caption(t(lang, "app.caption"))
for note in st.session_state.url_notes + notes:
    st.warning(render(lang, note), icon=":material/warning:")
if options.locked:
    join = "、".join if lang == "zh" else ", ".join
    st.caption(
        ":material/lock: "
        + t(
            lang,
            "instructor.locked_summary",
            labels=join(
                t(lang, f"param.{p.name}.label") for p in PARAMS if p.name in options.locked
            ),
        )
    )
if options.hide_text:
    st.caption(t(lang, "instructor.text_hidden"))
chosen_preset = PRESETS.get(st.session_state.preset)
if chosen_preset is not None:
    for note in chosen_preset.notes:
        st.warning(render(lang, note), icon=":material/warning:")
    if not options.hide_text:
        st.info(
            f"**{t(lang, 'preset.notice_header')}** — {t(lang, chosen_preset.notice_key)}",
            icon=":material/visibility:",
        )

# ---- Train (or fetch from the shared cache) -----------------------------------------
try:
    result = train_run(cfg)
except ValueError as err:  # e.g. an uploaded series too short for this window
    st.error(t(lang, "error.cannot_train", error=err))
    st.stop()
if result.diverged:
    st.error(t(lang, "error.diverged", epoch=result.stopped_epoch + 1))

labels_now = [view_label(lang, v) for v in VIEWS]
tabs = dict(zip(VIEWS, st.tabs(labels_now, key="view", on_change="rerun"), strict=True))
open_view = view_of(st.session_state.get("view")) or "train"
sync_url("view", open_view, "train")

# ---- Train & predict ----------------------------------------------------------------
with tabs["train"]:
    explain("train")
    st.subheader(t(lang, "section.signal"))
    # Specs are built once per result and shared by every session (see chart_specs).
    specs = chart_specs(result, key=("run", cfg.key(), data_key), lang=lang)
    st.vega_lite_chart(specs["predictions"], width="stretch")
    left, right = st.columns(2)
    with left:
        st.subheader(t(lang, "section.loss"))
        st.vega_lite_chart(specs["loss"], width="stretch")
    with right:
        st.subheader(t(lang, "section.errors"))
        st.vega_lite_chart(specs["metrics"], width="content")
        metrics_table(result.metrics)
    if cfg.signal != "sine" or series is not None:
        explain("data")

# ---- Compare models -------------------------------------------------------------------
if tabs["compare"].open:
    with tabs["compare"]:
        explain("compare")
        chosen_models = st.pills(
            t(lang, "compare.models"),
            MODELS,
            selection_mode="multi",
            format_func=lambda m: t(lang, f"choice.model.{m}"),
            key="compare_models",
        )
        if not chosen_models:
            st.info(t(lang, "compare.none"), icon=":material/touch_app:")
        else:
            # Each model's run goes through the shared cache: the model on screen is a
            # hit, and the others are hits later when a learner switches to them.
            models = tuple(m for m in MODELS if m in chosen_models)  # in a fixed order
            comparison = compare_models(cfg, models, run=train_run)
            key = ("compare", cfg.key(), data_key, models)
            draw((*key, "predictions"), lambda: compare_chart(comparison.predictions, lang))
            left, right = st.columns(2)
            draw((*key, "loss"), lambda: compare_loss_chart(comparison.losses, lang), left)
            metrics_table(comparison.metrics, right)

# ---- Forecast -------------------------------------------------------------------------
if tabs["forecast"].open:
    with tabs["forecast"]:
        explain("forecast")
        # The three networks come from the shared runs (trained once, also for Compare);
        # they are fetched first, so no cache computation waits inside another.
        fits = fitted_models(cfg, MODELS, run=train_run)
        forecast = cached(("forecast", cfg.key(), data_key), lambda report: forecast_frames(fits))
        key = ("forecast", cfg.key(), data_key)
        draw((*key, "paths"), lambda: forecast_chart(forecast.paths, lang))
        st.subheader(t(lang, "forecast.horizon"))
        draw((*key, "horizon"), lambda: horizon_chart(forecast.horizon, lang))

# ---- Inside the network ---------------------------------------------------------------
if tabs["inside"].open:
    with tabs["inside"]:
        explain("inside")
        predicted = result.predictions.query("series == 'prediction'")
        n_windows, n_train = len(predicted), int((predicted.split == "train").sum())
        if st.session_state.get("window", 0) > n_windows - 1:  # settings shrank the series
            st.session_state.window = n_windows - 1
        window = st.slider(
            t(lang, "inside.window"), 0, n_windows - 1, min(n_train, n_windows - 1), key="window"
        )
        inside = cached(
            ("inside", cfg.key(), data_key, window),
            lambda report: inside_frames(result.fitted, window),
        )
        st.subheader(t(lang, "inside.hidden"))
        key = ("inside", cfg.key(), data_key, window)
        draw((*key, "hidden"), lambda: hidden_heatmap(inside.hidden, lang))
        if len(inside.gates):
            st.subheader(t(lang, "inside.gates"))
            draw((*key, "gates"), lambda: gates_chart(inside.gates, inside.inputs, lang))
        else:
            st.caption(t(lang, "inside.no_gates"))
        st.subheader(t(lang, "inside.trajectory"))
        draw((*key, "trajectory"), lambda: trajectory_chart(inside.trajectory, lang))
        st.caption(t(lang, "inside.explained", share=sum(inside.explained)))

# ---- Gradients ------------------------------------------------------------------------
if tabs["gradients"].open:
    with tabs["gradients"]:
        explain("gradients")
        fits = fitted_models(cfg, MODELS, run=train_run)
        grads = cached(("gradients", cfg.key(), data_key), lambda report: gradient_frames(fits))
        draw(("gradients", cfg.key(), data_key), lambda: gradient_chart(grads.frame, lang))
        broken = [m.upper() for m, bad in grads.diverged.items() if bad]
        if broken:
            st.error(t(lang, "gradients.diverged", models=", ".join(broken)))
        if not options.hide_text:
            st.caption(t(lang, "gradients.try"))

# ---- Long memory ----------------------------------------------------------------------
if tabs["memory"].open:
    with tabs["memory"]:
        explain("memory")
        max_lag = st.slider(t(lang, "memory.lag"), 5, MAX_LAG, 30, step=5, key="lag")
        lags = tuple(sorted({5, max(5, max_lag // 3), max(5, 2 * max_lag // 3), max_lag}))
        mc = MemoryConfig(lags=lags, seeds=(0,))
        key = ("memory", lags, mc.seeds)
        sweep = run_cache().get(key)
        if sweep is None and st.button(t(lang, "memory.run"), key="run_memory"):
            runs = len(lags) * len(mc.models) * len(mc.seeds)
            done = [0]

            def compute(report):
                def on_run(model, lag, seed, mse):
                    done[0] += 1
                    report(
                        (
                            done[0] / runs,
                            Note("progress.memory_run", {"model": model.upper(), "lag": lag}),
                        )
                    )

                return memory_sweep(mc, on_run=on_run)

            sweep = cached(key, compute)
        if sweep is not None:
            draw(key, lambda: memory_chart(sweep, lang))
        else:
            st.caption(t(lang, "memory.cost", runs=len(lags) * len(mc.models)))

# ---- Challenges -----------------------------------------------------------------------
if tabs["challenges"].open:
    with tabs["challenges"]:
        st.caption(t(lang, "challenge.intro"))
        for challenge in CHALLENGES.values():
            with st.container(border=True):
                st.subheader(t(lang, challenge.title_key))
                st.markdown(t(lang, challenge.goal_key, **challenge.goal))
                verdict = challenge.check(cfg, result)
                reference_cfg = challenge.reference_config(cfg)
                if verdict.key.endswith(".needs_reference") and reference_cfg is not None:
                    verdict = challenge.check(cfg, result, train_run(reference_cfg))
                shown = t(lang, verdict.key, **verdict.params)
                if verdict.passed:
                    passed = t(lang, "challenge.passed")
                    st.success(f"{passed} {shown}", icon=":material/check_circle:")
                else:
                    st.error(f"{t(lang, 'challenge.not_yet')} {shown}", icon=":material/cancel:")

# ---- Take it home ---------------------------------------------------------------------
if tabs["home"].open:
    with tabs["home"]:
        st.subheader(t(lang, "download.header"))
        downloads = {
            "predictions": (t(lang, "download.predictions"), partial(predictions_csv, result)),
            "losses": (t(lang, "download.losses"), partial(losses_csv, result)),
            "metrics": (t(lang, "download.metrics"), partial(metrics_csv, result)),
            "config": (t(lang, "download.config"), partial(config_json, cfg)),
        }
        exportable = series is None and cfg.signal in SIGNAL_SOURCES
        if exportable:
            downloads["script"] = (t(lang, "download.script"), partial(script_bytes, cfg))
        net = result.fitted.net  # the network on screen: no refit
        downloads["weights"] = (t(lang, "download.weights"), partial(weights_bytes, cfg, net))
        # Each file is made when its button is clicked (deferred), not on every rerun.
        columns = st.columns(len(downloads))
        for column, (kind, (label, data)) in zip(columns, downloads.items(), strict=True):
            column.download_button(
                label,
                data,
                file_name=file_name(cfg, kind),
                mime=mime_type(kind),
                key=f"download_{kind}",
                on_click="ignore",
            )
        st.subheader(t(lang, "code.header"))
        if exportable:
            if not options.hide_text:
                st.caption(t(lang, "code.explain"))
            st.code(script_bytes(cfg).decode("utf-8"), language="python")
        else:
            signal = (
                t(lang, "upload.your_data")
                if series is not None
                else t(lang, f"choice.signal.{cfg.signal}")
            )
            st.info(t(lang, "code.unavailable", signal=signal))
