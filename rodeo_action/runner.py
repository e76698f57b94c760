"""Run one cell: setup -> create -> install -> import -> test, each timed, into a Result.

The runner owns everything managers share: a scrubbed environment, a per-cell deadline that
kills the whole process group, the full log and its tail, the import probe, the repro, retries
on network failures, and the rule that a bug in rodeo itself becomes an ``error`` result with
its traceback in the log - never a missing result.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from rodeo_action import host
from rodeo_action.config import Config
from rodeo_action.managers import CellSpec, ManagerInfo, Recipe, Target, get, manager_info, os_family
from rodeo_action.managers.base import Step
from rodeo_action.names import NameMap, builtin
from rodeo_action.plan import Cell, PlannedCell
from rodeo_action.results import Attempt, Cause, CellInfo, Result, tail, write_result

PROBE = Path(__file__).with_name("probe.py")
KILL_GRACE = 5.0
TOOL_REFRESH = 24 * 3600   # re-install a "latest" tool after a day


@dataclass
class Processes:
    """The process groups of steps running now, so an interrupt can end every one of them.

    Steps run in their own sessions (so a timeout can kill a whole group), which also means a
    Ctrl-C at the terminal does not reach them: ``cancel`` does.
    """

    _live: set[subprocess.Popen[bytes]] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    cancelled: threading.Event = field(default_factory=threading.Event)

    def add(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._live.add(proc)
        if self.cancelled.is_set():
            _kill_group(proc, grace=0)

    def discard(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._live.discard(proc)

    def cancel(self) -> None:
        self.cancelled.set()
        with self._lock:
            live = list(self._live)
        for proc in live:
            _kill_group(proc, grace=1.0)


class Cancelled(Exception):
    """The command was interrupted: the cell gets no result rather than a false one."""


@dataclass(frozen=True)
class RunOptions:
    """How cells run on this machine; the same for every cell of a command."""

    output: Path
    environ: Mapping[str, str]
    cache_root: Path
    keep_envs: bool = False
    allow_system: bool = False
    work_root: Path | None = None
    run_url: str | None = None
    on_phase: Callable[[str, str], None] | None = None   # (cell id, phase) for progress displays
    processes: Processes = field(default_factory=Processes)


class Unavailable(Exception):
    """The manager or interpreter a cell needs is not on this machine."""


class Timeout(Exception):
    pass


@dataclass
class _Log:
    """The cell's log file; knows where each step's output starts so causes read only that."""

    fh: IO[str]
    path: Path

    def say(self, text: str) -> None:
        self.fh.write(text if text.endswith("\n") else text + "\n")
        self.fh.flush()

    def offset(self) -> int:
        self.fh.flush()
        return self.path.stat().st_size

    def since(self, offset: int) -> str:
        self.fh.flush()
        with self.path.open("rb") as fh:
            fh.seek(offset)
            return fh.read().decode("utf-8", "replace")


@dataclass
class ToolBox:
    """Finds each manager's executable, installing PyPI-hosted ones into a cached venv once.

    Shared by the cells of one command; a lock per tool makes parallel cells wait for one setup
    instead of racing to install the same thing.
    """

    options: RunOptions
    _locks: dict[str, threading.Lock] = field(default_factory=dict)
    _guard: threading.Lock = field(default_factory=threading.Lock)
    _versions: dict[str, str] = field(default_factory=dict)
    _pythons: dict[str, host.PythonFacts | None] = field(default_factory=dict)

    def python(self, version: str, path: str | None) -> host.PythonFacts | None:
        """The host interpreter for ``version``, looked up once per command (each lookup runs Pythons)."""
        with self._lock(f"python-{version}"):
            if version not in self._pythons:
                self._pythons[version] = host.find_python(version, path)
            return self._pythons[version]

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def search_path(self) -> str:
        return os.pathsep.join([self.options.environ.get("PATH", os.defpath), str(host.own_bin_dir())])

    def locate(self, info: ManagerInfo, version: str | None, env: dict[str, str], log: _Log,
               deadline: float) -> str:
        assert info.executable is not None
        with self._lock(f"{info.name}-{version}"):
            found = shutil.which(info.executable, path=self.search_path())
            if found and (version is None or has_version(self.version(found, info, env, deadline), version)):
                return found
            if info.pypi is None:
                where = "on PATH" if not found else f"at version {version} (found {found})"
                hint = f"; {info.unavailable_hint}" if info.unavailable_hint else ""
                raise Unavailable(f"{info.executable} not found {where}{hint}")
            return self._bootstrap(info, version, env, log, deadline)

    def _bootstrap(self, info: ManagerInfo, version: str | None, env: dict[str, str], log: _Log,
                   deadline: float) -> str:
        assert info.pypi is not None and info.executable is not None
        target = Target(host.family())
        home = self.options.cache_root / "tools" / f"{info.name}-{version or 'latest'}"
        exe = target.join(target.bin_dir(str(home)), target.exe(info.executable))
        stamp = home / ".rodeo-installed"
        fresh = stamp.exists() and (version is not None or time.time() - stamp.stat().st_mtime < TOOL_REFRESH)
        if fresh and os.path.exists(exe):
            return exe
        log.say(f"# {info.name} is not on PATH: installing {info.pypi}{'==' + version if version else ''} "
                f"into {home}")
        shutil.rmtree(home, ignore_errors=True)
        requirement = f"{info.pypi}=={version}" if version else info.pypi
        uv = shutil.which("uv", path=self.search_path())
        python = target.venv_python(str(home))
        if uv and info.name != "uv":
            steps = [Step("setup", (uv, "venv", "--quiet", "--python", sys.executable, str(home))),
                     Step("setup", (uv, "pip", "install", "--quiet", "--python", python, requirement))]
        else:
            steps = [Step("setup", (sys.executable, "-m", "venv", str(home))),
                     Step("setup", (python, "-m", "pip", "install", "--quiet", requirement))]
        for step in steps:
            code = execute(step, env, log, deadline, self.options.processes)
            if code != 0:
                raise Unavailable(f"could not install {requirement} from PyPI (exit {code}); see the log")
        stamp.write_text(requirement + "\n")
        return exe

    def version(self, tool: str, info: ManagerInfo, env: dict[str, str], deadline: float) -> str:
        """The tool's own version line, e.g. "uv 0.9.5" (cached per executable, in memory and on disk).

        A Python tool's ``--version`` is a whole interpreter start-up plus the tool's imports (about
        0.4 s for hatch or poetry), paid by every cell. The line is kept in the cache folder, keyed
        by the executable's inode, size, mtime and ctime: reinstalling or upgrading a tool rewrites
        its executable (or entry-point script) and so asks again.
        """
        if tool in self._versions:
            return self._versions[tool]
        key = _identity(tool, info.version_args)
        with self._guard:
            known = self._disk_versions()
        if key is not None and key in known:
            self._versions[tool] = known[key]
            return known[key]
        try:
            proc = subprocess.run([tool, *info.version_args], env=env, capture_output=True, text=True,
                                  timeout=max(1.0, min(60.0, deadline - time.monotonic())))
            text = (proc.stdout or proc.stderr).strip().splitlines()
            self._versions[tool] = text[0].strip() if text else "unknown"
            line = self._versions[tool] if text and proc.returncode == 0 else ""   # only a clean answer is kept
        except (OSError, subprocess.TimeoutExpired) as exc:
            self._versions[tool] = f"unknown ({exc.__class__.__name__})"
            line = ""
        if key is not None and line:
            with self._guard:
                self._remember_version(key, line)
        return self._versions[tool]

    def _versions_file(self) -> Path:
        return self.options.cache_root / "tools" / "versions.json"

    def _disk_versions(self) -> dict[str, str]:
        try:
            data = json.loads(self._versions_file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _remember_version(self, key: str, line: str) -> None:
        """Add one entry, atomically (another rodeo may read the file meanwhile); never fails a cell."""
        path = self._versions_file()
        try:
            known = {k: v for k, v in self._disk_versions().items() if _still_there(k)}
            known[key] = line
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".versions-", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(known, fh, indent=0, sort_keys=True)
            os.replace(tmp, path)
        except OSError:
            pass


def _identity(tool: str, args: tuple[str, ...] | list[str]) -> str | None:
    """What identifies an installed executable: its real path, inode, size, mtime and ctime."""
    try:
        real = os.path.realpath(tool)
        st = os.stat(real)
    except OSError:
        return None
    return "\t".join([real, str(st.st_ino), str(st.st_size), str(st.st_mtime_ns), str(st.st_ctime_ns), *args])


def _still_there(key: str) -> bool:
    return os.path.exists(key.split("\t", 1)[0])


def has_version(version_line: str, version: str) -> bool:
    """Whether a tool's ``--version`` line names exactly ``version`` ("uv 0.9.5" has 0.9.5, not 0.9.50)."""
    return re.search(rf"(?<![\w.]){re.escape(version)}(?![\w.]|\.\d)", version_line) is not None


