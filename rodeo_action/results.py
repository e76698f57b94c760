"""A cell's result: the typed record, its JSON schema check, redaction and atomic writes.

Everything downstream (report, GitHub, baselines) reads these files, so a result is validated
before it is written, written so that a reader never sees half of one, and every string in it -
like the cell's log on disk - passes through a :class:`Redactor` first: a package's output is
untrusted and may print a token it found.
"""

from __future__ import annotations

import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from rodeo_action import schemacheck
from rodeo_action.errors import InputError, Problem
from rodeo_action.resources import schema_path

SCHEMA_VERSION = 3   # 2: a passing cell's "lock" and "tool_lock"; 3: "isolation" and "introduced_by"; older still read
ISOLATION_OUTCOMES = ("isolated", "not-in-versions", "not-isolated")
TRY_OUTCOMES = ("fail", "pass", "other")
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
class LockRef:
    """A lock file beside the results: ``file`` relative to the output folder (``CELL.lock/poetry.lock``)."""

    file: str
    format: str


@dataclass(frozen=True)
class PinChange:
    """One distribution whose pin differs between the last pass and now; None: not installed then/now."""

    package: str                       # canonical distribution name (or a conda/apt package name)
    good: str | None
    bad: str | None


@dataclass(frozen=True)
class Try:
    """One install of the isolation: the last pass's pins with ``applied`` changes at their new
    versions (none applied: the last pass's own lock), and how it ended against the cell's failure."""

    applied: tuple[str, ...]
    outcome: str                       # fail (as the cell failed) | pass | other (failed otherwise: unresolvable)
    seconds: float = 0.0


@dataclass(frozen=True)
class Isolation:
    """What isolating a regressed cell against its last pass found (``rodeo run --baseline``).

    ``isolated``: ``culprits`` are the changes whose new versions make it fail (one, or a few that
    only fail together); ``not-in-versions``: the last pass's own pins fail too (the manager, the image
    or the network changed); ``not-isolated``: ``reason`` says why (budget spent, unresolvable, no lock),
    and ``culprits`` holds the changes still suspected."""

    outcome: str                       # see ISOLATION_OUTCOMES
    scope: str                         # environment (the cell's packages) | tool (the manager's own venv)
    reason: str
    culprits: tuple[PinChange, ...] = ()
    changed: int = 0                   # how many distributions changed since the last pass
    installs: int = 0                  # extra installs made (the tries)
    tries: tuple[Try, ...] = ()
    baseline: str | None = None        # when the last pass ran (its started_at), as the baseline says

    @property
    def introduced_by(self) -> PinChange | None:
        """The one change that broke it, when isolation found exactly one... or the first of a group."""
        return self.culprits[0] if self.outcome == "isolated" and self.culprits else None


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
    lock: LockRef | None = None        # the environment that passed, in the manager's own lock format
    tool_lock: LockRef | None = None   # the manager's own tool venv (rodeo installed pdm, poetry, ...)
    isolation: Isolation | None = None  # a regressed cell isolated against its last pass (--baseline)

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
        for key, ref in (("lock", self.lock), ("tool_lock", self.tool_lock)):
            if ref is not None:
                data[key] = {"file": ref.file, "format": ref.format}
        if self.isolation is not None:
            data["isolation"] = _isolation_dict(self.isolation)
            culprit = self.isolation.introduced_by
            if culprit is not None:
                data["introduced_by"] = {"package": culprit.package, "good": culprit.good, "bad": culprit.bad,
                                         "installs": self.isolation.installs,
                                         "with": [_pin_dict(p) for p in self.isolation.culprits[1:]]}
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
            lock=_lock_ref(data.get("lock")), tool_lock=_lock_ref(data.get("tool_lock")),
            isolation=_isolation(data.get("isolation")),
        )


def _pin_dict(pin: PinChange) -> dict[str, Any]:
    return {"package": pin.package, "good": pin.good, "bad": pin.bad}


def _isolation_dict(iso: Isolation) -> dict[str, Any]:
    return {"outcome": iso.outcome, "scope": iso.scope, "reason": iso.reason,
            "culprits": [_pin_dict(p) for p in iso.culprits], "changed": iso.changed, "installs": iso.installs,
            "tries": [{"applied": list(t.applied), "outcome": t.outcome, "seconds": round(t.seconds, 3)}
                      for t in iso.tries],
            "baseline": iso.baseline}


