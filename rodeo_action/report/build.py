"""Collected cells + baseline -> Report: the table, changes, scoreboard and culprits.

Culprits follow one documented rule, so the same failures always file the same issues:

1. Failing cells (fail, timeout, or error with a result) are the candidates; cells whose result
   could not be read are rodeo's or the artifact's problem and are left to the report notes.
   First of all, a regressed cell that isolation traced to a release (``isolation.outcome ==
   "isolated"``) goes under the distribution(s) that broke it (``package:hishel``, or
   ``package:a+b`` for a group that only fails together), whatever its cause, a manager-broken one
   included: one issue per introducing release, however many managers and sets it broke.
2. A package named as the cause, with the same kind of failure, in the failing cells of two or
   more managers is a *package* culprit: it is the package, not each manager, that needs fixing
   (or reporting upstream). ``not-packaged`` and ``no-matching-distribution`` count as one kind
   (the ecosystem has nothing that fits: apt's "no python3-tensorflow" and pip's "no matching
   distribution for tensorflow" are one story). When a package's cells fail in several ways, the
   kind shared by the most managers (then the most cells, then the most regressions) makes the
   culprit; the package's other cells go on to rules 3 and 4.
3. Of what is left, a manager with a ``manager-broken`` cause, or which fails in two or more
   sets (unless every one of those failures names the same package: that is rule 4's pairing),
   is a *manager* culprit, holding all of that manager's remaining failing cells: the tool itself
   is the story.
4. Whatever remains is one *cell* culprit per manager and package (or set, when the log names no
   package): a problem of that pairing only.

A cause's package is read back to its PyPI name through the manager's ecosystem names (apt's
``python3-tensorflow``, spack's ``py-numpy`` and a ``names:`` override all map to the config's
package). A culprit's tracker is its package's ``tracker:`` (package and cell culprits), else its
manager's default tracker (manager and cell culprits); None when neither is known. An isolated
release's tracker is its package's ``tracker:`` in the config, else a ``tracker`` in the built-in
name map (``matrix/names.yml``), else, when it broke the manager's own environment, the manager's.

A culprit's key (``package:NAME``, ``manager:NAME``, ``cell:MANAGER/NAME``) is stable across runs;
issues are found again by it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from rodeo_action.config import Config, Package
from rodeo_action.report.history import Baseline, advance, is_verdict, key_versions, last_verdict
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
from rodeo_action.report.trends import FLAKY_FLIPS, flips, points_of, slower_than
from rodeo_action.report.words import RAN, cause_text
from rodeo_action.results import Cause, Isolation, Result


def _packages(config: Config | None, cell: CellView) -> tuple[str, ...]:
    if config is not None and cell.set in config.sets:
        return config.sets[cell.set]
    if cell.result is not None:
        return tuple(_requirement_name(p) for p in cell.result.cell.packages)
    return ()


@cache
def _requirement_name(text: str) -> str:
    try:
        return canonicalize_name(Requirement(text).name)
    except InvalidRequirement:
        return canonicalize_name(text)


def version_changes(before: dict[str, str], after: dict[str, str]) -> tuple[VersionChange, ...]:
    names = sorted(set(before) | set(after), key=lambda n: (n.startswith("<"), n))
    return tuple(VersionChange(n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n))


def _version_key(v: str) -> tuple[tuple[int, str], ...]:
    return tuple((int(d), "") if (d := "".join(ch for ch in part if ch.isdigit())) else (0, part)
                 for part in v.split("."))


def rows(cells: Iterable[CellView], managers: tuple[str, ...], config: Config | None = None) -> tuple[Row, ...]:
    """The table: one row per set (x os x python when those vary among the cells), one column per manager.

    Rows follow the config's order of sets, OSes and Pythons (values it does not list come after,
    sets and OSes by name, Pythons by version); a cell whose manager is not a column is left out.
    """
    cells = list(cells)
    vary_os = len({c.os for c in cells}) > 1
    vary_py = len({c.python for c in cells}) > 1
    column = {m: i for i, m in enumerate(managers)}
    grid: dict[tuple[str, str, str], list[CellView | None]] = {}
    for c in cells:
        if c.manager not in column:
            continue
        key = (c.set, c.os if vary_os else "", c.python if vary_py else "")
        grid.setdefault(key, [None] * len(managers))[column[c.manager]] = c
    sets = {s: i for i, s in enumerate(config.sets)} if config else {}
    oses = {o: i for i, o in enumerate(config.os)} if config else {}
    pythons = {p: i for i, p in enumerate(config.python)} if config else {}

    def order(key: tuple[str, str, str]) -> tuple[object, ...]:
        s, o, p = key
        return (sets.get(s, len(sets)), s, oses.get(o, len(oses)), o,
                pythons.get(p, len(pythons)), _version_key(p), p)

    return tuple(Row(s, o or None, p or None, tuple(grid[(s, o, p)])) for s, o, p in sorted(grid, key=order))


def _changes(cells: list[CellView], baseline: Baseline | None, versions: dict[str, dict[str, str]],
             prev: dict[str, CellHistory], history: dict[str, CellHistory]) -> tuple[Change, ...]:
    """What changed since the baseline, one Change per cell.

    A regression or fix compares verdicts: an error cell whose result could not be read says
    nothing, and when the baseline's cell had no verdict (missing, unavailable, n/a) the last verdict
    in its history is compared instead, so a cancelled run between a pass and a failure does not hide
    the regression. A regression or fix of a cell that flipped at least twice in its last runs
    (``history``, this run included) is *flaky* instead: news that it flipped again, not that it
    broke. A pass at twice its usual time and more (:func:`.trends.slower_than`) is *slower*.
    """
    if baseline is None:
        return ()
    out: list[Change] = []
    now = {c.id: c for c in cells}
    for cid, cell in now.items():
        old = baseline.cells.get(cid)
        if old is None:
            out.append(Change(cid, "new", None, cell.status))
            continue
        if not is_verdict(cell):
            continue
        before = old.status if old.status == "pass" or old.status in FAILING else last_verdict(old.history.statuses)
        if before == "pass" and cell.status in FAILING:
            last = prev[cid].last_pass_versions if cid in prev else {}
            diff = version_changes(last, versions[cid])
            if cell.result is not None and not cell.result.resolved:
                # nothing resolved this time (it failed before installing): an absent version is unknown, not gone
                diff = tuple(v for v in diff if v.after is not None)
            out.append(_flaky_or(Change(cid, "regression", before, cell.status, diff), history.get(cid)))
        elif before in FAILING and cell.status == "pass":
            out.append(_flaky_or(Change(cid, "fix", before, cell.status), history.get(cid)))
        elif cell.status == "pass" and cid in history and (slow := slower_than(cid, points_of(history[cid]))):
            last = prev[cid].last_pass_versions if cid in prev else {}
            out.append(Change(cid, "slower", before, cell.status, version_changes(last, versions[cid]),
                              seconds=slow.seconds, median_before=slow.median_before, passes=slow.passes))
        elif before is not None and before == old.status and before in FAILING and cell.status in FAILING and (
                (old.cause_kind, old.cause_package) != ((cell.cause.kind, cell.cause.package) if cell.cause
                                                        else (None, None))):
            out.append(Change(cid, "changed", before, cell.status,
                              before_cause=cause_text(old.cause_kind, old.cause_package)))
    for cid, old in baseline.cells.items():
        if cid not in now:
            out.append(Change(cid, "removed", old.status, None))
    order = {"regression": 0, "fix": 1, "changed": 2, "flaky": 3, "slower": 4, "new": 5, "removed": 6}
    return tuple(sorted(out, key=lambda c: (order[c.kind], c.cell_id)))


def _flaky_or(change: Change, history: CellHistory | None) -> Change:
    """``change`` (a regression or a fix), or the same as *flaky* when the cell flips."""
    n, runs = flips(history.statuses) if history is not None else (0, 0)
    return replace(change, kind="flaky", flips=n, runs=runs) if n >= FLAKY_FLIPS else change


def slower_culprits(report: Report) -> tuple[Culprit, ...]:
    """A culprit per slower cell (``slower:CELL``): what ``report: {issues: {slower: true}}`` files.
    Its versions are what changed since the cell's previous pass."""
    return tuple(Culprit(key=f"slower:{ch.cell_id}", kind="slower", name=ch.cell_id, cells=(ch.cell_id,), cause=None,
                         tracker=None, versions=ch.versions)
                 for ch in report.changes if ch.kind == "slower")


