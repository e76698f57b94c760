"""Read a folder of cell results (downloaded artifacts, possibly nested) into CellViews.

Nothing here may crash or drop a cell silently: a planned cell without a result is ``missing``
(a cancelled job), a result that cannot be trusted is an ``error`` cell naming its file, and
anything that cannot even be placed in the table becomes a report note. Files are read one at
a time with a size cap (checked on the open file before reading), so a hostile artifact cannot
exhaust memory, and only regular files are opened, so a FIFO or a device cannot hang the report.

A folder that rodeo local wrote holds its manifest (:mod:`rodeo_action.localrun`): its results are
matched to the plan that run had (the config fitted to its host), its unfinished cells say why,
results that are not that run's are named in a note, never merged in, and the earlier runs it moved
aside into ``previous/`` are not read.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from sys import intern as _intern
from typing import Any

from rodeo_action import localrun
from rodeo_action.config import Config
from rodeo_action.managers.locks import TOOL_LOCK
from rodeo_action.plan import PlannedCell
from rodeo_action.report.history import (
    LOCK_FILE_NAME,
    MAX_LOCK_FILE_BYTES,
    MAX_LOCK_FILES,
    MAX_LOCK_TEXT_BYTES,
    MAX_PINS,
    lock_files,
)
from rodeo_action.report.model import CellView, LockFiles
from rodeo_action.report.words import when
from rodeo_action.results import SCHEMA_VERSION, LockRef, Result, read_capped, validate

MAX_RESULT_BYTES = 4_000_000
# JSON files `report` itself writes next to results; never mistaken for a cell's result
NOT_RESULTS = frozenset({"report.json", "rodeo-report.json", "rodeo-publish.json", "badge.json", localrun.MANIFEST})
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


def _files(root: Path, runs: list[Path] | None = None) -> tuple[list[tuple[Path, str]], list[str]]:
    """Every candidate result file under root (relative names), and notes on what was refused; the
    folders holding a rodeo local manifest go to ``runs`` (their ``previous/`` is not read)."""
    found: list[tuple[Path, str]] = []
    notes: list[str] = []
    real_root = root.resolve()

    def unreadable(exc: OSError) -> None:
        where = shown(Path(exc.filename), root) if exc.filename and Path(exc.filename).is_relative_to(root) \
            else exc.filename
        notes.append(f"{where}: a folder that cannot be read ({exc.strerror}); its results are missing")

    for folder, dirs, names in os.walk(root, onerror=unreadable, followlinks=False):
        dirs.sort()
        if localrun.MANIFEST in names and runs is not None:
            runs.append(Path(folder))
            if localrun.PREVIOUS in dirs:
                dirs.remove(localrun.PREVIOUS)
                where = root / shown(Path(folder) / localrun.PREVIOUS, root)
                notes.append(f"{where}/: earlier runs that rodeo local moved aside; not read (report one with "
                             f"--results {where}/<when it started>)")
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
    read = read_capped(path, rel, MAX_RESULT_BYTES)
    if isinstance(read, str):
        return read
    raw, mtime = read
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"{rel} is not UTF-8"
    try:
        return json.loads(text, parse_float=_finite, parse_constant=_no_constant,
                          object_pairs_hook=_unique), mtime
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


@dataclass(frozen=True)
class _Run:
    """A folder that rodeo local wrote, with its manifest."""

    folder: Path            # relative to the results folder, as a result's source's parent reads
    shown: str              # the folder as notes name it: the results folder joined with it
    manifest: localrun.Manifest


@dataclass
class _Plan:
    """What the results are matched to: cells by id, and why a runnable one has no result."""

    cells: dict[str, PlannedCell] | None        # None: no plan, every readable result is its own cell
    strict: bool = True                          # a result the plan does not know is an error cell
    why_missing: dict[str, str] = field(default_factory=dict)


def read_result(path: Path) -> Result | str:
    """One result file, read and checked as a report reads it (size cap, schema, id); or what is wrong."""
    got = _read(path, str(path))
    return got.result if got.result is not None else str(got.problem)


def collect(results: Path, planned: list[PlannedCell] | None, config: Config | None = None) -> Collected:
    """Every planned cell with its result (or why it has none), plus results the plan does not know.

    ``planned`` None (no config given): every readable result is its own cell; unreadable files
    cannot be placed in a table without a plan and become notes. A folder rodeo local wrote
    brings its own plan: ``config`` fitted to that run's host (or, without one, the run's cells).
    """
    out = Collected()
    folders: list[Path] = []
    if not results.is_dir():
        out.notes.append(f"{results}: no such results folder; every cell is missing")
        files: list[tuple[Path, str]] = []
    else:
        files, refused = _files(results, folders)
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
    runs = _runs(results, folders, out.notes)
    _match(_plan(runs, planned, config, best, problems, out.notes), best, problems, out)
    _read_locks(out, {rel: path for path, rel in files})
    return out


def _runs(root: Path, folders: list[Path], notes: list[str]) -> list[_Run]:
    runs = []
    for folder in folders:
        rel = Path(shown(folder, root))
        where = root / rel
        got = localrun.read(folder / localrun.MANIFEST, str(where / localrun.MANIFEST))
        if isinstance(got, str):
            notes.append(f"{got}; the results in its folder are matched to the config's plan")
        else:
            runs.append(_Run(rel, str(where), got))
    return runs


def _plan(runs: list[_Run], planned: list[PlannedCell] | None, config: Config | None, best: dict[str, _Read],
          problems: dict[str, list[_Read]], notes: list[str]) -> _Plan:
    """The plan results are matched to: the config's, and each rodeo local run's own.

    A run's folder holds that run's results only: a result there that the run did not write (another
    cell, or one from before it started) is named in a note and left out, never taken for the run's.
    The config's own plan (its CI OSes) applies when results lie outside every run's folder: a folder of
    GitHub artifacts with a local run beside it shows both, each cell judged by the plan it came from.
    """
    if not runs:
        return _Plan({p.cell.id: p for p in planned} if planned is not None else None, planned is not None)
    out = _Plan({}, strict=planned is not None)
    assert out.cells is not None
    by_folder = {run.folder: run for run in runs}
    ids: dict[Path, set[str]] = {}
    for run in runs:
        for p in localrun.plan(run.manifest, config):
            out.cells.setdefault(p.cell.id, p)
            if p.runnable:
                out.why_missing.setdefault(p.cell.id, run.manifest.why_missing())
        ids[run.folder] = {c.id for c, _ in run.manifest.cells}
        if config is not None and run.manifest.digest != localrun.config_digest(config):
            notes.append(f"{run.shown}/{localrun.MANIFEST}: that run used another version of the config "
                         f"({run.manifest.config}); its results are matched to this config's plan for "
                         f"{run.manifest.host}")
    outside = sum(Path(r.source).parent not in by_folder for reads in problems.values() for r in reads)
    strays: dict[Path, list[str]] = {}
    for cid, got in list(best.items()):
        folder = Path(got.source).parent
        owner = by_folder.get(folder)
        if owner is None:
            outside += 1
        elif cid not in ids[folder] or (got.result is not None and got.result.started_at < owner.manifest.started_at):
            strays.setdefault(folder, []).append(got.source)
            del best[cid]
    for folder, sources in sorted(strays.items()):
        run = by_folder[folder]
        notes.append(f"{run.shown}/: {_count(len(sources), 'result')} not written by the rodeo local run its "
                     f"{localrun.MANIFEST} describes (started {when(run.manifest.started_at)}): "
                     f"{', '.join(sources[:3])}{' …' if len(sources) > 3 else ''}; not shown")
    if outside and planned is not None:
        for p in planned:
            out.cells.setdefault(p.cell.id, p)
    if len(runs) > 1 or outside:
        each = "; ".join(f"{run.shown}/ on {run.manifest.host}, started {when(run.manifest.started_at)}, "
                         f"{run.manifest.state}" for run in runs[:5]) + (" …" if len(runs) > 5 else "")
        also = (f"; {_count(outside, 'other result')}, matched to the config's plan" if outside and planned is not None
                else f"; {_count(outside, 'other result')}" if outside else "")
        shared = sum(n > 1 for n in Counter(cid for cells in ids.values() for cid in cells).values())
        both = f"; {_count(shared, 'cell')} in more than one run: the newer result shown" if shared else ""
        notes.append(f"results of {_count(len(runs), 'rodeo local run')}, each matched to its own plan: "
                     f"{each}{also}{both}")
    return out


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _match(plan: _Plan, best: dict[str, _Read], problems: dict[str, list[_Read]], out: Collected) -> None:
    """Place every planned cell and every result in ``out``: a result, n/a, missing or an error."""
    shown: set[str] = set()       # sources a cell names
    ids = set(plan.cells) if plan.cells is not None else set(best)
    if not plan.strict:
        ids |= set(best)
    for cid in sorted(ids):
        p = plan.cells.get(cid) if plan.cells is not None else None
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
        if p is None:
            continue
        c = p.cell
        if cid in problems:
            first = problems[cid][0]
            out.cells.append(CellView(cid, c.manager, c.set, c.os, c.python, "error",
                                      note=first.problem, source=first.source))
            shown.add(first.source)
        elif not p.runnable:
            out.cells.append(CellView(cid, c.manager, c.set, c.os, c.python, "n/a", note=p.reason))
        else:
            out.cells.append(CellView(cid, c.manager, c.set, c.os, c.python, "missing",
                                      note=plan.why_missing.get(cid, _MISSING)))
    if plan.cells is not None and plan.strict:
        for cid, extra in sorted(best.items()):
            if cid not in plan.cells and extra.result is not None:
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


# -- a pass's locks, for the baseline ------------------------------------------------------------

_KEPT = "; its pins are kept"
_TOOL_PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]{0,99})==([^\s=;#]{1,200})")


def _read_locks(out: Collected, paths: dict[str, Path]) -> None:
    """Each passing cell's lock text and tool venv pins, read beside its result: the baseline keeps them so
    that the next run can isolate a regression. Up to MAX_LOCK_TEXT_BYTES of lock text in all (a --json
    must stay readable as the next baseline); what is refused is a note, never the cell's verdict."""
    budget, over = MAX_LOCK_TEXT_BYTES, 0
    for i, cell in enumerate(out.cells):
        r = cell.result
        if cell.status != "pass" or r is None or (r.lock is None and r.tool_lock is None) \
                or cell.source not in paths:
            continue
        path = paths[cell.source]
        lock: LockFiles | None = None
        if r.lock is not None and budget <= 0:
            over += 1
        elif r.lock is not None:
            got = _lock(path, cell.source, r.cell.id, r.lock)
            if isinstance(got, str):
                out.notes.append(got + _KEPT)
            else:
                lock = got
                budget -= sum(len(t) for t in got.files.values())
        tool: dict[str, str] = {}
        if r.tool_lock is not None:
            pins = _tool_pins(path, cell.source, r.cell.id, r.tool_lock)
            if isinstance(pins, str):
                out.notes.append(pins)
            else:
                tool = pins
        if lock is not None or tool:
            out.cells[i] = replace(cell, lock=lock, tool_pins=tool)
    if over:
        out.notes.append(f"the lock files of {over} more passing cells are not kept for the baseline (it keeps "
                         f"{MAX_LOCK_TEXT_BYTES:,} bytes of them at most); their pins are")


