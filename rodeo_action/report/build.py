"""Collected cells + baseline -> Report: the table, changes, scoreboard and culprits.

Culprits follow one documented rule, so the same failures always file the same issues:

1. Failing cells (fail, timeout, or error with a result) are the candidates; cells whose result
   could not be read are rodeo's or the artifact's problem and are left to the report notes.
2. A package named as the cause in the failing cells of two or more managers is a *package*
   culprit: it is the package, not each manager, that needs fixing (or reporting upstream).
3. Of what is left, a manager whose cause is ``manager-broken``, or which fails in two or more
   sets, is a *manager* culprit: the tool itself is the story.
4. Whatever remains is one *cell* culprit per manager and package (or set, when the log names no
   package): a problem of that pairing only.

A culprit's key (``package:NAME``, ``manager:NAME``, ``cell:MANAGER/NAME``) is stable across runs;
issues are found again by it.
"""

from __future__ import annotations

from collections.abc import Iterable

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from rodeo_action.config import Config
from rodeo_action.report.history import Baseline, advance, key_versions
from rodeo_action.report.model import (
    FAILING,
    CellHistory,
    CellView,
    Change,
    Culprit,
    Report,
    Row,
    Score,
    VersionChange,
)
from rodeo_action.results import Cause


def _packages(config: Config | None, cell: CellView) -> tuple[str, ...]:
    if config is not None and cell.set in config.sets:
        return config.sets[cell.set]
    if cell.result is not None:
        return tuple(_requirement_name(p) for p in cell.result.cell.packages)
    return ()


def _requirement_name(text: str) -> str:
    try:
        return canonicalize_name(Requirement(text).name)
    except InvalidRequirement:
        return canonicalize_name(text)


def version_changes(before: dict[str, str], after: dict[str, str]) -> tuple[VersionChange, ...]:
    names = sorted(set(before) | set(after), key=lambda n: (n.startswith("<"), n))
    return tuple(VersionChange(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n))


def rows(cells: Iterable[CellView], managers: tuple[str, ...]) -> tuple[Row, ...]:
    cells = list(cells)
    vary_os = len({c.os for c in cells}) > 1
    vary_py = len({c.python for c in cells}) > 1
    column = {m: i for i, m in enumerate(managers)}
    grid: dict[tuple[str, str, str], list[CellView | None]] = {}
    for c in cells:
        key = (c.set, c.os if vary_os else "", c.python if vary_py else "")
        grid.setdefault(key, [None] * len(managers))[column[c.manager]] = c
    return tuple(Row(s, o or None, p or None, tuple(v)) for (s, o, p), v in sorted(grid.items()))


def _changes(cells: list[CellView], baseline: Baseline | None, history: dict[str, CellHistory],
             versions: dict[str, dict[str, str]], prev: dict[str, CellHistory]) -> tuple[Change, ...]:
    if baseline is None:
        return ()
    out: list[Change] = []
    now = {c.id: c for c in cells}
    for cid, cell in now.items():
        old = baseline.cells.get(cid)
        if old is None:
            out.append(Change(cid, "new", None, cell.status))
            continue
        if old.status == "pass" and cell.status in FAILING:
            last = prev[cid].last_pass_versions if cid in prev else {}
            out.append(Change(cid, "regression", old.status, cell.status, version_changes(last, versions[cid])))
        elif old.status in FAILING and cell.status == "pass":
            out.append(Change(cid, "fix", old.status, cell.status))
        elif old.status in FAILING and cell.status in FAILING and cell.cause is not None and (
                (old.cause_kind, old.cause_package) != (cell.cause.kind, cell.cause.package)):
            out.append(Change(cid, "changed", old.status, cell.status))
    for cid, old in baseline.cells.items():
        if cid not in now:
            out.append(Change(cid, "removed", old.status, None))
    order = {"regression": 0, "fix": 1, "changed": 2, "new": 3, "removed": 4}
    return tuple(sorted(out, key=lambda c: (order[c.kind], c.cell_id)))


def _culprit_package(cell: CellView, config: Config | None) -> str | None:
    """The cause's package as its PyPI name (apt's python3-foo, conda's pytorch map back)."""
    cause = cell.cause
    if cause is None or not cause.package:
        return None
    name = canonicalize_name(cause.package)
    if config is not None:
        from rodeo_action.managers import manager_info
        from rodeo_action.names import builtin

        names = builtin()
        info = manager_info(cell.manager)
        for pkg in config.packages:
            mapped = names.ecosystem_name(pkg, info.ecosystem, info.name)
            if name in (pkg.name, canonicalize_name(mapped or "")):
                return pkg.name
    return name


