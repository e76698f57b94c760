"""History you can see: per-manager trends, and the cells that got slower or flip between runs.

Everything here reads the per-cell histories the baseline keeps (:class:`CellHistory`: at most
``HISTORY_LENGTH`` statuses and seconds, oldest first, this run last), so it needs no database and
no earlier report. Histories of different lengths (a cell added later, a digest that had to drop
older statuses, seconds dropped as unreadable) are aligned at their end: the last entry of every
history is this run. A run a cell's history does not reach is a *gap*: shown as "not known", never
guessed.

The seconds are install + import (:attr:`CellView.timed_seconds`): what a manager is answerable for,
without the set-up of the manager itself and the set's own test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from rodeo_action.report.model import FAILING, CellHistory, CellView, Report

FLAKY_WINDOW = 10        # runs a flaky cell's flips are counted in (this run included)
# pass <-> fail flips in that window that make a cell flaky: a break and its fix are two flips, the
# ordinary story of a regression (its issue is closed when fixed); flipping back and forth is a third
FLAKY_FLIPS = 3
SLOWER_FACTOR = 2.0      # this run's time over the median of earlier passes...
SLOWER_MARGIN = 10.0     # ...and at least this many seconds more
SLOWER_MIN_PASSES = 3    # earlier passes the median needs
SLOWER_WINDOW = 10       # the most recent earlier passes the median is taken over


@dataclass(frozen=True)
class RunPoint:
    """One manager in one run of the history."""

    index: int                    # 0 = oldest run kept, last = this run
    passed: int                   # cells of the manager that passed in that run
    verdicts: int                 # cells with a verdict (pass/fail/timeout/error) in that run
    median_seconds: float | None  # median install+import time of its passing cells, None if none passed

    @property
    def pass_rate(self) -> float | None:
        """passed / verdicts, None when the manager had no verdict in that run."""
        return self.passed / self.verdicts if self.verdicts else None


@dataclass(frozen=True)
class ManagerTrend:
    """A manager's pass rate and time over the runs the history keeps."""

    manager: str
    points: tuple[RunPoint, ...]  # oldest first; a run where the manager had no verdict is a point with verdicts=0
    gaps: int                     # runs the history could not place (e.g. shorter histories), said on the page


@dataclass(frozen=True)
class Slower:
    """A passing cell that took at least twice its usual time (and 10 s more)."""

    cell_id: str
    seconds: float                # this run's install + import
    median_before: float          # the median of its earlier passes
    passes: int                   # how many earlier passes that median is of


@dataclass(frozen=True)
class Flaky:
    """A cell whose verdict flipped pass <-> fail at least ``FLAKY_FLIPS`` times in its last runs."""

    cell_id: str
    flips: int
    runs: int                     # the runs the flips were counted in (this one included)


def _history(cell: CellView, report: Report) -> CellHistory:
    """The cell's history, this run included (``build_report`` advances it); a report without one
    (made by hand, or ``rodeo local``) has this run only."""
    got = report.history.get(cell.id)
    if got is not None and got.statuses:
        return got
    return CellHistory(statuses=(cell.status,), seconds=(round(cell.timed_seconds, 1),))


def points_of(history: CellHistory) -> tuple[tuple[str, float | None], ...]:
    """(status, seconds) per run kept, oldest first: the seconds aligned with the statuses at their end,
    None where a run has none (a shorter seconds list: an old digest, or a value dropped on reading)."""
    statuses, seconds = history.statuses, history.seconds
    pad = len(statuses) - len(seconds)
    out: list[tuple[str, float | None]] = []
    for i, status in enumerate(statuses):
        j = i - pad
        out.append((status, seconds[j] if 0 <= j < len(seconds) else None))
    return tuple(out)


def cell_points(cell: CellView, report: Report) -> tuple[tuple[str, float | None], ...]:
    """(status, seconds) of ``cell`` in each run its history keeps, oldest first, this run last.

    The history lives in the report (``report.history``), not in the cell: hence the second argument."""
    return points_of(_history(cell, report))


def run_count(report: Report) -> int:
    """How many runs the report's histories reach back (the longest; at least this one)."""
    return max((len(_history(c, report).statuses) for c in report.cells), default=1)


def trends(report: Report) -> tuple[ManagerTrend, ...]:
    """One trend per manager in report order, over the same runs (``run_count``), so that managers'
    points line up: index i is the same run for every manager."""
    n = run_count(report)
    by_manager: dict[str, list[CellView]] = {m: [] for m in report.managers}
    for c in report.cells:
        if c.manager in by_manager:
            by_manager[c.manager].append(c)
    return tuple(_trend(m, [cell_points(c, report) for c in by_manager[m]], n) for m in report.managers)


def _trend(manager: str, cells: Sequence[tuple[tuple[str, float | None], ...]], n: int) -> ManagerTrend:
    passed = [0] * n
    verdicts = [0] * n
    times: list[list[float]] = [[] for _ in range(n)]
    unplaced = [False] * n
    for pts in cells:
        pts = pts[-n:]
        start = n - len(pts)
        for i in range(start):
            unplaced[i] = True
        for k, (status, seconds) in enumerate(pts):
            i = start + k
            if status == "pass":
                passed[i] += 1
                verdicts[i] += 1
                if seconds is not None:
                    times[i].append(seconds)
            elif status in FAILING:
                verdicts[i] += 1
    points = tuple(RunPoint(i, passed[i], verdicts[i], float(median(times[i])) if times[i] else None)
                   for i in range(n))
    return ManagerTrend(manager, points, sum(unplaced))


def flips(statuses: Sequence[str], window: int = FLAKY_WINDOW) -> tuple[int, int]:
    """(pass <-> fail flips, runs counted) in the last ``window`` runs. Runs without a verdict (missing,
    n/a, unavailable) are skipped: a cancelled run between a pass and a failure still makes a flip."""
    recent = statuses[-window:]
    verdicts = ["pass" if s == "pass" else "fail" for s in recent if s == "pass" or s in FAILING]
    return sum(a != b for a, b in zip(verdicts, verdicts[1:], strict=False)), len(recent)


def flaky(cell: CellView, report: Report) -> Flaky | None:
    """The cell when it flipped at least ``FLAKY_FLIPS`` times in its last ``FLAKY_WINDOW`` runs."""
    n, runs = flips(_history(cell, report).statuses)
    return Flaky(cell.id, n, runs) if n >= FLAKY_FLIPS else None


def slower(cell: CellView, report: Report) -> Slower | None:
    """The cell when it passed now in at least ``SLOWER_FACTOR`` times the median of its last (up to
    ``SLOWER_WINDOW``, at least ``SLOWER_MIN_PASSES``) earlier passes, and ``SLOWER_MARGIN`` s more."""
    pts = cell_points(cell, report)
    if not pts or pts[-1][0] != "pass" or pts[-1][1] is None:
        return None
    return slower_than(cell.id, pts)


def slower_than(cell_id: str, pts: Sequence[tuple[str, float | None]]) -> Slower | None:
    """:func:`slower` on (status, seconds) points, this run last."""
    now = pts[-1][1]
    if pts[-1][0] != "pass" or now is None:
        return None
    before = [s for status, s in pts[:-1] if status == "pass" and s is not None][-SLOWER_WINDOW:]
    if len(before) < SLOWER_MIN_PASSES:
        return None
    mid = float(median(before))
    if now >= SLOWER_FACTOR * mid and now - mid >= SLOWER_MARGIN:
        return Slower(cell_id, now, mid, len(before))
    return None
