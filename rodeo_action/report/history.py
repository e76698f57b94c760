"""The baseline: what the previous run saw, read back to say what changed.

Two carriers, one content. ``--json`` writes the full form (merged results + bounded history
per cell); the README block and the PR comment carry a compact digest (gzip + base64 inside a
markdown link-reference definition, which GitHub does not render), so a repository keeps its
own baseline without artifacts.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from rodeo_action.errors import InputError
from rodeo_action.report.model import FAILING, CellHistory, CellView, Report

HISTORY_LENGTH = 20
BASELINE_SCHEMA = 1
MAX_BASELINE_BYTES = 50_000_000
MAX_DIGEST_CHARS = 200_000
_DIGEST = re.compile(r"^\[rodeo-digest(?:-(?P<id>[A-Za-z0-9._-]+))?\]: data:application/gzip;base64,"
                     r"(?P<data>[A-Za-z0-9+/=]+)", re.M)


@dataclass(frozen=True)
class BaselineCell:
    status: str
    phase: str | None = None
    cause_kind: str | None = None
    cause_package: str | None = None
    history: CellHistory = field(default_factory=CellHistory)


@dataclass(frozen=True)
class Baseline:
    name: str | None
    generated_at: str | None
    cells: dict[str, BaselineCell]
    source: str


def key_versions(cell: CellView, packages: Iterable[str]) -> dict[str, str]:
    """The versions worth diffing: the set's own packages and the manager itself."""
    if cell.result is None:
        return {}
    wanted = {canonicalize_name(p) for p in packages}
    out: dict[str, str] = {canonicalize_name(k): v for k, v in cell.result.resolved.items()
                           if canonicalize_name(k) in wanted}
    if cell.result.manager_version:
        out[f"<{cell.manager}>"] = cell.result.manager_version
    return out


def advance(previous: CellHistory | None, cell: CellView, versions: dict[str, str]) -> CellHistory:
    """A cell's history after this run."""
    prev = previous or CellHistory()
    statuses = (*prev.statuses, cell.status)[-HISTORY_LENGTH:]
    seconds = (*prev.seconds, round(cell.seconds, 1))[-HISTORY_LENGTH:]
    if cell.status in FAILING:
        failures = prev.consecutive_failures + 1
    elif cell.status in ("missing", "unavailable"):
        failures = prev.consecutive_failures        # no verdict this time: neither a failure nor a recovery
    else:
        failures = 0
    if cell.status == "pass" and cell.result is not None:
        return CellHistory(statuses, seconds, failures, cell.result.started_at, cell.result.run_url, dict(versions))
    return CellHistory(statuses, seconds, failures, prev.last_pass_at, prev.last_pass_run_url,
                       dict(prev.last_pass_versions))


def _history(raw: Any) -> CellHistory:
    if not isinstance(raw, dict):
        return CellHistory()

    def strs(x: Any) -> tuple[str, ...]:
        return tuple(str(s) for s in x[-HISTORY_LENGTH:]) if isinstance(x, list) else ()

    def floats(x: Any) -> tuple[float, ...]:
        if not isinstance(x, list):
            return ()
        return tuple(float(s) for s in x[-HISTORY_LENGTH:] if isinstance(s, (int, float)) and not isinstance(s, bool))

    versions = raw.get("last_pass_versions")
    failures = raw.get("consecutive_failures")
    return CellHistory(
        statuses=strs(raw.get("statuses")), seconds=floats(raw.get("seconds")),
        consecutive_failures=failures if isinstance(failures, int) and failures >= 0 else 0,
        last_pass_at=raw.get("last_pass_at") if isinstance(raw.get("last_pass_at"), str) else None,
        last_pass_run_url=raw.get("last_pass_run_url") if isinstance(raw.get("last_pass_run_url"), str) else None,
        last_pass_versions={str(k): str(v) for k, v in versions.items()} if isinstance(versions, dict) else {},
    )


def _cells(raw: Any) -> dict[str, BaselineCell]:
    cells: dict[str, BaselineCell] = {}
    if not isinstance(raw, dict):
        return cells
    for cid, entry in raw.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("status"), str):
            continue
        raw_cause = entry.get("cause")
        cause: dict[str, Any] = raw_cause if isinstance(raw_cause, dict) else {}
        cells[str(cid)] = BaselineCell(status=entry["status"], phase=entry.get("phase"),
                                       cause_kind=cause.get("kind"), cause_package=cause.get("package"),
                                       history=_history(entry.get("history")))
    return cells


def compact(report: Report) -> dict[str, Any]:
    """The part of the baseline a digest carries (no logs, no repros)."""
    cells: dict[str, Any] = {}
    for cell in report.cells:
        cause = cell.cause
        cells[cell.id] = {"status": cell.status, "phase": cell.result.phase if cell.result else None,
                          "cause": {"kind": cause.kind, "package": cause.package} if cause else None,
                          "history": asdict(report.history[cell.id]) if cell.id in report.history else {}}
    return {"schema": BASELINE_SCHEMA, "kind": "rodeo-baseline", "name": report.name,
            "generated_at": report.generated_at, "run_url": report.run_url, "cells": cells}


def full(report: Report) -> dict[str, Any]:
    """``--json``: the compact baseline plus every merged result."""
    data = compact(report)
    data["results"] = [c.result.to_dict() for c in report.cells if c.result is not None]
    data["notes"] = list(report.notes)
    return data


def digest(report: Report) -> str:
    """The compact baseline as one markdown line GitHub does not render."""
    raw = json.dumps(compact(report), separators=(",", ":"), sort_keys=True).encode()
    data = base64.b64encode(gzip.compress(raw, mtime=0)).decode()
    label = f"rodeo-digest-{report.name}" if report.name else "rodeo-digest"
    return f"[{label}]: data:application/gzip;base64,{data}"


def from_markdown(text: str, name: str | None, source: str) -> Baseline | None:
    """The digest of the rodeo ``name`` inside a README or comment body, if there is one."""
    for m in _DIGEST.finditer(text):
        if (m.group("id") or None) != name or len(m.group("data")) > MAX_DIGEST_CHARS:
            continue
        try:
            raw = gzip.decompress(base64.b64decode(m.group("data"), validate=True))
            if len(raw) > MAX_BASELINE_BYTES:
                return None
            data = json.loads(raw)
        except (binascii.Error, OSError, EOFError, ValueError):
            return None
        return _baseline(data, source)
    return None


def _baseline(data: Any, source: str) -> Baseline | None:
    if not isinstance(data, dict) or data.get("kind") != "rodeo-baseline":
        return None
    name = data.get("name") if isinstance(data.get("name"), str) else None
    at = data.get("generated_at") if isinstance(data.get("generated_at"), str) else None
    return Baseline(name=name, generated_at=at, cells=_cells(data.get("cells")), source=source)


def load(path: Path, name: str | None) -> Baseline | None:
    """``--baseline F``: a previous ``--json``, or a markdown file carrying a digest. None: nothing usable."""
    try:
        size = path.stat().st_size
        if size > MAX_BASELINE_BYTES:
            raise InputError(f"--baseline {path}: {size:,} bytes; expected at most {MAX_BASELINE_BYTES:,}")
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"--baseline {path}: cannot be read ({exc.strerror})") from None
    if text.lstrip().startswith("{"):
        try:
            return _baseline(json.loads(text), str(path))
        except ValueError:
            return None
    return from_markdown(text, name, str(path))
