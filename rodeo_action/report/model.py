"""The report model: everything a renderer shows, computed once, with no I/O and no markup.

``collect`` turns a results folder into :class:`CellView` s (missing and unreadable ones
included), ``history`` reads and writes the baseline, and ``build`` derives the table, the
changes since the baseline, the scoreboard and the culprits. Renderers (markdown, SVG, badge,
terminal) only read these dataclasses, so each output is a pure function of one ``Report``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from rodeo_action.results import Cause, Isolation, Result

# Report statuses: a result's own, plus "missing" (planned, no result: a cancelled job).
STATUSES = ("pass", "fail", "timeout", "error", "missing", "unavailable", "n/a")
FAILING = frozenset({"fail", "timeout", "error"})


@dataclass(frozen=True)
class LockFiles:
    """A passing cell's lock, as text: the baseline keeps it (in a --json) so that the next run can
    re-install the environment that passed and isolate the release that broke it."""

    format: str                        # the lock's format (LockRef.format: requirements-hashes, poetry, ...)
    files: dict[str, str]              # the lock folder's files, by plain name (the tool lock aside)


@dataclass(frozen=True)
class CellView:
    """One cell as the report shows it."""

    id: str
    manager: str
    set: str
    os: str
    python: str
    status: str                        # one of STATUSES
    result: Result | None = None       # None when missing or unreadable
    note: str | None = None            # what went wrong with the result file, a duplicate, a reason
    source: str | None = None          # the file the result was read from (relative to --results)
    lock: LockFiles | None = None      # a pass's lock files, read beside its result (collect)
    tool_pins: dict[str, str] = field(default_factory=dict)   # a pass's tool venv, from its tool lock

    @property
    def cause(self) -> Cause | None:
        return self.result.cause if self.result else None

    @property
    def seconds(self) -> float:
        return sum(self.result.durations.values()) if self.result else 0.0

    @property
    def timed_seconds(self) -> float:
        """Install + import: what the history keeps and trends compare (the manager's own set-up and
        the set's test aside: neither is the manager installing the set)."""
        if self.result is None:
            return 0.0
        d = self.result.durations
        return d.get("install", 0.0) + d.get("import", 0.0)


@dataclass(frozen=True)
class VersionChange:
    """One resolved version (or the manager's own) that differs between the last pass and now."""

    name: str
    before: str | None                 # None: not installed then
    after: str | None                  # None: not installed now


@dataclass(frozen=True)
class CellHistory:
    """What the baseline remembers of a cell across runs (bounded)."""

    statuses: tuple[str, ...] = ()     # oldest first, at most HISTORY_LENGTH, the current run last
    seconds: tuple[float, ...] = ()
    consecutive_failures: int = 0      # failing runs in a row, the current one included
    last_pass_at: str | None = None
    last_pass_run_url: str | None = None
    last_pass_versions: dict[str, str] = field(default_factory=dict)   # key versions + "<manager>" own
    last_pass_pins: dict[str, str] = field(default_factory=dict)       # every distribution that passed
    last_pass_tool_pins: dict[str, str] = field(default_factory=dict)  # the manager's tool venv then
    last_pass_lock: LockFiles | None = None                            # its lock's text (--json only)


@dataclass(frozen=True)
class Change:
    """A cell whose status changed since the baseline."""

    cell_id: str
    kind: str                          # regression | fix | changed | flaky | slower | new | removed
    before: str | None
    after: str | None
    versions: tuple[VersionChange, ...] = ()
    before_cause: str | None = None    # the baseline's cause, ``kind (package)``: a "changed" shows old → new
    # flaky (a regression or fix of a cell that flips): its pass <-> fail flips in its last ``runs`` runs
    flips: int = 0
    runs: int = 0
    # slower (a pass at >= 2x its usual install + import time): now, the median before, over how many passes
    seconds: float | None = None
    median_before: float | None = None
    passes: int = 0


@dataclass(frozen=True)
class Culprit:
    """Who a group of failing cells should be reported against (one GitHub issue each)."""

    key: str                           # stable id for the issue marker: "package:tensorflow", "manager:pdm", ...
    kind: str                          # package | manager | cell
    name: str                          # the package, the manager, or the cell id
    cells: tuple[str, ...]
    cause: Cause | None                # the representative cause
    tracker: str | None                # OWNER/REPO or URL where upstream issues go
    versions: tuple[VersionChange, ...] = ()
    consecutive_failures: int = 1      # the smallest among its cells: `after:` compares with this
    regression: bool = False           # at least one of its cells passed in the baseline
    isolation: Isolation | None = None  # the release that broke it, when its cells were isolated to one (build rule 0)
    flaky: tuple[str, ...] = ()        # its cells that flip between pass and fail (trends.flaky): one issue, kept open
    flips: int = 0                     # the most flips among them, in their last ``runs`` runs
    runs: int = 0


@dataclass(frozen=True)
class Score:
    manager: str
    passed: int
    ran: int                           # cells that ran (pass, fail, timeout, error)
    total: int                         # all cells, n/a and unavailable included


@dataclass(frozen=True)
class Row:
    """One table row: a set (x os x python where those vary) and one CellView per manager column."""

    set: str
    os: str | None
    python: str | None
    cells: tuple[CellView | None, ...]


@dataclass(frozen=True)
class Report:
    name: str | None                   # the rodeo's id (hidden markers)
    generated_at: str
    run_url: str | None
    managers: tuple[str, ...]          # the table's columns, in config order
    rows: tuple[Row, ...]
    cells: tuple[CellView, ...]        # every cell, sorted by id
    changes: tuple[Change, ...] = ()
    culprits: tuple[Culprit, ...] = ()
    scores: tuple[Score, ...] = ()
    history: dict[str, CellHistory] = field(default_factory=dict)
    notes: tuple[str, ...] = ()        # report-level remarks: duplicates, unreadable files, a missing baseline
    has_baseline: bool = False
    max_installs: int | None = None    # the config's bisect budget: what an isolation's installs are "of"
    site_url: str | None = None        # where the --html site is published (--site-url): outputs link to it

    @property
    def regressions(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == "regression")

    @property
    def fixes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == "fix")

    @cached_property
    def memo(self) -> dict[str, object]:
        """What renderers work out once per report object (``view.of``: every label, table line and
        failure's details, escaped), shared by its outputs. It lives and dies with this object: a
        report made by ``dataclasses.replace`` starts without it, and no module keeps reports alive."""
        return {}
