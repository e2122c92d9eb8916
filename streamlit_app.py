"""RNN Playground page: widgets (bound to the URL) -> ExperimentConfig -> cached runs -> charts.

The page only wires: it reads settings from widgets generated from `PARAMS`, calls the
`playground` package through one bounded cross-session cache, and lays out its charts.
Views beyond the main run compute only when their tab is open.
"""

from __future__ import annotations

import hashlib
import time

import streamlit as st

from playground import PARAMS, ExperimentConfig, Param, run_experiment
from playground.cache import RunCache, Status
from playground.charts import loss_chart, metrics_chart, predictions_chart
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
from playground.compare import compare_models
from playground.explain import EXPLAIN
from playground.forecast import run_forecast
from playground.memory import MemoryConfig, memory_sweep
from playground.probes import gradient_norms, probe_inside
from playground.upload import UploadError, column_series, parse_csv

PROGRESS_INTERVAL_S = 0.15  # at most ~7 progress-bar updates a second
VIEWS = ("Train & predict", "Compare models", "Forecast", "Inside the network",
         "Gradients", "Long memory")

st.set_page_config(page_title="RNN Playground", page_icon="🔁", layout="wide")


@st.cache_resource
def run_cache() -> RunCache:
    """One result cache for every session of this server process."""
    return RunCache(max_entries=64)


def widget(p: Param) -> object:
    """The sidebar control for one parameter, keyed and URL-bound by its name."""
    common = dict(key=p.name, help=p.help, bind="query-params")
    if p.choices:
        return st.selectbox(p.label, p.choices, index=p.choices.index(p.default), **common)
    if p.name in ("learning_rate", "seed"):
        return st.number_input(p.label, min_value=p.low, max_value=p.high, value=p.default,
                               step=p.step, format="%.4f" if p.kind is float else "%d",
                               **common)
    return st.slider(p.label, min_value=p.low, max_value=p.high, value=p.default,
                     step=p.step, **common)


def progress_reporter(bar):
    """A status callback that redraws `bar` at most every PROGRESS_INTERVAL_S.

    Running computations report (fraction done, text)."""
    last = [0.0]

    def on_status(status: Status) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_INTERVAL_S:
            return
        last[0] = now
        if status.state == "queued":
            bar.progress(0.0, text=f"Queued: {status.ahead} ahead of you")
        elif status.progress is None:
            bar.progress(0.0, text="Starting…")
        else:
            fraction, text = status.progress
            bar.progress(min(max(fraction, 0.0), 1.0), text=text)

    return on_status


def cached(key: tuple, compute):
    """`compute(report)` through the shared cache, with a progress bar on a miss."""
    cache = run_cache()
    hit = cache.get(key)
    if hit is not None:
        return hit
    bar = st.progress(0.0, text="Starting…")
    try:
        return cache.get_or_compute(key, compute, progress_reporter(bar))
    finally:
        bar.empty()


def epoch_reporter(report, total: int, prefix: str = ""):
    """An on_epoch callback that forwards progress as (fraction, text)."""
    return lambda e, tr, te: report(
        (e / total, f"{prefix}Training: epoch {e}/{total}, train MSE {tr:.4f}, test MSE {te:.4f}")
    )


def explain(view: str) -> None:
    st.info(EXPLAIN[view], icon="💡")


# ---- The link: read once per session; our parser decides clamping and notes -------
if "url_notes" not in st.session_state:
    url_cfg, st.session_state.url_notes = ExperimentConfig.from_query_params(
        st.query_params.to_dict()
    )
    for p in PARAMS:  # seed the bound widgets with the clamped values
        if getattr(url_cfg, p.name) != p.default:
            st.session_state[p.name] = getattr(url_cfg, p.name)

# ---- Sidebar: the controls --------------------------------------------------------
with st.sidebar:
    st.header("Settings")
    values = {p.name: widget(p) for p in PARAMS if not p.advanced}
    with st.expander("Advanced"):
        values |= {p.name: widget(p) for p in PARAMS if p.advanced}
    with st.expander("Your own data (CSV)"):
        upload = st.file_uploader("CSV file", type=["csv", "txt"], key="upload")

cfg, notes = ExperimentConfig.from_values(values)

