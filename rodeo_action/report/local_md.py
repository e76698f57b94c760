"""The report `rodeo local` writes: when, where, with which tools, the table, and every failure."""

from __future__ import annotations

import platform
from collections.abc import Iterable

from rodeo_action.report.table import build, markdown, md_cell
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
    results = list(results)
    versions = sorted({(r.cell.manager, r.manager_version) for r in results if r.manager_version})
    pythons = sorted({r.python_version for r in results if r.python_version})
    lines = [f"# {md_cell(title)}", "",
             f"Run {when} on {platform.node() or 'this machine'} ({platform.system()} {platform.release()}, "
             f"{platform.machine()}); Python {', '.join(pythons) or '—'}.", "",
             markdown(build(results, managers)), ""]
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status] = counts.get(r.status, 0) + 1
    lines += ["Cells: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())), ""]
    if versions:
        lines += ["Tools: " + ", ".join(f"{m} = {md_cell(v or '')}" for m, v in versions), ""]
    why = [r for r in results if r.status in ("unavailable", "n/a")]
    if why:
        lines += ["## Not run here", ""]
        lines += [f"- **{r.cell.id}** ({r.status}): {md_cell(r.reason or '')}" for r in why]
        lines.append("")
    failed = [r for r in results if r.status in ("fail", "timeout", "error")]
    if failed:
        lines += ["## Failures", ""]
        for r in failed:
            cause = r.cause
            lines += [f"### {r.cell.id}", "",
                      f"**{r.status}** in **{r.phase}**" + (f": `{cause.kind}`" if cause else "")
                      + (f" ({md_cell(cause.package)})" if cause and cause.package else ""), ""]
            if cause:
                lines += [f"> {md_cell(cause.summary)}", ""]
            bad = {m: v for m, v in r.imports.items() if v != "ok"}
            if bad:
                lines += ["Imports: " + ", ".join(f"`{m}`: {md_cell(v)}" for m, v in bad.items()), ""]
            lines += ["<details><summary>repro</summary>", "", fence(r.repro), "", "</details>", "",
                      "<details><summary>log tail</summary>", "", fence(r.log_tail), "", "</details>", ""]
    return "\n".join(lines)
