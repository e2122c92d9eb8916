"""SVG drawing pieces for the cell pictures (charts/cell.py): numbers as the pictures
write them, the diverging colour scale, and the boxes, pills, arrows and labels of the
diagram. Pure string building: no script, no ids, no external styles."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Sequence

import numpy as np

from playground.i18n import t

WIDTH = 700  # viewBox width of both SVGs (they scale to their column)
MAX_WIDTH_PX = 800  # ... up to this many pixels: a full-width table stays readable size
MIN_TEXT_PX = 10  # no text drawn smaller: a narrower column scrolls the picture sideways
SUB_SCALE = 0.75  # a subscript's size, of its text's
FONT = "'Source Sans Pro','Noto Sans CJK SC','Microsoft YaHei',sans-serif"
INK, MUTED, LINE = "#262730", "#6b6f76", "#8a8d93"
CELL_FILL, CELL_STROKE = "#f4f5f7", "#b8bbc0"
MARK_COLOR = "#d62728"  # the chosen step on the inputs chart (the page's primary colour)
INPUT_COLOR = "#8c8c8c"  # the inputs line, as on the gates chart
NAN_FILL = "#d9d9d9"
MINUS = "\u2212"
# ColorBrewer RdBu, from -1 (blue) through 0 (white) to +1 (red): Vega's "redblue"
# reversed, the hidden-state heatmap's scale.
DIVERGING = (
    "#053061", "#2166ac", "#4393c3", "#92c5de", "#d1e5f0", "#f7f7f7",
    "#fddbc7", "#f4a582", "#d6604d", "#b2182b", "#67001f",
)  # fmt: skip
STEP_PARAM = "cell_step"  # the inputs chart's param holding the chosen step


# ---- Numbers and colours ---------------------------------------------------------------
def number(value: float, digits: int = 2) -> str:
    """`value` as the pictures write it: fixed decimals, a true minus sign, "NaN"/"∞"."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return ("" if value > 0 else MINUS) + "∞"
    text = f"{value:.{digits}f}"
    if text.startswith("-") and float(text) == 0.0:
        text = text[1:]  # -0.00 -> 0.00
    return text.replace("-", MINUS)


def colour(value: float, limit: float = 1.0) -> str:
    """The diverging colour of `value` on [-limit, limit] (clipped beyond); grey if not
    finite."""
    value = float(value)
    if not math.isfinite(value):
        return NAN_FILL
    x = (min(max(value / (limit or 1.0), -1.0), 1.0) + 1.0) / 2.0 * (len(DIVERGING) - 1)
    lo = min(int(x), len(DIVERGING) - 2)
    frac = x - lo
    a, b = _rgb(DIVERGING[lo]), _rgb(DIVERGING[lo + 1])
    return "#" + "".join(f"{round(p + (q - p) * frac):02x}" for p, q in zip(a, b, strict=True))


def ink(fill: str) -> str:
    """Text colour readable on `fill`: white on dark fills, else near black."""
    r, g, b = _rgb(fill)
    return "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else INK


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _limit(values: Iterable[float]) -> float:
    """A colour limit for unbounded values (an LSTM's cell state): at least 1."""
    finite = [abs(v) for v in values if math.isfinite(v)]
    return max([1.0, *finite])


# ---- SVG pieces ------------------------------------------------------------------------
_SUB = re.compile(r"_\{([^}]*)\}")


def _rich(text: str) -> str:
    """Escaped `text` with `x_{t−1}` written as a subscript."""
    parts, last = [], 0
    for m in _SUB.finditer(text):
        parts.append(html.escape(text[last : m.start()]))
        sub = html.escape(m.group(1))
        parts.append(f'<tspan baseline-shift="sub" font-size="{SUB_SCALE:.0%}">{sub}</tspan>')
        last = m.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def _text(x: float, y: float, text: str, size: float = 12, anchor: str = "middle", **kw) -> str:
    weight = ' font-weight="bold"' if kw.pop("bold", False) else ""
    fill = kw.pop("fill", INK)
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}"{weight}>{_rich(text)}</text>'
    )


def _tip(text: str) -> str:
    return f"<title>{html.escape(text)}</title>"


def _arrow(points: Sequence[tuple[float, float]], head: bool = True) -> str:
    """A polyline through `points`, with an arrowhead at the last one."""
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    out = f'<polyline points="{path}" fill="none" stroke="{LINE}" stroke-width="2"/>'
    if head and len(points) >= 2:
        (x0, y0), (x1, y1) = points[-2], points[-1]
        angle = math.atan2(y1 - y0, x1 - x0)
        tip = [
            (x1, y1),
            (x1 - 9 * math.cos(angle - 0.45), y1 - 9 * math.sin(angle - 0.45)),
            (x1 - 9 * math.cos(angle + 0.45), y1 - 9 * math.sin(angle + 0.45)),
        ]
        out += '<polygon points="{}" fill="{}"/>'.format(
            " ".join(f"{x:.1f},{y:.1f}" for x, y in tip), LINE
        )
    return out


