"""The markdown table, shaped to be read at GitHub's width (a README or PR column: ~880 px).

GitHub shows a table at 16 px with 6 px x 13 px cell padding, as wide as its content up to the
column, and scrolls it sideways past that. So the table's width is estimated from its text
(:func:`text_px`, per-character widths of a sans-serif at 16 px, rounded up) and the first layout
that fits is chosen:

1. sets (x os x python where those vary) as rows, managers as columns (a few managers);
2. managers as rows, sets x pythons x os as columns (the usual rodeo: one set, many managers),
   as the terminal view does;
3. layout 2 split into several tables, each holding whole sets where it can.

Managers that did not run at all (unavailable, n/a, missing) take no column or row: they fold
into one line under the table ("Not run here: conda, mamba — not on this host"). Cells are
short (``✅ 75 s``, ``❌ manager-broken``) and a failing cell links to its details: in the same
document when they are there, else to the job. A non-breaking space joins an icon to its word
and a number to its unit, so a cell never wraps between them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rodeo_action.report import words as W
from rodeo_action.report.escape import md, url
from rodeo_action.report.model import CellView, Report, Row

PAGE_PX = 880            # a README, PR comment or issue column on github.com
CELL_PAD_PX = 2 * 13 + 1  # GitHub's `td { padding: 6px 13px }` and a 1 px border
FONT_PX = 16

# A cell's detail target: an in-page anchor (``#rodeo-…``) or the job's URL; None: not linked
Target = Callable[[CellView], str | None]

_NARROW = set("iljtfr.,:;'!|()[]{} -/")
_WIDE = set("mwMW@%")


def text_px(text: str) -> float:
    """The width of one line of ``text`` at 16 px, estimated generously (no font metrics here)."""
    width = 0.0
    for ch in text:
        if ch in _NARROW:
            width += 5.5
        elif ch in _WIDE:
            width += 14.5
        elif ch == W.NBSP:
            width += 5.0
        elif ord(ch) >= 0x2190 or unicodedata.east_asian_width(ch) in ("W", "F"):
            width += 0.0 if unicodedata.category(ch) in ("Mn", "Cf") else 22.0    # emoji, symbols, CJK
        elif ch.isupper():
            width += 11.5
        else:
            width += 9.5
    return width


def column_px(texts: Sequence[str]) -> float:
    """A column's width: its widest line (a header may hold several, joined by ``<br>``) plus padding."""
    return max((text_px(line) for t in texts for line in t.split("\n")), default=0.0) + CELL_PAD_PX


def anchor(cell_id: str) -> str:
    """The in-page anchor of a cell's details: ``rodeo-`` and the id in [A-Za-z0-9_-] (a short hash
    keeps two ids that differ only in other characters apart)."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "-", cell_id)
    if safe != cell_id.replace(".", "-"):
        safe += "-" + hashlib.sha256(cell_id.encode()).hexdigest()[:6]
    return f"rodeo-{safe[:120]}"


# -- cells --------------------------------------------------------------------------------------

def short(cell: CellView | None, mark: str = "") -> str:
    """A cell as the table shows it (plain text): ``✅ 75 s``, ``🔻 ❌ import-error``, ``⏱ timeout``,
    ``n/a``; ``—`` for a cell the plan does not hold. ``mark`` (🔻, 🎉) goes first."""
    if cell is None:
        return "—"
    status = cell.status
    icon = W.ICONS.get(status)
    if status == "pass":
        text = f"{icon}{W.NBSP}{W.duration(cell.seconds, W.NBSP)}"
    elif status == "fail":
        cause = cell.cause
        phase = cell.result.phase if cell.result is not None and cell.result.phase else "fail"
        text = f"{icon}{W.NBSP}{cause.kind if cause is not None else phase}"
    elif icon:
        text = f"{icon}{W.NBSP}{W.WORDS[status]}"
    else:
        text = W.WORDS.get(status, status)
    return f"{mark}{W.NBSP}{text}" if mark else text


# -- the layouts --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Line:
    """One table row: its heading cells (plain text) and its cells (None: not planned)."""

    heads: tuple[str, ...]
    cells: tuple[CellView | None, ...]


@dataclass(frozen=True)
class Table:
    """One markdown table: header texts (plain; a newline is a ``<br>``) and its lines."""

    headers: tuple[str, ...]
    lines: tuple[Line, ...]
    transposed: bool


@dataclass(frozen=True)
class Shape:
    """What the table shows: the manager columns that ran, the ones folded into the not-run line."""

    managers: tuple[int, ...]                       # indices into report.managers that ran somewhere
    folded: tuple[tuple[str, tuple[str, ...]], ...]  # (why, managers) for those that ran nowhere

    @classmethod
    def of(cls, report: Report) -> Shape:
        ran: list[int] = []
        why: dict[str, list[str]] = {}
        for j, manager in enumerate(report.managers):
            statuses = {cell.status for row in report.rows if (cell := row.cells[j]) is not None}
            if statuses - W.NOT_RAN or not statuses:
                ran.append(j)
                continue
            reason = fold_reason(statuses)
            why.setdefault(reason, []).append(manager)
        return cls(tuple(ran), tuple((reason, tuple(ms)) for reason, ms in why.items()))


def fold_reason(statuses: set[str]) -> str:
    """Why a manager that ran nowhere did not run, in the legend's words."""
    if statuses == {"unavailable"}:
        return "not on this host"
    if statuses == {"n/a"}:
        return "not packaged or cannot run there"
    if statuses == {"missing"}:
        return "no result (job cancelled)"
    return "not run (" + ", ".join(s for s in W.STATUS_ORDER if s in statuses) + ")"


