"""A run's link, read the way the page reads it, and written back as an entry's settings.

`link_config` turns a link's parameters (a dict, or a query string such as
`?model=lstm&noise=0.3`) into the config that runs, exactly as a session opening that link
would (a `preset=` first, the settings written in the link over it, clamped and budgeted).
`settings_text` writes a config back as its settings without defaults, in the parameter
table's order: one text per run, whatever order or extras the link had.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlencode

from playground.config import PARAM_BY_NAME, PARAMS, ExperimentConfig, format_value
from playground.workshop.presets import PRESETS

Query = Mapping[str, Any] | str  # a link's parameters, or its query string


def query_dict(query: Query) -> dict[str, Any]:
    """The parameters of `query` (a query string, with or without `?`, or a mapping)."""
    if isinstance(query, str):
        text = query.split("?", 1)[1] if "?" in query else query
        return parse_qs(text, keep_blank_values=True)
    if isinstance(query, Mapping):
        return dict(query)
    raise TypeError(f"a link's parameters are a mapping or a query string, not {type(query)!r}")


def last(value: Any) -> Any:
    """A repeated parameter's last value (a link's last one wins), else the value."""
    if isinstance(value, (list, tuple)):
        return value[-1] if value else ""
    return value


def link_config(query: Query) -> ExperimentConfig:
    """The config a session opening this link runs (see `session.start`): the link's
    preset, if any, then the settings written in the link; clamped, never raising."""
    params = query_dict(query)
    preset = PRESETS.get(str(last(params.get("preset", ""))).strip().lower())
    begin = preset.config.to_query_params() if preset else {}
    cfg, _notes = ExperimentConfig.from_query_params(
        begin | {k: v for k, v in params.items() if k in PARAM_BY_NAME}
    )
    return cfg


def settings_text(cfg: ExperimentConfig) -> str:
    """`cfg`'s settings that differ from the defaults, as a query string in the
    parameter table's order ("" for the tutorial's settings)."""
    return urlencode(
        [
            (p.name, format_value(getattr(cfg, p.name)))
            for p in PARAMS
            if format_value(getattr(cfg, p.name)) != format_value(p.default)
        ]
    )