def _dot(x: float, y: float) -> str:
    return f'<circle cx="{x}" cy="{y}" r="3.5" fill="{LINE}"/>'


def _op(x: float, y: float, symbol: str, tip: str = "") -> str:
    """A pointwise operation (×, +, 1−) as colah draws it: a small circle."""
    return (
        f'<g>{_tip(tip) if tip else ""}<circle cx="{x}" cy="{y}" r="14" fill="#ffffff" '
        f'stroke="{LINE}" stroke-width="2"/>{_text(x, y + 5, symbol, 15, bold=True)}</g>'
    )


def _pill(cx: float, cy: float, label: str, value: float, limit: float, tip: str) -> str:
    """A state entering or leaving the cell: its symbol and its value, coloured."""
    fill = colour(value, limit)
    fg = ink(fill)
    return (
        f"<g>{_tip(tip)}"
        f'<rect x="{cx - 38}" y="{cy - 20}" width="76" height="40" rx="9" fill="{fill}" '
        f'stroke="{INK}" stroke-width="1.2"/>'
        f"{_text(cx, cy - 5, label, 12, fill=fg)}"
        f"{_text(cx, cy + 13, number(value), 14, bold=True, fill=fg)}</g>"
    )


BOX_W, BOX_H, BOX_TOP = 80, 66, 178


def _box(cx: float, name: str, value: float, pre: float, fn: str, tip: str) -> str:
    """A gate: a layer of the network, its name, its value for the unit, and
    σ(pre-activation) or tanh(pre-activation)."""
    fill = colour(value)
    fg = ink(fill)
    x, y = cx - BOX_W / 2, BOX_TOP
    return (
        f"<g>{_tip(tip)}"
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="{fill}" '
        f'stroke="{INK}" stroke-width="1.5"/>'
        f"{_text(cx, y + 16, name, 11.5, fill=fg)}"
        f"{_text(cx, y + 39, number(value), 17, bold=True, fill=fg)}"
        f"{_text(cx, y + 57, f'{fn}({number(pre)})', 11.5, fill=fg)}</g>"
    )


_TEXT_SIZE = re.compile(r'<text [^>]*font-size="([\d.]+)"[^>]*>(.*?)</text>', re.S)


def smallest_text(body: str) -> float:
    """The smallest text size in `body` (SVG units), a subscript at SUB_SCALE of its
    text's; inf without text."""
    sizes = [
        float(size) * (SUB_SCALE if "baseline-shift" in inner else 1.0)
        for size, inner in _TEXT_SIZE.findall(body)
    ]
    return min(sizes, default=math.inf)


def min_width_px(body: str) -> int:
    """The narrowest the picture may be drawn (pixels) so that no text in `body` is
    smaller than MIN_TEXT_PX."""
    smallest = smallest_text(body)
    return 0 if math.isinf(smallest) else math.ceil(WIDTH * MIN_TEXT_PX / smallest)


def _svg(height: float, body: Iterable[str], label: str) -> str:
    """The picture at its column's width, up to MAX_WIDTH_PX; `--min-width` says how
    narrow it may be with no text under MIN_TEXT_PX (`min_width_px`), which the page
    applies on a phone (app/phone.py: the picture scrolls sideways in its box there)."""
    inner = "".join(body)
    least = min_width_px(inner)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="100%" role="img" aria-label="{html.escape(label)}" '
        f'style="--min-width:{least}px;max-width:{MAX_WIDTH_PX}px;height:auto;'
        f'display:block" font-family="{FONT}">'
        f"<title>{html.escape(label)}</title>" + inner + "</svg>"
    )


def _legend(x: float, y: float, lang: str) -> str:
    """The colour scale: −1 … 0 … +1 as swatches."""
    out = [_text(x, y + 12, t(lang, "cell.svg.legend"), 11.5, "end", fill=MUTED)]
    for k, v in enumerate(np.linspace(-1.0, 1.0, 9)):
        out.append(
            f'<rect x="{x + 8 + 16 * k}" y="{y}" width="16" height="16" fill="{colour(v)}" '
            f'stroke="{CELL_STROKE}" stroke-width="0.5"/>'
        )
    out.append(_text(x + 8, y + 30, f"{MINUS}1", 10.5, fill=MUTED))
    out.append(_text(x + 8 + 16 * 4.5, y + 30, "0", 10.5, fill=MUTED))
    out.append(_text(x + 8 + 16 * 9, y + 30, "+1", 10.5, fill=MUTED))
    return "".join(out)


def gate_name(lang: str, gate: str) -> str:
    """A gate's name in `lang` with its letter: "forget f", "遗忘门 f"."""
    return t(lang, f"cell.gate.{gate}")
