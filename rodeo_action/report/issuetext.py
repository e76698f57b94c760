"""The texts of a culprit's issue: its title and body, the comments saying it changed or is fixed,
and the report for the culprit's own tracker (filed with ``upstream: true``, or a prefilled link).

Every body comes from a template (``issue.md.j2``, ``update.md.j2``, ``fixed.md.j2``) fed with
pieces already escaped by :mod:`.view`, and carries its hidden marker (:mod:`.markers`); the
upstream report carries none (it is not rodeo's to find again).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from rodeo_action.errors import InputError
from rodeo_action.report import budget as B
from rodeo_action.report import view as V
from rodeo_action.report import words as W
from rodeo_action.report.escape import URL_CHARS, fence, md, md_link, url
from rodeo_action.report.escape import title as title_text
from rodeo_action.report.markers import fixed_marker, issue_marker, update_marker
from rodeo_action.report.model import Change, Culprit, Report
from rodeo_action.report.templates import Settings
from rodeo_action.report.templates import render as render_template
from rodeo_action.report.view import View, cut_note, label, log_tail, md_table, version_now, version_text
from rodeo_action.report.words import duration, plural, when

if TYPE_CHECKING:
    from rodeo_action.results import Result

TITLE_CHARS = 200
UPSTREAM_URL_CHARS = URL_CHARS        # the escaper's own figure (one constant): a link it would refuse is never built
# Causes that say where the cell ran, not what the package or the manager does: a DNS failure, the
# out-of-memory killer, a timeout, a full disk, a manager missing here. Never sent upstream.
LOCAL_CAUSES = frozenset({"network", "killed", "timeout", "disk-full", "unavailable"})
_GITHUB_REPO = re.compile(r"^(?:https://github\.com/)?([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?(?:/issues)?/?$")


def _who(culprit: Culprit, view: View) -> tuple[str, str]:
    """(plain title part, markdown sentence) saying who fails where."""
    cells = [view.cells[i] for i in culprit.cells if i in view.cells]
    managers = sorted({c.manager for c in cells})
    sets = sorted({c.set for c in cells})
    name = _cut(culprit.name, 80)
    if culprit.kind == "slower":
        slow = _slower(culprit, view)
        if slow is not None and slow.seconds is not None and slow.median_before is not None:
            times = f"{duration(slow.median_before)} → {duration(slow.seconds)}"
            return (f"{name} is slower ({times} to install and import)",
                    f"**{md(culprit.name, 200)}** still passes, but took **{duration(slow.seconds)}** to install "
                    f"and import: {slow.seconds / max(slow.median_before, 0.1):.1f}× the median of its last "
                    f"{plural(slow.passes, 'pass', 'passes')} ({duration(slow.median_before)}), and "
                    f"{duration(slow.seconds - slow.median_before)} more.")
        return f"{name} is slower", f"**{md(culprit.name, 200)}** still passes, but slower than it used to."
    if culprit.isolation is not None:
        iso = culprit.isolation
        verb = "breaks" if len(iso.culprits) == 1 else "break"
        news = " + ".join(W.pin(c) if c.bad is not None else f"removing {c.package}" for c in iso.culprits)
        return (f"{_cut(news, 120)} {verb} {_cut(', '.join(managers), 80)}",
                f"**{view.culprit_broken_by(culprit)}**: {plural(len(cells), 'cell')} under "
                f"{md(', '.join(managers), 300)}. Found by re-installing their last pass's pins with the changed "
                f"distributions at their new versions ({plural(iso.installs, 'install')}, "
                f"{iso.changed} changed {'distribution' if iso.changed == 1 else 'distributions'}).")
    if culprit.kind == "package":
        return (f"{name} fails under {_cut(', '.join(managers), 80)}",
                f"The package **{md(culprit.name, 80)}** fails under {len(managers)} managers "
                f"({md(', '.join(managers), 300)}): it is the package, not each manager, that needs a fix.")
    if culprit.kind == "manager":
        return (f"{name} fails on {plural(len(sets), 'set')}",
                f"The manager **{md(culprit.name, 80)}** fails on {plural(len(sets), 'set')} "
                f"({md(', '.join(sets), 300)}): the tool itself is the story.")
    pairing = "set" if culprit.key.partition("/")[2].startswith("set-") else "package"
    return (f"{name} fails", f"**{md(culprit.name, 120)}** fails: a problem of this manager and {pairing} only.")


def _slower(culprit: Culprit, view: View) -> Change | None:
    return next((ch for ch in view.report.changes if ch.kind == "slower" and ch.cell_id in culprit.cells), None)


def _cut(text: str, limit: int) -> str:
    """A title's part, cut (the whole title is made safe by :func:`escape.title`)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _first_result(culprit: Culprit, view: View) -> Result | None:
    for cid in culprit.cells:
        cell = view.cells.get(cid)
        if cell is not None and cell.result is not None:
            return cell.result
    return None


