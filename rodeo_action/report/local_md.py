"""The report `rodeo local` writes: when, where, with which tools, then the renderers' markdown report."""

from __future__ import annotations

import platform
from collections.abc import Iterable

from rodeo_action.results import Result


def render(results: Iterable[Result], managers: Iterable[str], title: str, when: str) -> str:
    """report.md of ``rodeo local``: the same markdown report as ``rodeo report --markdown`` writes."""
    from rodeo_action.report import render as report_render

    results = list(results)
    pythons = sorted({r.python_version for r in results if r.python_version})
    managers = list(managers)
    order = {m: i for i, m in enumerate(managers)}
    users: dict[str, list[str]] = {}          # a tool's version line -> the managers that ran it
    for r in sorted(results, key=lambda r: order.get(r.cell.manager, len(order))):
        if r.manager_version and r.cell.manager not in users.setdefault(r.manager_version, []):
            users[r.manager_version].append(r.cell.manager)
    host = (f"Run {when} on {platform.node() or 'this machine'} ({platform.system()} {platform.release()}, "
            f"{platform.machine()}); Python {', '.join(pythons) or '—'}.")
    if users:
        host += " Tools: " + "; ".join(f"{', '.join(ms)}: {v}" for v, ms in users.items()) + "."
    return report_render.local(results, list(managers), title, when, host)
