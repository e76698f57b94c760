"""Config -> cells -> jobs. Pure: the same config always gives byte-identical output.

A cell is one manager installing one set on one OS and Python. Cells that cannot run there
(apt off Debian/Ubuntu, the nix family on Windows, a Python the manager cannot provide, a package
with no name in the manager's ecosystem) are kept as ``n/a`` so the report still shows them, but
are not scheduled.
Scheduled cells are packed into at most ``max_jobs`` GitHub jobs, grouping cells that share
os + manager so each job pays for one manager setup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from rodeo_action.config import Config, Package
from rodeo_action.errors import InputError, Problem
from rodeo_action.managers import ManagerInfo, manager_info
from rodeo_action.names import NameMap, builtin

DEFAULT_MAX_JOBS = 256


@dataclass(frozen=True)
class Cell:
    manager: str
    set: str
    os: str
    python: str
    packages: tuple[str, ...]          # canonical names of the set's packages
    # `<manager>-<set>-<os>-py<python>`: computed once (plans of 100k cells read it often)
    id: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", f"{self.manager}-{self.set}-{self.os}-py{self.python}")


@dataclass(frozen=True)
class PlannedCell:
    cell: Cell
    reason: str | None = None          # why it is n/a; None when it is scheduled

    @property
    def runnable(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class Job:
    id: str
    os: str
    manager: str
    python: tuple[str, ...]
    cells: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {"job": self.id, "os": self.os, "manager": self.manager, "python": list(self.python),
                "cells": list(self.cells)}


def not_applicable(info: ManagerInfo, os: str, packages: list[Package], names: NameMap) -> str | None:
    if not info.runs_on(os):
        where = "/".join(info.distros) if info.distros else "/".join(info.families)
        return f"{info.name} does not run on {os} (runs on {where})"
    missing = [p.name for p in packages if names.ecosystem_name(p, info.ecosystem, info.name) is None]
    if missing:
        return f"not packaged for {info.name}: {', '.join(missing)}"
    return None


def python_not_provided(info: ManagerInfo, python: str) -> str | None:
    """Why a manager with a fixed list of Pythons (``pythons:`` in its matrix YAML) has no cell for ``python``."""
    if not info.pythons or python in info.pythons:
        return None
    return f"{info.name} cannot provide Python {python} (it provides {', '.join(info.pythons)})"


def expand(config: Config, names: NameMap | None = None) -> list[PlannedCell]:
    """Every cell of the rodeo, sorted by id, n/a ones included.

    The cells are ``managers x sets x os x python``, then:

    - ``exclude``: a cell is dropped when it matches any exclude entry; an entry matches when every
      key it gives (manager, set, os, python) equals the cell's, so ``{manager: apt}`` drops every
      apt cell and ``{manager: apt, os: macos-14}`` only apt's macOS cells.
    - ``include``: each entry adds cells, applied after ``exclude`` (so it can bring back an
      excluded cell). A key it gives is fixed; a key it leaves out ranges over the config's list,
      so ``{manager: spack, python: "3.11"}`` adds spack on every set and OS for 3.11 only. It may
      name a manager, OS or Python outside the config's lists; a cell it names twice is one cell.

    A cell that cannot run (the manager does not run on that OS or cannot provide that Python, or a
    package of the set has no name in the manager's ecosystem) is kept with the reason, as ``n/a``;
    it is never scheduled.
    """
    names = names or builtin()
    by_name = {p.name: p for p in config.packages}
    infos = {m: manager_info(m) for m in [*config.managers, *(s.manager for s in config.include if s.manager)]}
    # why a (manager, set, os) is n/a: the OS part depends on (manager, os), the names part on
    # (manager, set); computed once each, not once per cell
    runs: dict[tuple[str, str], str | None] = {}
    missing: dict[tuple[str, str], str | None] = {}
    cells: dict[str, PlannedCell] = {}
    exclude = config.exclude

    def add(manager: str, set_name: str, os: str, pythons: tuple[str, ...], excluding: bool) -> None:
        info = infos[manager]
        if (manager, os) not in runs:
            runs[manager, os] = not_applicable(info, os, [], names)
        os_reason = reason = runs[manager, os]
        if reason is None:
            if (manager, set_name) not in missing:
                packages = [by_name[m] for m in config.sets[set_name]]
                missing[manager, set_name] = not_applicable(info, os, packages, names)
            reason = missing[manager, set_name]
        members = config.sets[set_name]
        for python in pythons:
            if excluding and any(s.matches(manager, set_name, os, python) for s in exclude):
                continue
            cell = Cell(manager, set_name, os, python, members)
            why = os_reason or (info.pythons and python_not_provided(info, python)) or reason
            known = cells.setdefault(cell.id, PlannedCell(cell, why))
            if known.cell is not cell and known.cell != cell:
                raise InputError([Problem(config.source, None, "sets", f"two cells would share the id "
                                          f"{cell.id!r}; expected set names that keep cell ids unique")])

    for manager in config.managers:
        for set_name in config.sets:
            for os in config.os:
                add(manager, set_name, os, config.python, bool(exclude))
    for sel in config.include:
        for manager in [sel.manager] if sel.manager else config.managers:
            for set_name in [sel.set] if sel.set else config.sets:
                for os in [sel.os] if sel.os else config.os:
                    add(manager, set_name, os, (sel.python,) if sel.python else config.python, False)
    return [cells[k] for k in sorted(cells)]


def pack(planned: list[PlannedCell], max_jobs: int = DEFAULT_MAX_JOBS) -> list[Job]:
    """Pack runnable cells into at most ``max_jobs`` jobs, one manager and OS per job.

    Each os+manager group gets jobs in proportion to its size (at least one), so the matrix
    uses the parallelism it is allowed without mixing managers in one job.
    """
    groups: dict[tuple[str, str], list[Cell]] = {}
    for p in planned:
        if p.runnable:
            groups.setdefault((p.cell.os, p.cell.manager), []).append(p.cell)
    if not groups:
        return []
    if len(groups) > max_jobs:
        raise InputError(f"the plan has {len(groups)} os+manager groups but --max-jobs is {max_jobs}; "
                         f"expected --max-jobs of at least {len(groups)}, or fewer managers/OSes")
    keys = sorted(groups)
    total = sum(len(g) for g in groups.values())
    budget = min(max_jobs, total)
    shares = {k: 1 for k in keys}
    spare = budget - len(keys)
    if spare > 0:
        # largest remainder over the spare jobs, capped so no job is empty
        ideal = {k: len(groups[k]) / total * budget for k in keys}
        extra = {k: min(max(int(ideal[k]) - 1, 0), len(groups[k]) - 1) for k in keys}
        for k in keys:
            take = min(extra[k], spare)
            shares[k] += take
            spare -= take
        by_remainder = sorted(keys, key=lambda k: (-(ideal[k] - shares[k]), k))
        while spare > 0:
            moved = False
            for k in by_remainder:
                if spare and shares[k] < len(groups[k]):
                    shares[k] += 1
                    spare -= 1
                    moved = True
            if not moved:
                break
    jobs = []
    order = {v: (_version_key(v), v) for v in {c.python for g in groups.values() for c in g}}
    for os, manager in keys:
        cells = sorted(groups[(os, manager)], key=lambda c: (order[c.python], c.set))
        n = shares[(os, manager)]
        size, rem = divmod(len(cells), n)
        start = 0
        for i in range(n):
            chunk = cells[start:start + size + (1 if i < rem else 0)]
            start += len(chunk)
            job_id = f"{manager}-{os}" + (f"-{i + 1}" if n > 1 else "")
            pythons = tuple(sorted({c.python for c in chunk}, key=order.__getitem__))
            jobs.append(Job(job_id, os, manager, pythons, tuple(c.id for c in chunk)))
    return jobs


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int("".join(ch for ch in part if ch.isdigit()) or 0) for part in v.split("."))


def matrix_json(jobs: list[Job]) -> str:
    return json.dumps({"include": [j.to_dict() for j in jobs]}, separators=(",", ":"))
