"""Isolating the release that broke a regressed cell: the installs of :mod:`rodeo_action.isolate.search`,
run on this machine, where the cell's environment and download caches are still warm.

A cell that fails today, whose baseline says it passed and recorded what it installed, gets up to
``bisect: {max-installs}`` extra installs within one more cell timeout: first the last pass's own lock
(if that fails too, the cause is not in the package versions), then the last pass's pins with some of
today's changes applied, halving the suspects each time. A manager-broken cell is isolated the same way
over the manager's own tool venv. Every install is the cell's own attempt (its guard, its scrubbed
environment, its folder), logged to ``CELL.isolate.log`` so that the cell's log and tail stay the
failure's; nothing here can change the cell's verdict, only add what isolation found.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from rodeo_action.config import Config
from rodeo_action.isolate.changes import changed, describe, pins_for
from rodeo_action.isolate.search import Verdict, isolate
from rodeo_action.managers import manager_info
from rodeo_action.names import NameMap
from rodeo_action.plan import PlannedCell
from rodeo_action.results import Isolation, Result, Try, redactor
from rodeo_action.run.celllog import CellLog, finish_log
from rodeo_action.run.options import RunOptions
from rodeo_action.run.supervise import Cancelled, Supervisor
from rodeo_action.run.variant import Variant

if TYPE_CHECKING:
    from rodeo_action.isolate.baseline import LastPass

LOG_SUFFIX = ".isolate.log"


@dataclass(frozen=True)
class Scope:
    """What is isolated: the cell's environment, or the manager's tool venv; and its two pin sets."""

    name: str                      # environment | tool
    good: Mapping[str, str]
    bad: Mapping[str, str]
    why_not: str | None = None     # no comparison possible: the one line the result says


def why_not(result: Result, last: LastPass | None, config: Config) -> str | None:
    """Why this cell is not isolated (None: it is): only a cell failing now that passed last time."""
    if result.status != "fail":
        return "it did not fail" if result.status == "pass" else f"it ended as {result.status}, not a failure"
    if last is None:
        return "the baseline has no pass of this cell"
    if config.max_installs < 1:
        return "bisect: {max-installs: 0} in the config"
    from rodeo_action.managers.constrain import can_constrain

    manager = result.cell.manager
    if manager == "apt" or not can_constrain(manager):   # apt's pins are dpkg's, not the probe's distributions
        return f"{manager} cannot pin single distributions to isolate one (rodeo isolates the PyPI and conda families)"
    return None


def scope_of(result: Result, last: LastPass, tool_pins: Mapping[str, str] | None) -> Scope:
    """A manager-broken cell is isolated over its tool venv (when both runs' are known); every other
    cell over what its environment resolved."""
    broken = result.cause is not None and result.cause.kind == "manager-broken"
    if broken and last.tool_pins and tool_pins:
        return Scope("tool", last.tool_pins, tool_pins)
    if broken and not last.tool_pins:
        return Scope("tool", {}, {}, "the baseline has no tool lock of the manager's last pass")
    if not last.pins:
        return Scope("environment", {}, {}, "the baseline has no pins of the last pass")
    if not result.resolved:
        return Scope("environment", last.pins, {}, f"the failing run installed nothing to compare with the last "
                     f"pass (it failed during {result.phase})")
    return Scope("environment", last.pins, result.resolved)


def outcome_of(cell: Result, tried: Result) -> str:
    """``fail`` when a try failed as the cell did (same phase, same kind of cause), ``pass``, else ``other``."""
    if tried.status == "pass":
        return "pass"
    same_kind = (tried.cause.kind if tried.cause else None) == (cell.cause.kind if cell.cause else None)
    return "fail" if tried.status == "fail" and tried.phase == cell.phase and same_kind else "other"


def isolate_cell(planned: PlannedCell, config: Config, options: RunOptions, names: NameMap, result: Result,
                 last: LastPass) -> Isolation:
    """Isolate a regressed cell against its last pass (see the module); its log is ``CELL.isolate.log``."""
    from rodeo_action.run.cell import _attempt  # cell imports this module: no cycle at import time

    path = options.output / f"{planned.cell.id}{LOG_SUFFIX}"
    deadline = time.monotonic() + config.timeout
    made: list[Path] = []      # the tool venvs of the tries, deleted at the end
    try:
        with path.open("wb") as fh:
            log = CellLog(fh, path)
            log.say(f"# rodeo: isolating {planned.cell.id} against its last pass ({last.at or 'date unknown'})")
            tool_pins = _tool_pins(planned, config, options, log, deadline) if _broken(result) else None
            if not _broken(result) and not result.resolved and last.pins:   # it failed before the probe ran
                result = replace(result, resolved=_resolve_now(planned, config, options, names, log, deadline, last))
            scope = scope_of(result, last, tool_pins)
            if scope.why_not:
                log.say(f"# rodeo: not isolated: {scope.why_not}")
                return Isolation("not-isolated", scope.name, scope.why_not, baseline=last.at)
            changes = changed(scope.good, scope.bad)
            count = f"{len(changes)} distribution{'' if len(changes) == 1 else 's'}"
            where = "the manager's own venv" if scope.name == "tool" else "the environment"
            log.say(f"# rodeo: {count} changed in {where} since the last pass: "
                    + ", ".join(describe(c) for c in changes[:20]) + (" ..." if len(changes) > 20 else ""))
            search = isolate(changes, config.max_installs)
            seconds: list[float] = []
            try:
                applied = next(search)
                while True:
                    log.say(f"\n# rodeo: try {len(seconds) + 1}: " + (
                        ", ".join(applied) + " at today's versions" if applied else "the last pass's own versions"))
                    t0 = time.monotonic()
                    variant = _variant(scope, pins_for(changes, applied), applied, last, planned, options, log,
                                       deadline, made)
                    tried = _attempt(planned.cell, config, options, names, log, replace(result, isolation=None),
                                     variant, deadline) if isinstance(variant, Variant) else variant
                    outcome = outcome_of(result, tried)
                    log.say(f"# rodeo: try {len(seconds) + 1}: {tried.status}"
                            + (f" ({tried.phase}: {tried.cause.kind})" if tried.cause else "") + f" -> {outcome}")
                    seconds.append(time.monotonic() - t0)
                    if tried.cause is not None and tried.cause.kind == "hash-mismatch":   # nothing to compare with
                        log.say(f"# rodeo: not isolated: {tried.cause.summary}")
                        return Isolation("not-isolated", scope.name, tried.cause.summary, (), len(changes), 1,
                                         (Try((), "other", seconds[0]),), last.at)
                    applied = search.send(outcome)
            except StopIteration as stop:
                verdict: Verdict = stop.value
            log.say(f"# rodeo: {verdict.outcome}: {verdict.reason}")
            return verdict.isolation(scope.name, seconds, last.at)
    finally:
        for folder in made:
            options.trash.discard(folder)
        finish_log(path, redactor(options.environ))


def _broken(result: Result) -> bool:
    return result.cause is not None and result.cause.kind == "manager-broken"


def _variant(scope: Scope, pins: dict[str, str], applied: tuple[str, ...], last: LastPass, planned: PlannedCell,
             options: RunOptions, log: CellLog, deadline: float, made: list[Path]) -> Variant | Result:
    """What one try installs: for the environment, the last lock (first try) or the pins; for the tool,
    a tool venv of its own made with the pins (a failed one is a try that ended ``other``)."""
    if scope.name == "environment":
        if not applied and last.lock_files:
            odd = _odd_line(last)
            if odd is None:
                return Variant(lock_files=dict(last.lock_files))
            log.say(f"# rodeo: the baseline's lock holds {odd!r}, which no lock rodeo writes does: its pins are "
                    "installed instead")
        return Variant(pins=pins)
    tool = _tool_venv(planned, pins, options, log, deadline, made)
    return tool if isinstance(tool, Result) else Variant(tool=tool)


_PINNED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]*\])?==[A-Za-z0-9.+!_-]+"
                     r"( +--hash=sha256:[0-9a-f]{64})*( *;[^\\]*)?")


def _odd_line(last: LastPass) -> str | None:
    """A line of a requirements lock that is no ``name==version --hash=...`` (an index option, a URL, an
    include), which a lock rodeo wrote never holds: the baseline is data, and one edited to send an
    install elsewhere is not installed from; other formats are their tools' own files, read as data."""
    if last.lock_format != "requirements-hashes":
        return None
    for name, text in last.lock_files.items():
        if name != "requirements.txt":
            continue
        for line in re.sub(r"\\\n\s*", " ", text).splitlines():
            line = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") or " #" in line else line.strip()
            if line and not _PINNED.fullmatch(line):
                return line[:80]
    return None


def _tool_venv(planned: PlannedCell, pins: Mapping[str, str], options: RunOptions, log: CellLog,
               deadline: float, made: list[Path]) -> str | Result:
    """The manager installed into a fresh venv under the isolation's folder, its venv's distributions
    constrained to ``pins`` (pip's ``--constraint``); a failed install is a try that ended ``other``."""
    import tempfile

    from rodeo_action import host
    from rodeo_action.managers import Target
    from rodeo_action.managers.constrain import constraints_text
    from rodeo_action.results import Cause, CellInfo
    from rodeo_action.run.tools import venv_install

    info = manager_info(planned.cell.manager)
    assert info.pypi is not None and info.executable is not None
    target = Target(host.family())
    parent = options.work_root or Path(tempfile.gettempdir())
    parent.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix=f"rodeo-tool-{info.name}-", dir=parent))
    made.append(home)
    constraints = home / "constraints.txt"
    constraints.write_text(constraints_text(pins), encoding="utf-8")   # each pin checked: one plain line
    steps = Supervisor(log, deadline, options.processes)
    env = host.scrubbed_env(options.environ)
    commands = venv_install(options, info.name, home / "venv", ("-c", str(constraints), info.pypi))
    for step in commands:
        if steps.run(step, env) != 0:
            return Result(cell=CellInfo(planned.cell.id, info.name, planned.cell.set, planned.cell.os,
                                        planned.cell.python, ()), status="fail", phase="setup",
                          cause=Cause("unknown", f"{info.pypi} did not install with these pins"))
    return target.join(target.bin_dir(str(home / "venv")), target.exe(info.executable))


