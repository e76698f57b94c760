"""A report's escaped view: every label, table line and failure's ``<details>``, formatted once.

The hot work (10,000 cells) is done once per report in Python (:class:`View`, kept in the report's
``memo`` by :func:`of`), all already escaped: the outputs of :mod:`.render` and :mod:`.issuetext`
and their templates only choose among these pieces, so a user's template (``report.templates``) can
reword and reorder without being able to forget an escape.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from rodeo_action.report import budget as B
from rodeo_action.report import excerpt as X
from rodeo_action.report import table as T
from rodeo_action.report import trends as TR
from rodeo_action.report import words as W
from rodeo_action.report.escape import fence, html, md, md_link, plain, url
from rodeo_action.report.history import digest
from rodeo_action.report.model import FAILING, CellView, Change, Culprit, Report, VersionChange
from rodeo_action.report.words import CHANGE_ICONS, duration, plural
from rodeo_action.results import Isolation

# a status as its icon (the statuses that ran) or its word (those that did not): words.py decides
ICONS = {s: W.ICONS.get(s, W.WORDS[s]) for s in W.STATUS_ORDER}
LIST_CELLS = 8           # cell ids named inline before "and N more"
HEADLINE_SETS = 6        # sets named in the headline before "and N more"
HEADLINE_MANAGERS = 8    # managers named after "N of M managers install the whole set"


# -- small formatters ---------------------------------------------------------------------------


def _cause_text(cell: CellView, escape: Callable[..., str]) -> str:
    cause = cell.cause
    if cause is None:
        return ""
    return f"{escape(cause.kind)} ({escape(cause.package, 80)})" if cause.package else escape(cause.kind)


def label(cell: CellView | None, escape: Callable[..., str] = plain) -> str:
    """A cell in full (terminal, issue tables): ``✅ 14 s``, ``❌ install: missing-system-library (geos)``,
    ``⏱ timeout``, ``n/a`` … (the markdown table's short form is :func:`.table.short`)."""
    if cell is None:
        return "—"
    status = cell.status
    if status == "pass":
        return f"✅ {duration(cell.seconds)}"
    if status == "fail":
        phase = cell.result.phase if cell.result and cell.result.phase else "fail"
        cause = _cause_text(cell, escape)
        return f"❌ {phase}: {cause}" if cause else f"❌ {phase}"
    if status in W.WORDS:
        return W.status_text(status)
    return escape(status)


def now_text(cell: CellView | None, escape: Callable[..., str] = md) -> str:
    """A cell's state in a change line: ``✅ 14 s``, ``❌ import-error (tensorflow)``, ``missing``."""
    if cell is None:
        return "gone"
    if cell.status == "fail" and cell.cause is not None:
        return f"❌ {_cause_text(cell, escape)}"
    return label(cell, escape)


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


# -- the precomputed view -----------------------------------------------------------------------

@dataclass
class View:
    """Everything escaped and formatted once per report; levels only choose among these."""

    report: Report
    cells: dict[str, CellView] = field(init=False)
    regressed: frozenset[str] = field(init=False)
    changed: frozenset[str] = field(init=False)
    fixed: frozenset[str] = field(init=False)
    _details: dict[tuple[str, int | None], str] = field(init=False, default_factory=dict)
    _layouts: dict[str, T.Choice] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        r = self.report
        self.cells = {c.id: c for c in r.cells}
        self.regressed = frozenset(c.cell_id for c in r.changes if c.kind == "regression")
        self.changed = frozenset(c.cell_id for c in r.changes if c.kind != "removed")
        self.fixed = frozenset(c.cell_id for c in r.changes if c.kind == "fix")

    # the table ------------------------------------------------------------------------------
    @cached_property
    def vary(self) -> tuple[bool, bool]:
        """Whether the os, the python vary among the rows (they are shown only then)."""
        rows = self.report.rows
        return any(row.os for row in rows), any(row.python for row in rows)

    def mark(self, cell: CellView | None) -> str:
        """🔻 on a cell that regressed, 🎉 on one fixed since the last run."""
        if cell is None:
            return ""
        return CHANGE_ICONS["regression"] if cell.id in self.regressed else \
            CHANGE_ICONS["fix"] if cell.id in self.fixed else ""

    def short(self, cell: CellView | None) -> str:
        """The table's text of a cell (plain): what the layout's width is estimated from."""
        return T.short(cell, self.mark(cell))

    def cell_md(self, cell: CellView | None, linked: frozenset[str]) -> str:
        """A table cell in markdown; a failure links to its details (``linked``: the ids whose details
        this document holds), else to its job."""
        text = md(self.short(cell))
        if cell is not None and cell.result is not None and cell.result.lock is not None and cell.status == "pass":
            return _lock_link(text, cell)
        if cell is None or cell.status not in FAILING:
            return text
        target = f"#{T.anchor(cell.id)}" if cell.id in linked else (cell.result.run_url if cell.result else None)
        return T.link(text, target)

    def _interesting(self, cell: CellView | None) -> bool:
        return cell is not None and (cell.status in FAILING or cell.id in self.changed)

    def layout(self, all_rows: bool) -> T.Choice:
        key = f"layout:{all_rows}"
        if key not in self._layouts:
            self._layouts[key] = T.choose(self.report, self.short, None if all_rows else self._interesting)
        return self._layouts[key]

    def table(self, all_rows: bool, linked: frozenset[str] = frozenset()) -> tuple[str, int]:
        """The table(s) as markdown (blank lines between several), and how many lines they show."""
        choice = self.layout(all_rows)
        if not choice.shown:
            return "", 0
        tables = "\n\n".join(T.markdown(t, lambda c: self.cell_md(c, linked)) for t in choice.tables)
        return tables, choice.shown

    def table_total(self, all_rows: bool) -> int:
        """How many lines the whole table has, in the layout chosen (for the note of what a cut left out)."""
        return self.layout(all_rows).total

    def folded(self) -> str:
        """``Not run here: conda, mamba — not on this host.``: the managers that ran nowhere."""
        return T.folded_line(self.layout(True).shape)

    def legend(self, all_rows: bool, linked: frozenset[str] = frozenset()) -> str:
        """What the table's symbols mean, only those it shows."""
        choice = self.layout(all_rows)
        cells = [c for t in choice.tables for line in t.lines for c in line.cells]
        marks = {"regression" if m == CHANGE_ICONS["regression"] else "fix" for c in cells if (m := self.mark(c))}
        return T.legend(cells, marks, any(c is not None and c.id in linked for c in cells))

    # counts, scoreboard, notes --------------------------------------------------------------
    @cached_property
    def tally(self) -> W.Tally:
        return W.Tally.of(c.status for c in self.report.cells)

    @cached_property
    def counts(self) -> dict[str, int]:
        return dict(self.tally.counts)

    def _whole(self) -> dict[str, dict[str, bool]]:
        """Per set, per manager that ran on it: whether it installed all of it (every cell of the
        manager's in that set that ran passed)."""
        per: dict[str, dict[str, bool]] = {}
        for row in self.report.rows:
            ok = per.setdefault(row.set, {})
            for manager, cell in zip(self.report.managers, row.cells, strict=True):
                if cell is not None and cell.status in W.RAN:
                    ok[manager] = ok.get(manager, True) and cell.status == "pass"
        return per

    @cached_property
    def answer(self) -> str:
        """The headline's first words: how many managers install the whole set (each set, or every one)."""
        per = self._whole()
        ran = [m for m in self.report.managers if any(m in ok for ok in per.values())]
        if not ran:
            return "**Nothing ran.**"
        good = [m for m in ran if all(ok[m] for ok in per.values() if m in ok)]
        if len(per) == 1:
            names = f": {', '.join(md(m, 40) for m in good)}" if 0 < len(good) <= HEADLINE_MANAGERS else ""
            verb = "installs" if len(good) == 1 else "install"
            return f"**{len(good)} of {plural(len(ran), 'manager')} {verb} the whole set**{names}."
        each = [f"{md(name, 40)}: {sum(ok.values())} of {len(ok)}" for name, ok in per.items() if ok]
        verb = "installs every set it" if len(good) == 1 else "install every set they"
        return (f"**{len(good)} of {plural(len(ran), 'manager')} {verb} ran on** "
                f"({more(each, HEADLINE_SETS, ' · ')}).")

    @cached_property
    def headline(self) -> str:
        """The answer first, then what changed since the last run."""
        r = self.report
        line = self.answer
        if r.has_baseline:
            kinds = {k: sum(1 for c in r.changes if c.kind == k)
                     for k in ("regression", "fix", "changed", "flaky", "slower")}
            said = [f"{CHANGE_ICONS[k]} {plural(n, k)}" for k, n in kinds.items() if n]
            if kinds["regression"]:
                said[0] = f"**{said[0]}**"
            line += (" " + " · ".join(said) + " since the last run." if said else " No change since the last run.")
        return line

    @cached_property
    def count_line(self) -> str:
        """``5 of 11 cells pass (6 ❌ fail) · not run: 5 unavailable``: the same count as badge and SVG."""
        return self.tally.summary()

    @cached_property
    def generated(self) -> str:
        r = self.report
        when = md(W.when(r.generated_at), 40)
        return f"{md_link('this run', r.run_url)}, {when}" if url(r.run_url) else when

    def scoreboard(self, limit: int | None) -> str:
        """Each manager's pass rate; empty when every manager has one cell (the table says it all)."""
        if all(s.total <= 1 for s in self.report.scores):
            return ""
        scores = sorted(self.report.scores, key=lambda s: (-(s.passed / s.ran if s.ran else -1), -s.ran, s.manager))
        lines = []
        for i, s in enumerate(scores, 1):
            rest = s.total - s.ran
            extra = f" · {rest} not run" if rest else ""
            if s.ran:
                lines.append(f"{i}. **{md(s.manager, 40)}** {s.passed} of {s.ran} pass "
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
    def change_line(self, ch: Change) -> str:
        """``🔻 **regression** id: ✅ pass → ❌ import-error (tensorflow) — versions``; a changed cause
        as ``❌ network → ❌ conflict (numpy)``."""
        icon = CHANGE_ICONS.get(ch.kind, "")
        if ch.kind == "changed" and ch.before_cause:
            before = f"{W.ICONS.get(ch.before or '', '')} {md(ch.before_cause)}".strip()
        else:
            before = md(W.status_text(ch.before)) if ch.before else "—"
        cell = self.cells.get(ch.cell_id)
        if ch.kind == "slower" and ch.seconds is not None and ch.median_before is not None:
            text = (f"- {icon} **slower** {md(ch.cell_id)}: install + import {duration(ch.median_before)} → "
                    f"**{duration(ch.seconds)}** (median of {plural(ch.passes, 'pass', 'passes')})")
            return text + (" — " + ", ".join(version_text(v) for v in ch.versions) if ch.versions else "")
        text = f"- {icon} **{md(ch.kind)}** {md(ch.cell_id)}: {before} → {now_text(cell)}"
        if ch.kind == "flaky":
            text += f" ({W.flaky_text(ch.flips, ch.runs)})"
        iso = cell.result.isolation if cell is not None and cell.result is not None else None
        if iso is not None and ch.kind in ("regression", "changed", "flaky"):
            said = self.broken_by(iso, cell.manager if cell is not None else None)
            text += f" — **{said}**" if iso.outcome == "isolated" else f" — {said}"
        if ch.versions:
            text += " — " + ", ".join(version_text(v) for v in ch.versions)
        return text

    def changes(self, limit: int | None) -> str:
        r = self.report
        if not r.has_baseline:
            return ""
        if not r.changes:
            return ""               # the headline says "No change since the last run."
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
        n_regressed = sum(cid in self.regressed for cid in c.cells)
        flag = "" if not n_regressed else " 🔻 regression" if n_regressed == len(c.cells) else \
            f" 🔻 {n_regressed} of {len(c.cells)} regressed"
        what = {"package": "📦 package", "manager": "🧰 manager", "cell": "🔹"}.get(c.kind, md(c.kind))
        cells = first(c.cells, md, LIST_CELLS, ", ")
        if c.flaky:
            some = "" if len(c.flaky) == len(c.cells) else f" {len(c.flaky)} of {len(c.cells)}"
            flag += f" 🎲{some} {W.flaky_text(c.flips, c.runs)}"
        text = f"- {what} **{md(c.name, 120)}**{flag} ({plural(len(c.cells), 'cell')}: {cells}){cause}"
        if c.isolation is not None:
            text += f" — **{self.culprit_broken_by(c)}**"
        if c.versions:
            text += " — " + ", ".join(version_text(v) for v in c.versions)
        return text

    def culprits(self, limit: int | None) -> str:
        return first(self.report.culprits, self.culprit_line, limit)

    @staticmethod
    def broken_by(iso: Isolation, manager: str | None, escape: Callable[..., str] = md) -> str:
        """What isolating a regression found, escaped: ``broken by hishel 2.0.0 (last good 1.1.3)``."""
        return escape(W.broken_by(iso, manager), 400)

    def culprit_broken_by(self, c: Culprit, escape: Callable[..., str] = md) -> str:
        """A culprit's release, led (scope ``tool``) by the managers whose own environment it broke:
        ``pdm broken by hishel 2.0.0 (last good 1.1.3)``; empty when its cells were not isolated."""
        if c.isolation is None:
            return ""
        tools = sorted({cell.manager for i in c.cells if (cell := self.cells.get(i)) is not None
                        and cell.result is not None and cell.result.isolation is not None
                        and cell.result.isolation.scope == "tool"})
        return self.broken_by(c.isolation, ", ".join(tools) or None, escape)

    @cached_property
    def known_good(self) -> str:
        """``Known-good environments: pip · uv · …``: each manager's most recent passing cell that left a
        lock, linked to it (the job whose results artifact holds it, or the file beside a local result)."""
        latest: dict[str, tuple[tuple[str, str], CellView]] = {}
        for c in self.report.cells:
            if c.status == "pass" and c.result is not None and c.result.lock is not None:
                when = (c.result.started_at, c.id)
                if c.manager not in latest or when > latest[c.manager][0]:
                    latest[c.manager] = (when, c)
        names = [_lock_link(md(m, 40), latest[m][1]) for m in self.report.managers if m in latest]
        return f"Known-good environments (locks): {' · '.join(names)}" if names else ""

    def trends(self, limit: int | None) -> str:
        """Per manager, its pass rate and median install + import time over the runs the history keeps,
        as a line of blocks each (``W.spark``); empty with one run only (nothing to trend)."""
        got = self.report.memo.get("trends")
        if not isinstance(got, tuple):
            got = self.report.memo["trends"] = TR.trends(self.report)
        if not got or len(got[0].points) < 2:
            return ""
        lines = [f"- {md(t.manager, 40)}: {W.trend_text(t)}" for t in got]
        runs = len(got[0].points)
        return f"Over the last {plural(runs, 'run')}, oldest first:\n\n" + more(lines, limit, "\n")

    # failure details ------------------------------------------------------------------------
    def details_of(self, cell: CellView, tail_lines: int | None) -> str:
        key = (cell.id, tail_lines)
        if key not in self._details:
            self._details[key] = self._details_of(cell, tail_lines)
        return self._details[key]

    def _details_of(self, cell: CellView, tail_lines: int | None) -> str:
        """One failure's ``<details>``; its summary holds the anchor the table links to (``<a name>``:
        GitHub keeps it, prefixed ``user-content-``, and its page script follows ``#rodeo-…`` there)."""
        result = cell.result
        head = f'<a name="{T.anchor(cell.id)}"></a>{ICONS.get(cell.status, "")} {html(cell.id)} — {_what(cell)}'
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
        if result is not None and result.isolation is not None:
            items.append(self._isolation_item(result.isolation, cell.manager))
        hist = self.report.history.get(cell.id)
        if hist is not None and hist.last_pass_at:
            items.append(f"- **last passed:** {md_link(md(W.when(hist.last_pass_at), 40), hist.last_pass_run_url)}")
        parts = [f"<details><summary>{head}</summary>", "", *items]
        if result is not None and result.repro:
            parts += ["", "repro:", "", fence(result.repro, "sh")]
        if result is not None and result.log_tail:
            lines = X.CONTEXT_LINES if tail_lines is None else min(X.CONTEXT_LINES, tail_lines)
            ex = X.excerpt(result.log_tail, cell.cause, result.phase, cell.manager, lines)
            parts += ["", f"{md(X.describe(ex))}; {self._whole_log(cell)}:", "", fence(ex.text)]
        parts += ["", "</details>"]
        return "\n".join(parts)

    def _isolation_item(self, iso: Isolation, manager: str) -> str:
        """``- **isolation:** isolated — broken by … · tried: last lock → pass · hishel → fail · 2 of 8 installs``."""
        where = " (the manager's own environment)" if iso.scope == "tool" else ""
        return (f"- **isolation{where}:** {md(iso.outcome, 40)} — {self.broken_by(iso, manager)} · tried: "
                f"{md(W.tries_text(iso, self.report.max_installs), 1000)}")

    @staticmethod
    def _whole_log(cell: CellView) -> str:
        """Where the whole log is: the job's results artifact, or the ``.log`` beside a local result."""
        run = cell.result.run_url if cell.result is not None else None
        if url(run):
            return f"the whole log is in {md_link('the job', run)}'s results artifact"
        if cell.source and cell.source.endswith(".json"):
            return f"the whole log is {md(cell.source[:-5] + '.log', 200)} in the results"
        return "the whole log is in the results"

    def details(self, level: B.Level, only: Iterable[str] | None = None, cap: int | None = None) -> str:
        """The failures' ``<details>``; past ``cap`` characters the rest is not even formatted
        (the output is over its budget anyway and the next level will be tried)."""
        return "\n\n".join(self.detail_blocks(level, only, cap))

    def detail_ids(self, level: B.Level, only: Iterable[str] | None = None) -> tuple[list[str], int]:
        """The cells whose details an output at ``level`` holds, and how many more it leaves out."""
        if not level.details or level.counts_only:
            return [], 0
        ids = list(only) if only is not None else [c.id for c in self.report.cells if c.status in FAILING]
        if not level.all_rows and only is None:
            ids = [i for i in ids if i in self.changed] or ids
        if level.max_items is not None and len(ids) > level.max_items:
            return ids[: level.max_items], len(ids) - level.max_items
        return ids, 0

    def detail_blocks(self, level: B.Level, only: Iterable[str] | None = None, cap: int | None = None,
                      keep: bool = True) -> Iterator[str]:
        """:meth:`details` block by block; ``keep`` False: not kept for the next output (a streamed
        markdown report of 100,000 cells formats each block once and lets it go)."""
        ids, hidden = self.detail_ids(level, only)
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


def _lock_link(text: str, cell: CellView) -> str:
    """A passing cell linked to its known-good environment: the lock beside its result (a local report
    sits in the results folder), or the job whose results artifact holds it."""
    assert cell.result is not None and cell.result.lock is not None
    if url(cell.result.run_url):
        return T.link(text, cell.result.run_url)
    folder = cell.source.rpartition("/")[0] if cell.source else ""
    target = f"{folder}/{cell.result.lock.file}" if folder else cell.result.lock.file
    return f"[{text}]({target})" if re.fullmatch(r"[A-Za-z0-9._/-]+", target) and ".." not in target else text


def cut_note(cut: str | None, run_url: str | None) -> str:
    """The visible note on what a budget cut, with a link to where the rest is."""
    if not cut:
        return ""
    where = f"[the job summary of this run]({url(run_url)})" if url(run_url) else "the job summary"
    return f"{md(cut)}; everything is in {where}"


__all__ = ["CHANGE_ICONS", "ICONS", "LIST_CELLS", "View", "cut_note", "duration", "first", "label", "md_table", "more",
           "of", "log_tail", "plural", "version_now", "version_text"]
