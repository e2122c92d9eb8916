"""The network unrolled over the window, as a small SVG: the window's values go in one
a step, the same cell runs once per value passing its state along, and one value comes
out after the last step. Pure string building (no script, no ids)."""

from __future__ import annotations

import html

from playground.i18n import t

FONT = "'Source Sans Pro','Noto Sans CJK SC','Microsoft YaHei',sans-serif"
INK, MUTED, CELL, EDGE, OUT = "#262730", "#6b6f76", "#f4f5f7", "#8a8d93", "#d62728"
MOST_DRAWN = 12  # longer windows: the first and last steps, the middle elided
STEP_W, CELL_W, TOP = 56, 40, 28


def shown_steps(window: int) -> list[int | None]:
    """The step numbers drawn (1-based), None where the middle is elided."""
    if window <= MOST_DRAWN:
        return list(range(1, window + 1))
    return [1, 2, 3, 4, 5, None, *range(window - 4, window + 1)]


def text(x: float, y: float, words: str, size: int = 12, fill: str = INK) -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" font-size="{size}" fill="{fill}" '
        f'text-anchor="middle" font-family="{FONT}">{html.escape(words)}</text>'
    )


def arrow(x1: float, y1: float, x2: float, y2: float, colour: str = EDGE) -> str:
    return (
        f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="{colour}" '
        f'stroke-width="1.5" marker-end="url(#tour-head)"/>'
    )


def unrolled_svg(window: int, model: str, lang: str) -> str:
    """The picture for a window of `window` values and the cell `model`, in `lang`."""
    steps = shown_steps(window)
    width = 70 + STEP_W * len(steps) + 90
    cell_y, in_y = TOP + 40, TOP + 120
    parts = [
        '<defs><marker id="tour-head" viewBox="0 0 10 10" refX="9" refY="5" '
        'markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{EDGE}"/></marker></defs>',
        text(
            width / 2,
            16,
            t(lang, "tour.picture.title", window=window, model=model.upper()),
            13,
            MUTED,
        ),
    ]
    last_x = 0.0
    for i, step in enumerate(steps):
        x = 60 + STEP_W * i
        if step is None:
            parts.append(text(x, cell_y + 5, "…", 18, MUTED))
            parts.append(text(x, in_y + 5, "…", 18, MUTED))
            continue
        parts.append(
            f'<rect x="{x - CELL_W / 2:.0f}" y="{cell_y - 18}" width="{CELL_W}" height="36" '
            f'rx="6" fill="{CELL}" stroke="{EDGE}"/>'
        )
        parts.append(text(x, cell_y + 4, model.upper(), 10))
        parts.append(text(x, in_y + 4, f"x{step}", 12))
        parts.append(arrow(x, in_y - 12, x, cell_y + 20))
        if i + 1 < len(steps):
            parts.append(arrow(x + CELL_W / 2, cell_y, x + STEP_W - CELL_W / 2 - 2, cell_y))
        last_x = x
    out_x = last_x + 80
    parts.append(arrow(last_x + CELL_W / 2, cell_y, out_x - 22, cell_y, OUT))
    parts.append(
        f'<circle cx="{out_x:.0f}" cy="{cell_y}" r="18" fill="white" stroke="{OUT}" '
        'stroke-width="2"/>'
    )
    parts.append(text(out_x, cell_y + 4, "ŷ", 14, OUT))
    parts.append(text(out_x, cell_y + 36, t(lang, "tour.picture.out"), 11, OUT))
    parts.append(text(60, in_y + 26, t(lang, "tour.picture.in", window=window), 11, MUTED))
    parts.append(text(60 + STEP_W, cell_y - 26, t(lang, "tour.picture.state"), 11, MUTED))
    height = in_y + 40
    label = html.escape(t(lang, "tour.picture.title", window=window, model=model.upper()))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px" role="img" aria-label="{label}">'
        + "".join(parts)
        + "</svg>"
    )