def execute(step: Step, env: Mapping[str, str], log: _Log, deadline: float,
            processes: Processes | None = None) -> int:
    """Run one step with its output appended to the log; kill its process group at the deadline."""
    if processes is not None and processes.cancelled.is_set():
        raise Cancelled
    if step.write is not None:
        log.say(f"$ {step.shell()}")
        path = Path(step.write)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(step.content, encoding="utf-8")
        return 0
    log.say(f"$ {step.shell()}")
    full_env = {**env, **dict(step.env)}
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise Timeout
    kwargs: dict[str, object] = {}
    if os.name == "posix":
        kwargs["start_new_session"] = True
    else:  # pragma: no cover - Windows
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    log.fh.flush()
    try:
        proc = subprocess.Popen(list(step.argv), cwd=step.cwd, env=full_env, stdin=subprocess.DEVNULL,
                                stdout=log.fh, stderr=subprocess.STDOUT, **kwargs)  # type: ignore[call-overload]
    except FileNotFoundError as exc:
        log.say(f"rodeo: cannot start {step.argv[0]}: {exc.strerror}")
        return 127
    if processes is not None:
        processes.add(proc)
    # A blocking wait plus a timer, not wait(timeout=): CPython polls a timed wait with sleeps of up
    # to 50 ms, which every step of every cell would pay after its process has already exited.
    expired = threading.Event()

    def at_deadline() -> None:
        expired.set()
        _kill_group(proc)

    timer = threading.Timer(remaining, at_deadline)
    timer.daemon = True
    timer.start()
    try:
        code: int = proc.wait()
    finally:
        timer.cancel()
        _kill_group(proc, grace=0)   # whatever the step left running (a daemon) goes with it
        if processes is not None:
            processes.discard(proc)
    if expired.is_set():
        raise Timeout
    if processes is not None and processes.cancelled.is_set():
        raise Cancelled
    return code