def _tool_pins(planned: PlannedCell, config: Config, options: RunOptions, log: CellLog,
               deadline: float) -> dict[str, str] | None:
    """The distributions of the venv the failing cell's manager ran from, read now (name -> version)."""
    import subprocess

    from rodeo_action import host
    from rodeo_action.managers.locks import pinned_names
    from rodeo_action.run.lock import FREEZE
    from rodeo_action.run.tools import Unavailable

    info = manager_info(planned.cell.manager)
    if info.executable is None or info.pypi is None:
        return None
    env = host.scrubbed_env(options.environ)
    try:   # the executable the cell ran: found (or installed) once per command, so this is a lookup
        tool = options.tools.locate(options, info, config.versions.get(info.name), env,
                                    Supervisor(log, deadline, options.processes))
    except Unavailable:
        return None
    bin_dir = Path(tool).resolve().parent
    python = next((bin_dir / n for n in ("python", "python.exe", "python3") if (bin_dir / n).exists()), None)
    if python is None or not (bin_dir.parent / "pyvenv.cfg").is_file():
        log.say(f"# rodeo: {tool} is no venv's: its own distributions cannot be compared")
        return None
    try:
        out = subprocess.run([str(python), "-c", FREEZE], capture_output=True, text=True, check=True, env=env,
                             timeout=max(1.0, min(60.0, deadline - time.monotonic()))).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        log.say(f"# rodeo: could not list the tool venv's distributions ({exc.__class__.__name__})")
        return None
    return pinned_names(out)