def _isolation(raw: dict[str, Any] | None) -> Isolation | None:
    if not raw:
        return None
    pins = tuple(PinChange(p["package"], p.get("good"), p.get("bad")) for p in raw.get("culprits", []))
    return Isolation(outcome=raw["outcome"], scope=raw["scope"], reason=raw["reason"], culprits=pins,
                     changed=raw.get("changed", 0), installs=raw.get("installs", 0),
                     tries=tuple(Try(tuple(t["applied"]), t["outcome"], t.get("seconds", 0.0))
                                 for t in raw.get("tries", [])),
                     baseline=raw.get("baseline"))


def _lock_ref(raw: dict[str, Any] | None) -> LockRef | None:
    return LockRef(file=raw["file"], format=raw["format"]) if raw else None


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
    write_atomic_chunks(path, (text,))


class OutputError(InputError, OSError):
    """An output path rodeo cannot write safely: exit 2 with one line (an OSError too, so a cell's own
    write path still sees ``errno`` for a full disk)."""

    def __init__(self, path: Path, why: str, errno_: int | None = None) -> None:
        InputError.__init__(self, [Problem(file=str(path), line=None, field="", message=why)])
        self.errno = errno_
        self.strerror = why
        self.filename = str(path)

    def __str__(self) -> str:
        return "\n".join(map(str, self.problems))


def write_atomic_chunks(path: Path, chunks: Iterable[str]) -> None:
    """:func:`write_atomic`, written piece by piece (``--json`` of 100,000 cells is 150 MB).

    An output path is the user's: a symbolic link is written through (its target is replaced
    atomically, the link stays), and a pipe, terminal or ``/dev/stdout`` is streamed to, never
    replaced. A folder, a block device or an unwritable place is refused with :class:`OutputError`.
    """
    target = _output_target(path)
    if target is None:
        _stream(path, chunks)
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(path, f"cannot be written ({exc.strerror or exc}); expected a path in a folder you can "
                          "write", exc.errno) from None
    try:
        # mkstemp makes 0600; results and reports are meant to be read by others; a file replaced keeps its mode
        os.chmod(tmp, stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(chunks)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _output_target(path: Path) -> Path | None:
    """The regular file to replace for ``path`` (a link's final target), or None to stream to it."""
    try:
        info = path.stat()   # follows links: /dev/stdout -> /proc/self/fd/1 -> the pipe or terminal
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(path, f"cannot be written ({exc.strerror}); expected a file path", exc.errno) from None
    if info is not None and (stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode) or stat.S_ISSOCK(info.st_mode)):
        return None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(path, "is a folder; expected a file path")
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise OutputError(path, "is a device or special file that cannot be replaced; expected a file path, a pipe "
                          "or /dev/stdout")
    if not path.is_symlink():
        return path
    real = os.path.realpath(path)
    if str(path).startswith("/dev/") or real.startswith("/proc/"):
        return None   # /dev/stdout > file: the shell's open file is written, not replaced behind its back
    return Path(real)


def _stream(path: Path, chunks: Iterable[str]) -> None:
    """Write to a pipe, terminal or socket as it is: there is nothing to rename."""
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(chunks)
    except BrokenPipeError:
        raise   # the reader left (`| head`): not a bad path
    except OSError as exc:
        raise OutputError(path, f"cannot be written ({exc.strerror or exc})", exc.errno) from None