def _vary(rows: Sequence[Row]) -> tuple[bool, bool, bool]:
    return (len({r.set for r in rows}) > 1, any(r.os for r in rows), any(r.python for r in rows))


def by_set(report: Report, shape: Shape, rows: Sequence[Row]) -> Table:
    """Layout 1: one line per row of the report (set, os, python), one column per manager that ran."""
    _, vary_os, vary_py = _vary(report.rows)
    heads = ("set", *(["os"] if vary_os else []), *(["python"] if vary_py else []))
    lines = tuple(Line((r.set, *([r.os or ""] if vary_os else []), *([r.python or ""] if vary_py else [])),
                       tuple(r.cells[j] for j in shape.managers)) for r in rows)
    return Table((*heads, *(report.managers[j] for j in shape.managers)), lines, False)


def combo_head(row: Row, vary: tuple[bool, bool, bool]) -> str:
    """A column of layout 2: the set, os and python that vary, one per header line."""
    vary_set, vary_os, vary_py = vary
    parts = [row.set] if vary_set or not (vary_os or vary_py) else []
    if vary_os and row.os:
        parts.append(row.os)
    if vary_py and row.python:
        parts.append(f"py{row.python}")
    return "\n".join(parts)


def by_manager(report: Report, shape: Shape, columns: Sequence[int], managers: Sequence[int] | None = None) -> Table:
    """Layout 2: one line per manager that ran, one column per report row (``columns``: their indices)."""
    vary = _vary(report.rows)
    chosen = shape.managers if managers is None else managers
    headers = ("manager", *(combo_head(report.rows[i], vary) for i in columns))
    lines = tuple(Line((report.managers[j],), tuple(report.rows[i].cells[j] for i in columns)) for j in chosen)
    return Table(headers, lines, True)


def width(table: Table, cell_text: Callable[[CellView | None], str]) -> float:
    """The table's estimated width at 16 px, every cell on one line."""
    total = 0.0
    for k, head in enumerate(table.headers):
        n_heads = len(table.lines[0].heads) if table.lines else 1
        if k < n_heads:
            texts = [head, *(line.heads[k] for line in table.lines)]
        else:
            texts = [head, *(cell_text(line.cells[k - n_heads]) for line in table.lines)]
        total += column_px(texts)
    return total


@dataclass(frozen=True)
class Choice:
    """The chosen layout: its table(s), and how many of the whole table's lines they show."""

    shape: Shape
    tables: tuple[Table, ...]
    shown: int
    total: int


