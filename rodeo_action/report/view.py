"""A report's escaped view: every label, table line and failure's ``<details>``, formatted once.

The hot work (10,000 cells) is done once per report in Python (:class:`View`, kept in the report's
``memo`` by :func:`of`), all already escaped: the outputs of :mod:`.render` and :mod:`.issuetext`
and their templates only choose among these pieces, so a user's template (``report.templates``) can
reword and reorder without being able to forget an escape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rodeo_action.report import budget as B
from rodeo_action.report.escape import fence, html, md, md_link, plain, url
from rodeo_action.report.history import digest
from rodeo_action.report.model import FAILING, CellView, Change, Culprit, Report, VersionChange

ICONS = {"pass": "✅", "fail": "❌", "timeout": "⏱", "error": "💥", "n/a": "n/a", "unavailable": "unavailable",
         "missing": "missing"}
CHANGE_ICONS = {"regression": "🔻", "fix": "🎉", "changed": "🔁", "new": "🆕", "removed": "➖"}
LIST_CELLS = 8           # cell ids named inline before "and N more"


# -- small formatters ---------------------------------------------------------------------------

def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f}s"
    if seconds < 7200:
        return f"{seconds / 60:.0f}m"
    return f"{seconds / 3600:.1f}h"


def _cause_text(cell: CellView, escape: Callable[..., str]) -> str:
    cause = cell.cause
    if cause is None:
        return ""
    return f"{escape(cause.kind)} ({escape(cause.package, 80)})" if cause.package else escape(cause.kind)


def label(cell: CellView | None, escape: Callable[..., str] = plain) -> str:
    """A table cell: ``✅ 14s``, ``❌ install: missing-system-library (geos)``, ``⏱``, ``n/a`` …"""
    if cell is None:
        return "—"
    status = cell.status
    if status == "pass":
        return f"✅ {duration(cell.seconds)}"
    if status == "fail":
        phase = cell.result.phase if cell.result and cell.result.phase else "fail"
        cause = _cause_text(cell, escape)
        return f"❌ {phase}: {cause}" if cause else f"❌ {phase}"
    if status == "error":
        return "💥 error"
    return ICONS.get(status, escape(status))


def version_text(v: VersionChange, escape: Callable[..., str] = md) -> str:
    """``tensorflow 2.18.0 → 2.19.0``; the manager's own (``<uv>``) as ``uv itself 0.9.5 → 0.9.6``."""
    if v.name.startswith("<") and v.name.endswith(">"):
        tool = v.name[1:-1]
        name = f"{escape(tool)} itself"

        def show(x: str | None) -> str:
            if x is None:
                return "(none)"
            return escape(x[len(tool) + 1:] if x.startswith(tool + " ") else x, 60)
    else:
        name = escape(v.name, 80)

        def show(x: str | None) -> str:
            return "(not installed)" if x is None else escape(x, 60)
    return f"{name} {show(v.before)} → {show(v.after)}"


def _what(cell: CellView) -> str:
    """``install: missing-system-library (geos)`` for a failure's ``<summary>`` (HTML context)."""
    phase = cell.result.phase if cell.result is not None and cell.result.phase else cell.status
    cause = _cause_text(cell, html)
    return f"{html(phase)}: {cause}" if cause else html(phase)


def version_now(name: str, value: str, escape: Callable[..., str] = md) -> str:
    """``tensorflow 2.19.1``, ``uv itself 0.9.6``."""
    return version_text(VersionChange(name, value, value), escape).rsplit(" → ", 1)[0]


def log_tail(text: str, lines: int | None) -> tuple[str, str]:
    if lines is None:
        return text, "log tail"
    kept = text.splitlines()[-lines:]
    return "\n".join(kept), f"log tail (last {lines} lines)"


def more(items: Sequence[str], limit: int | None, sep: str = ", ") -> str:
    if limit is None or len(items) <= limit:
        return sep.join(items)
    return sep.join(items[:limit]) + f"{sep}… and {len(items) - limit} more"


