"""The matrix as a picture: a self-contained SVG for a README (``rodeo report --svg``).

GitHub shows a README's SVG through an ``<img>``, where scripts, links and external resources are
dead or dangerous anyway, so the picture has none: only shapes, text and one internal pattern.
Every string that came from a package, a log or a config is stripped of characters XML cannot
carry and escaped, so no name or summary can break the document. Text widths are estimated
(no font metrics here), so labels are truncated to what surely fits rather than measured.

Every text stands at 4.5:1 contrast or more against what it is drawn on (WCAG AA for small text;
``tests/report/test_svg.py`` computes each pair), and a regression or a fix is marked by a symbol
in the cell (▼, ▲), not by colour alone. Counts and words are the report's (:mod:`.words`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from xml.sax.saxutils import escape

from rodeo_action.report import trends as TR
from rodeo_action.report import words as W
from rodeo_action.report.escape import no_scheme, redact_tokens
from rodeo_action.report.model import FAILING, CellView, Report, Row

MAX_ROWS = 50                  # taller pictures stop here, with a "+N more rows" line
MAX_WIDTH = 1000               # displayed width cap; the viewBox scales wider matrices down
FONT = "Verdana,DejaVu Sans,Geneva,sans-serif"
FONT_SIZE = 12
CHAR_W = 7.6                   # a generous average glyph width at FONT_SIZE (Verdana is wide)
CELL_W, CELL_H = 56, 22
PAD = 16
HOVER_CHARS = 600
SCORE_LABEL = "pass of ran"
TREND_LABEL = "pass rate"      # the strip under the scores: one bar per run kept, per manager
TREND_H = 16
INK = "#1f2328"                # body text on white (15.8:1)
MUTED = "#57606a"              # secondary text on white (6.4:1)
ALERT = "#cf222e"              # "rows with failures not shown" on white (5.4:1)
PAPER = "#ffffff"
HATCH_LINE = "#d0d7de"         # the n/a pattern's stripes: n/a text must read on them too
MARKS = {"regression": "▼", "fix": "▲"}     # drawn in the cell, so a change does not hang on colour


@dataclass(frozen=True)
class Style:
    """How one status is drawn: fill, text colour, the short word inside the cell, the legend word."""

    fill: str
    ink: str
    mark: str
    legend: str
    dashed: bool = False


STYLES: dict[str, Style] = {
    "pass": Style("#1a7f37", "#ffffff", "", "pass (time)"),                  # 5.1:1
    "fail": Style("#cf222e", "#ffffff", "fail", "fail"),                      # 5.4:1
    "timeout": Style("#fb8f44", "#1f2328", "t/o", "timeout (t/o)"),           # 6.9:1
    "error": Style("#8250df", "#ffffff", "err", "error (err)"),               # 5.1:1
    "missing": Style("#f6f8fa", "#57606a", "?", "missing (?)", dashed=True),  # 6.0:1
    "unavailable": Style("#d0d7de", "#424a53", "–", "unavailable (–)"),       # 6.2:1
    "n/a": Style("url(#rodeo-hatch)", "#424a53", "n/a", "n/a"),               # 6.2:1 on the stripes
}
UNKNOWN = Style("#eaeef2", "#1f2328", "?", "other")

# Characters XML 1.0 cannot carry at all, the C1 controls and DEL it can (but should not show), and
# bidi controls and marks that could make a hover text lie.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
                      "|[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def printable(text: str) -> str:
    """``text`` with what XML cannot carry (and C1 controls, DEL, bidi controls) replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def shown(text: str) -> str:
    """What the picture shows of ``text``: :func:`printable`, no token (redacted *after* controls are
    replaced, so none can reassemble), script schemes broken."""
    return no_scheme(redact_tokens(printable(text)))


def clean(text: str) -> str:
    """``text`` as XML character data (or an attribute value) that cannot break the document: what
    :func:`shown` shows, escaped. (No rodeo marker can form: ``<`` is escaped.)"""
    return escape(shown(text), {'"': "&quot;", "'": "&#39;"})


def _fit(text: str, chars: int) -> str:
    """One line of at most ``chars`` characters (an ellipsis marks the cut)."""
    text = " ".join(text.split())
    return text if len(text) <= chars else text[: max(chars - 1, 0)] + "…"


def _width(text: str, size: float = FONT_SIZE) -> float:
    return len(text) * CHAR_W * size / FONT_SIZE


