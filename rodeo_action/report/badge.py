"""shields.io endpoint badges (``rodeo report --badge`` / ``--badge-dir``).

The JSON follows https://shields.io/badges/endpoint-badge: ``schemaVersion`` 1, ``label``,
a non-empty ``message``, a ``color``. The message counts as every output does (:mod:`.words`):
passes among the cells that *ran* (pass, fail, timeout, error), "5 of 11 pass". ``n/a`` and
``unavailable`` cells are not verdicts on the packages; cancelled (``missing``) cells are named in
the message rather than hidden or counted as failures.

``isError`` is, per those docs, for an *error badge* (it stops a ``?color=`` query from
repainting it): it is set only when there is no pass rate to show (nothing ran, some cells have
no result). Failing or ``error`` cells are what the badge reports, not a failure to make it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from rodeo_action.report.model import CellView, Report
from rodeo_action.report.words import Tally

LABEL = "rodeo"
# (lowest pass rate, shields named colour), first match wins
COLOURS = ((1.0, "brightgreen"), (0.9, "green"), (0.75, "yellowgreen"), (0.5, "yellow"), (0.25, "orange"),
           (0.0, "red"))


class _Endpoint(TypedDict):
    schemaVersion: int
    label: str
    message: str
    color: str


class Endpoint(_Endpoint, total=False):
    """The endpoint JSON; ``isError`` only when present (its default is false)."""

    isError: bool


def colour(passed: int, ran: int) -> str:
    """The badge colour for a pass rate; lightgrey when nothing ran."""
    if ran <= 0:
        return "lightgrey"
    rate = passed / ran
    return next(name for floor, name in COLOURS if rate >= floor)


def endpoint(label: str, cells: Iterable[CellView]) -> Endpoint:
    """One badge for these cells: ``5 of 11 pass``, ``5 of 11 pass, 2 missing``."""
    tally = Tally.of(cell.status for cell in cells)
    if tally.ran == 0:
        if tally["missing"] or not tally.total:
            return {"schemaVersion": 1, "label": label, "message": "no results", "color": "lightgrey",
                    "isError": True}
        return {"schemaVersion": 1, "label": label, "message": "n/a" if tally["n/a"] == tally.total else "unavailable",
                "color": "lightgrey"}
    message = tally.rate()
    if tally["missing"]:
        message += f", {tally['missing']} missing"
    return {"schemaVersion": 1, "label": label, "message": message, "color": colour(tally.passed, tally.ran)}


def overall(report: Report) -> Endpoint:
    """The rodeo's badge: ``rodeo | 5 of 11 pass``."""
    return endpoint(LABEL, report.cells)


def per_manager(report: Report) -> dict[str, Endpoint]:
    """One badge per manager column (``uv | 3 of 3 pass``), in the report's column order."""
    by_manager: dict[str, list[CellView]] = {m: [] for m in report.managers}
    for cell in report.cells:
        by_manager.setdefault(cell.manager, []).append(cell)
    return {m: endpoint(m, cells) for m, cells in by_manager.items()}
