"""What an issue last said about its culprit, kept in the issue's own body as a hidden trailer.

The trailer is one ``<!-- rodeo:state {json} -->`` at the end of the body: the cells, the cause's
kind and package, hashes of its summary, cells and version diff, and whether the "fixed" comment
was posted. The one listing of open issues already returns every body, so knowing what an issue
last said costs no request. The JSON has ``<``, ``>`` and ``&`` escaped, and the renderers let no
log text make an HTML comment, so the state cannot be forged by what a build printed.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from rodeo_action.report.model import Culprit, Report

STATE_CELLS_CHARS = 24_000       # beyond this the state keeps the managers, not each cell
GZIP_FROM = 2_000                # cell lists longer than this (as JSON) are stored gzip + base64
_STATE = re.compile(r"<!-- rodeo:state (\{[^<>]*\}) -->")


def _hash(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _versions_hash(culprit: Culprit) -> str:
    return _hash([(v.name, v.before, v.after) for v in culprit.versions]) if culprit.versions else ""


@dataclass(frozen=True)
class State:
    """What an issue last said about its culprit (stored in its body)."""

    kind: str                          # the culprit's kind: package | manager | cell
    name: str
    cause: str | None                  # the cause's kind
    package: str | None
    summary: str                       # hash of the cause's summary
    cells_hash: str
    cells: tuple[str, ...] | None      # None when too many to store: then `managers` bounds them
    managers: tuple[str, ...]
    versions: str = ""                 # hash of the last version diff reported ("" none yet)
    fixed: bool = False                # the "fixed" comment was posted (the issue may be reopened by hand)
    upstream: tuple[str, str] | None = None   # ("OWNER/REPO#N", its URL) filed with `upstream: true`
    flaky: bool = False                # its cells flip between pass and fail: kept open when they pass (sticky)

    @classmethod
    def of(cls, report: Report, culprit: Culprit, previous: State | None = None) -> State:
        """The state describing ``culprit`` now; a run without a version diff keeps the last one reported."""
        cells = tuple(sorted(culprit.cells))
        by_id = {c.id: c for c in report.cells}
        managers = tuple(sorted({by_id[c].manager for c in cells if c in by_id}))
        cause = culprit.cause
        return cls(kind=culprit.kind, name=culprit.name, cause=cause.kind if cause else None,
                   package=cause.package if cause else None, summary=_hash(cause.summary if cause else None),
                   cells_hash=_hash(cells), cells=cells, managers=managers,
                   versions=_versions_hash(culprit) or (previous.versions if previous else ""),
                   upstream=previous.upstream if previous else None,
                   flaky=bool(culprit.flaky) or (previous.flaky if previous else False))

    def differs(self, other: State) -> list[str]:
        """What changed from ``self`` (stored) to ``other`` (now), in words; empty when nothing did."""
        out = []
        if (self.cause, self.package) != (other.cause, other.package):
            out.append("cause")
        elif self.summary != other.summary:
            out.append("summary")
        if self.cells_hash != other.cells_hash:
            out.append("cells")
        if other.versions and other.versions != self.versions:
            out.append("versions")
        if self.fixed and not other.fixed:
            out.append("broken again")
        if other.flaky and not self.flaky:
            out.append("flaky")
        return out

    def encode(self) -> str:
        """The hidden trailer: one HTML comment whose JSON cannot close it (``<``, ``>``, ``&`` escaped)."""
        data: dict[str, Any] = {"v": 1, "kind": self.kind, "name": self.name, "cause": self.cause,
                                "package": self.package, "summary": self.summary, "cells_hash": self.cells_hash,
                                "managers": list(self.managers), "versions": self.versions, "fixed": self.fixed,
                                "upstream": list(self.upstream) if self.upstream else None}
        if self.flaky:                 # written only when true: the states of issues before it stay as they were
            data["flaky"] = True
        if self.cells is not None:
            plain = json.dumps(list(self.cells), separators=(",", ":"))
            if len(plain) < GZIP_FROM:
                data["cells"] = list(self.cells)
            else:
                packed = base64.b64encode(gzip.compress(plain.encode(), 9, mtime=0)).decode()
                if len(packed) <= STATE_CELLS_CHARS:
                    data["cells_gz"] = packed
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=True, sort_keys=True)
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return f"<!-- rodeo:state {text} -->"

    @classmethod
    def decode(cls, body: str) -> State | None:
        """The last state trailer in ``body``; None when absent or not what rodeo writes."""
        found = _STATE.findall(body)
        if not found:
            return None
        try:
            data = json.loads(found[-1])
            cells: tuple[str, ...] | None = None
            if "cells" in data:
                cells = _strs(data["cells"])
            elif "cells_gz" in data:
                cells = _strs(json.loads(gzip.decompress(base64.b64decode(data["cells_gz"], validate=True))))
            return cls(kind=_str(data["kind"]), name=_str(data["name"]), cause=_opt(data["cause"]),
                       package=_opt(data["package"]), summary=_str(data["summary"]),
                       cells_hash=_str(data["cells_hash"]), cells=cells, managers=_strs(data["managers"]),
                       versions=_str(data["versions"]), fixed=data["fixed"] is True, upstream=_pair(data["upstream"]),
                       flaky=data.get("flaky") is True)
        except (ValueError, KeyError, TypeError, OSError, EOFError):
            return None


def _str(x: Any) -> str:
    if not isinstance(x, str):
        raise TypeError(x)
    return x


def _opt(x: Any) -> str | None:
    return None if x is None else _str(x)


def _pair(x: Any) -> tuple[str, str] | None:
    if x is None:
        return None
    a, b = _strs(x)
    return a, b


def _strs(x: Any) -> tuple[str, ...]:
    if not isinstance(x, list):
        raise TypeError(x)
    return tuple(_str(i) for i in x)


def with_state(body: str, state: State) -> str:
    """``body`` with its last state trailer replaced (appended when it has none)."""
    spans = list(_STATE.finditer(body))
    if not spans:
        return body.rstrip("\n") + "\n" + state.encode() + "\n"
    m = spans[-1]
    return body[:m.start()] + state.encode() + body[m.end():]


def all_pass(report: Report, state: State) -> bool:
    """Every stored cell passes now or left the rodeo (missing, n/a, error… are no verdict: keep open)."""
    by_id = {c.id: c for c in report.cells}
    if state.cells is not None:
        return all(c not in by_id or by_id[c].status == "pass" for c in state.cells)
    managers = set(state.managers)     # too many cells to store: every cell of those managers must pass
    return all(c.status in ("pass", "n/a") for c in report.cells if c.manager in managers)


def scope(report: Report, state: State) -> tuple[str, ...]:
    """The cells an issue too big to store its cells is about: the passing ones of its managers."""
    managers = set(state.managers)
    return tuple(c.id for c in report.cells if c.manager in managers and c.status == "pass")


__all__ = ["GZIP_FROM", "STATE_CELLS_CHARS", "State", "all_pass", "scope", "with_state"]
