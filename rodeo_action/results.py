"""A cell's result: the typed record, its JSON schema check, and atomic writes.

Everything downstream (report, GitHub, baselines) reads these files, so a result is validated
before it is written and written so that a reader never sees half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from rodeo_action import schemacheck
from rodeo_action.resources import schema_path

SCHEMA_VERSION = 1
STATUSES = ("pass", "fail", "timeout", "n/a", "unavailable", "error")
PHASES = ("setup", "create", "install", "import", "test")
LOG_TAIL_LINES = 80
LOG_TAIL_CHARS = 16_000


@dataclass(frozen=True)
class Cause:
    kind: str
    summary: str
    package: str | None = None


@dataclass(frozen=True)
class CellInfo:
    id: str
    manager: str
    set: str
    os: str
    python: str
    packages: tuple[str, ...]


@dataclass(frozen=True)
class Attempt:
    status: str
    phase: str | None
    cause: Cause | None
    seconds: float


@dataclass(frozen=True)
class Result:
    cell: CellInfo
    status: str
    phase: str | None = None
    cause: Cause | None = None
    durations: dict[str, float] = field(default_factory=dict)
    manager_version: str | None = None
    python_version: str | None = None
    platform: str | None = None
    resolved: dict[str, str] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)
    repro: str = ""
    log_tail: str = ""
    started_at: str = "1970-01-01T00:00:00Z"
    run_url: str | None = None
    reason: str | None = None
    attempts: tuple[Attempt, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (written by hand: ``dataclasses.asdict`` deep-copies, 10x slower at 10,000 cells)."""
        c = self.cell
        data: dict[str, Any] = {
            "schema": SCHEMA_VERSION,
            "cell": {"id": c.id, "manager": c.manager, "set": c.set, "os": c.os, "python": c.python,
                     "packages": list(c.packages)},
            "status": self.status, "phase": self.phase, "cause": _cause_dict(self.cause),
            "durations": {k: round(v, 3) for k, v in self.durations.items()},
            "manager_version": self.manager_version, "python_version": self.python_version,
            "platform": self.platform, "resolved": dict(self.resolved), "imports": dict(self.imports),
            "repro": self.repro, "log_tail": self.log_tail, "started_at": self.started_at,
            "run_url": self.run_url, "reason": self.reason,
        }
        if self.attempts:
            data["attempts"] = [{"status": a.status, "phase": a.phase, "cause": _cause_dict(a.cause),
                                 "seconds": round(a.seconds, 3)} for a in self.attempts]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        """Build from JSON already checked by :func:`validate`."""
        def cause(raw: dict[str, Any] | None) -> Cause | None:
            return Cause(kind=raw["kind"], summary=raw["summary"], package=raw.get("package")) if raw else None
        c = data["cell"]
        return cls(
            cell=CellInfo(id=c["id"], manager=c["manager"], set=c["set"], os=c["os"], python=c["python"],
                          packages=tuple(c["packages"])),
            status=data["status"], phase=data["phase"], cause=cause(data["cause"]),
            durations=dict(data["durations"]), manager_version=data.get("manager_version"),
            python_version=data.get("python_version"), platform=data.get("platform"),
            resolved=dict(data.get("resolved", {})), imports=dict(data.get("imports", {})),
            repro=data["repro"], log_tail=data["log_tail"], started_at=data["started_at"],
            run_url=data.get("run_url"), reason=data.get("reason"),
            attempts=tuple(Attempt(status=a["status"], phase=a["phase"], cause=cause(a["cause"]),
                                   seconds=a.get("seconds", 0.0)) for a in data.get("attempts", [])),
        )


def _cause_dict(cause: Cause | None) -> dict[str, Any] | None:
    return None if cause is None else {"kind": cause.kind, "summary": cause.summary, "package": cause.package}


@cache
def result_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path("result.schema.json").read_text())
    return schema


def validate(data: Any) -> list[str]:
    """Problems with a result's JSON, as ``field: message`` lines (empty when valid)."""
    errors = schemacheck.validate(data, result_schema())
    return [f"{_dotted(e.path) or '<root>'}: {e.message}" for e in errors]


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path)


def tail(text: str, lines: int = LOG_TAIL_LINES, chars: int = LOG_TAIL_CHARS) -> str:
    out = "\n".join(text.splitlines()[-lines:])
    return out[-chars:]


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename, so readers never see a partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o644)   # mkstemp makes 0600; results and reports are meant to be read by others
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_result(result: Result, out_dir: Path) -> Path:
    data = result.to_dict()
    problems = validate(data)
    if problems:
        raise ValueError("result does not match result.schema.json: " + "; ".join(problems[:5]))
    path = out_dir / f"{result.cell.id}.json"
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path
