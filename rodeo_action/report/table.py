"""The matrix at a glance: one row per set (x os x python where they vary), one column per manager."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rodeo_action.results import Result

ICONS = {"pass": "✅", "fail": "❌", "timeout": "⏱", "n/a": "n/a", "unavailable": "unavailable", "error": "💥",
         "missing": "missing"}


def cell_text(result: Result) -> str:
    """``✅ 14s``, ``❌ install: no-matching-distribution (tensorflow)``, ``⏱``, ``n/a`` ..."""
    if result.status == "pass":
        return f"✅ {_seconds(sum(result.durations.values()))}"
    if result.status in ("fail", "error"):
        text = f"{ICONS[result.status]} {result.phase or 'run'}"
        if result.cause:
            text += f": {result.cause.kind}"
            if result.cause.package:
                text += f" ({result.cause.package})"
        return text
    if result.status == "timeout":
        return f"⏱ {result.phase or ''}".strip()
    return ICONS.get(result.status, result.status)


def _seconds(value: float) -> str:
    return f"{value:.0f}s" if value < 120 else f"{value / 60:.0f}m"


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def build(results: Iterable[Result], managers: Iterable[str]) -> Table:
    results = list(results)
    managers = [m for m in managers if any(r.cell.manager == m for r in results)]
    vary_os = len({r.cell.os for r in results}) > 1
    vary_py = len({r.cell.python for r in results}) > 1
    def row_key(r: Result) -> tuple[str, ...]:
        return (r.cell.set, *((r.cell.os,) if vary_os else ()), *((r.cell.python,) if vary_py else ()))
    grid: dict[tuple[str, ...], dict[str, Result]] = {}
    for r in results:
        grid.setdefault(row_key(r), {})[r.cell.manager] = r
    headers = ("set", *(("os",) if vary_os else ()), *(("python",) if vary_py else ()), *managers)
    rows = []
    for key in sorted(grid):
        rows.append((*key, *(cell_text(grid[key][m]) if m in grid[key] else "" for m in managers)))
    return Table(headers, tuple(rows))


def md_cell(text: str) -> str:
    """Text safe inside a markdown table cell: no pipe or newline can break the row."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def markdown(table: Table) -> str:
    head = "| " + " | ".join(md_cell(h) for h in table.headers) + " |"
    rule = "|" + "|".join("---" for _ in table.headers) + "|"
    body = ["| " + " | ".join(md_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join([head, rule, *body])