def _culprit_package(cell: CellView, config: Config | None) -> str | None:
    """The cause's package as its PyPI name (apt's python3-foo, spack's py-foo, conda's pytorch map back)."""
    from rodeo_action.managers import MODULES, manager_info
    from rodeo_action.names import builtin

    cause = cell.cause
    if cause is None or not cause.package:
        return None
    name = _requirement_name(cause.package)
    if config is not None:
        candidates: tuple[Package, ...] = config.packages
    elif cell.result is not None:
        candidates = tuple(Package(requirement=p, name=_requirement_name(p)) for p in cell.result.cell.packages)
    else:
        candidates = ()
    for pkg in candidates:
        if name == pkg.name:
            return pkg.name
    if cell.manager in MODULES:
        names = builtin()
        info = manager_info(cell.manager)
        for pkg in candidates:
            mapped = names.ecosystem_name(pkg, info.ecosystem, info.name)
            if mapped and name == canonicalize_name(mapped):
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


def isolated(cell: CellView) -> Isolation | None:
    """The cell's isolation when it named the release(s) that broke it, else None."""
    iso = cell.result.isolation if cell.result is not None else None
    return iso if iso is not None and iso.outcome == "isolated" and iso.culprits else None


def isolated_key(iso: Isolation) -> tuple[str, str]:
    """(culprit key, name) of an isolated release: ``package:hishel``; a group, ``package:a+b`` / ``a + b``
    (sorted, so the same group files the same issue whichever cell found it)."""
    names = sorted(dict.fromkeys(c.package for c in iso.culprits))
    return "package:" + "+".join(names), " + ".join(names)


