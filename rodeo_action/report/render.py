"""Report -> what people read: markdown report, README block, PR comment, job summary, issues.

The hot work (10,000 cells) is done once per report in Python (:class:`_View`): every cell's
label, every table line, every failure's ``<details>``, all already escaped. Templates only
arrange those pieces, so a user's own template (``report.templates``) can reword and reorder
without being able to forget an escape — and user-derived values it pulls from ``report``
itself go through the ``md``/``html``/``fence``/``url``/``plain`` filters of :mod:`.escape`.

Each published output carries a hidden marker; a template whose output lacks it is refused,
since a publisher could then never find (and would re-post) its comment, issue or README block.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from rodeo_action.errors import InputError
from rodeo_action.report import budget as B
from rodeo_action.report.escape import fence, html, md, md_link, plain, url
from rodeo_action.report.escape import title as title_text
from rodeo_action.report.history import digest
from rodeo_action.report.model import FAILING, CellView, Change, Culprit, Report, Score, VersionChange

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

    from rodeo_action.config import Config
    from rodeo_action.results import Result

ICONS = {"pass": "✅", "fail": "❌", "timeout": "⏱", "error": "💥", "n/a": "n/a", "unavailable": "unavailable",
         "missing": "missing"}
CHANGE_ICONS = {"regression": "🔻", "fix": "🎉", "changed": "🔁", "new": "🆕", "removed": "➖"}
LEGEND = ("✅ passed (seconds to install + import) · ❌ failed: phase: cause (package) · ⏱ timed out · "
          "💥 error (rodeo itself broke; please report) · 🔻 regressed since the last run · n/a not packaged "
          "there / cannot run there · unavailable: the manager is not on this host · missing: no result (job "
          "cancelled) · — not planned")
UPSTREAM_URL_CHARS = 8000
TITLE_CHARS = 200
LIST_CELLS = 8           # cell ids named inline before "and N more"


# -- hidden markers ---------------------------------------------------------------------------

def _id(name: str | None) -> str:
    return f" id={quote(name, safe='._-')}" if name else ""


def comment_marker(name: str | None) -> str:
    """The sticky PR comment's marker (one comment per rodeo per PR)."""
    return f"<!-- rodeo:comment{_id(name)} -->"


def _key(key: str) -> str:
    """A culprit key in a marker: ``package:tensorflow`` as is; a ``:`` after the first, and anything
    but letters, digits and ``/._-``, percent-encoded (a package named in a hostile log must not write
    ``-->`` nor ``javascript:`` into a body)."""
    kind, sep, name = key.partition(":")
    return quote(kind, safe="._-") + sep + quote(name, safe="/._-")


def issue_marker(name: str | None, key: str) -> str:
    """An issue's marker: the rodeo and the culprit key (``package:tensorflow``)."""
    return f"<!-- rodeo:issue{_id(name)} key={_key(key)} -->"


def fixed_marker(name: str | None, key: str) -> str:
    return f"<!-- rodeo:fixed{_id(name)} key={_key(key)} -->"


def readme_markers(name: str | None) -> tuple[str, str]:
    return f"<!-- rodeo:start{_id(name)} -->", f"<!-- rodeo:end{_id(name)} -->"


def replace_block(text: str, block: str, name: str | None, filename: str) -> str:
    """``text`` with the rodeo's README block replaced by ``block``; the rest kept byte for byte.

    ``block`` is what :func:`readme_block` returned (it starts and ends with the markers).
    """
    start, end = readme_markers(name)
    i = text.find(start)
    j = text.find(end, i + len(start)) if i >= 0 else -1
    if i < 0 or j < 0:
        missing = " and ".join(m for m, at in ((start, i), (end, j)) if at < 0)
        raise InputError(f"{filename}: no {missing} marker; add the two lines\n  {start}\n  {end}\n"
                         f"where the rodeo's table should go (everything outside them is left alone)")
    if text.find(start, i + len(start)) >= 0:
        raise InputError(f"{filename}: the marker {start} appears twice; expected one block per rodeo")
    return text[:i] + block.strip("\n") + text[j + len(end):]