def hover(cell: CellView) -> str:
    """What a hover over a cell tells: ``id: status — phase: cause kind (package): summary``."""
    text = f"{cell.id}: {cell.status}"
    cause = cell.cause
    if cause is not None:
        phase = cell.result.phase if cell.result is not None and cell.result.phase else "run"
        what = f"{cause.kind} ({cause.package})" if cause.package else cause.kind
        text += f" — {phase}: {what}: {cause.summary}"
    elif cell.status == "pass":
        text += f" — {cell.seconds:.1f} s"
    elif cell.note:
        text += f" — {cell.note}"
    return text if len(text) <= HOVER_CHARS else text[: HOVER_CHARS - 1] + "…"


def shown_rows(rows: tuple[Row, ...], limit: int = MAX_ROWS) -> tuple[list[Row], int, int]:
    """The rows worth drawing when there are too many: failing ones first, then in table order.

    Returns the rows (in table order), how many were left out, and how many of those had a failure.
    """
    if len(rows) <= limit:
        return list(rows), 0, 0
    failing = [any(c is not None and c.status in FAILING for c in r.cells) for r in rows]
    keep = [i for i, f in enumerate(failing) if f][:limit]
    if len(keep) < limit:
        chosen = set(keep)
        keep += [i for i in range(len(rows)) if i not in chosen][: limit - len(keep)]
    kept = set(keep)
    hidden_failing = sum(1 for i, f in enumerate(failing) if f and i not in kept)
    return [rows[i] for i in sorted(kept)], len(rows) - limit, hidden_failing


class _Canvas:
    """SVG elements as text, so a picture of any size is one join."""

    def __init__(self) -> None:
        self.parts: list[str] = []

    def text(self, x: float, y: float, content: str, *, size: float = FONT_SIZE, fill: str = INK,
             anchor: str = "start", weight: str | None = None, transform: str | None = None) -> None:
        attrs = f'x="{x:.1f}" y="{y:.1f}"' if transform is None else f'transform="{transform}"'
        extra = f' font-weight="{weight}"' if weight else ""
        self.parts.append(f'<text {attrs} font-size="{size}" fill="{fill}" text-anchor="{anchor}"{extra}>'
                          f"{clean(content)}</text>")

    def rect(self, x: float, y: float, w: float, h: float, fill: str, *, stroke: str = "#ffffff",
             dashed: bool = False) -> str:
        dash = ' stroke-dasharray="3 2"' if dashed else ""
        return (f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}" '
                f'stroke="{stroke}"{dash}/>')

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str = "#d0d7de") -> None:
        self.parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}"/>')


@dataclass(frozen=True)
class _Layout:
    """Where everything goes: the label columns' widths, the grid's origin, how the headers stand."""

    title: str
    subtitle: str
    managers: list[str]                      # column headers, fitted
    heads: list[str]                         # the label columns' headers: set[, os][, python]
    labels: list[tuple[str, str, str]]       # per shown row: set, os, python, fitted
    label_w: list[float]
    vary_os: bool
    vary_py: bool
    level: bool                              # column headers level (else at 45 degrees)
    overhang: float                          # how far slanted headers reach past the grid
    x0: float                                # the grid's left edge
    y_title: float
    y0: float                                # the grid's top edge

    @property
    def grid_w(self) -> float:
        return CELL_W * len(self.managers)

    @classmethod
    def of(cls, report: Report, rows: list[Row]) -> _Layout:
        managers = [_fit(m, 14) for m in report.managers]
        vary_os = any(r.os for r in report.rows)
        vary_py = any(r.python for r in report.rows)
        labels = [(_fit(r.set, 28), _fit(r.os or "", 20), _fit(r.python or "", 8)) for r in rows]
        heads = ["set", *(["os"] if vary_os else []), *(["python"] if vary_py else [])]
        columns = [[lab[0] for lab in labels], *([[lab[1] for lab in labels]] if vary_os else []),
                   *([[lab[2] for lab in labels]] if vary_py else [])]
        label_w = [max([_width(h), *(_width(v) for v in col)]) + 14 for h, col in zip(heads, columns, strict=True)]
        label_w[-1] = max(label_w[-1], _width(SCORE_LABEL, 11) + 14 - sum(label_w[:-1]))
        # column headers: level when every name fits its column, else at 45 degrees
        longest = max((_width(m) for m in managers), default=0.0)
        level = longest <= CELL_W - 6
        header_h = 24.0 if level else longest * 0.71 + 16
        overhang = 0.0 if level else max(0.0, longest * 0.71 - CELL_W / 2 + 4)
        tally = W.Tally.of(c.status for c in report.cells)
        y_title = PAD + 16
        return cls(title=f"rodeo: {report.name}" if report.name else "rodeo",
                   subtitle=" · ".join(x for x in (W.when(report.generated_at), tally.summary(icons=False)) if x),
                   managers=managers, heads=heads, labels=labels, label_w=label_w, vary_os=vary_os, vary_py=vary_py,
                   level=level, overhang=overhang, x0=PAD + sum(label_w), y_title=y_title,
                   y0=y_title + 22 + header_h)