def _tracker(config: Config | None, package: str | None, manager: str | None) -> str | None:
    if package and config is not None:
        for pkg in config.packages:
            if pkg.name == package and pkg.tracker:
                return pkg.tracker
    if manager:
        from rodeo_action.managers import MODULES, manager_info

        if manager in MODULES:
            return manager_info(manager).tracker
    return None


def culprits(cells: list[CellView], config: Config | None, history: dict[str, CellHistory],
             changes: tuple[Change, ...]) -> tuple[Culprit, ...]:
    failing = [c for c in cells if c.status in FAILING and c.result is not None]
    regressed = {c.cell_id for c in changes if c.kind == "regression"}
    diffs = {c.cell_id: c.versions for c in changes if c.kind == "regression"}
    pkg_of = {c.id: _culprit_package(c, config) for c in failing}
    by_package: dict[str, list[CellView]] = {}
    for c in failing:
        if pkg_of[c.id]:
            by_package.setdefault(pkg_of[c.id] or "", []).append(c)
    out: list[Culprit] = []
    taken: set[str] = set()

    def make(key: str, kind: str, name: str, group: list[CellView], tracker: str | None) -> Culprit:
        ids = tuple(sorted(c.id for c in group))
        taken.update(ids)
        first = sorted(group, key=lambda c: c.id)[0]
        versions: dict[str, VersionChange] = {}
        for cid in ids:
            for v in diffs.get(cid, ()):
                versions.setdefault(v.name, v)
        return Culprit(key=key, kind=kind, name=name, cells=ids, cause=first.cause, tracker=tracker,
                       versions=tuple(versions.values()),
                       consecutive_failures=min(history[c].consecutive_failures for c in ids) if ids else 1,
                       regression=any(c in regressed for c in ids))

    for package, group in sorted(by_package.items()):
        if len({c.manager for c in group}) >= 2:
            out.append(make(f"package:{package}", "package", package, group, _tracker(config, package, None)))
    by_manager: dict[str, list[CellView]] = {}
    for c in failing:
        if c.id not in taken:
            by_manager.setdefault(c.manager, []).append(c)
    for manager, group in sorted(by_manager.items()):
        broken = any(c.cause is not None and c.cause.kind == "manager-broken" for c in group)
        if broken or len({c.set for c in group}) >= 2:
            out.append(make(f"manager:{manager}", "manager", manager, group, _tracker(config, None, manager)))
    rest: dict[tuple[str, str], list[CellView]] = {}
    for c in failing:
        if c.id not in taken:
            rest.setdefault((c.manager, pkg_of[c.id] or f"set-{c.set}"), []).append(c)
    for (manager, what), group in sorted(rest.items()):
        culprit_pkg = None if what.startswith("set-") else what
        out.append(make(f"cell:{manager}/{what}", "cell", f"{manager}/{what}", group,
                        _tracker(config, culprit_pkg, None) or _tracker(config, None, manager)))
    return tuple(out)


def scores(cells: list[CellView], managers: tuple[str, ...]) -> tuple[Score, ...]:
    out = []
    for m in managers:
        mine = [c for c in cells if c.manager == m]
        ran = [c for c in mine if c.status in FAILING or c.status == "pass"]
        out.append(Score(m, sum(c.status == "pass" for c in mine), len(ran), len(mine)))
    return tuple(out)


def build_report(cells: list[CellView], config: Config | None, baseline: Baseline | None, generated_at: str,
                 run_url: str | None, notes: Iterable[str] = ()) -> Report:
    """The whole report model for one run."""
    managers = tuple(config.managers) if config is not None else ()
    extra = sorted({c.manager for c in cells} - set(managers))
    managers = (*managers, *extra)
    managers = tuple(m for m in managers if any(c.manager == m for c in cells))
    prev = {cid: b.history for cid, b in baseline.cells.items()} if baseline else {}
    versions = {c.id: key_versions(c, _packages(config, c)) for c in cells}
    history = {c.id: advance(prev.get(c.id), c, versions[c.id]) for c in cells}
    changes = _changes(cells, baseline, history, versions, prev)
    all_notes = list(notes)
    if baseline is None:
        all_notes.append("no baseline: changes are shown from the next run on")
    return Report(name=config.name if config else None, generated_at=generated_at, run_url=run_url,
                  managers=managers, rows=rows(cells, managers), cells=tuple(cells), changes=changes,
                  culprits=culprits(cells, config, history, changes), scores=scores(cells, managers),
                  history=history, notes=tuple(all_notes), has_baseline=baseline is not None)


def cause_line(cause: Cause | None) -> str:
    if cause is None:
        return ""
    return f"{cause.kind} ({cause.package})" if cause.package else cause.kind