def _kill_group(proc: subprocess.Popen[bytes], grace: float = KILL_GRACE) -> None:
    if os.name != "posix":  # pragma: no cover - Windows
        proc.kill()
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, KILL_GRACE)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            break
        if wait:
            try:
                proc.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def requirements_for(cell: Cell, config: Config, info: ManagerInfo, names: NameMap) -> tuple[list[str], list[str]]:
    """The set's packages in the manager's ecosystem, and notes about what was lost in translation."""
    reqs, notes = [], []
    for name in cell.packages:
        pkg = config.package(name)
        if info.ecosystem == "pypi":
            reqs.append(pkg.requirement)
            continue
        mapped = names.ecosystem_name(pkg, info.ecosystem, info.name)
        assert mapped is not None  # n/a cells never reach the runner
        if info.ecosystem == "conda" and pkg.specifier:
            reqs.append(f"{mapped}{pkg.specifier}")
        else:
            reqs.append(mapped)
            if pkg.specifier:
                notes.append(f"{info.ecosystem} cannot pin {pkg.name}{pkg.specifier}: installing {mapped}")
    return reqs, notes


def index_urls(config: Config, environ: Mapping[str, str]) -> tuple[str | None, tuple[str, ...]]:
    """rodeo.yml's index wins; otherwise pip's own PIP_INDEX_URL / PIP_EXTRA_INDEX_URL apply to all."""
    index = config.index_url or environ.get("PIP_INDEX_URL") or None
    extra = config.extra_index_url or tuple(environ.get("PIP_EXTRA_INDEX_URL", "").split())
    return index, tuple(extra)


