"""?view=home: downloads of the run on screen and the runnable PyTorch script."""

from __future__ import annotations

from functools import partial

import streamlit as st

from app.context import PageContext
from playground.workshop.codegen import SIGNAL_SOURCES
from playground.workshop.export import (
    config_json,
    file_name,
    losses_csv,
    metrics_csv,
    mime_type,
    predictions_csv,
    script_bytes,
    weights_bytes,
)


def render(ctx: PageContext) -> None:
    cfg, result = ctx.cfg, ctx.result
    st.subheader(ctx.t("download.header"))
    downloads = {
        "predictions": (ctx.t("download.predictions"), partial(predictions_csv, result)),
        "losses": (ctx.t("download.losses"), partial(losses_csv, result)),
        "metrics": (ctx.t("download.metrics"), partial(metrics_csv, result)),
        "config": (ctx.t("download.config"), partial(config_json, cfg)),
    }
    exportable = ctx.data.series is None and cfg.signal in SIGNAL_SOURCES
    if exportable:
        downloads["script"] = (ctx.t("download.script"), partial(script_bytes, cfg))
    net = result.fitted.net  # the network on screen: no refit
    downloads["weights"] = (ctx.t("download.weights"), partial(weights_bytes, cfg, net))
    # Each file is made when its button is clicked (deferred), not on every rerun. The
    # buttons sit in a row that wraps, each as wide as its label: in six equal columns
    # a 1366 px screen cut "PyTorch script (.py)" short.
    row = st.container(horizontal=True, gap="small")
    for kind, (label, data) in downloads.items():
        row.download_button(
            label,
            data,
            file_name=file_name(cfg, kind),
            mime=mime_type(kind),
            key=f"download_{kind}",
            on_click="ignore",
        )
    st.subheader(ctx.t("code.header"))
    if exportable:
        if not ctx.options.hide_text:
            st.caption(ctx.t("code.explain"))
        st.code(script_bytes(cfg).decode("utf-8"), language="python")
    else:
        signal = (
            ctx.t("upload.your_data")
            if ctx.data.series is not None
            else ctx.t(f"choice.signal.{cfg.signal}")
        )
        st.info(ctx.t("code.unavailable", signal=signal))
