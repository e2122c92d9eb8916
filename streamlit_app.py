"""RNN Playground page: widgets (bound to the URL) -> ExperimentConfig -> cached run -> charts.

The page only wires: it reads settings from widgets generated from `PARAMS`, calls the
`playground` package through one bounded cross-session cache, and lays out its charts.
"""

from __future__ import annotations

import time

import streamlit as st

from playground import PARAMS, ExperimentConfig, Param, run_experiment
from playground.cache import RunCache, Status
from playground.charts import loss_chart, metrics_chart, predictions_chart

PROGRESS_INTERVAL_S = 0.15  # at most ~7 progress-bar updates a second

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


def progress_reporter(bar, total: int):
    """A status callback that redraws `bar` at most every PROGRESS_INTERVAL_S."""
    last = [0.0]

    def on_status(status: Status) -> None:
        now = time.monotonic()
        done = status.progress is not None and status.progress[0] == total
        if now - last[0] < PROGRESS_INTERVAL_S and not done:
            return
        last[0] = now
        if status.state == "queued":
            bar.progress(0.0, text=f"Queued: {status.ahead} ahead of you")
        elif status.progress is None:
            bar.progress(0.0, text="Training…")
        else:
            epoch, train_loss, test_loss = status.progress
            bar.progress(epoch / total, text=f"Training: epoch {epoch}/{total}, "
                         f"train MSE {train_loss:.4f}, test MSE {test_loss:.4f}")

    return on_status


def train_cached(cfg: ExperimentConfig):
    """The run for `cfg` from the shared cache, training (with progress) on a miss."""
    cache = run_cache()
    cached = cache.get(cfg.key())
    if cached is not None:
        return cached
    bar = st.progress(0.0, text="Training…")

    def compute(report):
        return run_experiment(cfg, on_epoch=lambda e, tr, te: report((e, tr, te)))

    result = cache.get_or_compute(cfg.key(), compute, progress_reporter(bar, cfg.epochs))
    bar.empty()
    return result


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

cfg, notes = ExperimentConfig.from_values(values)

# ---- Header -----------------------------------------------------------------------
st.title("RNN Playground")
st.caption(
    "A recurrent network reads the last *sequence length* values of a noisy sine wave "
    "and predicts the next one. The first part of the series trains the model; the "
    "shaded last part is held out as a test the model never trained on."
)
for note in st.session_state.url_notes + notes:
    st.warning(note, icon="⚠️")

# ---- Train (or fetch from the shared cache) -----------------------------------------
result = train_cached(cfg)
if result.diverged:
    st.error(
        f"Training diverged (the loss became NaN or infinite) at epoch "
        f"{result.stopped_epoch + 1}. Showing the last good weights; try a lower "
        "learning rate."
    )

# ---- Charts -----------------------------------------------------------------------
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
