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
import math
import os
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from rodeo_action.errors import InputError
from rodeo_action.report.model import FAILING, STATUSES, CellHistory, CellView, Report

HISTORY_LENGTH = 20
BASELINE_SCHEMA = 1
MAX_BASELINE_BYTES = 200_000_000
MAX_DIGEST_CHARS = 200_000
_CELL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")
_DIGEST = re.compile(r"^\[rodeo-digest(?:-(?P<id>[A-Za-z0-9._-]+))?\]: data:application/gzip;base64,"
                     r"(?P<data>[A-Za-z0-9+/=]+)", re.M)


@dataclass(frozen=True)
class BaselineCell:
    status: str
    phase: str | None = None
    cause_kind: str | None = None
    cause_package: str | None = None
    history: CellHistory = field(default_factory=CellHistory)
    culprit: str | None = None       # the key of the culprit the cell belonged to (its GitHub issue)


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


def is_verdict(cell: CellView) -> bool:
    """Whether this run says something about the cell: it ran (pass/fail/timeout/error) and its
    result was read. An ``error`` cell without a result is an unreadable file, not a verdict."""
    return cell.result is not None and (cell.status == "pass" or cell.status in FAILING)


def last_verdict(statuses: tuple[str, ...]) -> str | None:
    """The most recent pass/fail/timeout/error in a history (missing, unavailable and n/a skipped)."""
    for status in reversed(statuses):
        if status == "pass" or status in FAILING:
            return status
    return None


def advance(previous: CellHistory | None, cell: CellView, versions: dict[str, str]) -> CellHistory:
    """A cell's history after this run."""
    prev = previous or CellHistory()
    statuses = (*prev.statuses, cell.status)[-HISTORY_LENGTH:]
    seconds = (*prev.seconds, round(cell.seconds, 1))[-HISTORY_LENGTH:]
    if is_verdict(cell) and cell.status in FAILING:
        failures = prev.consecutive_failures + 1
    elif cell.status == "pass":
        failures = 0
    else:
        # no verdict this time (missing, unavailable, n/a, or an error cell whose result file could
        # not be read): neither a failure nor a recovery
        failures = prev.consecutive_failures
    if cell.status == "pass" and cell.result is not None:
        return CellHistory(statuses, seconds, failures, cell.result.started_at, cell.result.run_url, dict(versions))
    return CellHistory(statuses, seconds, failures, prev.last_pass_at, prev.last_pass_run_url,
                       dict(prev.last_pass_versions))


def _history(raw: Any) -> CellHistory:
    if not isinstance(raw, dict):
        return CellHistory()

    def strs(x: Any) -> tuple[str, ...]:
        return tuple(s for s in x[-HISTORY_LENGTH:] if s in STATUSES) if isinstance(x, list) else ()

    def floats(x: Any) -> tuple[float, ...]:
        if not isinstance(x, list):
            return ()
        return tuple(float(s) for s in x[-HISTORY_LENGTH:]
                     if isinstance(s, (int, float)) and not isinstance(s, bool) and math.isfinite(s))

    versions = raw.get("last_pass_versions")
    failures = raw.get("consecutive_failures")
    return CellHistory(
        statuses=strs(raw.get("statuses")), seconds=floats(raw.get("seconds")),
        consecutive_failures=failures if isinstance(failures, int) and not isinstance(failures, bool)
        and failures >= 0 else 0,
        last_pass_at=_str(raw.get("last_pass_at")),
        last_pass_run_url=_str(raw.get("last_pass_run_url")),
        last_pass_versions={k: v for k, v in versions.items() if isinstance(k, str) and isinstance(v, str)}
        if isinstance(versions, dict) else {},
    )


def _str(x: Any) -> str | None:
    return x if isinstance(x, str) else None


def _cells(raw: Any) -> dict[str, BaselineCell]:
    cells: dict[str, BaselineCell] = {}
    if not isinstance(raw, dict):
        return cells
    for cid, entry in raw.items():
        # a baseline is data from an earlier run (or a README anyone can edit): keep what has the
        # right shape, drop the rest
        if not isinstance(entry, dict) or entry.get("status") not in STATUSES or not _CELL_ID.fullmatch(cid):
            continue
        raw_cause = entry.get("cause")
        cause: dict[str, Any] = raw_cause if isinstance(raw_cause, dict) else {}
        cells[cid] = BaselineCell(status=entry["status"], phase=_str(entry.get("phase")),
                                  cause_kind=_str(cause.get("kind")), cause_package=_str(cause.get("package")),
                                  history=_history(entry.get("history")), culprit=_str(entry.get("culprit")))
    return cells


def _history_dict(h: CellHistory) -> dict[str, Any]:
    # what dataclasses.asdict gives, ten times faster (it deep-copies): 10,000 cells per report
    return {"statuses": list(h.statuses), "seconds": list(h.seconds), "consecutive_failures": h.consecutive_failures,
            "last_pass_at": h.last_pass_at, "last_pass_run_url": h.last_pass_run_url,
            "last_pass_versions": dict(h.last_pass_versions)}


