"""Read a folder of cell results (downloaded artifacts, possibly nested) into CellViews.

Nothing here may crash or drop a cell silently: a planned cell without a result is ``missing``
(a cancelled job), a result that cannot be trusted is an ``error`` cell naming its file, and
anything that cannot even be placed in the table becomes a report note. Files are read one at
a time with a size cap (checked on the open file before reading), so a hostile artifact cannot
exhaust memory, and only regular files are opened, so a FIFO or a device cannot hang the report.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat as st
from dataclasses import dataclass, field
from pathlib import Path
from sys import intern as _intern
from typing import Any

from rodeo_action.plan import PlannedCell
from rodeo_action.report.model import CellView
from rodeo_action.results import SCHEMA_VERSION, Result, validate

MAX_RESULT_BYTES = 4_000_000
# JSON files `report` itself writes next to results; never mistaken for a cell's result
NOT_RESULTS = frozenset({"report.json", "rodeo-report.json", "rodeo-publish.json", "badge.json"})
_MISSING = "no result: the job was cancelled, timed out or its artifact was lost"


@dataclass
class Collected:
    cells: list[CellView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Read:
    source: str
    result: Result | None = None
    problem: str | None = None
    cell_id: str | None = None       # the cell a problem belongs to: the file's name (`<cell-id>.json`)
    mtime: float = 0.0


def shown(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` as a report names it: bytes that are not UTF-8 (which the file
    system hands over as lone surrogates) shown as ``\\xff``, so the name can be written and read."""
    rel = str(path.relative_to(root))
    return rel if rel.isprintable() or not _SURROGATE.search(rel) else \
        os.fsencode(rel).decode("utf-8", "backslashreplace")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _files(root: Path) -> tuple[list[tuple[Path, str]], list[str]]:
    """Every candidate result file under root (relative names), and notes on what was refused."""
    found: list[tuple[Path, str]] = []
    notes: list[str] = []
    real_root = root.resolve()

    def unreadable(exc: OSError) -> None:
        where = shown(Path(exc.filename), root) if exc.filename and Path(exc.filename).is_relative_to(root) \
            else exc.filename
        notes.append(f"{where}: a folder that cannot be read ({exc.strerror}); its results are missing")

    for folder, dirs, names in os.walk(root, onerror=unreadable, followlinks=False):
        dirs.sort()
        for d in dirs:
            if (Path(folder) / d).is_symlink():   # os.walk does not follow it: say so
                notes.append(f"{shown(Path(folder) / d, root)}: a symlinked folder; not followed")
            elif d.endswith(".json") and d not in NOT_RESULTS:
                notes.append(f"{shown(Path(folder) / d, root)}: a folder, not a result file (the files in it are "
                             "read as any folder's)")
        for name in sorted(names):
            if not name.endswith(".json") or name in NOT_RESULTS or name.endswith(".badge.json"):
                continue
            path = Path(folder) / name
            rel = shown(path, root)
            if path.is_symlink():
                try:
                    target = path.resolve()
                except (OSError, RuntimeError):      # a symlink loop (RuntimeError before Python 3.13)
                    notes.append(f"{rel}: a symlink that cannot be resolved; ignored")
                    continue
                if not target.is_relative_to(real_root):
                    notes.append(f"{rel}: a symlink out of the results folder; ignored")
                    continue
            found.append((path, rel))
    return found, notes


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


class _DuplicateKey(ValueError):
    pass


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object whose keys are unique: with two ``status`` keys, which one a reader takes is up to
    the reader (the last, here; the first, elsewhere), so a result that has them is not trusted."""
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def _load(path: Path, rel: str) -> tuple[Any, float] | str:
    """The file's JSON and mtime, or what is wrong with it. Never reads more than the cap."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return f"{rel} cannot be read ({exc.strerror})"
    try:
        info = os.fstat(fd)
        if not st.S_ISREG(info.st_mode):
            return f"{rel} is not a regular file"
        if info.st_size > MAX_RESULT_BYTES:
            return f"{rel} is {info.st_size:,} bytes (limit {MAX_RESULT_BYTES:,})"
        with os.fdopen(fd, "rb", closefd=False) as fh:
            # a size, not the cap: read(n) allocates n bytes up front
            raw = fh.read(min(info.st_size, MAX_RESULT_BYTES) + 1)
    except OSError as exc:
        return f"{rel} cannot be read ({exc.strerror})"
    finally:
        os.close(fd)
    if len(raw) > MAX_RESULT_BYTES:          # it grew after the check
        return f"{rel} is over {MAX_RESULT_BYTES:,} bytes"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"{rel} is not UTF-8"
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_no_constant,
                          object_pairs_hook=_unique), info.st_mtime
    except _DuplicateKey as exc:
        return f"{rel} has a duplicate key ({str(exc)[:80]})"
    except (ValueError, RecursionError):
        return f"{rel} is not JSON (truncated?)"


