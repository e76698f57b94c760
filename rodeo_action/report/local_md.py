"""The report `rodeo local` writes: when, where, with which tools, then the renderers' markdown report."""

from __future__ import annotations

import platform
from collections.abc import Iterable

from rodeo_action.report.model import Report
from rodeo_action.results import Result


def host_line(results: Iterable[Result], managers: Iterable[str], when: str) -> str:
    """``Run … on HOST (Linux 6.1, x86_64); Python 3.11. Tools: pip: pip 23.2.1; uv: uv 0.9.5.``"""
    results = list(results)
    pythons = sorted({r.python_version for r in results if r.python_version})
    order = {m: i for i, m in enumerate(managers)}
    users: dict[str, list[str]] = {}          # a tool's version line -> the managers that ran it
    for r in sorted(results, key=lambda r: order.get(r.cell.manager, len(order))):
        if r.manager_version and r.cell.manager not in users.setdefault(r.manager_version, []):
            users[r.manager_version].append(r.cell.manager)
    host = (f"Run {when} on {platform.node() or 'this machine'} ({platform.system()} {platform.release()}, "
            f"{platform.machine()}); Python {', '.join(pythons) or '—'}.")
    if users:
        host += " Tools: " + "; ".join(f"{', '.join(ms)}: {v}" for v, ms in users.items()) + "."
    return host


def render(report: Report, title: str) -> str:
    """report.md of ``rodeo local``: the same markdown report as ``rodeo report --markdown`` writes."""
    from rodeo_action.report import render as report_render

    return report_render.markdown(report, report_render.Settings(title=title))