_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+!-]{0,99}")      # a name or version a shell line may carry
_VERSION = re.compile(r"\d+(?:\.\d+)+[A-Za-z0-9.+-]*")
_CONSTRAINT_ENV = {"pip": "PIP_CONSTRAINT", "uv": "UV_CONSTRAINT"}   # managers that read a constraint file by variable


def pins(culprit: Culprit) -> str:
    """The good/bad pin difference of an isolated culprit, as a fenced diff (empty when not isolated)."""
    return fence(W.pin_lines(culprit.isolation.culprits), "diff") if culprit.isolation is not None else ""


def minimal_repro(result: Result, culprit: Culprit) -> str:
    """The shortest paste that shows the culprit's release breaking the cell, derived from the data:

    - scope ``tool``: a fresh venv with the manager at the cell's version and the bad pins
      (``pip install 'pdm==2.22.0' 'hishel==2.0.0'``), put first on PATH, then the cell's repro;
    - scope ``environment``: the cell's repro, with the bad pins as a constraint file where the manager
      reads one from a variable (pip, uv), named in a comment otherwise.

    Empty (the caller shows the cell's own repro) when a name or version is no plain token: nothing
    from a result reaches a shell line it could leave."""
    iso = culprit.isolation
    if iso is None or not result.repro:
        return ""
    changes = iso.culprits
    tokens = [c.package for c in changes] + [v for c in changes for v in (c.good, c.bad) if v is not None]
    if not all(_SAFE.fullmatch(t) for t in tokens):
        return ""
    bad = [f"{c.package}=={c.bad}" for c in changes if c.bad is not None]
    gone = [c.package for c in changes if c.bad is None]
    head = [f"# {W.broken_by(iso, result.cell.manager)}"]
    if iso.scope == "tool":
        from rodeo_action.managers import MODULES, manager_info

        info = manager_info(result.cell.manager) if result.cell.manager in MODULES else None
        if info is None or not info.pypi or not _SAFE.fullmatch(info.pypi):
            return ""
        version = _VERSION.search(result.manager_version or "")
        tool = f"{info.pypi}=={version.group()}" if version and _SAFE.fullmatch(version.group()) else info.pypi
        head += ['tool="$(mktemp -d)/venv"',
                 f'python3 -m venv "$tool" && "$tool/bin/pip" install {" ".join(map(shlex.quote, [tool, *bad]))}']
        head += [f'"$tool/bin/pip" uninstall -y {" ".join(map(shlex.quote, gone))}'] if gone else []
        head += ['export PATH="$tool/bin:$PATH"']
    elif result.cell.manager in _CONSTRAINT_ENV and bad and not gone:
        head += ['pins="$(mktemp -d)/pins.txt"', f"printf '%s\\n' {' '.join(map(shlex.quote, bad))} > \"$pins\"",
                 f'export {_CONSTRAINT_ENV[result.cell.manager]}="$pins"']
    else:
        head += [f"# now resolves {' '.join(bad) or '(none)'}; " + "its last pass had "
                 + (" ".join(f"{c.package}=={c.good}" for c in changes if c.good is not None) or "(none)")]
    return "\n".join([*head, result.repro])


