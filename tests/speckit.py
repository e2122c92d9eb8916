"""Shared helpers reading the text of Vega-Lite specs: titles, label maps, tooltips.

Charts show words through titles, `labelExpr` ternary chains built by
`playground.charts.train.label_expr` (`datum.value === "train" ? "训练集" : ...`) and
calculated `<field>_label` tooltip fields; these helpers pull them out of a spec dict.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

# One branch of a label chain: `=== "key" ? "label"` (both JSON string literals).
BRANCH = re.compile(r'=== ("(?:[^"\\]|\\.)*") \? ("(?:[^"\\]|\\.)*")')
TEXT_KEYS = ("title", "labelExpr", "calculate")  # where a chart's words live


def nodes(spec: Any) -> Iterator[dict]:
    """Every dict inside `spec` (itself included), depth first."""
    if isinstance(spec, dict):
        yield spec
        for value in spec.values():
            yield from nodes(value)
    elif isinstance(spec, list):
        for value in spec:
            yield from nodes(value)


def titles(spec: dict) -> list[str]:
    """Every title the spec sets (axes, legends, tooltips), None-titles left out."""
    return [n["title"] for n in nodes(spec) if isinstance(n.get("title"), str)]


def label_maps(spec: dict, kind: str = "labelExpr") -> list[dict[str, str]]:
    """Key -> label of each label chain in the spec: `labelExpr` (legends, axes,
    headers) or `calculate` (tooltip label fields)."""
    return [
        {json.loads(k): json.loads(v) for k, v in BRANCH.findall(n[kind])}
        for n in nodes(spec)
        if isinstance(n.get(kind), str)
    ]


def shown_labels(spec: dict) -> dict[str, str]:
    """Every key -> label a legend, axis or header of the spec shows."""
    return {k: v for m in label_maps(spec) for k, v in m.items()}


def unlabelled(spec: dict) -> set[tuple[str, Any]]:
    """(field, value) pairs of the spec's inline data that a label chain of the spec
    (a `calculate` of `<field>_label`) has no label for: keys the reader would see raw."""
    rows = [row for data in spec.get("datasets", {}).values() for row in data]
    missing = set()
    for node in nodes(spec):
        field = re.match(r"datum\.(\w+) ===", str(node.get("calculate", "")))
        if field:
            keys = {json.loads(k) for k, _ in BRANCH.findall(node["calculate"])}
            values = {row[field[1]] for row in rows if field[1] in row}
            missing |= {(field[1], v) for v in values - keys}
    return missing


def tooltips(spec: dict) -> list[dict]:
    """Every tooltip field definition of the spec."""
    return [tip for n in nodes(spec) if isinstance(n.get("tooltip"), list) for tip in n["tooltip"]]


def calculated(spec: dict) -> set[str]:
    """Names of the fields the spec computes with `calculate` transforms."""
    return {n["as"] for n in nodes(spec) if "calculate" in n}


def without_text(spec: Any) -> Any:
    """`spec` with its words (titles, label chains) blanked: what must not depend on
    the language."""
    if isinstance(spec, dict):
        return {
            k: ("<text>" if k in TEXT_KEYS and isinstance(v, str) else without_text(v))
            for k, v in spec.items()
        }
    if isinstance(spec, list):
        return [without_text(v) for v in spec]
    return spec


def has_cjk(text: str) -> bool:
    """Whether `text` holds a CJK ideograph (a Chinese word)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def english_words(text: str) -> list[str]:
    """Runs of two or more Latin letters in `text` ("MSE", "epoch"; not a symbol "t")."""
    return re.findall(r"[A-Za-z]{2,}", text)


def assert_tooltips_labelled(spec: dict) -> None:
    """Every key in the data has a label; every tooltip has a Chinese title, and a key
    column shows through its computed `<field>_label`, not as the raw key."""
    assert not unlabelled(spec), unlabelled(spec)
    computed = calculated(spec)
    for tip in tooltips(spec):
        assert has_cjk(tip["title"]), tip
        if tip["type"] == "nominal":
            assert tip["field"].endswith("_label") and tip["field"] in computed, tip


# ---- Structure: views, encodings, legends, axes ---------------------------------------
def units(spec: dict) -> list[dict]:
    """Every unit view of a spec (one with a mark), through layers, concats and facets,
    in drawing order."""
    if "mark" in spec:
        return [spec]
    found = []
    for key in ("layer", "vconcat", "hconcat", "concat"):
        for child in spec.get(key, []):
            found += units(child)
    if isinstance(spec.get("spec"), dict):
        found += units(spec["spec"])
    return found


def mark_type(unit: dict) -> str:
    """The mark type of a unit view ("line", "circle", ...)."""
    m = unit["mark"]
    return m["type"] if isinstance(m, dict) else m


def channel_defs(spec: dict, channel: str) -> list[dict]:
    """The definitions of `channel` ("x", "color", ...) of every unit view of the spec."""
    return [u["encoding"][channel] for u in units(spec) if channel in u.get("encoding", {})]


def legends(spec: dict) -> list[dict]:
    """Every legend definition of the spec's encodings (legend=None and the config's
    legend defaults left out)."""
    views = {k: v for k, v in spec.items() if k != "config"}
    return [n["legend"] for n in nodes(views) if isinstance(n.get("legend"), dict)]


def log_axes(spec: dict) -> list[dict]:
    """The axis definition of every position channel on a log scale (an empty dict where
    none is set)."""
    return [
        d.get("axis") or {}
        for ch in ("x", "y")
        for d in channel_defs(spec, ch)
        if (d.get("scale") or {}).get("type") == "log"
    ]


def rows(spec: dict, *columns: str) -> list[dict]:
    """The inline data rows of the spec that hold all of `columns`."""
    return [
        row
        for data in spec.get("datasets", {}).values()
        for row in data
        if all(c in row for c in columns)
    ]


def filters(unit: dict) -> list[str]:
    """The filter expressions of a unit view (Altair writes `datum.x == ...` as text)."""
    return [str(tr["filter"]) for tr in unit.get("transform", []) if "filter" in tr]
