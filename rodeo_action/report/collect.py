"""Read a folder of cell results (downloaded artifacts, possibly nested) into CellViews.

Nothing here may crash or drop a cell silently: a planned cell without a result is ``missing``
(a cancelled job), a result that cannot be trusted is an ``error`` cell naming its file, and
anything that cannot even be placed in the table becomes a report note. Files are read one at
a time with a size cap, so a hostile artifact cannot exhaust memory.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rodeo_action.plan import PlannedCell
from rodeo_action.report.model import CellView
from rodeo_action.results import SCHEMA_VERSION, Result, validate

MAX_RESULT_BYTES = 4_000_000
# JSON files `report` itself writes next to results; never mistaken for a cell's result
NOT_RESULTS = frozenset({"report.json", "rodeo-report.json", "rodeo-publish.json", "badge.json"})


@dataclass
class Collected:
    cells: list[CellView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Read:
    source: str
    result: Result | None = None
    problem: str | None = None
    cell_id: str | None = None       # best guess of the cell, for a problem
    mtime: float = 0.0


def _files(root: Path) -> tuple[list[tuple[Path, str]], list[str]]:
    """Every candidate result file under root (relative names), and notes on what was refused."""
    found: list[tuple[Path, str]] = []
    notes: list[str] = []
    real_root = root.resolve()
    for folder, dirs, names in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(names):
            if not name.endswith(".json") or name in NOT_RESULTS or name.endswith(".badge.json"):
                continue
            path = Path(folder) / name
            rel = str(path.relative_to(root))
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(real_root):
                    notes.append(f"{rel}: a symlink out of the results folder; ignored")
                    continue
            found.append((path, rel))
    return found, notes


def _read(path: Path, rel: str) -> _Read:
    stem = path.name[: -len(".json")]
    try:
        stat = path.stat()
        if stat.st_size > MAX_RESULT_BYTES:
            return _Read(rel, problem=f"{rel} is {stat.st_size:,} bytes (limit {MAX_RESULT_BYTES:,})", cell_id=stem)
        with path.open("rb") as fh:
            raw = fh.read(MAX_RESULT_BYTES + 1)
        data: Any = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        kind = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else (
            "cannot be read" if isinstance(exc, OSError) else "not JSON (truncated?)")
        return _Read(rel, problem=f"{rel} is {kind}", cell_id=stem)
    if not isinstance(data, dict):
        return _Read(rel, problem=f"{rel} is not a result object", cell_id=stem)
    version = data.get("schema")
    raw_cell = data.get("cell")
    cell: dict[str, Any] = raw_cell if isinstance(raw_cell, dict) else {}
    cell_id = cell.get("id") if isinstance(cell.get("id"), str) else stem
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        return _Read(rel, problem=f"{rel} was written by a newer rodeo-action (result schema {version}; "
                     f"this one reads {SCHEMA_VERSION})", cell_id=cell_id)
    problems = validate(data)
    if problems:
        return _Read(rel, problem=f"{rel} does not match the result schema: {problems[0]}", cell_id=cell_id)
    result = Result.from_dict(data)
    if result.cell.id != stem:
        return _Read(rel, problem=f"{rel} holds the result of {result.cell.id}, not {stem}", cell_id=stem)
    return _Read(rel, result=result, mtime=stat.st_mtime)


def collect(results: Path, planned: list[PlannedCell] | None) -> Collected:
    """Every planned cell with its result (or why it has none), plus results the plan does not know.

    ``planned`` None (no config given): every readable result is its own cell.
    """
    out = Collected()
    if not results.is_dir():
        out.notes.append(f"{results}: no such results folder; every cell is missing")
        files: list[tuple[Path, str]] = []
    else:
        files, refused = _files(results)
        out.notes.extend(refused)
    best: dict[str, _Read] = {}
    problems: dict[str, _Read] = {}
    for path, rel in files:
        got = _read(path, rel)
        if got.result is None:
            assert got.cell_id is not None
            problems.setdefault(got.cell_id, got)
            continue
        cid = got.result.cell.id
        if cid in best:
            old = best[cid]
            assert old.result is not None
            newer = (got.result.started_at, got.mtime) > (old.result.started_at, old.mtime)
            keep, drop = (got, old) if newer else (old, got)
            out.notes.append(f"{cid}: two results ({old.source}, {got.source}); kept the newer {keep.source}, "
                             f"ignored {drop.source}")
            best[cid] = keep
        else:
            best[cid] = got
    plan = {p.cell.id: p for p in planned} if planned is not None else None
    ids = set(plan) if plan is not None else set(best)
    for cid in sorted(ids):
        p = plan[cid] if plan is not None else None
        found = best.get(cid)
        if found is not None and found.result is not None:
            r = found.result
            out.cells.append(CellView(cid, r.cell.manager, r.cell.set, r.cell.os, r.cell.python, r.status,
                                      result=r, note=r.reason, source=found.source))
            continue
        assert p is not None
        c = p.cell
        if cid in problems:
            out.cells.append(CellView(cid, c.manager, c.set, c.os, c.python, "error",
                                      note=problems[cid].problem, source=problems[cid].source))
        elif not p.runnable:
            out.cells.append(CellView(cid, c.manager, c.set, c.os, c.python, "n/a", note=p.reason))
        else:
            out.cells.append(CellView(cid, c.manager, c.set, c.os, c.python, "missing",
                                      note="no result: the job was cancelled, timed out or its artifact was lost"))
    for cid, extra in sorted(best.items()):
        if plan is not None and cid not in plan and extra.result is not None:
            x = extra.result
            out.cells.append(CellView(cid, x.cell.manager, x.cell.set, x.cell.os, x.cell.python, "error",
                                      result=x, note=f"{extra.source}: cell {cid} is not in the plan of this config",
                                      source=extra.source))
    placed = {c.id for c in out.cells}
    for cid, got in sorted(problems.items()):
        if cid not in placed:
            out.notes.append(f"{got.problem}; it matches no planned cell")
    out.cells.sort(key=lambda c: c.id)
    return out