def _read(path: Path, rel: str) -> _Read:
    stem = path.name[: -len(".json")]
    loaded = _load(path, rel)
    if isinstance(loaded, str):
        return _Read(rel, problem=loaded, cell_id=stem)
    data, mtime = loaded
    if not isinstance(data, dict):
        return _Read(rel, problem=f"{rel} is not a result object", cell_id=stem)
    version = data.get("schema")
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        return _Read(rel, problem=f"{rel} was written by a newer rodeo-action (result schema {version}; "
                     f"this one reads {SCHEMA_VERSION})", cell_id=stem)
    try:
        problems = validate(data)
    except RecursionError:
        problems = ["<root>: nested too deeply"]
    if problems:
        return _Read(rel, problem=f"{rel} does not match the result schema: {problems[0]}", cell_id=stem)
    for key in ("resolved", "imports"):
        # every result repeats the same names and versions: one copy of each, not one per file (30 names
        # and versions a result: ~3 KB a cell, 300 MB at 100,000 cells)
        names = data.get(key)
        if names:
            data[key] = dict(zip(map(_intern, names), map(_intern, names.values()), strict=True))
    result = Result.from_dict(data)
    c = result.cell
    if c.id != stem:
        return _Read(rel, problem=f"{rel} holds the result of {c.id}, not {stem}", cell_id=stem)
    if c.id != f"{c.manager}-{c.set}-{c.os}-py{c.python}":
        return _Read(rel, problem=f"{rel}: cell id {c.id} does not match its manager, set, os and python "
                     f"({c.manager}, {c.set}, {c.os}, {c.python})", cell_id=stem)
    return _Read(rel, result=result, mtime=mtime)


def collect(results: Path, planned: list[PlannedCell] | None) -> Collected:
    """Every planned cell with its result (or why it has none), plus results the plan does not know.

    ``planned`` None (no config given): every readable result is its own cell; unreadable files
    cannot be placed in a table without a plan and become notes.
    """
    out = Collected()
    if not results.is_dir():
        out.notes.append(f"{results}: no such results folder; every cell is missing")
        files: list[tuple[Path, str]] = []
    else:
        files, refused = _files(results)
        out.notes.extend(refused)
    best: dict[str, _Read] = {}
    problems: dict[str, list[_Read]] = {}
    for path, rel in files:
        got = _read(path, rel)
        if got.result is None:
            assert got.cell_id is not None
            problems.setdefault(got.cell_id, []).append(got)
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
    shown: set[str] = set()       # sources a cell names
    for cid in sorted(plan if plan is not None else best):
        p = plan[cid] if plan is not None else None
        found = best.get(cid)
        if found is not None and found.result is not None:
            r = found.result
            rc = r.cell
            if p is not None and (rc.manager, rc.set, rc.os, rc.python) != (
                    p.cell.manager, p.cell.set, p.cell.os, p.cell.python):
                # the id matches but the fields do not: the table would put it in another slot
                problems.setdefault(cid, []).insert(0, _Read(
                    found.source, problem=f"{found.source}: its manager, set, os and python ({rc.manager}, "
                    f"{rc.set}, {rc.os}, {rc.python}) disagree with the plan's cell {cid}", cell_id=cid))
            else:
                out.cells.append(CellView(cid, rc.manager, rc.set, rc.os, rc.python, r.status,
                                          result=r, note=r.reason, source=found.source))
                shown.add(found.source)
                continue
        assert p is not None
        c = p.cell
        if cid in problems:
            first = problems[cid][0]
            out.cells.append(CellView(cid, c.manager, c.set, c.os, c.python, "error",
                                      note=first.problem, source=first.source))
            shown.add(first.source)
        elif not p.runnable:
            out.cells.append(CellView(cid, c.manager, c.set, c.os, c.python, "n/a", note=p.reason))
        else:
            out.cells.append(CellView(cid, c.manager, c.set, c.os, c.python, "missing", note=_MISSING))
    if plan is not None:
        for cid, extra in sorted(best.items()):
            if cid not in plan and extra.result is not None:
                x = extra.result.cell
                # shown, but its result is not trusted (nor scored, nor a culprit): the plan never asked for it
                out.cells.append(CellView(cid, x.manager, x.set, x.os, x.python, "error",
                                          note=f"{extra.source}: cell {cid} is not in the plan of this config",
                                          source=extra.source))
                shown.add(extra.source)
    by_id = {c.id: c for c in out.cells}
    for cid, reads in sorted(problems.items()):
        for got in reads:
            if got.source in shown:
                continue
            if cid in by_id:
                kept = by_id[cid].source
                out.notes.append(f"{got.problem}; cell {cid} shows " + (kept if kept else "no result"))
            else:
                out.notes.append(f"{got.problem}; it matches no planned cell")
    out.cells.sort(key=lambda c: c.id)
    return out
