"""Report -> the site's pages as (relative path, HTML) pairs: ``index.html`` and one page per cell.

Pages are rendered by Jinja2 templates (``templates/site/``) with autoescape on and a ``finalize``
that cleans every value a template prints (controls and bidi overrides dropped, tokens redacted)
before it is escaped, so no string from a result, a log or a config reaches a page raw. Templates
get plain strings and numbers; the only markup they get ready-made is the charts' SVG
(:mod:`.charts`, numbers and an escaped name) and the page's own CSS and script (:mod:`.style`).
No user data goes inside ``<script>``: the filters read ``data-`` attributes.

Links are relative (``cells/ID.html``, ``../index.html``), so the folder works from file:// and on
GitHub Pages alike. Sizes are bounded (:class:`Limits`): the index shows at most so many matrix
cells (rows with failures first) and changes, and shrinks them until it fits ``index_bytes``; a cell
page shows at most ``log_bytes`` of its log, the end, and all pages together ``logs_total``, failing
cells' logs first. Each page says what it left out and where the rest is.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rodeo_action.report import words as W
from rodeo_action.report.escape import redact_tokens, strip_controls, url
from rodeo_action.report.excerpt import describe, excerpt
from rodeo_action.report.model import FAILING, CellView, Change, Report, Row
from rodeo_action.report.site import charts, style
from rodeo_action.report.site.logs import Log, read_log
from rodeo_action.report.svg import shown_rows
from rodeo_action.report.trends import cell_points, trends

if TYPE_CHECKING:
    from jinja2 import Environment


@dataclass(frozen=True)
class Limits:
    """The site's size bounds (README, "The site"): what a page shows at most."""

    index_bytes: int = 3_000_000       # index.html, whatever the number of cells
    matrix_cells: int = 6_000          # cells in the index's matrix (rows with failures first)
    changes: int = 400                 # changes listed on the index
    charts: int = 40                   # managers with trend charts
    log_bytes: int = 256_000           # a cell page's log (its end)
    logs_total: int = 64_000_000       # every cell page's log together (failing cells first)
    text_chars: int = 64_000           # a repro, a lock file, a summary
    lock_files: int = 20               # lock files shown on a cell page
    versions: int = 500                # resolved versions listed on a cell page


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
CHANGE_ORDER = ("regression", "fix", "slower", "flaky", "changed", "new", "removed")
CHANGE_WORDS = {"regression": "Regressed", "fix": "Fixed", "slower": "Slower", "flaky": "Flaky",
                "changed": "Failing another way", "new": "New cells", "removed": "Removed cells"}


def page_name(cell_id: str) -> str:
    """The cell page's file name: the id when it is a plain file name, else a safe form plus a hash (so
    two ids never share a page and no id names a path)."""
    safe = _UNSAFE.sub("_", cell_id)[:120].lstrip(".") or "cell"
    if safe == cell_id:
        return f"{safe}.html"
    return f"{safe}-{hashlib.sha256(cell_id.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}.html"


def clean(value: object) -> object:
    """What a template prints: a string without controls or tokens (escaped afterwards by autoescape)."""
    from markupsafe import Markup

    if isinstance(value, Markup) or not isinstance(value, str):
        return "" if value is None else value
    return redact_tokens(strip_controls(value))


@cache
def environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from rodeo_action.resources import data_dir

    env = Environment(loader=FileSystemLoader(str(data_dir("templates") / "site")),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, finalize=clean, trim_blocks=True, lstrip_blocks=True)
    return env


def _cut(text: str, limit: int) -> tuple[str, int]:
    """``text`` cut to ``limit`` characters, and how many were left out."""
    return (text, 0) if len(text) <= limit else (text[:limit], len(text) - limit)


def _cause(cell: CellView) -> str:
    c = cell.cause
    return W.cause_text(c.kind, c.package) if c is not None else ""


def _cell_line(cell: CellView) -> tuple[str, str]:
    """The matrix cell's two lines: the status word (and time), and why (cause or note)."""
    if cell.status == "pass":
        return f"pass {W.duration(cell.seconds)}", ""
    word = W.WORDS.get(cell.status, cell.status)
    why = _cause(cell)[:60]
    return word, "" if why == word else why


