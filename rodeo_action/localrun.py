"""The manifest `rodeo local` leaves next to its results: which plan ran, where, when, how it ended.

``DIR/rodeo-local.json`` names the run: a digest of the config, the host's label (``debian-12``),
its Pythons and managers, every cell of its plan, when it started and whether it finished or was
interrupted. Without it a later ``rodeo report --config rodeo.yml --results DIR`` matches the
results to the config's CI plan (``ubuntu-latest``) and calls this host's cells "not in the
plan" and the CI cells "missing"; with it the report expands the plan for that host, shows cells
an interrupted run never finished as such, and tells two runs apart instead of merging them.

A new run into a folder that holds an earlier run moves the earlier run's files aside into
``DIR/previous/<when it started>/`` (renames within the folder: nothing written is lost), and
refuses a folder holding files rodeo did not write, or a run still in progress.

The manifest is read like a result: an untrusted file (a downloaded artifact may hold one), read
with a size cap and checked field by field; a bad one is a report note, never a crash.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import sys
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rodeo_action import __version__, host
from rodeo_action.config import MAX_CELLS, Config, manager_names
from rodeo_action.errors import InputError
from rodeo_action.plan import Cell, PlannedCell, expand
from rodeo_action.results import read_capped, write_atomic

MANIFEST = "rodeo-local.json"
PREVIOUS = "previous"            # where a new run moves the previous run's files
FORMAT = 1
MAX_BYTES = 64 << 20             # MAX_CELLS cells of ~150 bytes each, with room to spare
STATES = ("running", "finished", "interrupted")
# what `rodeo local` (or `rodeo run`) writes into an output folder: cell results, logs and lock folders,
# report.md, the manifest, and the temporary files of atomic writes (`.name.xxxx.tmp`)
_CELL_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*-py\d[\d.]*t?\.(?:json|log|lock)")
_TEMP_FILE = re.compile(r"\.[^/]+\.tmp")
_OS_LABEL = re.compile(r"[a-z0-9][a-z0-9.-]{0,40}")
_PYTHON = re.compile(r"\d{1,2}\.\d{1,3}t?")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}")
_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Manifest:
    """One `rodeo local` run. ``cells``: its plan, n/a cells with their reason (None: runnable)."""

    config: str                  # the config as the run named it (a path, or the default rodeo)
    digest: str                  # :func:`config_digest` of that config, before it was fitted to this host
    host: str                    # this host's label, e.g. debian-12
    os: tuple[str, ...]
    python: tuple[str, ...]
    managers: tuple[str, ...]
    cells: tuple[tuple[Cell, str | None], ...]
    started_at: str
    state: str = "running"
    finished_at: str | None = None
    node: str = ""               # the machine's name, with pid and its start time: is the run still going?
    pid: int | None = None
    pid_start: int | None = None
    rodeo: str = __version__

    def to_dict(self) -> dict[str, Any]:
        return {"rodeo_local": FORMAT, "rodeo": self.rodeo, "config": self.config, "config_digest": self.digest,
                "host": self.host, "os": list(self.os), "python": list(self.python),
                "managers": list(self.managers), "started_at": self.started_at, "state": self.state,
                "finished_at": self.finished_at, "node": self.node, "pid": self.pid, "pid_start": self.pid_start,
                "cells": [{"id": c.id, "manager": c.manager, "set": c.set, "os": c.os, "python": c.python,
                           "reason": reason} for c, reason in self.cells]}

    def planned(self) -> list[PlannedCell]:
        """The run's own plan (used when no config is given): cells without their package lists."""
        return [PlannedCell(cell, reason) for cell, reason in self.cells]

    @property
    def runnable(self) -> int:
        return sum(reason is None for _, reason in self.cells)

    def why_missing(self) -> str:
        """Why a runnable cell of this run has no result."""
        if self.state == "interrupted":
            return f"interrupted: rodeo local was stopped at {_when(self.finished_at)} before this cell finished"
        if self.state == "running":
            return (f"no result: the rodeo local run started {_when(self.started_at)} never finished "
                    "(killed, or still running)")
        return "no result: the rodeo local run finished without one (the file was removed?)"


def _when(stamp: str | None) -> str:
    from rodeo_action.report.words import when  # the report's one timestamp format

    return when(stamp) if stamp else "an unknown time"