def _lock_path(result: Path, source: str, cid: str, ref: LockRef) -> Path | str:
    """The file a result's lock ref names, or why it is refused. The ref is data from an artifact: it may
    only name a plain file in the cell's own ``CELL.lock/`` beside the result, never a path out of it
    (``..``, an absolute path, a symlinked folder or file)."""
    parts = ref.file.split("/")
    shown = ref.file[:120].encode("ascii", "backslashreplace").decode()
    if len(parts) != 2 or parts[0] != f"{cid}.lock" or not LOCK_FILE_NAME.fullmatch(parts[1]):
        return f"{source}: its lock {shown!r} is not a file in {cid}.lock/ beside it; not read"
    folder = result.parent / parts[0]
    try:
        if not stat.S_ISDIR(os.lstat(folder).st_mode):
            return f"{source}: {parts[0]} is not a folder (a symlink?); its lock is not read"
        mode = os.lstat(folder / parts[1]).st_mode
    except OSError as exc:
        return f"{source}: its lock {shown} cannot be read ({exc.strerror})"
    if not stat.S_ISREG(mode):
        return f"{source}: its lock {shown} is not a regular file (a symlink?); not read"
    return folder / parts[1]


def _lock(result: Path, source: str, cid: str, ref: LockRef) -> LockFiles | str:
    """A passing cell's lock folder as text (the tool lock aside), or one line saying why it is not kept:
    a file too big, not UTF-8, a symlink, or too many files. All or nothing: a part of a lock is none."""
    target = _lock_path(result, source, cid, ref)
    if isinstance(target, str):
        return target
    folder = target.parent
    where = f"{Path(source).parent / folder.name}/"
    try:
        names = sorted(n for n in os.listdir(folder) if n != TOOL_LOCK)
    except OSError as exc:
        return f"{where} cannot be read ({exc.strerror})"
    if len(names) > MAX_LOCK_FILES:
        return f"{where} holds {len(names)} files, more than the {MAX_LOCK_FILES} a lock may have; not kept"
    files: dict[str, str] = {}
    for name in names:
        path = folder / name
        try:
            mode = os.lstat(path).st_mode
        except OSError as exc:
            return f"{where}{name!a}: cannot be read ({exc.strerror}); the lock is not kept"
        if stat.S_ISDIR(mode):
            continue
        if not stat.S_ISREG(mode) or not LOCK_FILE_NAME.fullmatch(name):
            return f"{where}{name!a}: not a plain regular file (a symlink?); the lock is not kept"
        got = read_capped(path, f"{where}{name}", MAX_LOCK_FILE_BYTES)
        if isinstance(got, str):
            return f"{got}; the lock is not kept"
        try:
            files[name] = got[0].decode("utf-8")
        except UnicodeDecodeError:
            return f"{where}{name}: not UTF-8 text; the lock is not kept"
    if Path(ref.file).name not in files:
        return f"{where} holds no {Path(ref.file).name}, the lock its result names; not kept"
    checked = lock_files({"format": ref.format, "files": files})
    if checked is None:
        return f"{source}: its lock's format {ref.format[:40]!a} is not a plain name; the lock is not kept"
    return checked


def _tool_pins(result: Path, source: str, cid: str, ref: LockRef) -> dict[str, str] | str:
    """The manager's tool venv as name -> version, from the ``name==version`` lines of its tool lock; or
    one line saying why not (all or nothing: a venv with a pin missing is not the one that passed)."""
    target = _lock_path(result, source, cid, ref)
    if isinstance(target, str):
        return target
    got = read_capped(target, f"{source}: its tool lock", MAX_LOCK_FILE_BYTES)
    if isinstance(got, str):
        return f"{got}; not kept"
    pins: dict[str, str] = {}
    for n, line in enumerate(got[0].decode("utf-8", "replace").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = _TOOL_PIN.fullmatch(line)
        if m is None or len(pins) >= MAX_PINS:
            why = "more pins than a baseline keeps" if m else "not a name==version line"
            return f"{source}: its tool lock, line {n}: {why}; not kept"
        pins[m.group(1)] = m.group(2)
    return pins