def repro_text(recipe: Recipe, probe_modules: list[str], test: str | None) -> str:
    """Shell a person pastes to reproduce the cell without rodeo."""
    lines = ["set -e"]
    lines += [f"export {k}={shlex.quote(v)}" for k, v in recipe.env if not k.endswith("CACHE_DIR")
              and k != "CONDA_PKGS_DIRS"]
    # the folders the files go into (the cell's own, for a project file) exist in rodeo before its
    # first step; a person pasting the repro starts without them
    folders = [s.write.rsplit("/", 1)[0] for s in recipe.steps if s.in_repro and s.write and "/" in s.write]
    if folders:
        lines.append(shlex.join(["mkdir", "-p", *dict.fromkeys(folders)]))
    lines += [s.shell(repro=True) for s in recipe.steps if s.in_repro]
    if probe_modules:
        code = "; ".join(f"import {m}" for m in probe_modules)
        lines.append(shlex.join([recipe.python, "-c", code]))
    if test:
        path = os.pathsep.join(recipe.bin_dirs)
        lines.append(f"PATH={shlex.quote(path)}:\"$PATH\" bash -c {shlex.quote(test)}")
    return "\n".join(lines)


def classify(log: str, phase: str | None, manager: str | None = None, returncode: int | None = None) -> Cause:
    """The cause rules are imported on the first failure: a passing cell never compiles them."""
    from rodeo_action.causes import classify as rules

    return rules(log, phase, manager, returncode)


def clip(text: str, limit: int = 120) -> str:
    from rodeo_action.causes.base import clip as shorten

    return shorten(text, limit)


def run_cell(planned: PlannedCell, config: Config, options: RunOptions, tools: ToolBox,
             names: NameMap | None = None) -> Result:
    """Run a cell (retrying network failures) and write its result and log; never raises."""
    cell = planned.cell
    info_ = CellInfo(id=cell.id, manager=cell.manager, set=cell.set, os=cell.os, python=cell.python,
                     packages=tuple(config.package(n).requirement for n in cell.packages))
    started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    options.output.mkdir(parents=True, exist_ok=True)
    log_path = options.output / f"{cell.id}.log"
    base = Result(cell=info_, status="error", started_at=started, run_url=options.run_url)
    with log_path.open("w", encoding="utf-8") as fh:
        log = _Log(fh, log_path)
        log.say(f"# rodeo cell {cell.id}: {cell.manager} installing {' '.join(info_.packages)} "
                f"on {cell.os} with Python {cell.python}")
        if not planned.runnable:
            result = replace(base, status="n/a", reason=planned.reason)
            log.say(f"# n/a: {planned.reason}")
        else:
            attempts: list[Attempt] = []
            while True:
                if options.processes.cancelled.is_set():
                    log.say("# rodeo: interrupted before this cell finished; no result is written")
                    raise Cancelled
                t0 = time.monotonic()
                result = _attempt(planned, config, options, tools, names or builtin(), log, base)
                attempts.append(Attempt(result.status, result.phase, result.cause, time.monotonic() - t0))
                if not (result.cause and result.cause.kind == "network" and len(attempts) <= config.retries):
                    break
                log.say(f"# network failure: retrying ({len(attempts)}/{config.retries})")
            if len(attempts) > 1:
                result = replace(result, attempts=tuple(attempts))
    text = log_path.read_text(encoding="utf-8", errors="replace")
    result = replace(result, log_tail=tail(text), durations={k: round(v, 3) for k, v in result.durations.items()})
    try:
        write_result(result, options.output)
    except Exception:  # a result that breaks our own schema is our bug: still leave a result behind
        with log_path.open("a", encoding="utf-8") as fh:
            fh.write("# rodeo: internal error while writing the result\n" + traceback.format_exc())
        result = Result(cell=info_, status="error", started_at=started, run_url=options.run_url,
                        cause=Cause("unknown", "rodeo could not write this result; see the log"),
                        log_tail=tail(log_path.read_text(encoding="utf-8", errors="replace")))
        write_result(result, options.output)
    return result