def _common(report: Report, root: str) -> dict[str, Any]:
    from markupsafe import Markup

    return {"css": Markup(style.CSS), "script": Markup(style.SCRIPT), "csp": style.csp(), "root": root,
            "name": report.name or "", "title": f"rodeo {report.name}" if report.name else "rodeo",
            "generated": W.when(report.generated_at), "run_url": url(report.run_url)}


# -- the index -------------------------------------------------------------------------------------

def _matrix(report: Report, limit: int) -> tuple[dict[str, Any], list[str]]:
    """The matrix (failing rows first when not all fit) and notes on what was cut. With more managers than
    rows (one set, sixteen managers) it is turned, as the terminal's table is: a manager per row.

    Every header, row and cell that belongs to one manager carries it (``m``), so the manager filter
    hides it; every cell carries its status, for the status filter."""
    columns = max(1, len(report.managers))
    rows, hidden, hidden_failing = shown_rows(report.rows, max(1, limit // columns))
    vary_os = any(r.os for r in report.rows)
    vary_py = any(r.python for r in report.rows)
    changed = {c.cell_id: c.kind for c in report.changes}
    rates = {s.manager: f"{s.passed} of {s.ran}" if s.ran else "nothing ran" for s in report.scores}

    def cell(c: CellView | None, manager: str) -> dict[str, Any]:
        if c is None:
            return {"m": manager, "status": ""}
        word, why = _cell_line(c)
        return {"m": manager, "status": c.status, "cls": style.STATUS_CLASS.get(c.status, "missing"),
                "href": f"cells/{page_name(c.id)}", "word": word, "why": why, "id": c.id,
                "change": {"regression": "▼ regressed", "fix": "▲ fixed"}.get(changed.get(c.id, ""), "")}

    def labels(r: Row) -> list[str]:
        return [r.set, *([r.os or ""] if vary_os else []), *([r.python or ""] if vary_py else [])]

    body: list[dict[str, Any]]
    if len(report.managers) > len(rows):
        heads = [("manager", ""), *((" · ".join(labels(r)), "") for r in rows), ("passed", "")]
        body = [{"m": m, "labels": [m], "cells": [cell(r.cells[i], m) for r in rows], "rate": rates.get(m, "")}
                for i, m in enumerate(report.managers)]
        foot: list[tuple[str, str]] = []
    else:
        heads = [("set", ""), *([("os", "")] if vary_os else []), *([("python", "")] if vary_py else []),
                 *((m, m) for m in report.managers)]
        body = [{"m": "", "labels": labels(r), "cells": [cell(c, m) for c, m in zip(r.cells, report.managers,
                                                                                      strict=True)], "rate": None}
                for r in rows]
        foot = [("passed", ""), *(("", "") for _ in heads[1:len(heads) - len(report.managers)]),
                *((rates.get(m, ""), m) for m in report.managers)]
    notes = []
    if hidden:
        notes.append(f"The matrix shows {len(rows):,} of {len(report.rows):,} rows (rows with failures first); "
                     f"{hidden:,} rows are left out" + (f", {hidden_failing:,} of them with failures" if hidden_failing
                                                        else "") + ". Every cell still has its page.")
    return {"heads": heads, "rows": body, "foot": foot, "managers": list(report.managers)}, notes


def _changes(report: Report, limit: int) -> tuple[list[dict[str, Any]], list[str]]:
    groups: dict[str, list[Change]] = {}
    for ch in report.changes:
        groups.setdefault(ch.kind, []).append(ch)
    kinds = [k for k in CHANGE_ORDER if k in groups] + sorted(set(groups) - set(CHANGE_ORDER))
    out, shown = [], 0
    for kind in kinds:
        items = []
        for ch in groups[kind]:
            if shown >= limit:
                break
            shown += 1
            items.append({"id": ch.cell_id, "href": f"cells/{page_name(ch.cell_id)}" if ch.after else "",
                          "text": _change_text(ch)})
        out.append({"kind": kind, "title": CHANGE_WORDS.get(kind, kind), "count": len(groups[kind]),
                    "entries": items, "more": len(groups[kind]) - len(items)})
    notes = [f"{len(report.changes) - shown:,} of {len(report.changes):,} changes are not listed"] \
        if len(report.changes) > shown else []
    return out, notes


def _change_text(ch: Change) -> str:
    text = f"{ch.before or '—'} → {ch.after or '—'}"
    if ch.before_cause:
        text += f" (was {ch.before_cause})"
    if ch.versions:
        moved = [f"{v.name} {v.before or '(none)'} → {v.after or '(none)'}" for v in ch.versions[:5]]
        text += "; " + ", ".join(moved) + (f" and {len(ch.versions) - 5} more" if len(ch.versions) > 5 else "")
    if ch.kind == "slower" and ch.median_before is not None and ch.seconds is not None:
        text += (f"; install + import {W.duration(ch.seconds)}, usually {W.duration(ch.median_before)} "
                 f"(median of {ch.passes} passes)")
    if ch.kind == "flaky" and ch.flips:
        text += f"; {ch.flips} flips in {ch.runs} runs"
    return text


def _trends(report: Report, limit: int) -> tuple[list[dict[str, Any]], list[str]]:
    from markupsafe import Markup

    got = trends(report)
    out = []
    for t in got[:limit]:
        v = charts.view(t)
        out.append({"manager": v.manager, "rate_svg": Markup(v.rate.svg), "time_svg": Markup(v.time.svg),
                    "rate_caption": v.rate.caption, "time_caption": v.time.caption, "rows": v.rows,
                    "notes": v.notes})
    notes = [f"trend charts are drawn for {limit} of {len(got)} managers"] if len(got) > limit else []
    if got and all(len(t.points) <= 1 for t in got):
        notes.append("the history holds this run only: trends show from the next runs on (give --baseline the "
                     "previous run's --json)")
    return out, notes


def index(report: Report, limits: Limits, site_notes: list[str]) -> str:
    """``index.html``: header, notes, filters, the matrix, the changes, the trends; shrunk to fit."""
    tally = W.Tally.of(c.status for c in report.cells)
    trend_list, trend_notes = _trends(report, limits.charts)
    statuses = [s for s in tally.present()]
    while True:
        matrix, matrix_notes = _matrix(report, limits.matrix_cells)
        changes, change_notes = _changes(report, limits.changes)
        ctx = {**_common(report, ""), "counts": tally.summary(icons=False), "matrix": matrix,
               "statuses": [(s, W.WORDS.get(s, s), tally[s]) for s in statuses], "changes": changes,
               "has_baseline": report.has_baseline, "trends": trend_list,
               "notes": [*report.notes, *site_notes, *matrix_notes, *change_notes, *trend_notes]}
        text = environment().get_template("index.html.j2").render(ctx)
        if len(text.encode("utf-8")) <= limits.index_bytes or (limits.matrix_cells <= 16 and limits.changes <= 16):
            return text
        limits = replace(limits, matrix_cells=max(16, limits.matrix_cells // 2), changes=max(16, limits.changes // 2))


# -- a cell's page ---------------------------------------------------------------------------------

def _log_section(cell: CellView, log: Log | str | None, limits: Limits) -> dict[str, Any]:
    """The excerpt around the cause and the full log (or why it is not here)."""
    r = cell.result
    full = log.text if isinstance(log, Log) else (r.log_tail if r is not None else "")
    where = ("the log tail its result carries" if not isinstance(log, Log) else
             f"{log.path}, {log.size:,} bytes" + (f"; its first {log.omitted:,} bytes are left out (the rest is in the "
                                                   "results artifact)" if log.omitted else ""))
    why_not = log if isinstance(log, str) else ""
    ex = None
    if r is not None and full.strip() and (cell.status in FAILING or cell.cause is not None):
        got = excerpt(full, r.cause, r.phase, cell.manager)
        ex = {"text": got.text, "about": describe(got)}
    return {"excerpt": ex, "log": full, "where": where if full else "", "why_not": why_not}


def _lock_section(cell: CellView, limits: Limits) -> dict[str, Any] | None:
    r = cell.result
    if cell.lock is None and (r is None or r.lock is None):
        return None
    if cell.lock is None:
        assert r is not None and r.lock is not None
        return {"format": r.lock.format, "files": [], "note": f"its lock is {r.lock.file} in the results artifact "
                                                              "(not kept in this report: see the report's notes)"}
    files = []
    for name, text in sorted(cell.lock.files.items())[: limits.lock_files]:
        shown, cut = _cut(text, limits.text_chars)
        files.append({"name": name, "text": shown, "cut": cut})
    more = len(cell.lock.files) - len(files)
    return {"format": cell.lock.format, "files": files, "note": f"{more} more files" if more > 0 else ""}


def _facts(cell: CellView) -> list[tuple[str, str]]:
    r = cell.result
    facts = [("status", W.WORDS.get(cell.status, cell.status)), ("manager", cell.manager), ("set", cell.set),
             ("os", cell.os), ("python", cell.python)]
    if r is not None:
        facts += [("phase", r.phase or "—"), ("time", f"{cell.seconds:.1f} s"),
                  ("manager version", r.manager_version or "—"), ("python version", r.python_version or "—"),
                  ("platform", r.platform or "—"), ("started", W.when(r.started_at)),
                  ("packages", ", ".join(r.cell.packages))]
        if r.isolation is not None:
            facts.append(("isolated", W.broken_by(r.isolation, cell.manager)))
    if cell.note:
        facts.append(("note", cell.note))
    if cell.source:
        facts.append(("result file", cell.source))
    return facts


def cell_page(report: Report, cell: CellView, log: Log | str | None, limits: Limits,
              change: Change | None = None) -> str:
    """One cell's page: its facts, cause, excerpt, full log, lock, repro and history (``change``: its
    change since the baseline, if any)."""
    r = cell.result
    repro, repro_cut = _cut(r.repro if r is not None else "", limits.text_chars)
    versions = sorted(r.resolved.items())[: limits.versions] if r is not None else []
    history = [(str(i + 1), W.WORDS.get(s, s), W.duration(sec) if sec is not None and s == "pass" else "—")
               for i, (s, sec) in enumerate(cell_points(cell, report))]
    ctx = {**_common(report, "../"), "cell": {"id": cell.id, "status": cell.status,
                                              "cls": style.STATUS_CLASS.get(cell.status, "missing")},
           "facts": _facts(cell), "cause": cell.cause, "change": _change_text(change) if change else "",
           "change_kind": change.kind if change else "", "repro": repro, "repro_cut": repro_cut,
           "versions": versions, "versions_more": (len(r.resolved) - len(versions)) if r is not None else 0,
           "imports": sorted(r.imports.items())[: limits.versions] if r is not None else [],
           "run_link": url(r.run_url) if r is not None else None, "history": history,
           "lock": _lock_section(cell, limits), **_log_section(cell, log, limits)}
    return environment().get_template("cell.html.j2").render(ctx)


# -- the whole site --------------------------------------------------------------------------------

def pages(report: Report, results: Path | None, limits: Limits | None = None) -> Iterator[tuple[str, str]]:
    """Every page, cell pages first and ``index.html`` last (a reader of a folder being written never
    follows the index to a page that is not there yet)."""
    limits = limits or Limits()
    budget = limits.logs_total
    notes: list[str] = []
    skipped = 0
    # failing cells spend the log budget first
    order = sorted(report.cells, key=lambda c: (c.status not in FAILING, c.id))
    changes = {c.cell_id: c for c in report.changes}
    for cell in order:
        log: Log | str | None = None
        if results is not None and cell.result is not None:
            if budget > 0:
                log = read_log(results, cell.source, cell.id, min(limits.log_bytes, budget))
                if isinstance(log, Log):
                    budget -= len(log.text.encode("utf-8", "surrogateescape"))
            else:
                skipped += 1
                log = f"not included: the site's logs are bounded ({limits.logs_total:,} bytes in all, spent on " \
                      "failing cells first); it is in the results artifact"
        yield f"cells/{page_name(cell.id)}", cell_page(report, cell, log, limits, changes.get(cell.id))
    if skipped:
        notes.append(f"{skipped:,} cell pages show the result's log tail only: the site's logs are bounded "
                     f"({limits.logs_total:,} bytes in all, failing cells first)")
    if results is None:
        notes.append("no results folder was read for this site: cell pages show the log tail each result carries")
    yield "index.html", index(report, limits, notes)


__all__ = ["Limits", "cell_page", "environment", "index", "page_name", "pages"]