SEED = ("pip", "setuptools", "wheel")     # what a venv brings itself: no resolution lists them


def _resolve_now(planned: PlannedCell, config: Config, options: RunOptions, names: NameMap, log: CellLog,
                 deadline: float, last: LastPass) -> dict[str, str]:
    """What the cell's packages resolve to today, for a PyPI-family cell that failed before its probe
    could list them (a new release that does not build): pip's ``install --dry-run --report`` with the
    cell's Python, requirements and indexes, which prepares metadata but builds and installs nothing.
    Empty when that cannot be known (another ecosystem, no pip, no answer): the isolation says so."""
    import json
    import subprocess
    import tempfile

    from rodeo_action import host
    from rodeo_action.managers.pypi import index_args
    from rodeo_action.run.spec import index_urls, requirements_for

    info = manager_info(planned.cell.manager)
    if info.ecosystem != "pypi":
        return {}
    env = host.scrubbed_env(options.environ)
    facts = options.tools.python(planned.cell.python, env.get("PATH"))
    if facts is None:
        return {}
    reqs, _ = requirements_for(planned.cell, config, info, names)
    index, extra = index_urls(config, options.environ)
    spec_args = index_args(_Indexes(index, extra), "pip")
    with tempfile.TemporaryDirectory(prefix="rodeo-resolve-") as tmp:
        report = Path(tmp) / "report.json"
        argv = [facts.path, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet", "--report",
                str(report), *spec_args, *reqs]
        log.say(f"# rodeo: what resolves today (the cell failed before listing it): {' '.join(argv)}")
        try:
            proc = subprocess.run(argv, env={**env, "TMPDIR": tmp}, capture_output=True, text=True,
                                  timeout=max(1.0, min(600.0, deadline - time.monotonic())))
            data = json.loads(report.read_text(encoding="utf-8")) if proc.returncode == 0 else None
        except (OSError, ValueError, subprocess.SubprocessError) as exc:
            log.say(f"# rodeo: could not resolve ({exc.__class__.__name__})")
            return {}
    if not isinstance(data, dict):
        log.say(f"# rodeo: pip could not resolve it either:\n{proc.stderr[-2000:]}")
        return {}
    found = {str(i["metadata"]["name"]): str(i["metadata"]["version"]) for i in data.get("install", [])
             if isinstance(i, dict) and isinstance(i.get("metadata"), dict) and i["metadata"].get("name")}
    # the venv's own seed is no change of the resolution
    return {**{k: v for k, v in last.pins.items() if k in SEED}, **found}


@dataclass(frozen=True)
class _Indexes:
    """The cell's indexes as :func:`~rodeo_action.managers.pypi.index_args` reads them (no CellSpec here)."""

    index_url: str | None
    extra_index_urls: tuple[str, ...]


def isolate_safely(planned: PlannedCell, config: Config, options: RunOptions, names: NameMap, result: Result,
                   last: LastPass) -> Isolation | None:
    """:func:`isolate_cell`, never raising but :class:`Cancelled`: rodeo's own bug here costs the isolation
    (said on stderr and in the isolation log), never the cell's verdict."""
    try:
        return isolate_cell(planned, config, options, names, result, last)
    except Cancelled:
        raise
    except Exception as exc:  # a bug of ours: the verdict stands without isolation
        print(f"rodeo: isolating {planned.cell.id} failed ({exc.__class__.__name__}: {exc}); its result stands",
              file=sys.stderr)
        return Isolation("not-isolated", "environment", f"rodeo could not isolate it ({exc.__class__.__name__}); "
                         "see the isolation log", baseline=last.at)