def issue_title(report: Report, culprit: Culprit) -> str:
    view = V.of(report)
    who, _ = _who(culprit, view)
    kind = f" ({_cut(culprit.cause.kind, 40)})" if culprit.cause else ""
    kind += ", flaky" if culprit.flaky else ""
    prefix = f"rodeo {_cut(report.name, 64)}: " if report.name else "rodeo: "
    return title_text(prefix + who + kind, TITLE_CHARS)


def _upstream(report: Report, culprit: Culprit) -> tuple[str, dict[str, Any], str]:
    """(title, the template's context but the log tail, the log tail) of an upstream report."""
    view = V.of(report)
    first = _first_result(culprit, view)
    cause = culprit.cause
    heading = title_text(f"{culprit.name}: {cause.kind if cause else 'install fails'}"
                         + (f" — {cause.summary}" if cause else ""), 150)
    who = sorted({f"{c.manager} on {c.os}, Python {c.python}" for i in culprit.cells
                  if (c := view.cells.get(i)) is not None})
    if culprit.isolation is not None:
        heading = title_text(f"{_who(culprit, view)[0]}: {cause.kind if cause else 'install fails'}"
                             + (f" — {cause.summary}" if cause else ""), 150)
    ctx: dict[str, Any] = {
        "report": report, "culprit": culprit, "run_url": url(report.run_url), "name": md(culprit.name, 80),
        "who": [md(w, 200) for w in who[:20]],
        "cause": f"**{md(cause.kind)}**: {md(cause.summary, 300)}" if cause is not None else "",
        "versions": ", ".join(version_text(v) for v in culprit.versions), "repro": "", "repro_with": "", "tail": "",
        "broken_by": view.culprit_broken_by(culprit), "pins": pins(culprit),
        "tool_scope": culprit.isolation is not None and culprit.isolation.scope == "tool",
    }
    if first is not None and first.repro:
        ctx["repro"] = fence(minimal_repro(first, culprit) or first.repro, "sh")
        ctx["repro_with"] = (f"{md(first.manager_version or first.cell.manager, 80)}, Python "
                             f"{md(first.python_version or first.cell.python, 30)}, "
                             f"{md(first.platform or first.cell.os, 40)}")
    return heading, ctx, first.log_tail if first is not None else ""


def _upstream_body(settings: Settings, ctx: dict[str, Any], tail: str, lines: int) -> str:
    """The upstream report with the last ``lines`` lines of the log (none: 0)."""
    shown = fence(log_tail(tail, lines)[0]) if lines and tail else ""
    return render_template(settings, "upstream.md.j2", {**ctx, "tail": shown}).removesuffix("\n")


def reportable(culprit: Culprit) -> bool:
    """Whether the culprit is upstream's to hear of: not when its cause is where it ran (:data:`LOCAL_CAUSES`)."""
    return culprit.cause is None or culprit.cause.kind not in LOCAL_CAUSES


def upstream_repo(culprit: Culprit) -> tuple[str, str] | None:
    """(owner, repo) of the culprit's tracker when it is a GitHub repository, else None."""
    m = _GITHUB_REPO.match((culprit.tracker or "").strip())
    return (m.group(1), m.group(2)) if m else None


def upstream_issue(report: Report, culprit: Culprit, settings: Settings | None = None) -> tuple[str, str]:
    """(title, body) of the issue ``upstream: true`` files on the culprit's own tracker (no rodeo markers)."""
    title, ctx, tail = _upstream(report, culprit)
    body = _upstream_body(settings or Settings(), ctx, tail, 40)
    return title, (body if B.ISSUE.fits(body) else B.truncate(body, B.ISSUE))


@dataclass(frozen=True)
class Prefill:
    """Where to report a culprit upstream: a prefilled "new issue" link on its GitHub tracker (the title
    and body it carries), or the tracker's own URL (no title, no body: nothing can be prefilled there)."""

    url: str
    title: str = ""
    body: str = ""