def _isolated_tracker(config: Config | None, iso: Isolation, manager: str) -> str | None:
    """Where the release that broke a cell is reported: its package's tracker (the config's, then the
    name map's), else, when it broke the manager's own environment, the manager's."""
    from rodeo_action.names import builtin

    package = iso.culprits[0].package
    found = _tracker(config, package, None)
    if found is None:
        mapped = builtin().entries.get(package, {}).get("tracker")
        found = mapped if isinstance(mapped, str) and mapped else None
    return found or (_tracker(config, None, manager) if iso.scope == "tool" else None)


def culprits(cells: list[CellView], config: Config | None, history: dict[str, CellHistory],
             changes: tuple[Change, ...]) -> tuple[Culprit, ...]:
    # error cells are rodeo's own bug (shown in the report), never a package's or a manager's issue
    failing = [c for c in cells if c.status in ("fail", "timeout") and is_verdict(c)]
    regressed = {c.cell_id for c in changes if c.kind == "regression"}
    diffs = {c.cell_id: c.versions for c in changes if c.kind in ("regression", "flaky")}
    pkg_of = {c.id: _culprit_package(c, config) for c in failing}
    out: list[Culprit] = []
    taken: set[str] = set()

    def make(key: str, kind: str, name: str, group: list[CellView], tracker: str | None) -> Culprit:
        ids = tuple(sorted(c.id for c in group))
        taken.update(ids)
        flipped = {c: flips(history[c].statuses) for c in ids if c in history}
        flaky = {c: f for c, f in flipped.items() if f[0] >= FLAKY_FLIPS}
        most = max(flaky.values(), default=(0, 0))
        first = sorted(group, key=lambda c: c.id)[0]
        versions: dict[str, VersionChange] = {}
        for cid in ids:
            for v in diffs.get(cid, ()):
                versions.setdefault(v.name, v)
        return Culprit(key=key, kind=kind, name=name, cells=ids, cause=first.cause, tracker=tracker,
                       versions=tuple(versions.values()),
                       consecutive_failures=min(history[c].consecutive_failures for c in ids) if ids else 1,
                       regression=any(c in regressed for c in ids),
                       isolation=next((iso for c in sorted(group, key=lambda c: c.id) if (iso := isolated(c))), None),
                       flaky=tuple(flaky), flips=most[0], runs=most[1])

    releases: dict[tuple[str, str], list[CellView]] = {}
    for c in failing:
        if (iso := isolated(c)) is not None:
            releases.setdefault(isolated_key(iso), []).append(c)
    by_key: dict[str, Culprit] = {}
    for (key, name), group in sorted(releases.items()):
        iso = isolated(group[0])
        assert iso is not None
        by_key[key] = make(key, "package", name, group, _isolated_tracker(config, iso, group[0].manager))
    by_package: dict[str, list[CellView]] = {}
    for c in failing:
        if pkg_of[c.id] and c.id not in taken:
            by_package.setdefault(pkg_of[c.id] or "", []).append(c)
    for package, group in sorted(by_package.items()):
        same = _one_kind(group, regressed)
        key = f"package:{package}"
        if len({c.manager for c in same}) >= 2:
            if key in by_key:           # the release isolated, and other cells of its package: one issue
                have = [c for c in failing if c.id in by_key[key].cells]
                by_key[key] = make(key, "package", package, have + same, by_key[key].tracker)
            else:
                by_key[key] = make(key, "package", package, same, _tracker(config, package, None))
    out.extend(by_key.values())
    by_manager: dict[str, list[CellView]] = {}
    for c in failing:
        if c.id not in taken:
            by_manager.setdefault(c.manager, []).append(c)
    for manager, group in sorted(by_manager.items()):
        broken = any(c.cause is not None and c.cause.kind == "manager-broken" for c in group)
        packages = {pkg_of[c.id] for c in group}
        one_package = len(packages) == 1 and None not in packages
        if broken or (len({c.set for c in group}) >= 2 and not one_package):
            out.append(make(f"manager:{manager}", "manager", manager, group, _tracker(config, None, manager)))
    rest: dict[tuple[str, str], list[CellView]] = {}
    for c in failing:
        if c.id not in taken:
            rest.setdefault((c.manager, pkg_of[c.id] or f"set-{c.set}"), []).append(c)
    for (manager, what), group in sorted(rest.items()):
        culprit_pkg = None if what.startswith("set-") else what
        label = f"{manager} on set {what[4:]}" if what.startswith("set-") else f"{manager} with {what}"
        out.append(make(f"cell:{manager}/{what}", "cell", label, group,
                        _tracker(config, culprit_pkg, None) or _tracker(config, None, manager)))
    return tuple(out)