def first(items: Sequence[Any], show: Callable[[Any], str], limit: int | None, sep: str = "\n") -> str:
    """Like :func:`more`, formatting only what it shows (lists of 10,000 changes are common)."""
    if limit is None or len(items) <= limit:
        return sep.join(map(show, items))
    return sep.join(map(show, items[:limit])) + f"{sep}… and {len(items) - limit} more"


def md_table(headers: Sequence[str], lines: Iterable[str]) -> str:
    head = "| " + " | ".join(headers) + " |"
    rule = "|" + "|".join("---" for _ in headers) + "|"
    return "\n".join([head, rule, *lines])


_PLURALS = {"fix": "fixes", "new": "new", "removed": "removed", "changed": "changed"}


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {_PLURALS.get(word, word + 's')}"


# -- the precomputed view -----------------------------------------------------------------------

@dataclass
class View:
    """Everything escaped and formatted once per report; levels only choose among these."""

    report: Report
    cells: dict[str, CellView] = field(init=False)
    regressed: frozenset[str] = field(init=False)
    changed: frozenset[str] = field(init=False)
    _details: dict[tuple[str, int | None], str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        r = self.report
        self.cells = {c.id: c for c in r.cells}
        self.regressed = frozenset(c.cell_id for c in r.changes if c.kind == "regression")
        self.changed = frozenset(c.cell_id for c in r.changes if c.kind != "removed")

    # the table ------------------------------------------------------------------------------
    @cached_property
    def vary(self) -> tuple[bool, bool]:
        rows = self.report.rows
        return any(row.os for row in rows), any(row.python for row in rows)

    @cached_property
    def headers(self) -> list[str]:
        vary_os, vary_py = self.vary
        return ["set", *(["os"] if vary_os else []), *(["python"] if vary_py else []),
                *(md(m, 40) for m in self.report.managers)]

    def _md_label(self, cell: CellView | None) -> str:
        text = label(cell, md)
        if cell is None or cell.status not in FAILING:
            return text
        if cell.id in self.regressed:
            text = "🔻 " + text
        return md_link(text, cell.result.run_url if cell.result else None)

    @cached_property
    def lines(self) -> list[tuple[bool, str]]:
        """(failing or changed, markdown line) per row."""
        vary_os, vary_py = self.vary
        out = []
        for row in self.report.rows:
            heads = [md(row.set, 64)]
            if vary_os:
                heads.append(md(row.os or "", 64))
            if vary_py:
                heads.append(md(row.python or "", 16))
            interesting = any(c is not None and (c.status in FAILING or c.id in self.changed) for c in row.cells)
            out.append((interesting, "| " + " | ".join([*heads, *map(self._md_label, row.cells)]) + " |"))
        return out

    def table(self, all_rows: bool) -> tuple[str, int]:
        chosen = [line for hit, line in self.lines if all_rows or hit]
        return (md_table(self.headers, chosen) if chosen else ""), len(chosen)

    # counts, scoreboard, notes --------------------------------------------------------------
    @cached_property
    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.report.cells:
            out[c.status] = out.get(c.status, 0) + 1
        return out

    @cached_property
    def headline(self) -> str:
        n = self.counts
        total = len(self.report.cells)
        parts = [f"{n[s]} {ICONS[s]}{'' if ICONS[s] == s else ' ' + s}" for s in ICONS if n.get(s) and s != "pass"]
        line = f"**{n.get('pass', 0)} of {total}** cells pass" + (f" ({' · '.join(parts)})" if parts else "")
        r = self.report
        if r.has_baseline:
            reg, fix = len(r.regressions), len(r.fixes)
            line += f" — **{plural(reg, 'regression')}**, {plural(fix, 'fix')} since the last run"
        return line

    @cached_property
    def generated(self) -> str:
        r = self.report
        when = md(r.generated_at, 40)
        return f"{md_link('this run', r.run_url)}, {when}" if url(r.run_url) else when

    def scoreboard(self, limit: int | None) -> str:
        scores = sorted(self.report.scores, key=lambda s: (-(s.passed / s.ran if s.ran else -1), -s.ran, s.manager))
        lines = []
        for i, s in enumerate(scores, 1):
            rest = s.total - s.ran
            extra = f" · {rest} not run" if rest else ""
            if s.ran:
                lines.append(f"{i}. **{md(s.manager, 40)}** {s.passed}/{s.ran} passed "
                             f"({100 * s.passed / s.ran:.0f}%){extra}")
            else:
                lines.append(f"{i}. **{md(s.manager, 40)}** nothing ran{extra}")
        return more(lines, limit, "\n")

    def notes(self, limit: int | None) -> list[str]:
        notes = [md(n, 500) for n in self.report.notes]
        if limit is not None and len(notes) > limit:
            notes = [*notes[:limit], f"… and {len(notes) - limit} more notes"]
        return notes

    def not_run(self, limit: int | None) -> str:
        """n/a, unavailable and missing cells, grouped by reason."""
        groups: dict[tuple[str, str], list[str]] = {}
        for c in self.report.cells:
            if c.status in ("n/a", "unavailable", "missing"):
                why = c.note or (c.result.reason if c.result and c.result.reason else "")
                groups.setdefault((c.status, why), []).append(c.id)
        lines = [f"- **{md(status)}** ({len(ids)}): {md(why, 500) or '—'}: {first(ids, md, LIST_CELLS, ', ')}"
                 for (status, why), ids in sorted(groups.items())]
        return more(lines, limit, "\n")

    # changes and culprits -------------------------------------------------------------------
    def _now(self, cid: str) -> str:
        cell = self.cells.get(cid)
        return label(cell, md) if cell else "gone"

    def change_line(self, ch: Change) -> str:
        before = md(ch.before or "—")
        icon = CHANGE_ICONS.get(ch.kind, "")
        text = f"- {icon} **{md(ch.kind)}** {md(ch.cell_id)}: {before} → {self._now(ch.cell_id)}"
        if ch.versions:
            text += " — " + ", ".join(version_text(v) for v in ch.versions)
        return text

    def changes(self, limit: int | None) -> str:
        r = self.report
        if not r.has_baseline:
            return ""
        if not r.changes:
            return "No changes since the last run."
        counts: dict[str, int] = {}
        for ch in r.changes:
            counts[ch.kind] = counts.get(ch.kind, 0) + 1
        head = " · ".join(f"{CHANGE_ICONS[k]} {plural(counts[k], k)}"
                          for k in CHANGE_ICONS if counts.get(k))
        if limit == 0:
            return head
        return head + "\n\n" + first(r.changes, self.change_line, limit)

    def culprit_line(self, c: Culprit) -> str:
        cause = ""
        if c.cause is not None:
            cause = f" — {md(c.cause.kind)}: {md(c.cause.summary, 300)}"
        flag = " 🔻 regression" if c.regression else ""
        what = {"package": "📦 package", "manager": "🧰 manager", "cell": "🔹"}.get(c.kind, md(c.kind))
        cells = first(c.cells, md, LIST_CELLS, ", ")
        text = f"- {what} **{md(c.name, 120)}**{flag} ({plural(len(c.cells), 'cell')}: {cells}){cause}"
        if c.versions:
            text += " — " + ", ".join(version_text(v) for v in c.versions)
        return text

    def culprits(self, limit: int | None) -> str:
        return first(self.report.culprits, self.culprit_line, limit)

    # failure details ------------------------------------------------------------------------
    def details_of(self, cell: CellView, tail_lines: int | None) -> str:
        key = (cell.id, tail_lines)
        if key not in self._details:
            self._details[key] = self._details_of(cell, tail_lines)
        return self._details[key]

    def _details_of(self, cell: CellView, tail_lines: int | None) -> str:
        result = cell.result
        head = f"{ICONS.get(cell.status, '')} {html(cell.id)} — {_what(cell)}"
        items = []
        if cell.cause is not None:
            items.append(f"- **cause:** {md(cell.cause.kind)} — {md(cell.cause.summary, 300)}")
        if cell.note:
            items.append(f"- **note:** {md(cell.note, 500)}")
        if result is not None:
            # escaped whole: a module name ending in "javascript" and the ": " after it must not make a scheme
            bad = [md(f"{k[:80]}: {v[:300]}", 390) for k, v in result.imports.items() if v != "ok"]
            if bad:
                items.append("- **imports:** " + "; ".join(bad))
            where = " · ".join(x for x in (md(result.manager_version or "", 100), md(result.python_version or "", 30),
                                           md(result.platform or "", 40)) if x)
            if where:
                items.append(f"- **with:** {where}")
            if url(result.run_url):
                items.append(f"- {md_link('job log', result.run_url)}")
        hist = self.report.history.get(cell.id)
        if hist is not None and hist.last_pass_at:
            items.append(f"- **last passed:** {md_link(md(hist.last_pass_at, 40), hist.last_pass_run_url)}")
        parts = [f"<details><summary>{head}</summary>", "", *items]
        if result is not None and result.repro:
            parts += ["", "repro:", "", fence(result.repro, "sh")]
        if result is not None and result.log_tail:
            tail, what = log_tail(result.log_tail, tail_lines)
            parts += ["", f"{what}:", "", fence(tail)]
        parts += ["", "</details>"]
        return "\n".join(parts)

    def details(self, level: B.Level, only: Iterable[str] | None = None, cap: int | None = None) -> str:
        """The failures' ``<details>``; past ``cap`` characters the rest is not even formatted
        (the output is over its budget anyway and the next level will be tried)."""
        return "\n\n".join(self.detail_blocks(level, only, cap))

    def detail_blocks(self, level: B.Level, only: Iterable[str] | None = None, cap: int | None = None,
                      keep: bool = True) -> Iterator[str]:
        """:meth:`details` block by block; ``keep`` False: not kept for the next output (a streamed
        markdown report of 100,000 cells formats each block once and lets it go)."""
        if not level.details or level.counts_only:
            return
        ids = list(only) if only is not None else [c.id for c in self.report.cells if c.status in FAILING]
        if not level.all_rows and only is None:
            ids = [i for i in ids if i in self.changed] or ids
        if level.max_items is not None and len(ids) > level.max_items:
            hidden = len(ids) - level.max_items
            ids = ids[: level.max_items]
        else:
            hidden = 0
        size = 0
        for i in ids:
            if i in self.cells:
                cell = self.cells[i]
                block = self.details_of(cell, level.tail_lines) if keep else \
                    self._details.get((i, level.tail_lines)) or self._details_of(cell, level.tail_lines)
                yield block
                size += len(block)
                if cap is not None and size > cap:
                    return
        if hidden:
            yield f"… and {hidden} more failures (see the job summary)"

    @cached_property
    def digest(self) -> str:
        return digest(self.report)


def of(report: Report) -> View:
    """The report's view, made on first use and kept with the report (its ``memo``)."""
    got = report.memo.get("view")
    if not isinstance(got, View):
        got = report.memo["view"] = View(report)
    return got


def cut_note(cut: str | None, run_url: str | None) -> str:
    """The visible note on what a budget cut, with a link to where the rest is."""
    if not cut:
        return ""
    where = f"[the job summary of this run]({url(run_url)})" if url(run_url) else "the job summary"
    return f"{md(cut)}; everything is in {where}"


__all__ = ["CHANGE_ICONS", "ICONS", "LIST_CELLS", "View", "cut_note", "duration", "first", "label", "md_table", "more",
           "of", "log_tail", "plural", "version_now", "version_text"]