def read_capped(path: Path, shown: str, limit: int) -> tuple[bytes, float] | str:
    """An untrusted file's bytes and mtime, or one line saying why not (``shown`` names it). A FIFO,
    device or folder is never read (opened non-blocking, checked by fstat); nothing past ``limit``."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return f"{shown} cannot be read ({exc.strerror})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return f"{shown} is not a regular file"
        if info.st_size > limit:
            return f"{shown} is {info.st_size:,} bytes (limit {limit:,})"
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(min(info.st_size, limit) + 1)   # a size, not the cap: read(n) allocates n bytes up front
    except OSError as exc:
        return f"{shown} cannot be read ({exc.strerror})"
    finally:
        os.close(fd)
    if len(raw) > limit:          # it grew after the check
        return f"{shown} is over {limit:,} bytes"
    return raw, info.st_mtime


REDACTED = "[REDACTED]"

# GitHub token shapes (classic ghp/gho/ghu/ghs/ghr and fine-grained github_pat): here, where `run`
# needs them without importing the report package; report.escape.TOKEN (render time) is built from it.
GITHUB_TOKEN_SHAPE = r"gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,}"

# Token shapes redacted when a log or a result is written.
_SHAPES = (
    rf"(?P<gh>(?i:{GITHUB_TOKEN_SHAPE}))",
    r"(?P<bearer_kw>(?i:\bbearer\s+|\bauthorization:\s*(?:token|basic)\s+))(?P<bearer>[A-Za-z0-9\-._~+/]{16,}=*)",
    r"(?P<aws_id>\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b)",
    r"(?P<aws_kw>(?i:aws_?secret_?access_?key)[\"']?\s*[=:]\s*[\"']?)(?P<aws_secret>[A-Za-z0-9/+=]{40})",
    r"(?P<pypi>\bpypi-[A-Za-z0-9_-]{50,})",
    r"(?P<misc>\b(?:glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,}))",
    r"(?P<url_user>(?<=://)[^\s/:@\[\]]+):(?P<url_password>[^\s/@]+)(?=@)",   # https://user:password@host
)


def _redacted(m: re.Match[str]) -> str:
    if m.group("bearer"):
        return m.group("bearer_kw") + REDACTED
    if m.group("aws_secret"):
        return m.group("aws_kw") + REDACTED
    if m.group("url_password"):
        return m.group("url_user") + ":" + REDACTED
    return REDACTED


# Cheap tests that a text may hold one of the shapes above (a literal prefix keeps `re` fast: the
# full pattern costs ~0.3 s per MB of log, these ~2 ms), run before the full pattern is.
_MAYBE = (re.compile(r"[Gg][Hh][PpOoUuSsRr]_[A-Za-z0-9]{16}"), re.compile(r"(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}"),
          re.compile(r"://[^\s/:@\[\]]+:[^\s/@]+@"))
_MAYBE_LOWER = (re.compile(r"github_pat_|bearer\s|authorization:|pypi-|glpat-|npm_|xox[abprs]-"),
                re.compile(r"aws_?secret_?access_?key"))


@dataclass(frozen=True)
class Redactor:
    """Replaces token-shaped strings, and the exact values of the secrets in rodeo's environment,
    by ``[REDACTED]``: applied to the log on disk and to every string of the result when written."""

    values: tuple[str, ...] = ()      # longest first

    def __call__(self, text: str) -> str:
        if not self.needed(text):
            return text
        return _pattern(self.values).sub(lambda m: REDACTED if m.lastgroup == "value" else _redacted(m), text)

    def needed(self, text: str) -> bool:
        """Whether ``text`` may hold something to redact (never False when it does)."""
        if any(v in text for v in self.values) or any(p.search(text) for p in _MAYBE):
            return True
        low = text.lower()
        return any(p.search(low) for p in _MAYBE_LOWER)

    def data(self, value: Any) -> Any:
        """``value`` (JSON data) with every string redacted."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.data(v) for v in value]
        return value

    def file(self, path: Path, chunk: int = 1 << 20) -> bool:
        """Redact a (log) file in place, reading it a line-aligned chunk at a time; rewritten (atomically)
        only when something is found. Returns whether it was."""
        with path.open("rb") as fh:
            found = False
            rest = b""
            while not found:
                block = fh.read(chunk)
                if not block:
                    found = self.needed(rest.decode("utf-8", "replace"))
                    break
                block = rest + block
                cut = block.rfind(b"\n") + 1 or len(block)
                found = self.needed(block[:cut].decode("utf-8", "replace"))
                rest = block[cut:]
        if not found:
            return False
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out, path.open(encoding="utf-8", errors="replace") as src:
                for line in src:
                    out.write(self(line))
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return True


@lru_cache(maxsize=64)
def _pattern(values: tuple[str, ...]) -> re.Pattern[str]:
    parts = list(_SHAPES)
    if values:
        parts.insert(0, "(?P<value>" + "|".join(map(re.escape, values)) + ")")
    return re.compile("|".join(parts))


def redactor(environ: Mapping[str, str]) -> Redactor:
    """The redactor for a command run with ``environ``: token shapes, and the values of its secrets."""
    from rodeo_action.host import secret_values

    return Redactor(secret_values(environ))


def write_result(result: Result, out_dir: Path, redact: Redactor | None = None) -> Path:
    """Validate, redact (every string), write atomically to ``out_dir/<cell-id>.json``."""
    data = result.to_dict()
    if redact is not None:
        data = redact.data(data)
    problems = validate(data)
    if problems:
        raise ValueError("result does not match result.schema.json: " + "; ".join(problems[:5]))
    path = out_dir / f"{result.cell.id}.json"
    write_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path