# ---- Uploaded data: parsed per session; a bad file keeps the previous data ---------
series, data_key = None, ()
if upload is not None:
    raw = upload.getvalue()
    try:
        parsed = parse_csv(raw)
        column = st.sidebar.selectbox("Column", list(parsed.numeric_columns()), key="column")
        t_up, y_up, upload_notes = column_series(parsed, column)
        n = min(len(y_up), cfg.n_points)  # the most recent n_points values
        series = (t_up[-n:], y_up[-n:])
        digest = hashlib.sha256(raw).hexdigest()[:16]
        data_key = ("upload", digest, column, n)
        notes += upload_notes
        if n < len(y_up):
            notes.append(f"Using the last {n} of {len(y_up)} values (Number of points).")
        if cfg.seq_length > n // 2:
            cfg = ExperimentConfig.from_values({**values, "seq_length": n // 2})[0]
            notes.append(f"Sequence length lowered to {n // 2} for a series of {n} values.")
    except UploadError as err:
        st.sidebar.error(f"Could not use this file: {err}")

# ---- Header -----------------------------------------------------------------------
st.title("RNN Playground")
st.caption(
    "A recurrent network reads the last *sequence length* values of a series (by default "
    "a noisy sine wave) and predicts the next one. The first part of the series trains "
    "the model; the shaded last part is held out as a test the model never trained on."
)
for note in st.session_state.url_notes + notes:
    st.warning(note, icon="⚠️")

# ---- Train (or fetch from the shared cache) -----------------------------------------
try:
    result = cached(
        ("run", cfg.key(), data_key),
        lambda report: run_experiment(cfg, epoch_reporter(report, cfg.epochs), series=series),
    )
except ValueError as err:  # e.g. an uploaded series too short for this window
    st.error(f"This setting cannot be trained: {err}")
    st.stop()
if result.diverged:
    st.error(
        f"Training diverged (the loss became NaN or infinite) at epoch "
        f"{result.stopped_epoch + 1}. Showing the last good weights; try a lower "
        "learning rate, a smaller recurrent init scale, or gradient clipping."
    )

tabs = dict(zip(VIEWS, st.tabs(VIEWS, key="view", on_change="rerun"), strict=True))

# ---- Train & predict ----------------------------------------------------------------
with tabs["Train & predict"]:
    st.subheader("Signal and prediction")
    st.altair_chart(predictions_chart(result.predictions), width="stretch")
    left, right = st.columns(2)
    with left:
        st.subheader("Loss per epoch")
        st.altair_chart(loss_chart(result.losses), width="stretch")
    with right:
        st.subheader("Errors")
        st.altair_chart(metrics_chart(result.metrics), width="content")
        st.dataframe(
            result.metrics.style.format({"mse": "{:.5f}", "mae": "{:.5f}", "rmse": "{:.5f}"}),
            hide_index=True,
        )
    if cfg.signal != "sine" or series is not None:
        explain("signals")

# ---- Compare models -------------------------------------------------------------------
if tabs["Compare models"].open:
    with tabs["Compare models"]:
        explain("compare")
        total = 3 * cfg.epochs
        comparison = cached(
            ("compare", cfg.key(), data_key),
            lambda report: compare_models(
                cfg,
                on_epoch=lambda m, e, tr, te: report(
                    (e / total, f"Training {m.upper()}: epoch {e}, train MSE {tr:.4f}")
                ),
                series=series,
            ),
        )
        st.altair_chart(compare_chart(comparison.predictions), width="stretch")
        left, right = st.columns(2)
        left.altair_chart(compare_loss_chart(comparison.losses), width="stretch")
        right.dataframe(comparison.metrics, hide_index=True)

# ---- Forecast -------------------------------------------------------------------------
if tabs["Forecast"].open:
    with tabs["Forecast"]:
        explain("forecast")
        forecast = cached(
            ("forecast", cfg.key(), data_key),
            lambda report: run_forecast(cfg, models=("rnn", "lstm", "gru"), series=series),
        )
        st.altair_chart(forecast_chart(forecast.paths), width="stretch")
        st.subheader("Free-running error against horizon")
        st.altair_chart(horizon_chart(forecast.horizon), width="stretch")

# ---- Inside the network ---------------------------------------------------------------
if tabs["Inside the network"].open:
    with tabs["Inside the network"]:
        explain("inside")
        n_windows = len(result.predictions.query("series == 'prediction'"))
        n_train = int((result.predictions.query("series == 'prediction'").split == "train").sum())
        window = st.slider("Window to trace", 0, n_windows - 1, min(n_train, n_windows - 1),
                           key="window")
        inside = cached(
            ("inside", cfg.key(), data_key, window),
            lambda report: probe_inside(cfg, window=window, series=series),
        )
        st.subheader("Hidden state over the window")
        st.altair_chart(hidden_heatmap(inside.hidden), width="stretch")
        if len(inside.gates):
            st.subheader("Gates over the window")
            st.altair_chart(gates_chart(inside.gates, inside.inputs), width="stretch")
        else:
            st.caption("A vanilla RNN has no gates: choose LSTM or GRU to see them.")
        st.subheader("Hidden trajectory (PCA)")
        st.altair_chart(trajectory_chart(inside.trajectory), width="stretch")
        st.caption(f"The two components explain {sum(inside.explained):.0%} of the variance.")

# ---- Gradients ------------------------------------------------------------------------
if tabs["Gradients"].open:
    with tabs["Gradients"]:
        explain("gradients")
        grads = cached(("gradients", cfg.key()), lambda report: gradient_norms(cfg))
        st.altair_chart(gradient_chart(grads.frame), width="stretch")
        broken = [m.upper() for m, bad in grads.diverged.items() if bad]
        if broken:
            st.error(
                f"Training diverged for {', '.join(broken)}: the loss or a gradient became "
                "NaN or infinite. Lower the learning rate or the recurrent init scale, or "
                "turn on gradient clipping (Advanced)."
            )
        st.caption(
            "Try it: set the sequence length to 50 for vanishing gradients; raise "
            "'Recurrent init scale' (Advanced) above 2 for exploding ones, then set "
            "'Gradient clipping' to tame them."
        )

# ---- Long memory ----------------------------------------------------------------------
if tabs["Long memory"].open:
    with tabs["Long memory"]:
        explain("memory")
        max_lag = st.slider("Longest lag", 5, 40, 30, step=5, key="lag")
        lags = tuple(sorted({5, max(5, max_lag // 3), max(5, 2 * max_lag // 3), max_lag}))
        mc = MemoryConfig(lags=lags, seeds=(0,))
        key = ("memory", lags, mc.seeds)
        sweep = run_cache().get(key)
        if sweep is None and st.button("Run the sweep", key="run_memory"):
            runs = len(lags) * len(mc.models) * len(mc.seeds)
            done = [0]

            def compute(report):
                def on_run(model, lag, seed, mse):
                    done[0] += 1
                    report((done[0] / runs, f"Trained {model.upper()} at lag {lag}"))

                return memory_sweep(mc, on_run=on_run)

            sweep = cached(key, compute)
        if sweep is not None:
            st.altair_chart(memory_chart(sweep), width="stretch")
        else:
            st.caption(
                f"{len(lags) * len(mc.models)} small trainings; this takes a minute or two "
                "the first time, then is shared with everyone."
            )
