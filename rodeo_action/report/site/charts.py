"""A manager's trend as two small inline SVG charts (pass rate, median time) and the numbers behind them.

Each chart is drawn from :class:`~rodeo_action.report.trends.ManagerTrend` points only: numbers and a
manager name, escaped, in an ``<svg role="img">`` with a ``<title>``; the page puts the same numbers in
a table beside it (the text alternative), so nothing is told by the picture alone. A run with no verdict
(or no pass, for the time) is a gap in the line, never drawn as zero, and the caption says how many
runs could not be shown and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from rodeo_action.report.escape import redact_tokens, strip_controls
from rodeo_action.report.site.style import COLOURS
from rodeo_action.report.trends import ManagerTrend, RunPoint
from rodeo_action.report.words import duration

WIDTH, HEIGHT = 336, 96
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 8, 18


@dataclass(frozen=True)
class Chart:
    """One chart: its SVG markup (escaped, ready to inline), and the sentence that says what it shows."""

    svg: str
    caption: str


@dataclass(frozen=True)
class TrendView:
    """What the page shows of one manager's trend: two charts, a caption, one table row per run."""

    manager: str
    rate: Chart
    time: Chart
    rows: tuple[tuple[str, str, str], ...]   # (run, pass rate, median time), oldest first, as text
    notes: tuple[str, ...]                   # what could not be shown


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * i / (n - 1) if n > 1 else span / 2)


def _y(value: float, top: float) -> float:
    span = HEIGHT - TOP - BOTTOM
    return TOP + span * (1 - (value / top if top > 0 else 0))


def _segments(values: list[float | None], top: float) -> list[list[tuple[float, float]]]:
    """Runs of consecutive known values as polyline points: a None breaks the line."""
    out: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for i, v in enumerate(values):
        if v is None:
            if current:
                out.append(current)
            current = []
            continue
        current.append((_x(i, len(values)), _y(v, top)))
    if current:
        out.append(current)
    return out


def _svg(text: str, values: list[float | None], top: float, top_text: str, css_class: str) -> str:
    label = redact_tokens(strip_controls(text))
    ink, muted, line, link = COLOURS["ink"], COLOURS["muted"], COLOURS["line"], COLOURS["link"]
    base = HEIGHT - BOTTOM
    parts = [f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(label)}">',
             f"<title>{escape(label)}</title>",
             f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{base}" stroke="{line}"/>',
             f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="{line}"/>',
             f'<text x="{LEFT - 4}" y="{TOP + 9}" font-size="11" fill="{muted}" text-anchor="end">'
             f"{escape(top_text)}</text>",
             f'<text x="{LEFT - 4}" y="{base}" font-size="11" fill="{muted}" text-anchor="end">0</text>',
             f'<text x="{LEFT}" y="{HEIGHT - 4}" font-size="11" fill="{muted}">oldest</text>',
             f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 4}" font-size="11" fill="{muted}" text-anchor="end">'
             "this run</text>"]
    for seg in _segments(values, top):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in seg)
        if len(seg) > 1:
            parts.append(f'<polyline class="line" points="{pts}" fill="none" stroke="{link}" stroke-width="2"/>')
        parts.extend(f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{link}"/>' for x, y in seg)
    if not any(v is not None for v in values):
        parts.append(f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{(TOP + base) / 2 + 4:.0f}" font-size="12" '
                     f'fill="{ink}" text-anchor="middle">nothing to draw</text>')
    parts.append("</svg>")
    return "".join(parts)


def _rate_text(p: RunPoint) -> str:
    rate = p.pass_rate
    return "no verdict" if rate is None else f"{100 * rate:.0f}% ({p.passed} of {p.verdicts})"


def view(trend: ManagerTrend) -> TrendView:
    """Both charts of ``trend``, their captions, the table's rows and what could not be shown."""
    points = trend.points
    n = len(points)
    rates = [None if p.pass_rate is None else 100 * p.pass_rate for p in points]
    times = [p.median_seconds for p in points]
    known_rates = [r for r in rates if r is not None]
    known_times = [t for t in times if t is not None]
    top_time = max(known_times, default=0.0) or 1.0
    name = trend.manager
    runs = f"{n} run" + ("s" if n != 1 else "")
    rate_caption = (f"{name}: pass rate over {runs}, " +
                    (f"now {rates[-1]:.0f}%" if rates and rates[-1] is not None else "no verdict in this run") +
                    (f", lowest {min(known_rates):.0f}%, highest {max(known_rates):.0f}%" if known_rates else ""))
    time_caption = (f"{name}: median install + import time of its passing cells over {runs}, " +
                    (f"now {duration(times[-1])}" if times and times[-1] is not None else "none passed in this run") +
                    (f", up to {duration(max(known_times))}" if known_times else ""))
    notes = []
    if trend.gaps:
        notes.append(f"{trend.gaps} of the {runs} are not known for some of its cells (a shorter history: a cell "
                     "added later, or a baseline that kept fewer runs); those cells are left out of them")
    silent = sum(r is None for r in rates)
    if silent:
        notes.append(f"{silent} of the {runs} had no verdict of {name} (not run, missing or n/a): gaps in the lines")
    if known_rates and not known_times:
        notes.append(f"no cell of {name} passed in any of the {runs}: there is no time to draw")
    rows = tuple((f"{i + 1}" + (" (this run)" if i == n - 1 else ""), _rate_text(p),
                  duration(p.median_seconds) if p.median_seconds is not None else "—")
                 for i, p in enumerate(points))
    return TrendView(
        manager=name,
        rate=Chart(_svg(rate_caption, rates, 100.0, "100%", "rate"), rate_caption),
        time=Chart(_svg(time_caption, times, top_time, duration(top_time), "time"), time_caption),
        rows=rows, notes=tuple(notes))


__all__ = ["Chart", "TrendView", "view"]
