"""Report -> what people read: the markdown report, README block, PR comment, job summary, terminal.

Every output is assembled from the report's escaped view (:mod:`.view`) by a template
(:mod:`.templates`): templates only arrange those pieces, so a user's own template
(``report.templates``) can reword and reorder without being able to forget an escape — and
user-derived values it pulls from ``report`` itself go through the ``md``/``html``/``fence``/
``url``/``plain`` filters of :mod:`.escape`. Each published output carries its hidden marker
(:mod:`.markers`). An issue's texts are made by :mod:`.issuetext`; ``issue`` and ``fixed`` are
listed here with the other outputs.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rodeo_action.errors import InputError
from rodeo_action.report import budget as B
from rodeo_action.report import view as V
from rodeo_action.report.escape import md, plain, url
from rodeo_action.report.history import digest
from rodeo_action.report.issuetext import fixed, issue
from rodeo_action.report.markers import comment_marker, readme_markers
from rodeo_action.report.model import CellView, Report, Score
from rodeo_action.report.templates import Settings, generate, is_ours
from rodeo_action.report.templates import render as render_template
from rodeo_action.report.view import cut_note, duration, label, plural, version_text

if TYPE_CHECKING:
    from rodeo_action.results import Result

def _title(report: Report, settings: Settings) -> str:
    return md(settings.title or (f"rodeo {report.name}" if report.name else "rodeo"), 120)


def _context(report: Report, settings: Settings, level: B.Level, details: bool = True,
             cap: int | None = None, anchors: bool | None = None) -> dict[str, Any]:
    """What every report template gets: pre-escaped sections plus the model itself. ``anchors``: the
    table links failures to their details in the document (default: when ``details`` are given)."""
    view = V.of(report)
    linked = frozenset(view.detail_ids(level)[0]) if (details if anchors is None else anchors) else frozenset()
    table, shown = ("", 0) if level.counts_only else view.table(level.all_rows, linked)
    cut = level.cut(shown, view.table_total(level.all_rows), details)
    start, end = readme_markers(report.name)
    return {
        "report": report, "level": level.name, "title": _title(report, settings),
        "headline": view.headline, "counts": view.count_line, "generated": view.generated,
        "run_url": url(report.run_url), "cut": cut_note(cut, report.run_url), "table": table,
        "legend": view.legend(level.all_rows, linked) if table else "",
        "folded": "" if level.counts_only else view.folded(),
        "scoreboard": view.scoreboard(level.max_items), "changes": view.changes(0 if level.counts_only
                                                                                else level.max_items),
        "culprits": view.culprits(level.max_items), "details": view.details(level, cap=cap) if details else "",
        "notes": view.notes(level.max_items), "not_run": "" if level.counts_only else view.not_run(level.max_items),
        "marker": comment_marker(report.name), "start": start, "end": end, "digest": "",
        "known_good": "" if level.counts_only else view.known_good,
        "site_url": url(report.site_url),
        "trends": "" if level.counts_only else view.trends(level.max_items),
    }


# -- the outputs --------------------------------------------------------------------------------

def markdown(report: Report, settings: Settings | None = None) -> str:
    """``--markdown`` (and ``rodeo local``'s report.md): everything, no size limit."""
    settings = settings or Settings()
    return render_template(settings, "report.md.j2", _context(report, settings, B.FULL))


def markdown_chunks(report: Report, settings: Settings | None = None) -> Iterator[str]:
    """:func:`markdown` piece by piece, for writing as it comes: the failures' details (most of a big
    report: 70 MB at 100,000 cells) are formatted one at a time and never joined into one string.

    Our template gets a one-time placeholder for ``details``, replaced by the blocks as they are made
    (no text from a result can forge it: :func:`escape.clean` breaks every ``rodeo:``); a user's
    template is rendered whole, as it may do anything with ``details``."""
    settings = settings or Settings()
    if not is_ours(settings, "report.md.j2"):
        yield markdown(report, settings)
        return
    view = V.of(report)
    ctx = _context(report, settings, B.FULL, details=False, anchors=True)
    blocks = view.detail_blocks(B.FULL, keep=False)
    first = next(blocks, None)
    slot = f"\ue000rodeo:details:{secrets.token_hex(8)}\ue001"
    ctx["details"] = slot if first is not None else ""
    for chunk in generate(settings, "report.md.j2", ctx):
        while first is not None and slot in chunk:
            before, chunk = chunk.split(slot, 1)
            yield before
            yield first
            for block in blocks:
                yield "\n\n"
                yield block
            first = None
        yield chunk


def summary(report: Report, settings: Settings | None = None) -> str:
    """The job summary (``$GITHUB_STEP_SUMMARY``), within 1 MiB."""
    settings = settings or Settings()
    return B.fit(lambda level: render_template(settings, "summary.md.j2", _context(report, settings, level,
                                                                           cap=B.SUMMARY_BYTES)), B.SUMMARY)


def comment(report: Report, settings: Settings | None = None) -> str:
    """The sticky PR comment, within 65,536 characters, with its marker and (if it fits) the digest, at
    most half of it. The digest shrinks (pins, then history) before anything a person reads is cut."""
    settings = settings or Settings()
    marker = comment_marker(report.name)

    def one(level: B.Level, dig: str) -> str:
        ctx = _context(report, settings, level, cap=B.COMMENT_CHARS)
        ctx["digest"] = dig
        if not dig:
            ctx["notes"] = [*ctx["notes"], "the results digest is too large for a comment; the next run's "
                                            "baseline comes from --json or the README"]
        return render_template(settings, "comment.md.j2", ctx, [marker, *([dig] if dig else [])])

    return B.fit_yielding(one, B.COMMENT, lambda room: digest(report, min(room, B.COMMENT_CHARS // 2 - 1)))


README_LEVELS = tuple(replace(level, details=False) for level in B.LEVELS)


def readme_block(report: Report, settings: Settings | None = None) -> str:
    """The README block, from its start marker to its end marker, digest inside (no logs)."""
    settings = settings or Settings()
    start, end = readme_markers(report.name)
    dig = V.of(report).digest

    def one(level: B.Level) -> str:
        ctx = _context(report, settings, level, details=False)
        ctx["digest"] = dig
        out = render_template(settings, "readme.md.j2", ctx, [start, end, dig])
        if not (out.index(start) < out.index(end)) or out.count(start) != 1 or out.count(end) != 1:
            raise InputError("template readme.md.j2: expected its output to hold the start marker once, "
                             "before the end marker")
        return out.strip("\n") + "\n"

    # the digest must survive any cut: budget the rest
    return B.fit(one, B.Budget(B.README_CHARS + len(dig)), README_LEVELS)


# -- terminal and rodeo local -------------------------------------------------------------------

def terminal(report: Report) -> str:
    """The table for a terminal (tabulate), then the scoreboard and what changed.

    With more managers than rows (the usual rodeo: one set, sixteen managers) the table is turned
    so that managers are rows: a terminal is narrow, and a manager's verdict reads on one line.
    """
    from tabulate import tabulate

    view = V.of(report)
    vary_os, vary_py = view.vary
    heads = [[plain(row.set, 64), *([plain(row.os or "", 64)] if vary_os else []),
              *([plain(row.python or "", 16)] if vary_py else [])] for row in report.rows]
    names = [plain(m, 40) for m in report.managers]
    scores = {s.manager: s for s in report.scores}
    if len(report.managers) > len(report.rows):
        headers = ["manager", *(" ".join(h) for h in heads), "passed", "not run because"]
        rows = [[name, *(plain(label(row.cells[i]), 60) for row in report.rows), _rate(scores.get(m)),
                 _why([row.cells[i] for row in report.rows])]
                for i, (m, name) in enumerate(zip(report.managers, names, strict=True))]
        if not any(r[-1] for r in rows):
            headers.pop()
            rows = [r[:-1] for r in rows]
        out = [tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)]
    else:
        headers = ["set", *(["os"] if vary_os else []), *(["python"] if vary_py else []), *names]
        rows = [[*h, *(plain(label(c), 60) for c in row.cells)] for h, row in zip(heads, report.rows, strict=True)]
        out = [tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True), ""]
        for s in report.scores:
            out.append(f"{plain(s.manager, 40)}: {_rate(s)}")
    if report.has_baseline:
        counts: dict[str, int] = {}
        for ch in report.changes:
            counts[ch.kind] = counts.get(ch.kind, 0) + 1
        out.append("changes: " + (", ".join(plural(n, k) for k, n in counts.items()) or "none"))
    out.append(("" if out[-1] == "" else "\n") + plain(view.count_line))
    return "\n".join(out)


def _why(cells: Sequence[CellView | None]) -> str:
    """Why a manager's cells did not run here (unavailable / n/a), once per distinct reason."""
    reasons = dict.fromkeys(c.note for c in cells if c is not None and c.status in ("unavailable", "n/a") and c.note)
    return plain("; ".join(r for r in reasons if r), 90)


def _rate(s: Score | None) -> str:
    """``2 of 4 pass (50%), 1 not run``: the words of the markdown scoreboard and the badge."""
    if s is None:
        return ""
    rate = f"{s.passed} of {s.ran} pass ({100 * s.passed / s.ran:.0f}%)" if s.ran else "nothing ran"
    return rate + (f", {s.total - s.ran} not run" if s.total > s.ran else "")


def local(results: Iterable[Result], managers: Sequence[str], title: str, when: str, host: str = "") -> str:
    """``rodeo local``'s report.md."""
    from rodeo_action.report.build import local_report

    return markdown(local_report(results, managers, when, host), Settings(title=title))


__all__ = ["Settings", "comment", "duration", "fixed", "issue", "label", "local", "markdown",
           "markdown_chunks", "readme_block", "summary", "terminal", "version_text"]