def render(report: Report, max_rows: int = MAX_ROWS) -> str:
    """The whole picture: title, column headers, one row per table row, the pass rates, a legend."""
    rows, hidden, hidden_failing = shown_rows(report.rows, max_rows)
    at = _Layout.of(report, rows)
    c = _Canvas()
    c.text(PAD, at.y_title, _fit(at.title, 60), size=16, weight="bold")
    c.text(PAD, at.y_title + 18, at.subtitle, size=11, fill=MUTED)
    _headers(c, at)
    y = _rows(c, at, rows, _marks(report))
    y = _scores(c, at, report, y + 16)
    y = _trend_strip(c, at, report, y)
    if hidden:
        y += 20
        more = f"+{hidden:,} more rows not shown"
        if hidden_failing:
            more += f" ({hidden_failing:,} of them with failures)"
        c.text(PAD, y, more, size=12, fill=ALERT if hidden_failing else MUTED, weight="bold")
    width = max(at.x0 + at.grid_w + at.overhang, _width(at.subtitle, 11), _width(_fit(at.title, 60), 16)) + PAD
    height = _legend(c, report, width, y + 14, _marks(report)) + 14 + PAD
    return _document(at, width, height) + "".join(c.parts) + "</svg>\n"


def _headers(c: _Canvas, at: _Layout) -> None:
    """The label columns' headers, then one per manager (level, or slanted when a name is too wide)."""
    x: float = PAD
    for head, w in zip(at.heads, at.label_w, strict=True):
        c.text(x, at.y0 - 7, head, size=11, fill=MUTED, weight="bold")
        x += w
    for i, m in enumerate(at.managers):
        cx = at.x0 + i * CELL_W + CELL_W / 2
        if at.level:
            c.text(cx, at.y0 - 7, m, anchor="middle", weight="bold")
        else:
            c.text(0, 0, m, weight="bold", transform=f"translate({cx - 2:.1f},{at.y0 - 7:.1f}) rotate(-45)")


def _marks(report: Report) -> dict[str, str]:
    """Cell id -> ▼ (regressed) or ▲ (fixed) since the last run."""
    return {ch.cell_id: MARKS[ch.kind] for ch in report.changes if ch.kind in MARKS}


def _rows(c: _Canvas, at: _Layout, rows: list[Row], marks: dict[str, str]) -> float:
    """One line of cells per row, its labels shown where they change; returns the y below the grid."""
    y = at.y0
    previous: tuple[str, str] | None = None
    for row, (set_label, os_label, py_label) in zip(rows, at.labels, strict=True):
        new_set = previous is None or previous[0] != row.set
        new_os = new_set or (previous is not None and previous[1] != (row.os or ""))
        if new_set and previous is not None:
            c.line(PAD, y, at.x0 + at.grid_w, y, "#8c959f")
        elif new_os and previous is not None:
            c.line(PAD + at.label_w[0], y, at.x0 + at.grid_w, y)
        base = y + CELL_H / 2 + 4
        x = float(PAD)
        shown = [set_label if new_set else "", *([os_label if new_os else ""] if at.vary_os else []),
                 *([py_label] if at.vary_py else [])]
        for text, w in zip(shown, at.label_w, strict=True):
            if text:
                c.text(x, base, text)
            x += w
        for i, cell in enumerate(row.cells):
            c.parts.append(_cell(c, at.x0 + i * CELL_W, y, cell, marks.get(cell.id, "") if cell else ""))
        previous = (row.set, row.os or "")
        y += CELL_H
    return y


def _scores(c: _Canvas, at: _Layout, report: Report, y: float) -> float:
    """The scoreboard under the grid, one pass rate per manager."""
    c.text(PAD, y, SCORE_LABEL, size=11, fill=MUTED, weight="bold")
    scores = {s.manager: s for s in report.scores}
    for i, manager in enumerate(report.managers):
        score = scores.get(manager)
        rate = f"{score.passed} of {score.ran}" if score is not None and score.ran else "–"
        c.text(at.x0 + i * CELL_W + CELL_W / 2, y, rate, size=_size(rate), anchor="middle", fill=MUTED)
    return y