def _attempt(planned: PlannedCell, config: Config, options: RunOptions, tools: ToolBox, names: NameMap,
             log: _Log, base: Result) -> Result:
    cell = planned.cell
    info = manager_info(cell.manager)
    durations: dict[str, float] = {}
    deadline = time.monotonic() + config.timeout
    phase = "setup"
    env = host.scrubbed_env(options.environ)
    workdir: Path | None = None
    result = base
    try:
        t0 = time.monotonic()
        _progress(options, cell.id, "setup")
        target = Target.for_label(cell.os)
        reason = _unavailable(info, cell, options)
        if reason:
            log.say(f"# unavailable: {reason}")
            return replace(base, status="unavailable", phase=None, reason=reason)
        facts = tools.python(cell.python, env.get("PATH"))
        interpreter = facts.path if facts else None
        if interpreter is None and not info.provisions_python:
            reason = f"no Python {cell.python} found on this machine"
            log.say(f"# unavailable: {reason}")
            return replace(base, status="unavailable", phase=None, reason=reason)
        version = config.versions.get(cell.manager)
        if info.executable is None:
            assert interpreter is not None
            tool = interpreter
            assert facts is not None
            manager_version = f"pip {facts.venv_pip}" if facts.venv_pip else "pip (unknown version)"
        else:
            tool = tools.locate(info, version, env, log, deadline)
            manager_version = tools.version(tool, info, env, deadline)
        log.say(f"# {cell.manager}: {manager_version} ({tool})")
        cache_dir = str(options.cache_root / (info.cache_env or info.name).lower()) if info.cache_env else None
        work_parent = options.work_root or Path(options.environ.get("RUNNER_TEMP") or tempfile.gettempdir())
        work_parent.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix=f"rodeo-{cell.id}-", dir=work_parent))
        reqs, notes = requirements_for(cell, config, info, names)
        index, extra = index_urls(config, options.environ)
        spec = CellSpec(cell_id=cell.id, python=cell.python, target=target,
                        packages=tuple(config.package(n) for n in cell.packages), requirements=tuple(reqs),
                        workdir=str(workdir), tool=tool, interpreter=interpreter, index_url=index,
                        extra_index_urls=extra, version=version, cache_dir=cache_dir)
        manager = get(cell.manager)
        recipe = manager.recipe(spec)
        log.say(f"# environment python: {recipe.python}" + (f" (from {interpreter})" if interpreter else
                                                             f" (provisioned by {info.name})"))
        shown = manager.recipe(replace(spec, workdir=f"/tmp/rodeo-{cell.id}", cache_dir=None,
                                       tool=info.executable or f"python{cell.python}",
                                       interpreter=f"python{cell.python}" if interpreter else None))
        modules = _modules(cell, config, names)
        result = replace(result, manager_version=manager_version,
                         python_version=facts.version if facts else None,
                         repro=repro_text(shown, modules or [p.replace("-", "_") for p in cell.packages],
                                          config.test))
        for note in notes:
            log.say(f"# note: {note}")
        env.update(dict(recipe.env))
        # temporary files of builds stay inside the cell and go with it
        cell_tmp = workdir / ".tmp"
        cell_tmp.mkdir()
        env.update(TMPDIR=str(cell_tmp), TEMP=str(cell_tmp), TMP=str(cell_tmp))
        for step in recipe.steps:
            if step.phase != phase:
                durations[phase] = durations.get(phase, 0.0) + time.monotonic() - t0
                t0 = time.monotonic()
                phase = step.phase
                _progress(options, cell.id, phase)
            start = log.offset()
            code = execute(step, env, log, deadline, options.processes)
            if code != 0:
                durations[phase] = durations.get(phase, 0.0) + time.monotonic() - t0
                cause = classify(log.since(start), phase, cell.manager, code)
                return replace(result, status="fail", phase=phase, cause=cause, durations=durations)
        durations[phase] = durations.get(phase, 0.0) + time.monotonic() - t0
        phase, t0 = "import", time.monotonic()
        _progress(options, cell.id, phase)
        # Bytecode the probe writes is waste when nothing imports from the environment again (no
        # test, not kept): for cartopy + xgcm that is 0.2 s of .pyc writes a cell never reads.
        bytecode = bool(config.test) or options.keep_envs
        probe = _probe(recipe, cell, config, names, env, log, deadline, workdir, options.processes, bytecode)
        durations["import"] = time.monotonic() - t0
        for module, verdict in probe.imports.items():
            log.say(f"{module}: {verdict}")
        result = replace(result, imports=probe.imports, resolved=probe.resolved,
                         python_version=probe.python_version or result.python_version, platform=probe.platform,
                         durations=durations)
        failed = {m: v for m, v in probe.imports.items() if v != "ok"}
        if failed or not probe.imports:
            text = "\n".join(f"{m}: {v}" for m, v in failed.items()) or "the probe found nothing to import"
            cause = classify(text, "import", cell.manager)
            if cause.kind == "unknown":
                cause = Cause("import-error", clip(text.splitlines()[0]))
            first = next(iter(failed), None)
            owner = probe.modules.get(first) if first else None
            return replace(result, status="fail", phase="import", cause=replace(cause, package=cause.package or owner))
        if config.test:
            phase, t0 = "test", time.monotonic()
            _progress(options, cell.id, phase)
            test_env = {**env, "PATH": os.pathsep.join([*recipe.bin_dirs, env.get("PATH", "")])}
            if recipe.bin_dirs and recipe.python.startswith(str(workdir)):
                test_env["VIRTUAL_ENV"] = str(Path(recipe.bin_dirs[0]).parent)
            start = log.offset()
            code = execute(Step("test", ("bash", "-c", config.test), cwd=str(workdir)), test_env, log, deadline,
                           options.processes)
            durations["test"] = time.monotonic() - t0
            if code != 0:
                cause = classify(log.since(start), "test", cell.manager, code)
                if cause.kind == "unknown":
                    cause = replace(cause, kind="test-failed")
                return replace(result, status="fail", phase="test", cause=cause, durations=durations)
        return replace(result, status="pass", phase=None, cause=None, durations=durations)
    except Timeout:
        durations[phase] = durations.get(phase, 0.0) + time.monotonic() - t0
        log.say(f"# rodeo: the cell exceeded its timeout of {config.timeout:g}s during {phase}; "
                "its processes were killed")
        return replace(result, status="timeout", phase=phase, durations=durations,
                       cause=Cause("timeout", f"no result after {config.timeout:g}s (during {phase})"))
    except Cancelled:
        log.say("# rodeo: interrupted before this cell finished; no result is written")
        raise
    except Unavailable as exc:
        log.say(f"# unavailable: {exc}")
        return replace(base, status="unavailable", phase=None, reason=clip(str(exc), 300))
    except Exception:  # rodeo's own bug: shown as an error cell, never hidden
        log.say("# rodeo: internal error (a bug in rodeo-action, please report it)\n" + traceback.format_exc())
        return replace(result, status="error", phase=phase, durations=durations,
                       cause=Cause("unknown", "rodeo-action itself failed; the traceback is in the log"))
    finally:
        if workdir is not None and not options.keep_envs:
            discard(workdir)
        elif workdir is not None:
            log.say(f"# kept the environment in {workdir}")