def config_digest(config: Config) -> str:
    """What in a config decides its cells' results, hashed: its path, comments, line numbers, title and
    report settings do not count, so a comment added after a run does not set the run apart."""
    data = asdict(config)
    for key in ("source", "report", "name"):
        data.pop(key, None)
    for package in data["packages"]:
        package.pop("line", None)
        package.pop("tracker", None)
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def begin(config: Config, here: Config, planned: list[PlannedCell]) -> Manifest:
    """The manifest of a run starting now: ``config`` as given, ``here`` as fitted to this host."""
    from rodeo_action.config import host_os_label

    pid = os.getpid()
    return Manifest(config=config.source, digest=config_digest(config), host=host_os_label(), os=here.os,
                    python=here.python, managers=here.managers,
                    cells=tuple((p.cell, p.reason) for p in planned), started_at=now(), node=platform.node(),
                    pid=pid, pid_start=host.start_time(pid))


def end(manifest: Manifest, interrupted: bool) -> Manifest:
    return replace(manifest, state="interrupted" if interrupted else "finished", finished_at=now())


def write(folder: Path, manifest: Manifest) -> Path:
    """Atomically, one field a line and one cell a line (a person reads it; a diff shows what changed)."""
    data = manifest.to_dict()
    cells = data.pop("cells")
    lines = [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in data.items()]
    lines.append(' "cells": [' + ",".join(f"\n  {json.dumps(c, ensure_ascii=False)}" for c in cells) + "\n ]")
    path = folder / MANIFEST
    write_atomic(path, "{\n" + "\n".join(lines) + "\n}\n")
    return path


# -- reading (untrusted) ---------------------------------------------------------------------------


def read(path: Path, shown: str) -> Manifest | str:
    """The manifest at ``path``, or what is wrong with it (``shown`` names it in that one line)."""
    read = read_capped(path, shown, MAX_BYTES)
    if isinstance(read, str):
        return read
    raw = read[0]
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return f"{shown} is not JSON (truncated?)"
    try:
        return _parse(data)
    except (ValueError, TypeError, KeyError) as exc:
        return f"{shown} is not a rodeo local manifest this rodeo reads ({str(exc)[:120]})"


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


def _str(data: dict[str, Any], key: str, pattern: re.Pattern[str] | None = None, optional: bool = False) -> Any:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or (pattern is not None and not pattern.fullmatch(value)):
        raise ValueError(f"{key}: {str(value)[:60]!r}")
    return value


def _strs(data: dict[str, Any], key: str, pattern: re.Pattern[str]) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not 0 < len(value) <= 100 or \
            not all(isinstance(v, str) and pattern.fullmatch(v) for v in value):
        raise ValueError(f"{key}: {str(value)[:60]!r}")
    return tuple(value)