def upstream_prefill(report: Report, culprit: Culprit, settings: Settings | None = None) -> Prefill | None:
    """The link to report the culprit upstream (≤ :data:`~.escape.URL_CHARS`), None when there is none to give:
    no tracker, one that is no http(s) URL, or a cause that is not upstream's (:func:`reportable`).

    On GitHub the link carries the upstream report with as much of the log as fits: 40 lines, 15, 5, none,
    then the longest prefix of the report that fits, visibly cut. The link is never dropped for its length."""
    if not reportable(culprit):
        return None
    tracker = (culprit.tracker or "").strip()
    repo = upstream_repo(culprit)
    if repo is None:
        target = url(tracker) if tracker.startswith("https://") else None
        return Prefill(target) if target else None
    settings = settings or Settings()
    base = f"https://github.com/{repo[0]}/{repo[1]}/issues/new"
    title, ctx, tail = _upstream(report, culprit)

    def link(body: str) -> str:
        return f"{base}?title={quote(title, safe='')}&body={quote(body, safe='')}"

    for n in (40, 15, 5, 0):
        body = _upstream_body(settings, ctx, tail, n)
        if len(link(body)) <= URL_CHARS:
            return Prefill(link(body), title, body)
    body = _upstream_body(settings, ctx, tail, 0)

    def cut(n: int) -> str:
        return body[:n] + B._closing(body[:n]) + "\n\n…(truncated)"

    lo, hi = 0, len(body)
    while lo < hi:                       # the longest prefix whose link fits
        mid = (lo + hi + 1) // 2
        if len(link(cut(mid))) <= URL_CHARS:
            lo = mid
        else:
            hi = mid - 1
    return Prefill(link(cut(lo)), title, cut(lo))


def upstream_url(report: Report, culprit: Culprit, settings: Settings | None = None) -> str | None:
    """:func:`upstream_prefill`'s link."""
    found = upstream_prefill(report, culprit, settings)
    return found.url if found else None


def _issue_context(report: Report, culprit: Culprit, settings: Settings, level: B.Level,
                   upstream_ref: tuple[str, str] | None = None) -> dict[str, Any]:
    view = V.of(report)
    cut = level.cut(len(culprit.cells), len(culprit.cells))
    ctx: dict[str, Any] = {"report": report, "level": level.name, "generated": view.generated,
                           "run_url": url(report.run_url), "cut": cut_note(cut, report.run_url)}
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
    repro = fence(first.repro, "sh") if first is not None and first.repro else ""
    details = view.details(level, culprit.cells, cap=B.ISSUE_CHARS) if not level.counts_only else ""
    if repro:                          # shown once: under Reproduce, not again in its cell's details
        details = details.replace(repro, "(the commands under **Reproduce** above)")
        assert first is not None
        repro = fence(minimal_repro(first, culprit) or first.repro, "sh")
    ctx.update({
        "culprit": culprit, "key": md(culprit.key, 250), "marker": issue_marker(report.name, culprit.key),
        "title": issue_title(report, culprit), "who": who,
        "cause": (f"{md(culprit.cause.kind)} — {md(culprit.cause.summary, 300)}" if culprit.cause else ""),
        "cells_table": md_table(["cell", "result", "job"], rows),
        "versions": "\n".join(f"- {version_text(v)}" for v in culprit.versions),
        "repro": repro, "details": details, "broken_by": view.culprit_broken_by(culprit), "pins": pins(culprit),
        "upstream": _upstream_line(report, culprit, settings, upstream_ref),
        "since": _since(culprit.consecutive_failures, last_pass) if culprit.kind != "slower" else
        "Slower in this run; rodeo closes this issue when a run is no longer twice as slow.",
    })
    if culprit.flaky:
        ctx["since"] += (f" Flaky ({md(W.flaky_text(culprit.flips, culprit.runs))}): rodeo keeps this issue open "
                         "while its cells flip, rather than closing it and filing another at each flip.")
    return ctx