# -- settings and templates ---------------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    """What a renderer needs beyond the report."""

    templates: Path | None = None      # the user's folder (report.templates): its files override ours by name
    title: str | None = None           # default: "rodeo NAME"

    @classmethod
    def from_config(cls, config: Config | None) -> Settings:
        """``report.templates`` resolved against the config file's folder."""
        if config is None or not config.report.templates:
            return cls()
        folder = Path(config.report.templates)
        if not folder.is_absolute():
            folder = Path(config.source).parent / folder
        return cls(templates=folder)


_ENVS: dict[str | None, SandboxedEnvironment] = {}


def _env(user: Path | None) -> SandboxedEnvironment:
    from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from rodeo_action.resources import data_dir

    key = str(user) if user else None
    if key in _ENVS:
        return _ENVS[key]
    if user is not None and not user.is_dir():
        raise InputError(f"report.templates: {user} is not a folder; expected a folder of *.md.j2 templates")
    loaders = [FileSystemLoader(str(user))] if user else []
    loaders.append(FileSystemLoader(str(data_dir("templates"))))
    # immutable: a template cannot even mutate the report's dicts and lists for the next output
    env = ImmutableSandboxedEnvironment(loader=ChoiceLoader(loaders), undefined=StrictUndefined,
                                        autoescape=False,
                                        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(md=md, html=html, fence=fence, url=url, plain=plain, link=md_link)
    _ENVS[key] = env
    return env


def _render(settings: Settings, name: str, context: Mapping[str, Any], required: Iterable[str] = ()) -> str:
    out = "".join(_generate(settings, name, context))
    where = _template_file(settings, name)
    for marker in required:
        if marker not in out:
            raise InputError(f"template {where}: its output lacks the hidden marker {marker!r}; rodeo finds what "
                             "it published by that marker, so keep it in the template (ours print it with "
                             "{{ marker }} / {{ start }} / {{ end }} / {{ digest }})")
    return out


def _template_file(settings: Settings, name: str) -> str:
    from jinja2 import TemplateError

    try:
        return _env(settings.templates).get_template(name).filename or name
    except TemplateError:
        return name


def _generate(settings: Settings, name: str, context: Mapping[str, Any]) -> Iterator[str]:
    """The template's output piece by piece; a broken template is an InputError naming it."""
    from jinja2 import TemplateError, TemplateSyntaxError

    where = name
    try:
        template = _env(settings.templates).get_template(name)
        where = template.filename or name
        yield from template.generate(**context)
    except TemplateSyntaxError as exc:
        raise InputError(f"template {exc.filename or where}:{exc.lineno}: {exc.message}") from None
    except TemplateError as exc:
        raise InputError(f"template {where}: {exc}") from None


def _ours(settings: Settings, name: str) -> bool:
    """Whether ``name`` is rodeo's own template (not one of the user's ``report.templates``)."""
    from rodeo_action.resources import data_dir

    return Path(_template_file(settings, name)).parent == Path(data_dir("templates"))


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


def _tail(text: str, lines: int | None) -> tuple[str, str]:
    if lines is None:
        return text, "log tail"
    kept = text.splitlines()[-lines:]
    return "\n".join(kept), f"log tail (last {lines} lines)"


def _more(items: Sequence[str], limit: int | None, sep: str = ", ") -> str:
    if limit is None or len(items) <= limit:
        return sep.join(items)
    return sep.join(items[:limit]) + f"{sep}… and {len(items) - limit} more"


def _first(items: Sequence[Any], show: Callable[[Any], str], limit: int | None, sep: str = "\n") -> str:
    """Like ``_more``, formatting only what it shows (lists of 10,000 changes are common)."""
    if limit is None or len(items) <= limit:
        return sep.join(map(show, items))
    return sep.join(map(show, items[:limit])) + f"{sep}… and {len(items) - limit} more"


def _table(headers: Sequence[str], lines: Iterable[str]) -> str:
    head = "| " + " | ".join(headers) + " |"
    rule = "|" + "|".join("---" for _ in headers) + "|"
    return "\n".join([head, rule, *lines])


_PLURALS = {"fix": "fixes", "new": "new", "removed": "removed", "changed": "changed"}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {_PLURALS.get(word, word + 's')}"


# -- the precomputed view -----------------------------------------------------------------------

@dataclass
class _View:
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
        return (_table(self.headers, chosen) if chosen else ""), len(chosen)

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
            line += f" — **{_plural(reg, 'regression')}**, {_plural(fix, 'fix')} since the last run"
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
        return _more(lines, limit, "\n")

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
        lines = [f"- **{md(status)}** ({len(ids)}): {md(why, 500) or '—'}: {_first(ids, md, LIST_CELLS, ', ')}"
                 for (status, why), ids in sorted(groups.items())]
        return _more(lines, limit, "\n")

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
        head = " · ".join(f"{CHANGE_ICONS[k]} {_plural(counts[k], k)}"
                          for k in CHANGE_ICONS if counts.get(k))
        if limit == 0:
            return head
        return head + "\n\n" + _first(r.changes, self.change_line, limit)

    def culprit_line(self, c: Culprit) -> str:
        cause = ""
        if c.cause is not None:
            cause = f" — {md(c.cause.kind)}: {md(c.cause.summary, 300)}"
        flag = " 🔻 regression" if c.regression else ""
        what = {"package": "📦 package", "manager": "🧰 manager", "cell": "🔹"}.get(c.kind, md(c.kind))
        cells = _first(c.cells, md, LIST_CELLS, ", ")
        text = f"- {what} **{md(c.name, 120)}**{flag} ({_plural(len(c.cells), 'cell')}: {cells}){cause}"
        if c.versions:
            text += " — " + ", ".join(version_text(v) for v in c.versions)
        return text

    def culprits(self, limit: int | None) -> str:
        return _first(self.report.culprits, self.culprit_line, limit)

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
            tail, what = _tail(result.log_tail, tail_lines)
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


_VIEWS: list[_View] = []


def _view(report: Report) -> _View:
    for v in _VIEWS:
        if v.report is report:
            return v
    v = _View(report)
    _VIEWS[:] = [v, *_VIEWS[:3]]
    return v


def _title(report: Report, settings: Settings) -> str:
    return md(settings.title or (f"rodeo {report.name}" if report.name else "rodeo"), 120)


def _cut_note(cut: str | None, run_url: str | None) -> str:
    """The visible note on what a budget cut, with a link to where the rest is."""
    if not cut:
        return ""
    where = f"[the job summary of this run]({url(run_url)})" if url(run_url) else "the job summary"
    return f"{md(cut)}; everything is in {where}"


def _context(report: Report, settings: Settings, level: B.Level, details: bool = True,
             cap: int | None = None) -> dict[str, Any]:
    """What every report template gets: pre-escaped sections plus the model itself."""
    view = _view(report)
    table, shown = ("", 0) if level.counts_only else view.table(level.all_rows)
    cut = level.cut(shown, len(report.rows), details)
    start, end = readme_markers(report.name)
    return {
        "report": report, "level": level.name, "title": _title(report, settings),
        "headline": view.headline, "generated": view.generated, "run_url": url(report.run_url),
        "cut": _cut_note(cut, report.run_url), "table": table, "legend": LEGEND if table else "",
        "scoreboard": view.scoreboard(level.max_items), "changes": view.changes(0 if level.counts_only
                                                                                else level.max_items),
        "culprits": view.culprits(level.max_items), "details": view.details(level, cap=cap) if details else "",
        "notes": view.notes(level.max_items), "not_run": "" if level.counts_only else view.not_run(level.max_items),
        "marker": comment_marker(report.name), "start": start, "end": end, "digest": "",
    }


# -- the outputs --------------------------------------------------------------------------------

def markdown(report: Report, settings: Settings | None = None) -> str:
    """``--markdown`` (and ``rodeo local``'s report.md): everything, no size limit."""
    settings = settings or Settings()
    return _render(settings, "report.md.j2", _context(report, settings, B.FULL))


def markdown_chunks(report: Report, settings: Settings | None = None) -> Iterator[str]:
    """:func:`markdown` piece by piece, for writing as it comes: the failures' details (most of a big
    report: 70 MB at 100,000 cells) are formatted one at a time and never joined into one string.

    Our template gets a one-time placeholder for ``details``, replaced by the blocks as they are made
    (no text from a result can forge it: :func:`escape.clean` breaks every ``rodeo:``); a user's
    template is rendered whole, as it may do anything with ``details``."""
    settings = settings or Settings()
    if not _ours(settings, "report.md.j2"):
        yield markdown(report, settings)
        return
    view = _view(report)
    ctx = _context(report, settings, B.FULL, details=False)
    blocks = view.detail_blocks(B.FULL, keep=False)
    first = next(blocks, None)
    slot = f"\ue000rodeo:details:{secrets.token_hex(8)}\ue001"
    ctx["details"] = slot if first is not None else ""
    for chunk in _generate(settings, "report.md.j2", ctx):
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
    return B.fit(lambda level: _render(settings, "summary.md.j2", _context(report, settings, level,
                                                                           cap=B.SUMMARY_BYTES)), B.SUMMARY)


def comment(report: Report, settings: Settings | None = None) -> str:
    """The sticky PR comment, within 65,536 characters, with its marker and (if it fits) the digest."""
    settings = settings or Settings()
    marker = comment_marker(report.name)
    dig = _view(report).digest
    room_for_digest = len(dig) < B.COMMENT_CHARS // 2

    def one(level: B.Level) -> str:
        ctx = _context(report, settings, level, cap=B.COMMENT_CHARS)
        ctx["digest"] = dig if room_for_digest else ""
        if not room_for_digest:
            ctx["notes"] = [*ctx["notes"], "the results digest is too large for a comment; the next run's "
                                            "baseline comes from --json or the README"]
        return _render(settings, "comment.md.j2", ctx, [marker, *([dig] if room_for_digest else [])])

    return B.fit(one, B.COMMENT)


README_LEVELS = tuple(replace(level, details=False) for level in B.LEVELS)


def readme_block(report: Report, settings: Settings | None = None) -> str:
    """The README block, from its start marker to its end marker, digest inside (no logs)."""
    settings = settings or Settings()
    start, end = readme_markers(report.name)
    dig = _view(report).digest

    def one(level: B.Level) -> str:
        ctx = _context(report, settings, level, details=False)
        ctx["digest"] = dig
        out = _render(settings, "readme.md.j2", ctx, [start, end, dig])
        if not (out.index(start) < out.index(end)) or out.count(start) != 1 or out.count(end) != 1:
            raise InputError("template readme.md.j2: expected its output to hold the start marker once, "
                             "before the end marker")
        return out.strip("\n") + "\n"

    # the digest must survive any cut: budget the rest
    return B.fit(one, B.Budget(B.README_CHARS + len(dig)), README_LEVELS)


# -- issues ------------------------------------------------------------------------------------

_GITHUB_REPO = re.compile(r"^(?:https://github\.com/)?([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?(?:/issues)?/?$")


def _who(culprit: Culprit, view: _View) -> tuple[str, str]:
    """(plain title part, markdown sentence) saying who fails where."""
    cells = [view.cells[i] for i in culprit.cells if i in view.cells]
    managers = sorted({c.manager for c in cells})
    sets = sorted({c.set for c in cells})
    name = plain(culprit.name, 80)
    if culprit.kind == "package":
        return (f"{name} fails under {plain(', '.join(managers), 80)}",
                f"The package **{md(culprit.name, 80)}** fails under {len(managers)} managers "
                f"({md(', '.join(managers), 300)}): it is the package, not each manager, that needs a fix.")
    if culprit.kind == "manager":
        return (f"{name} fails on {_plural(len(sets), 'set')}",
                f"The manager **{md(culprit.name, 80)}** fails on {_plural(len(sets), 'set')} "
                f"({md(', '.join(sets), 300)}): the tool itself is the story.")
    return (f"{name} fails", f"**{md(culprit.name, 120)}** fails: a problem of this manager and package only.")


def _first_result(culprit: Culprit, view: _View) -> Result | None:
    for cid in culprit.cells:
        cell = view.cells.get(cid)
        if cell is not None and cell.result is not None:
            return cell.result
    return None


def issue_title(report: Report, culprit: Culprit) -> str:
    view = _view(report)
    who, _ = _who(culprit, view)
    kind = f" ({plain(culprit.cause.kind, 40)})" if culprit.cause else ""
    prefix = f"rodeo {plain(report.name, 64)}: " if report.name else "rodeo: "
    return title_text(prefix + who + kind, TITLE_CHARS)


def _upstream_parts(report: Report, culprit: Culprit) -> tuple[str, list[str], list[str], str, list[str]]:
    """(title, opening lines, repro lines, log tail, closing line) of an upstream report."""
    view = _view(report)
    first = _first_result(culprit, view)
    cause = culprit.cause
    heading = title_text(f"{culprit.name}: {cause.kind if cause else 'install fails'}"
                    + (f" — {cause.summary}" if cause else ""), 150)
    who = sorted({f"{c.manager} on {c.os}, Python {c.python}" for i in culprit.cells
                  if (c := view.cells.get(i)) is not None})
    lines = [f"{md(culprit.name, 80)} fails to install or import:", "",
             *(f"- {md(w, 200)}" for w in who[:20]), ""]
    if cause is not None:
        lines += [f"**{md(cause.kind)}**: {md(cause.summary, 300)}", ""]
    if culprit.versions:
        lines += ["Versions changed since it last worked: " + ", ".join(version_text(v) for v in culprit.versions), ""]
    repro = [f"Reproduce ({md(first.manager_version or first.cell.manager, 80)}, "
             f"Python {md(first.python_version or first.cell.python, 30)}, {md(first.platform or first.cell.os, 40)}):",
             "", fence(first.repro, "sh"), ""] if first is not None and first.repro else []
    found = [f"Found by [rodeo-action]({url(report.run_url)})." if url(report.run_url) else "Found by rodeo-action."]
    return heading, lines, repro, first.log_tail if first is not None else "", found


def upstream_repo(culprit: Culprit) -> tuple[str, str] | None:
    """(owner, repo) of the culprit's tracker when it is a GitHub repository, else None."""
    m = _GITHUB_REPO.match((culprit.tracker or "").strip())
    return (m.group(1), m.group(2)) if m else None


def upstream_issue(report: Report, culprit: Culprit) -> tuple[str, str]:
    """(title, body) of the issue ``upstream: true`` files on the culprit's own tracker (no rodeo markers)."""
    title, lines, repro, tail_text, found = _upstream_parts(report, culprit)
    tail = ["Log tail:", "", fence(_tail(tail_text, 40)[0]), ""] if tail_text else []
    body = "\n".join(lines + repro + tail + found)
    return title, (body if B.ISSUE.fits(body) else B.truncate(body, B.ISSUE))


def upstream_url(report: Report, culprit: Culprit) -> str | None:
    """A prefilled "new issue" link on the culprit's GitHub tracker (≤ 8,000 characters), else its URL."""
    tracker = (culprit.tracker or "").strip()
    repo = upstream_repo(culprit)
    if repo is None:
        return url(tracker) if tracker.startswith("https://") else None
    base = f"https://github.com/{repo[0]}/{repo[1]}/issues/new"
    title, lines, repro, tail_text, found = _upstream_parts(report, culprit)

    def link(body: str) -> str:
        return f"{base}?title={quote(title, safe='')}&body={quote(body, safe='')}"

    for n in (40, 15, 5, 0):
        tail = ["Log tail:", "", fence(_tail(tail_text, n)[0]), ""] if n and tail_text else []
        candidate = link("\n".join(lines + repro + tail + found))
        if len(candidate) <= UPSTREAM_URL_CHARS:
            return candidate
    body = "\n".join(lines + repro + found)
    lo, hi = 0, len(body)
    while lo < hi:                       # the longest prefix whose link fits
        mid = (lo + hi + 1) // 2
        if len(link(body[:mid] + B._closing(body[:mid]) + "\n\n…(truncated)")) <= UPSTREAM_URL_CHARS:
            lo = mid
        else:
            hi = mid - 1
    return link(body[:lo] + B._closing(body[:lo]) + "\n\n…(truncated)")


def _issue_context(report: Report, culprit: Culprit, settings: Settings, level: B.Level,
                   upstream_ref: tuple[str, str] | None = None) -> dict[str, Any]:
    view = _view(report)
    cut = level.cut(len(culprit.cells), len(culprit.cells))
    ctx: dict[str, Any] = {"report": report, "level": level.name, "generated": view.generated,
                           "run_url": url(report.run_url), "cut": _cut_note(cut, report.run_url)}
    _, who = _who(culprit, view)
    rows = []
    for cid in culprit.cells[: level.max_items] if level.max_items else culprit.cells:
        cell = view.cells.get(cid)
        if cell is None:
            continue
        run = cell.result.run_url if cell.result else None
        rows.append(f"| {md(cid)} | {label(cell, md)} | {md_link('log', run) if url(run) else '—'} |")
    if level.max_items and len(culprit.cells) > level.max_items:
        rows.append(f"| … and {len(culprit.cells) - level.max_items} more | | |")
    first = _first_result(culprit, view)
    hist = [report.history[c] for c in culprit.cells if c in report.history]
    last_pass = max((h.last_pass_at for h in hist if h.last_pass_at), default=None)
    upstream = upstream_url(report, culprit)
    tracker = plain(culprit.tracker or "", 200)
    ctx.update({
        "culprit": culprit, "key": md(culprit.key, 250), "marker": issue_marker(report.name, culprit.key),
        "title": issue_title(report, culprit), "who": who,
        "cause": (f"{md(culprit.cause.kind)} — {md(culprit.cause.summary, 300)}" if culprit.cause else ""),
        "cells_table": _table(["cell", "result", "job"], rows),
        "versions": "\n".join(f"- {version_text(v)}" for v in culprit.versions),
        "repro": fence(first.repro, "sh") if first is not None and first.repro else "",
        "details": view.details(level, culprit.cells, cap=B.ISSUE_CHARS) if not level.counts_only else "",
        "upstream": (f"Reported upstream: {md_link(md(upstream_ref[0], 200), upstream_ref[1])}." if upstream_ref
                     else md_link(f"Report upstream to {md(tracker)}", upstream) if upstream else ""),
        "since": (f"Failing for {_plural(culprit.consecutive_failures, 'run')} in a row"
                  + (f"; last passed {md(last_pass, 40)}" if last_pass else "") + "."),
    })
    return ctx


def issue(report: Report, culprit: Culprit, settings: Settings | None = None, *,
          upstream_ref: tuple[str, str] | None = None, trailer: str = "") -> tuple[str, str]:
    """(title, body) of the GitHub issue for one culprit; the body within 65,536 characters.

    The template's first line is the title, the rest the body. ``upstream_ref`` (text, URL) names the
    issue already filed upstream in place of the prefilled link; ``trailer`` (the publisher's hidden
    state) is appended after the body, which is cut to leave it room.
    """
    settings = settings or Settings()
    marker = issue_marker(report.name, culprit.key)
    titles: list[str] = []

    def one(level: B.Level) -> str:
        out = _render(settings, "issue.md.j2", _issue_context(report, culprit, settings, level, upstream_ref),
                      [marker])
        title, _, body = out.partition("\n")
        titles[:] = [title_text(title, 256)]
        return body.strip("\n") + "\n"

    room = B.Budget(B.ISSUE_CHARS - len(trailer) - 1) if trailer else B.ISSUE
    body = B.fit(one, room)
    if marker not in body:
        raise InputError(f"template issue.md.j2: the hidden marker {marker!r} must be in the body, not the title line")
    return titles[0] or issue_title(report, culprit), (f"{body}{trailer}\n" if trailer else body)


def fixed(report: Report, culprit: Culprit, settings: Settings | None = None) -> str:
    """The comment closing a culprit's issue: its cells pass again (with what they resolved now)."""
    settings = settings or Settings()
    view = _view(report)
    lines = []
    for cid in culprit.cells:
        cell = view.cells.get(cid)
        if cell is None:
            lines.append(f"- {md(cid)}: no longer in the rodeo")
            continue
        hist = report.history.get(cid)
        versions = hist.last_pass_versions if hist is not None and cell.status == "pass" else {}
        text = f"{md(cid)}: {label(cell, md)}"
        if versions:
            text += " with " + ", ".join(version_now(n, v) for n, v in sorted(versions.items()))
        run = cell.result.run_url if cell.result else None
        lines.append(f"- {text} ({md_link('log', run)})" if url(run) else f"- {text}")
    ctx: dict[str, Any] = {"report": report, "generated": view.generated, "run_url": url(report.run_url),
                           "culprit": culprit, "marker": fixed_marker(report.name, culprit.key),
                           "cells_list": "\n".join(lines), "key": md(culprit.key, 250), "name": md(culprit.name, 120)}
    out = _render(settings, "fixed.md.j2", ctx, [ctx["marker"]])
    return B.truncate(out, B.ISSUE) if not B.ISSUE.fits(out) else out


# -- terminal and rodeo local -------------------------------------------------------------------

def terminal(report: Report) -> str:
    """The table for a terminal (tabulate), then the scoreboard and what changed.

    With more managers than rows (the usual rodeo: one set, sixteen managers) the table is turned
    so that managers are rows: a terminal is narrow, and a manager's verdict reads on one line.
    """
    from tabulate import tabulate

    view = _view(report)
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
        out.append("changes: " + (", ".join(_plural(n, k) for k, n in counts.items()) or "none"))
    return "\n".join(out)


def _why(cells: Sequence[CellView | None]) -> str:
    """Why a manager's cells did not run here (unavailable / n/a), once per distinct reason."""
    reasons = dict.fromkeys(c.note for c in cells if c is not None and c.status in ("unavailable", "n/a") and c.note)
    return plain("; ".join(r for r in reasons if r), 90)


def _rate(s: Score | None) -> str:
    if s is None:
        return ""
    rate = f"{s.passed}/{s.ran} ({100 * s.passed / s.ran:.0f}%)" if s.ran else "nothing ran"
    return rate + (f", {s.total - s.ran} not run" if s.total > s.ran else "")


def local_report(results: Iterable[Result], managers: Sequence[str], when: str, host: str = "") -> Report:
    """The Report of ``rodeo local`` from in-memory results (no plan, no baseline), columns in ``managers`` order."""
    from rodeo_action.report.build import build_report, rows, scores

    cells = sorted((CellView(r.cell.id, r.cell.manager, r.cell.set, r.cell.os, r.cell.python, r.status, result=r,
                             note=r.reason) for r in results), key=lambda c: c.id)
    report = build_report(cells, None, None, when, None, [host] if host else [])
    present = {c.manager for c in cells}
    order = tuple(dict.fromkeys(m for m in (*managers, *report.managers) if m in present))
    return replace(report, managers=order, rows=rows(cells, order), scores=scores(cells, order),
                   notes=tuple(n for n in report.notes if not n.startswith("no baseline")))


def local(results: Iterable[Result], managers: Sequence[str], title: str, when: str, host: str = "") -> str:
    """``rodeo local``'s report.md."""
    return markdown(local_report(results, managers, when, host), Settings(title=title))


__all__ = ["Settings", "comment", "comment_marker", "duration", "fixed", "fixed_marker", "issue", "issue_marker",
           "issue_title", "label", "local", "local_report", "markdown", "markdown_chunks", "readme_block",
           "readme_markers", "replace_block", "summary", "terminal", "upstream_issue", "upstream_repo", "upstream_url",
           "version_text"]