# kinds that tell one story about a package: nothing that fits in the ecosystem
_SAME_KIND = {"not-packaged": "nothing fits", "no-matching-distribution": "nothing fits"}


def _one_kind(group: list[CellView], regressed: set[str]) -> list[CellView]:
    """The cells of ``group`` that fail the same way (cause kind): the kind shared by the most managers,
    then the most cells, then the most regressions, then by name."""
    kinds: dict[str, list[CellView]] = {}
    for c in group:
        kind = c.cause.kind if c.cause is not None else c.status
        kinds.setdefault(_SAME_KIND.get(kind, kind), []).append(c)

    def weight(item: tuple[str, list[CellView]]) -> tuple[int, int, int, str]:
        kind, cells = item
        return (-len({c.manager for c in cells}), -len(cells), -sum(c.id in regressed for c in cells), kind)

    return sorted(kinds.items(), key=weight)[0][1]


def scores(cells: list[CellView], managers: tuple[str, ...]) -> tuple[Score, ...]:
    counts = {m: [0, 0, 0] for m in managers}           # passed, ran, total
    for c in cells:
        n = counts.get(c.manager)
        if n is not None:
            n[0] += c.status == "pass"
            n[1] += c.status in RAN
            n[2] += 1
    return tuple(Score(m, *counts[m]) for m in managers)


def build_report(cells: list[CellView], config: Config | None, baseline: Baseline | None, generated_at: str,
                 run_url: str | None, notes: Iterable[str] = ()) -> Report:
    """The whole report model for one run."""
    managers = tuple(config.managers) if config is not None else ()
    extra = sorted({c.manager for c in cells} - set(managers))
    managers = (*managers, *extra)
    present = {c.manager for c in cells}
    managers = tuple(m for m in managers if m in present)
    prev = {cid: b.history for cid, b in baseline.cells.items()} if baseline else {}
    versions = {c.id: key_versions(c, _packages(config, c)) for c in cells}
    history = {c.id: advance(prev.get(c.id), c, versions[c.id]) for c in cells}
    changes = _changes(cells, baseline, versions, prev, history)
    all_notes = list(notes)
    if baseline is None:
        all_notes.append("no baseline: changes are shown from the next run on")
    cells = sorted(cells, key=lambda c: c.id)
    return Report(name=config.name if config else None, generated_at=generated_at, run_url=run_url,
                  managers=managers, rows=rows(cells, managers, config), cells=tuple(cells), changes=changes,
                  culprits=culprits(cells, config, history, changes), scores=scores(cells, managers),
                  history=history, notes=tuple(all_notes), has_baseline=baseline is not None,
                  max_installs=config.max_installs if config is not None else None)


def local_report(results: Iterable[Result], managers: Sequence[str], when: str, host: str = "") -> Report:
    """The Report of ``rodeo local`` from in-memory results (no plan, no baseline), columns in ``managers`` order."""
    cells = sorted((CellView(r.cell.id, r.cell.manager, r.cell.set, r.cell.os, r.cell.python, r.status, result=r,
                             note=r.reason) for r in results), key=lambda c: c.id)
    report = build_report(cells, None, None, when, None, [host] if host else [])
    present = {c.manager for c in cells}
    order = tuple(dict.fromkeys(m for m in (*managers, *report.managers) if m in present))
    return replace(report, managers=order, rows=rows(cells, order), scores=scores(cells, order),
                   notes=tuple(n for n in report.notes if not n.startswith("no baseline")))


def cause_line(cause: Cause | None) -> str:
    if cause is None:
        return ""
    return f"{cause.kind} ({cause.package})" if cause.package else cause.kind
