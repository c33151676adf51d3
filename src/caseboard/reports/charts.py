"""Static charts as SVG written here: a trend line per measure and the RAG summary bar.

Why not a plotting library: these charts are a few lines and rectangles; writing the SVG keeps them inline in a
self-contained HTML page, renders identically in WeasyPrint's PDF, and gives the same bytes on every build
(plotting libraries stamp ids and dates into their output). Colours are the RAG key's (``RAG_COLOURS``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

#: Fill colours of the RAG key (GOV.UK design system palette: green, orange, red; grey for no target).
RAG_COLOURS = {"green": "#00703c", "amber": "#f47738", "red": "#d4351c", "no target": "#b1b4b6",
               "no value": "#f3f2f1", "suppressed": "#f3f2f1"}
RAG_ORDER = ("green", "amber", "red", "no target")
LINE = "#1d70b8"
TARGET = "#505a5f"


def _n(x: float) -> str:
    return f"{x:.1f}"


def sparkline(values: Sequence[float | None], *, target: float | None = None, width: int = 120,
              height: int = 28, title: str = "") -> str:
    """A trend line of ``values`` (None: a gap), with the target as a dashed line; empty when nothing to draw."""
    known = [v for v in values if v is not None]
    if not known:
        return ""
    lo, hi = min(known + ([target] if target is not None else [])), max(known + ([target] if target is not None else []))
    span = (hi - lo) or 1.0
    pad = 3.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def y(v: float) -> float:
        return height - pad - (v - lo) / span * (height - 2 * pad)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">']
    if target is not None:
        parts.append(f'<line x1="{_n(pad)}" y1="{_n(y(target))}" x2="{_n(width - pad)}" y2="{_n(y(target))}" '
                     f'stroke="{TARGET}" stroke-width="1" stroke-dasharray="3,2"/>')
    run: list[str] = []
    runs = []
    for i, v in enumerate(values):
        if v is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(f"{_n(pad + i * step)},{_n(y(v))}")
    if run:
        runs.append(run)
    for r in runs:
        parts.append(f'<polyline fill="none" stroke="{LINE}" stroke-width="1.5" points="{" ".join(r)}"/>')
    last = len(values) - 1
    if values[last] is not None:
        parts.append(f'<circle cx="{_n(pad + last * step)}" cy="{_n(y(values[last]))}" r="2" fill="{LINE}"/>')
    parts.append("</svg>")
    return "".join(parts)


def rag_bar(counts: Mapping[str, int], *, width: int = 360, height: int = 18) -> str:
    """One bar split into the share of measures in each RAG state, each part labelled with its count when wide
    enough (the page states the counts in words beside it)."""
    total = sum(counts.get(s, 0) for s in RAG_ORDER) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="RAG summary">']
    x = 0.0
    for state in RAG_ORDER:
        n = counts.get(state, 0)
        if not n:
            continue
        w = width * n / total
        parts.append(f'<rect x="{_n(x)}" y="0" width="{_n(w)}" height="{height}" fill="{RAG_COLOURS[state]}"/>')
        if w >= 16:
            colour = "#0b0c0c" if state == "no target" else "#ffffff"
            parts.append(f'<text x="{_n(x + w / 2)}" y="{height - 5}" font-size="11" fill="{colour}" '
                         f'text-anchor="middle" font-family="sans-serif">{n}</text>')
        x += w
    parts.append("</svg>")
    return "".join(parts)


def rag_words(counts: Mapping[str, int]) -> str:
    """The counts of the bar in words: "5 green, 5 amber, 1 red, 7 no target"."""
    return ", ".join(f"{counts[s]} {s}" for s in RAG_ORDER if counts.get(s))