def choose(report: Report, cell_text: Callable[[CellView | None], str],
           keep: Callable[[CellView | None], bool] | None = None, page_px: float = PAGE_PX) -> Choice:
    """The first layout whose table(s) fit ``page_px``. ``keep``: show only the lines (a set's row,
    or a manager's) holding a cell it keeps (a failing or changed one, when an output is cut)."""
    shape = Shape.of(report)

    def wanted(cells: Sequence[CellView | None]) -> bool:
        return keep is None or any(keep(c) for c in cells)

    rows = [r for r in report.rows if wanted([r.cells[j] for j in shape.managers])]
    first = by_set(report, shape, rows)
    if width(first, cell_text) <= page_px or not shape.managers:
        return Choice(shape, (first,), len(rows), len(report.rows))
    managers = tuple(j for j in shape.managers if wanted([r.cells[j] for r in report.rows]))
    columns = list(range(len(report.rows)))
    whole = by_manager(report, shape, columns, managers)
    shown, total = len(managers), len(shape.managers)
    if width(whole, cell_text) <= page_px or not managers:
        return Choice(shape, (whole,), shown, total)
    parts = split(report, shape, columns, managers, cell_text, page_px)
    return Choice(shape, tuple(by_manager(report, shape, part, managers) for part in parts), shown, total)


def split(report: Report, shape: Shape, columns: list[int], managers: Sequence[int],
          cell_text: Callable[[CellView | None], str], page_px: float) -> list[list[int]]:
    """Layout 3: the columns in groups that each fit, whole sets together where a set fits alone."""
    def fits(part: list[int]) -> bool:
        return width(by_manager(report, shape, part, managers), cell_text) <= page_px

    groups: list[list[int]] = []
    for i in columns:                                   # columns of one set, in order
        if groups and report.rows[groups[-1][-1]].set == report.rows[i].set:
            groups[-1].append(i)
        else:
            groups.append([i])
    parts: list[list[int]] = []
    for group in groups:
        if parts and fits(parts[-1] + group):
            parts[-1] += group
            continue
        for i in group:                                 # a set too wide alone is cut where it must be
            if parts and parts[-1] and report.rows[parts[-1][-1]].set == report.rows[i].set and fits(parts[-1] + [i]):
                parts[-1].append(i)
            else:
                parts.append([i])
    return parts


# -- markdown -----------------------------------------------------------------------------------

def markdown(table: Table, cell_md: Callable[[CellView | None], str]) -> str:
    """The table as GitHub-flavoured markdown (each header line escaped, joined by ``<br>``)."""
    head = "| " + " | ".join("<br>".join(md(part, 64) for part in h.split("\n")) for h in table.headers) + " |"
    rule = "|" + "|".join("---" for _ in table.headers) + "|"
    body = ["| " + " | ".join([*(md(h, 64) for h in line.heads), *map(cell_md, line.cells)]) + " |"
            for line in table.lines]
    return "\n".join([head, rule, *body])


def link(text: str, target: str | None) -> str:
    """``text`` (escaped markdown) linked to an in-page ``#anchor`` or a URL (checked by ``url``)."""
    if target is None:
        return text
    if target.startswith("#"):
        return f"[{text}]({target})" if re.fullmatch(r"#[A-Za-z0-9_-]+", target) else text
    safe = url(target)
    return f"[{text}]({safe})" if safe else text


def folded_line(shape: Shape) -> str:
    """``Not run here: conda, mamba, … — not on this host.`` (escaped), one sentence per reason."""
    return " ".join(f"Not run here: {', '.join(md(m, 40) for m in managers)} — {md(why)}."
                    for why, managers in shape.folded)


def legend(cells: Sequence[CellView | None], marks: set[str], linked: bool) -> str:
    """What the symbols in the table mean, naming only those that occur."""
    statuses = {c.status for c in cells if c is not None}
    parts = []
    for status in W.STATUS_ORDER:
        if status in statuses:
            parts.append(W.MEANINGS[status])
    for kind in ("regression", "fix"):
        if kind in marks:
            parts.append(f"{W.CHANGE_ICONS[kind]} {W.CHANGE_MEANINGS[kind]}")
    if any(c is None for c in cells):
        parts.append("— not planned")
    if linked:
        parts.append("a failure links to its details")
    return " · ".join(parts)


__all__ = ["CELL_PAD_PX", "PAGE_PX", "Choice", "Line", "Shape", "Table", "anchor", "by_manager", "by_set", "choose",
           "column_px", "folded_line", "legend", "link", "markdown", "short", "split", "text_px", "width"]