def _trend_strip(c: _Canvas, at: _Layout, report: Report, y: float) -> float:
    """Under each manager's score, its pass rate in each run the history keeps (oldest first), as bars
    in its column; a run without a verdict has no bar, only the baseline. Each strip's ``<title>`` says
    it in words. Nothing when the history has one run. Returns the y below it."""
    trends = TR.trends(report)
    if not trends or len(trends[0].points) < 2:
        return y
    top = y + 8
    base = top + TREND_H
    runs = len(trends[0].points)
    c.text(PAD, base - 2, TREND_LABEL, size=11, fill=MUTED, weight="bold")     # as wide as SCORE_LABEL at most
    step = (CELL_W - 8) / runs
    for i, t in enumerate(trends):
        x0 = at.x0 + i * CELL_W + 4
        bar_w = max(step - 0.6, 0.8)
        bars = [f'<rect x="{x0 + k * step:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{MUTED}"/>'
                for k, p in enumerate(t.points) if p.pass_rate is not None and (h := max(1.0, p.pass_rate * TREND_H))]
        said = f"{t.manager}, the last {runs} runs: {W.trend_text(t, '')}"
        c.parts.append(f"<g><title>{clean(said)}</title>"
                       f'<line x1="{x0:.1f}" y1="{base + 0.5:.1f}" x2="{x0 + CELL_W - 8:.1f}" y2="{base + 0.5:.1f}" '
                       f'stroke="{HATCH_LINE}"/>{"".join(bars)}</g>')
    return base


def _size(text: str) -> float:
    """The font size that fits ``text`` in a cell: 11, or 10 past six characters, 9 past eight."""
    return 11 if len(text) <= 6 else 10 if len(text) <= 8 else 9


def _legend(c: _Canvas, report: Report, width: float, y: float, marks: dict[str, str]) -> float:
    """A swatch and a count per status present, then the change marks present, wrapped to the picture's
    width; returns its last line's y."""
    counts = Counter(cell.status for cell in report.cells)
    lx, ly = float(PAD), y
    items: list[tuple[Style | None, str]] = [
        (STYLES.get(status, UNKNOWN), f"{STYLES[status].legend if status in STYLES else status} {counts[status]:,}")
        for status in [st for st in STYLES if counts.get(st)] + sorted(set(counts) - set(STYLES))]
    changed = Counter(marks.values())
    items += [(None, f"{MARKS[kind]} {W.CHANGE_MEANINGS[kind]} {changed[MARKS[kind]]:,}")
              for kind in ("regression", "fix") if changed.get(MARKS[kind])]
    for style, label in items:
        item_w = (20 if style else 0) + _width(label, 11) + 16
        if lx > PAD and lx + item_w > width - PAD:
            lx, ly = float(PAD), ly + 20
        if style is not None:
            c.parts.append(c.rect(lx, ly, 14, 14, style.fill, stroke="#8c959f", dashed=style.dashed))
        c.text(lx + (20 if style else 0), ly + 11, label, size=11, fill=INK)
        lx += item_w
    return ly


def _document(at: _Layout, width: float, height: float) -> str:
    """The opening of the document: its size (scaled down to MAX_WIDTH), title, the n/a hatch, a white ground."""
    shown_w = min(width, MAX_WIDTH)
    shown_h = height * shown_w / width
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{shown_w:.0f}" height="{shown_h:.0f}" '
            f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}" role="img">'
            f"<title>{clean(at.title + ' — ' + at.subtitle)}</title>"
            '<defs><pattern id="rodeo-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{PAPER}"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH_LINE}" stroke-width="2"/></pattern></defs>'
            f'<rect width="{width:.0f}" height="{height:.0f}" fill="{PAPER}"/>')


def _cell(c: _Canvas, x: float, y: float, cell: CellView | None, change: str = "") -> str:
    if cell is None:
        return c.rect(x, y, CELL_W, CELL_H, PAPER, stroke="#eaeef2")
    style = STYLES.get(cell.status, UNKNOWN)
    mark = W.duration(cell.seconds) if cell.status == "pass" else style.mark
    if change:
        mark = f"{change} {mark}".strip()
    stroke = "#8c959f" if style.dashed else PAPER
    return (f"<g><title>{clean(hover(cell))}</title>"
            + c.rect(x, y, CELL_W, CELL_H, style.fill, stroke=stroke, dashed=style.dashed)
            + f'<text x="{x + CELL_W / 2:.1f}" y="{y + CELL_H / 2 + 4:.1f}" font-size="{_size(mark)}" '
            f'fill="{style.ink}" text-anchor="middle">{clean(mark)}</text></g>')
