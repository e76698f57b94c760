"""The report `rodeo local` writes: when, where, with which tools, then the renderers' markdown report."""

from __future__ import annotations

import platform
from collections.abc import Iterable

from rodeo_action.results import Result


def fence(text: str) -> str:
    """A code fence longer than any backtick run inside ``text``."""
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}\n{text}\n{ticks}"


def render(results: Iterable[Result], managers: Iterable[str], title: str, when: str) -> str:
    """report.md of ``rodeo local``: the same markdown report as ``rodeo report --markdown`` writes."""
    from rodeo_action.report import render as report_render

    results = list(results)
    pythons = sorted({r.python_version for r in results if r.python_version})
    versions = sorted({(r.cell.manager, r.manager_version) for r in results if r.manager_version})
    host = (f"Run {when} on {platform.node() or 'this machine'} ({platform.system()} {platform.release()}, "
            f"{platform.machine()}); Python {', '.join(pythons) or '—'}.")
    if versions:
        host += " Tools: " + ", ".join(f"{v}" for _, v in versions) + "."
    return report_render.local(results, list(managers), title, when, host)