def discard(folder: Path) -> None:
    """Remove a cell's folder off the critical path: renamed away at once, then deleted by a detached
    ``rm -rf`` that outlives the cell (and rodeo), overlapping the next cell or the job's next step.

    Deleting an environment in-process costs 0.1 s for cartopy + xgcm (6,500 files) and about a
    second for tensorflow - time the repro never pays. A shell starts ``rm`` in the background and
    exits at once, so no child is left to reap. Where that cannot work, the folder goes in-process.
    """
    if os.name == "posix" and shutil.which("rm"):
        trash = folder.with_name(f".rodeo-trash-{folder.name}")
        try:
            os.rename(folder, trash)
        except OSError:
            trash = folder
        try:
            subprocess.run(["sh", "-c", 'rm -rf -- "$1" </dev/null >/dev/null 2>&1 &', "sh", str(trash)],
                           check=True, start_new_session=True, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            return
        except (OSError, subprocess.CalledProcessError):
            folder = trash
    shutil.rmtree(folder, ignore_errors=True)


def _progress(options: RunOptions, cell_id: str, phase: str) -> None:
    if options.on_phase:
        options.on_phase(cell_id, phase)


def _unavailable(info: ManagerInfo, cell: Cell, options: RunOptions) -> str | None:
    fam = host.family()
    if os_family(cell.os) != fam:
        return f"this machine runs {fam}; the cell is for {cell.os}"
    if info.distros and (host.distro() or "") not in info.distros:
        return f"{info.name} needs {'/'.join(info.distros)}; this machine is {host.distro() or fam}"
    if info.needs_system and not options.allow_system:
        return info.unavailable_hint or f"{info.name} changes the system; pass --allow-system"
    return None


def _modules(cell: Cell, config: Config, names: NameMap) -> list[str]:
    out: list[str] = []
    for name in cell.packages:
        out.extend(names.imports(config.package(name)) or ())
    return out


@dataclass(frozen=True)
class _Probe:
    imports: dict[str, str]
    resolved: dict[str, str]
    python_version: str | None
    platform: str | None
    modules: dict[str, str]   # module -> the package it was imported for


def _probe(recipe: Recipe, cell: Cell, config: Config, names: NameMap, env: dict[str, str], log: _Log,
           deadline: float, workdir: Path, processes: Processes, bytecode: bool = True) -> _Probe:
    """Import every module in one interpreter (a verdict each); on a crash, finish one per module."""
    packages = [{"name": n, "imports": list(names.imports(config.package(n)) or []) or None} for n in cell.packages]
    out = workdir / ".rodeo-probe.json"
    data: dict[str, object] = {}
    done: dict[str, str] = {}
    only: list[str] | None = None
    for _round in range(64):
        spec = json.dumps({"packages": packages, "only": only})
        out.unlink(missing_ok=True)
        # -I ignores PYTHONDONTWRITEBYTECODE, so a wish for no bytecode in the environment is passed on as -B
        flags = ("-I",) if bytecode and not env.get("PYTHONDONTWRITEBYTECODE") else ("-I", "-B")
        code = execute(Step("import", (recipe.python, *flags, str(PROBE), str(out), spec), cwd=str(workdir)),
                       env, log, deadline, processes)
        try:
            data = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        imports = dict(data.get("imports", {}))  # type: ignore[call-overload]
        done.update(imports)
        modules: list[str] = list(data.get("modules", []))  # type: ignore[call-overload]
        if data.get("done") or not modules:
            if not data and code != 0:
                raise RuntimeError(f"the environment's interpreter {recipe.python} did not run (exit {code})")
            break
        crashed = next((m for m in modules if m not in imports), None)
        if crashed is None:
            break
        done[crashed] = f"crashed the interpreter (exit {code})"
        log.say(f"# importing {crashed} killed the interpreter (exit {code}); continuing with the rest")
        only = [m for m in modules if m not in done]
        if not only:
            break
    owners = {str(k): str(v) for k, v in dict(data.get("owners", {})).items()}  # type: ignore[call-overload]
    resolved = dict(data.get("resolved", {}))  # type: ignore[call-overload]
    return _Probe(imports=done, resolved=resolved, python_version=data.get("python_version"),  # type: ignore[arg-type]
                  platform=data.get("platform"), modules=owners)  # type: ignore[arg-type]