def compact(report: Report) -> dict[str, Any]:
    """The part of the baseline a digest carries (no logs, no repros)."""
    cells: dict[str, Any] = {}
    culprit_of = {cid: c.key for c in report.culprits for cid in c.cells}
    for cell in report.cells:
        cause = cell.cause
        cells[cell.id] = {"status": cell.status, "phase": cell.result.phase if cell.result else None,
                          "cause": {"kind": cause.kind, "package": cause.package} if cause else None,
                          "history": _history_dict(report.history[cell.id]) if cell.id in report.history else {}}
        if cell.id in culprit_of:
            cells[cell.id]["culprit"] = culprit_of[cell.id]
    return {"schema": BASELINE_SCHEMA, "kind": "rodeo-baseline", "name": report.name,
            "generated_at": report.generated_at, "run_url": report.run_url, "cells": cells}


def full(report: Report) -> dict[str, Any]:
    """``--json``: the compact baseline plus every merged result."""
    data = compact(report)
    # log tails stay in the artifacts and the markdown report: with them a 100,000-cell --json
    # would be too big to read back as the next --baseline
    data["results"] = [{**c.result.to_dict(), "log_tail": ""} for c in report.cells if c.result is not None]
    data["notes"] = list(report.notes)
    return data


def _encode(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.b64encode(gzip.compress(raw, mtime=0)).decode()


def _slim(data: dict[str, Any], keep: int, versions: bool) -> dict[str, Any]:
    """A smaller digest: the last ``keep`` statuses, no durations or run links, maybe no versions."""
    cells: dict[str, Any] = {}
    for cid, entry in data["cells"].items():
        hist = entry.get("history") or {}
        slim = {"statuses": list(hist.get("statuses", ()))[-keep:] if keep else [],
                "consecutive_failures": hist.get("consecutive_failures", 0)}
        if versions:
            slim["last_pass_versions"] = hist.get("last_pass_versions", {})
            slim["last_pass_at"] = hist.get("last_pass_at")
        cells[cid] = {**entry, "history": slim}
    return {**data, "cells": cells}


def digest(report: Report, limit: int = MAX_DIGEST_CHARS) -> str:
    """The compact baseline as one markdown line GitHub does not render.

    It never exceeds ``limit`` characters (nor what :func:`from_markdown` reads back): a big rodeo's
    digest drops durations and older statuses first, then versions, then the cause; at the very least
    every cell keeps its status and consecutive-failure count (what changes and ``after:`` need), and
    when even that does not fit the digest is empty (no baseline next time, rather than a broken one).
    """
    label = f"rodeo-digest-{report.name}" if report.name else "rodeo-digest"
    prefix = f"[{label}]: data:application/gzip;base64,"
    limit = min(limit, MAX_DIGEST_CHARS + len(prefix))
    data = compact(report)
    for level in range(4):
        if level == 0:
            smaller = data
        elif level < 3:
            smaller = _slim(data, 5 if level == 1 else 0, True)
        else:
            slim = _slim(data, 0, False)["cells"]
            smaller = {**data, "cells": {k: {"status": v["status"], "history": v["history"],
                                             **({"culprit": v["culprit"]} if "culprit" in v else {})}
                                         for k, v in slim.items()}}
        line = prefix + _encode(smaller)
        if len(line) <= limit:
            return line
    return ""


def _gunzip(data: bytes) -> bytes | None:
    """gzip data, or None when it is broken, truncated or inflates past MAX_BASELINE_BYTES."""
    inflate = zlib.decompressobj(wbits=31)
    raw = inflate.decompress(data, MAX_BASELINE_BYTES + 1)
    if len(raw) > MAX_BASELINE_BYTES or inflate.unconsumed_tail or not inflate.eof:
        return None
    return raw


def from_markdown(text: str, name: str | None, source: str) -> Baseline | None:
    """The digest of the rodeo ``name`` inside a README or comment body, if there is one.

    Never raises: a corrupted, truncated, oversized or forged digest is no baseline (None).
    """
    for m in _DIGEST.finditer(text):
        if (m.group("id") or None) != name or len(m.group("data")) > MAX_DIGEST_CHARS:
            continue
        try:
            raw = _gunzip(base64.b64decode(m.group("data"), validate=True))
            if raw is None:
                continue
            data = json.loads(raw)
        except (binascii.Error, zlib.error, ValueError, RecursionError):
            continue
        found = _baseline(data, source)
        if found is not None and found.name == name:
            return found
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
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            raw = b"" if size > MAX_BASELINE_BYTES else fh.read(min(size, MAX_BASELINE_BYTES) + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"--baseline {path}: cannot be read ({exc.strerror})") from None
    size = max(size, len(raw))
    if size > MAX_BASELINE_BYTES:
        raise InputError(f"--baseline {path}: {size:,} bytes; expected at most {MAX_BASELINE_BYTES:,}")
    text = raw.decode("utf-8", errors="replace")
    if text.lstrip("\ufeff \t\r\n").startswith("{"):
        try:
            return _baseline(json.loads(text.lstrip("\ufeff")), str(path))
        except (ValueError, RecursionError):
            return None
    return from_markdown(text, name, str(path))