def _upstream_line(report: Report, culprit: Culprit, settings: Settings,
                   upstream_ref: tuple[str, str] | None) -> str:
    """The issue's word on upstream: the issue filed there, a link to file one, or why there is none."""
    if upstream_ref:
        return f"Reported upstream: {md_link(md(upstream_ref[0], 200), upstream_ref[1])}."
    if not reportable(culprit) and culprit.cause is not None:
        whose = f"one for {md(culprit.tracker, 200)} to fix" if culprit.tracker else "a bug of the package or manager"
        return f"Not reported upstream: {md(culprit.cause.kind)} is a problem of where the cells ran, not {whose}."
    found = upstream_url(report, culprit, settings)
    return md_link(f"Report upstream to {md(culprit.tracker or '', 200)}", found) if found else ""


def _since(runs: int, last_pass: str | None) -> str:
    """``Failing in this run.`` / ``Failing for 3 runs in a row; last passed …``."""
    text = "Failing in this run" if runs <= 1 else f"Failing for {plural(runs, 'run')} in a row"
    return text + (f"; last passed {md(when(last_pass), 40)}" if last_pass else "") + "."


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
        ctx = _issue_context(report, culprit, settings, level, upstream_ref)
        out = render_template(settings, "issue.md.j2", ctx, [marker])
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
    view = V.of(report)
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
    out = render_template(settings, "fixed.md.j2", ctx, [ctx["marker"]])
    return B.truncate(out, B.ISSUE) if not B.ISSUE.fits(out) else out


@dataclass(frozen=True)
class Changed:
    """What an issue's update comment reports: what changed, in words, and what the issue said before."""

    what: tuple[str, ...]              # of: cause, summary, cells, versions, broken again
    cause: str | None                  # the cause's kind the issue named before
    package: str | None                # and its package
    cells: tuple[str, ...]             # the failing cells it named before
    now_cells: tuple[str, ...]         # the failing cells now
    state: str                         # what the comment reports, hashed: its marker, so its first line is unique


def update(report: Report, culprit: Culprit, changed: Changed, settings: Settings | None = None) -> str:
    """The comment saying what changed (the issue's body above is updated to tell the whole current story)."""
    settings = settings or Settings()
    what = changed.what
    cause = culprit.cause
    ctx: dict[str, Any] = {
        "report": report, "culprit": culprit, "run_url": url(report.run_url), "generated": V.of(report).generated,
        "marker": update_marker(report.name, culprit.key, changed.state), "key": md(culprit.key, 250),
        "what": md(", ".join(what), 80), "broken_again": "broken again" in what, "cause": "", "cells": "",
        "flaky": md(W.flaky_text(culprit.flips, culprit.runs)) if "flaky" in what and culprit.flaky else "",
        "versions": ", ".join(version_text(v) for v in culprit.versions[:20]) if "versions" in what else "",
    }
    if "cause" in what or "summary" in what:
        before = md(f"{changed.cause} ({changed.package})" if changed.package else changed.cause or "unknown", 200)
        now = md(f"{cause.kind} ({cause.package})" if cause and cause.package else cause.kind if cause else "unknown",
                 200)
        ctx["cause"] = f"{before} → **{now}**" + (f": {md(cause.summary, 300)}" if cause else "")
    if "cells" in what:
        was, now_cells = set(changed.cells), set(changed.now_cells)
        added, gone = sorted(now_cells - was), sorted(was - now_cells)
        ctx["cells"] = (f"{len(now_cells)}" + (f"; newly failing: {md(_some(added), 600)}" if added else "")
                        + (f"; no longer part of it: {md(_some(gone), 600)}" if gone else ""))
    return render_template(settings, "update.md.j2", ctx, [ctx["marker"]])


def _some(items: Sequence[str], limit: int = 8) -> str:
    return ", ".join(items[:limit]) + (f" … and {len(items) - limit} more" if len(items) > limit else "")


__all__ = ["LOCAL_CAUSES", "TITLE_CHARS", "Changed", "Prefill", "fixed", "issue", "issue_title", "minimal_repro",
           "pins", "reportable", "update", "upstream_issue", "upstream_prefill", "upstream_repo", "upstream_url"]