def _int(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{key}: {str(value)[:60]!r}")
    return value


def _parse(data: Any) -> Manifest:
    if not isinstance(data, dict) or data.get("rodeo_local") != FORMAT:
        raise ValueError("rodeo_local: expected 1")
    managers = _strs(data, "managers", _NAME)
    known = set(manager_names())
    if not set(managers) <= known:
        raise ValueError(f"managers: unknown {sorted(set(managers) - known)[:3]}")
    raw_cells = data["cells"]
    if not isinstance(raw_cells, list) or len(raw_cells) > MAX_CELLS:
        raise ValueError("cells: expected a list of at most 200,000 cells")
    cells = []
    for item in raw_cells:
        if not isinstance(item, dict):
            raise ValueError("cells: expected objects")
        cell = Cell(_str(item, "manager", _NAME), _str(item, "set", _NAME), _str(item, "os", _OS_LABEL),
                    _str(item, "python", _PYTHON), ())
        if item.get("id") != cell.id or cell.manager not in known:
            raise ValueError(f"cells: {str(item.get('id'))[:60]!r} does not match its manager, set, os and python")
        reason = _str(item, "reason", optional=True)
        cells.append((cell, reason[:500] if reason else None))
    state = _str(data, "state")
    if state not in STATES:
        raise ValueError(f"state: {state[:20]!r}")
    return Manifest(config=_str(data, "config")[:300], digest=_str(data, "config_digest")[:80],
                    host=_str(data, "host", _OS_LABEL), os=_strs(data, "os", _OS_LABEL),
                    python=_strs(data, "python", _PYTHON), managers=managers, cells=tuple(cells),
                    started_at=_str(data, "started_at", _STAMP), state=state,
                    finished_at=_str(data, "finished_at", _STAMP, optional=True),
                    node=str(data.get("node") or "")[:100], pid=_int(data, "pid"), pid_start=_int(data, "pid_start"),
                    rodeo=str(data.get("rodeo") or "")[:40])


def plan(manifest: Manifest, config: Config | None) -> list[PlannedCell]:
    """The run's plan: the config fitted to the run's host as `rodeo local` fitted it (its OS labels,
    Pythons and managers; so a manifest can ask for no cell the config does not make), or, without a
    config, the manifest's own list of cells."""
    if config is None:
        return manifest.planned()
    return expand(replace(config, os=manifest.os, python=manifest.python, managers=manifest.managers))


# -- a new run into a folder ---------------------------------------------------------------------


def _still_running(manifest: Manifest) -> bool:
    if manifest.state != "running" or manifest.pid is None or manifest.node != platform.node():
        return False
    if manifest.pid == os.getpid():
        return False
    if manifest.pid_start is not None:
        return host.start_time(manifest.pid) == manifest.pid_start
    if sys.platform == "win32":     # os.kill(pid, 0) would end the process there, not look at it
        return False
    try:
        os.kill(manifest.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def make_room(folder: Path, keep: Path | None = None) -> str | None:
    """Make ``folder`` ready for a new run: move an earlier run's files into ``previous/<started>/``.

    Refuses (:class:`InputError`) a folder that another run is writing to, and one without a
    manifest that holds files rodeo did not write (a project folder given as ``--output``: rodeo
    never moves the user's files). ``keep`` (the config file) is never moved. Returns what it
    did, for the user, or None when the folder was empty.
    """
    try:
        entries = sorted(os.listdir(folder))
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise InputError(f"--output {folder}: a file, not a folder; expected a folder for results") from None
    except OSError as exc:
        raise InputError(f"--output {folder}: cannot be read ({exc.strerror})") from None
    entries = [e for e in entries if e != PREVIOUS and not (keep is not None and _same(folder / e, keep))]
    if not entries:
        return None
    manifest = read(folder / MANIFEST, str(folder / MANIFEST)) if MANIFEST in entries else None
    if isinstance(manifest, Manifest) and _still_running(manifest):
        raise InputError(f"--output {folder}: another `rodeo local` (pid {manifest.pid}) is writing to it; wait "
                         f"for it or choose another --output (if it is gone, remove {folder / MANIFEST})")
    if not isinstance(manifest, Manifest):
        foreign = [e for e in entries if not (e == MANIFEST or e == "report.md" or _CELL_FILE.fullmatch(e)
                                              or _TEMP_FILE.fullmatch(e))]
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
            raise InputError(f"--output {folder}: holds files rodeo did not write ({shown}); expected an empty "
                             "folder or the output of an earlier `rodeo local`: choose another --output")
    stamp = manifest.started_at if isinstance(manifest, Manifest) else _newest(folder, entries)
    target = _free(folder / PREVIOUS / stamp.replace(":", ""))
    try:
        target.mkdir(parents=True)
        for entry in entries:
            os.replace(folder / entry, target / entry)      # one folder, one file system: a rename
    except OSError as exc:
        raise InputError(f"--output {folder}: the previous run cannot be moved into {target}/ "
                         f"({exc.strerror or exc}); move or remove it, or choose another --output") from None
    what = "run" if isinstance(manifest, Manifest) else "results"
    return f"moved the previous {what} ({len(entries)} files) to {target}/"


def _same(path: Path, other: Path) -> bool:
    try:
        return path.samefile(other)
    except OSError:
        return False


def _newest(folder: Path, entries: list[str]) -> str:
    newest = 0.0
    for entry in entries:
        try:
            newest = max(newest, (folder / entry).lstat().st_mtime)
        except OSError:
            continue
    return datetime.fromtimestamp(newest, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _free(path: Path) -> Path:
    n = 1
    candidate = path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate
