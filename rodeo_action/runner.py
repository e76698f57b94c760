"""Run one cell: setup -> create -> install -> import -> test, each timed, into a Result.

The runner owns everything managers share: a scrubbed environment, a per-cell deadline, the full
log and its tail, the import probe, the repro, retries on network failures, and the rule that a
bug in rodeo itself becomes an ``error`` result with its traceback in the log - never a missing
result.

A cell is untrusted code, so the runner also owns what a hostile or broken one can do to the
machine and to the cells after it:

- **Leftovers.** Every step runs in a session of its own, with ``RODEO_CELL_TOKEN=<random>`` (one
  per cell attempt) in its environment, and rodeo is a child subreaper on Linux (see
  ``host.harden``). When a step ends, however it ends, rodeo looks in ``/proc`` for what it left
  running: members of its session, descendants of those, and processes re-parented to rodeo
  (double fork + ``setsid``) that carry the cell's token or none (these last only when no other
  cell is running, so a neighbour's helper is never taken). All are killed with SIGKILL and reaped,
  and the log says so: ``# rodeo: killed 1 process left behind by the test step: pid 123 `sleep 1000```.
  The cell still passes or fails on its own merits. Without the subreaper, orphans found by their
  token in ``/proc/*/environ`` are killed instead. macOS and Windows have no ``/proc``: there only
  the step's process group (Windows: the process) is killed - best effort.
- **Memory.** While a step runs, its processes' summed resident memory is read every 0.5 s (one
  scan of ``/proc/*/stat``, ~1 ms; Linux only) and the whole lot is killed past the limit
  (``RODEO_MEMORY_LIMIT``, default 80% of this machine or its memory cgroup): the kernel's
  out-of-memory killer, left to act, may pick rodeo and lose the result. Summed RSS counts pages
  shared between processes once per process: an over-estimate for forked workers. The cell fails
  with cause ``killed``; a step killed by SIGKILL from elsewhere is ``killed`` too, naming the
  signal (and the OOM killer when ``/proc/vmstat`` counted a kill meanwhile).
- **Disk.** Under ``ulimit -f`` rodeo's own writes fail with EFBIG instead of killing it
  (SIGXFSZ ignored); the log is cut with a note, the result is still written. A step that died of
  SIGXFSZ is ``disk-full``, as are logs saying ENOSPC/EFBIG/EDQUOT (see ``causes.shared``).
- **Secrets.** Cells get a scrubbed environment (``host.scrubbed_env``); the log on disk and every
  string of the result are redacted (``results.Redactor``) before they are written for good.
"""

from __future__ import annotations

import errno
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
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

from rodeo_action import host
from rodeo_action.config import Config
from rodeo_action.managers import CellSpec, ManagerInfo, Recipe, Target, get, manager_info, os_family
from rodeo_action.managers.base import Step
from rodeo_action.names import NameMap, builtin
from rodeo_action.plan import Cell, PlannedCell
from rodeo_action.results import Attempt, Cause, CellInfo, Redactor, Result, redactor, tail, write_result

PROBE = Path(__file__).with_name("probe.py")
KILL_GRACE = 5.0
TOOL_REFRESH = 24 * 3600   # re-install a "latest" tool after a day
CELL_TOKEN = "RODEO_CELL_TOKEN"
POLL = 0.5                 # seconds between two looks at a running step's memory
TRASH_PREFIX = ".rodeo-trash-"
LOG_READ_CAP = 4 << 20     # a step's output read back for its cause: at most this much (head + tail)
TEST_SCRIPT = "rodeo-test.sh"   # the repro's file for `test:` when it runs through a launcher


@dataclass
class Processes:
    """The steps running now and the cells they belong to, so an interrupt can end every one of them
    and a sweep never takes a running neighbour's process for a leftover.

    Steps run in their own sessions (so a timeout can kill a whole group), which also means a
    Ctrl-C at the terminal does not reach them: ``cancel`` does. ``spawning`` is held while a step
    is started and registered, and while a sweep reaps: a step that exits at once is never reaped
    by a sweep before its own ``wait`` (which would then read exit status 0).
    """

    _live: dict[subprocess.Popen[bytes], str] = field(default_factory=dict)   # step -> its cell's token
    _cells: set[str] = field(default_factory=set)                             # cells with an attempt running
    _lock: threading.Lock = field(default_factory=threading.Lock)
    spawning: threading.Lock = field(default_factory=threading.Lock)
    cancelled: threading.Event = field(default_factory=threading.Event)

    def add(self, proc: subprocess.Popen[bytes], token: str = "") -> None:
        with self._lock:
            self._live[proc] = token
        if self.cancelled.is_set():
            _kill_group(proc, grace=0)

    def discard(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._live.pop(proc, None)

    def enter(self, token: str) -> None:
        with self._lock:
            self._cells.add(token)

    def leave(self, token: str) -> None:
        with self._lock:
            self._cells.discard(token)

    def snapshot(self) -> tuple[dict[int, set[str]], set[str]]:
        """The pids of the steps running now (each with its cells' tokens: a pid reaped a moment ago
        may already be a new step's), and the tokens of the cells in progress."""
        with self._lock:
            steps: dict[int, set[str]] = {}
            for proc, token in self._live.items():
                steps.setdefault(proc.pid, set()).add(token)
            return steps, set(self._cells)

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


@dataclass
class Guard:
    """One cell attempt's watch over its processes: its token, its memory limit, what it left behind."""

    token: str
    limit: host.MemoryLimit
    subreaper: bool
    oom_before: int | None = None
    killed: list[str] = field(default_factory=list)    # "pid 123 `sleep 1000`", across the attempt's steps

    @classmethod
    def start(cls, environ: Mapping[str, str]) -> Guard:
        return cls(token=os.urandom(8).hex(), limit=host.memory_limit(environ.get("RODEO_MEMORY_LIMIT")),
                   subreaper=host.harden(environ), oom_before=host.oom_kills())


class Unavailable(Exception):
    """The manager or interpreter a cell needs is not on this machine."""


class Timeout(Exception):
    pass


class MemoryExceeded(Exception):
    """The cell's processes together held more memory than the limit; they were killed."""

    def __init__(self, used: int, limit: host.MemoryLimit) -> None:
        super().__init__(f"{used} > {limit.bytes}")
        self.used = used
        self.limit = limit


class _Log:
    """The cell's log file; knows where each step's output starts so causes read only that.

    Written with ``os.write`` on the file's descriptor, which the steps share as their stdout.
    A write that fails does not fail the cell: past ``ulimit -f`` (EFBIG) the log is cut a little
    below the limit with a note and goes on; on a full disk rodeo stops writing it and the note
    goes to the result's log tail instead (``problem``).
    """

    def __init__(self, fh: IO[Any], path: Path) -> None:
        fh.flush()
        self.fh = fh
        self.fd = fh.fileno()
        self.path = path
        self.problem: str | None = None     # why the log is incomplete, if it is

    def say(self, text: str) -> None:
        self._write((text if text.endswith("\n") else text + "\n").encode("utf-8", "replace"))

    def _write(self, data: bytes) -> None:
        if self.problem is not None and not self.problem.startswith("cut"):
            return
        try:
            _write_all(self.fd, data)
        except OSError as exc:
            self._failed(exc, data)

    def _failed(self, exc: OSError, data: bytes) -> None:
        if exc.errno == errno.EFBIG and self.problem is None and self._cut(data):
            return
        self.problem = f"not written past this point: {exc.strerror or exc}"

    def _cut(self, data: bytes = b"") -> bool:
        """Make room below ``ulimit -f`` (64 KiB) and say where the log was cut; whether it could."""
        limit = host.file_size_limit()
        if not limit:
            return False
        size = max(0, limit - 65536)
        self.problem = (f"cut at {size} bytes: File too large (ulimit -f allows files of {limit} bytes); "
                        "what followed is lost")
        try:
            os.ftruncate(self.fd, size)
            os.lseek(self.fd, 0, os.SEEK_END)
            _write_all(self.fd, f"\n# rodeo: the log was {self.problem}\n".encode() + data[-4096:])
            return True
        except OSError as exc:
            self.problem = f"not written past this point: {exc.strerror or exc}"
            return False

    def after_step(self) -> None:
        """A step that filled the log up to ``ulimit -f`` died writing it: cut it now, so rodeo's own
        lines (and the note) still fit and show in the tail."""
        if self.problem is None:
            limit = host.file_size_limit()
            if limit and self.offset() >= limit:
                self._cut()

    def offset(self) -> int:
        try:
            return os.fstat(self.fd).st_size
        except OSError:
            return 0

    def since(self, offset: int) -> str:
        """The log from ``offset`` (a step's output), at most LOG_READ_CAP of it: its head and its tail."""
        try:
            with self.path.open("rb") as fh:
                size = os.fstat(fh.fileno()).st_size
                fh.seek(min(offset, size))
                if size - offset <= LOG_READ_CAP:
                    return fh.read().decode("utf-8", "replace")
                head = fh.read(LOG_READ_CAP // 4)
                fh.seek(size - LOG_READ_CAP * 3 // 4)
                return (head + b"\n[... rodeo: output skipped ...]\n" + fh.read()).decode("utf-8", "replace")
        except OSError:
            return ""


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


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
               deadline: float, guard: Guard | None = None) -> str:
        assert info.executable is not None
        with self._lock(f"{info.name}-{version}"):
            found = shutil.which(info.executable, path=self.search_path())
            if found and (version is None or has_version(self.version(found, info, env, deadline), version)):
                return found
            if info.pypi is None:
                where = "on PATH" if not found else f"at version {version} (found {found})"
                hint = f"; {info.unavailable_hint}" if info.unavailable_hint else ""
                raise Unavailable(f"{info.executable} not found {where}{hint}")
            return self._bootstrap(info, version, env, log, deadline, guard)

    def _bootstrap(self, info: ManagerInfo, version: str | None, env: dict[str, str], log: _Log,
                   deadline: float, guard: Guard | None = None) -> str:
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
            code = execute(step, env, log, deadline, self.options.processes, guard)
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
            processes: Processes | None = None, guard: Guard | None = None) -> int:
    """Run one step with its output appended to the log; kill its process group at the deadline,
    everything of the cell past the memory limit, and whatever it left running when it ends."""
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
    token = full_env.get(CELL_TOKEN, "")
    spawning = processes.spawning if processes is not None else threading.Lock()
    try:
        with spawning:
            proc = subprocess.Popen(list(step.argv), cwd=step.cwd, env=full_env, stdin=subprocess.DEVNULL,
                                    stdout=log.fd, stderr=subprocess.STDOUT, **kwargs)  # type: ignore[call-overload]
            if processes is not None:
                processes.add(proc, token)
    except FileNotFoundError as exc:
        log.say(f"rodeo: cannot start {step.argv[0]}: {exc.strerror}")
        return 127
    # A blocking wait plus a watcher thread, not wait(timeout=): CPython polls a timed wait with sleeps
    # of up to 50 ms, which every step of every cell would pay after its process has already exited.
    # The watcher sleeps until the deadline, waking every POLL seconds only to read memory.
    watch = _Watch(proc, deadline, guard, processes)
    watcher = threading.Thread(target=watch.run, name=f"rodeo-watch-{proc.pid}", daemon=True)
    watcher.start()
    try:
        code: int = proc.wait()
    finally:
        watch.done.set()
        if proc.returncode is None:   # rodeo itself was interrupted (KeyboardInterrupt): the step goes too
            _kill_group(proc, grace=0)
        log.after_step()
        left = _sweep(token, proc.pid, processes, guard.subreaper if guard else False)
        if left is None:   # no /proc: the process group is all rodeo can reach
            _kill_group(proc, grace=0)
        elif left:
            what = f"the {step.phase} step" if step.phase else "the step"
            log.say(f"# rodeo: killed {_processes(len(left))} left behind by {what}: " + "; ".join(left))
            if guard is not None:
                guard.killed.extend(left)
        if processes is not None:
            processes.discard(proc)
    if watch.memory is not None:
        assert guard is not None
        raise MemoryExceeded(watch.memory, guard.limit)
    if watch.expired:
        raise Timeout
    if processes is not None and processes.cancelled.is_set():
        raise Cancelled
    return code


def _processes(n: int) -> str:
    return f"{n} process{'es' if n != 1 else ''}"


@dataclass
class _Watch:
    """A running step's deadline and memory, watched from a thread of its own."""

    proc: subprocess.Popen[bytes]
    deadline: float
    guard: Guard | None
    processes: Processes | None
    done: threading.Event = field(default_factory=threading.Event)
    expired: bool = False
    memory: int | None = None     # bytes in use when the limit was crossed

    def run(self) -> None:
        limit = self.guard.limit.bytes if self.guard is not None else None
        token = self.guard.token if self.guard is not None else ""
        while True:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                self.expired = True
                _kill_group(self.proc)
                return
            if self.done.wait(min(POLL, remaining) if limit else remaining):
                return
            if not limit:
                continue
            procs = host.scan_processes()
            if procs is None:
                continue
            tree = _cell_tree(procs, token, self.proc.pid, self.processes, running=True)
            used = sum(procs[pid].rss for pid in tree if procs[pid].state not in "ZX")
            if used > limit and not self.done.is_set():
                self.memory = used
                _kill_group(self.proc, grace=0)
                _sweep(token, self.proc.pid, self.processes, running=True)
                return


def _cell_tree(procs: Mapping[int, host.Proc], token: str, step_pid: int | None, processes: Processes | None,
               subreaper: bool = True, running: bool = False) -> set[int]:
    """The processes of a step (while it runs: with it) and those its cell left behind.

    Members of the step's session and their descendants, plus the subtrees of processes that were
    re-parented to rodeo (rodeo is a child subreaper) and are not one of rodeo's own children:
    those carrying this cell's token; while sweeping, also those of a finished cell, or with no
    token at all when no other cell is in progress. Rodeo's own helpers (a ``--version``, the
    ``rm`` of a finished cell) stay in rodeo's session and are never taken.
    """
    me = os.getpid()
    try:
        my_sid = os.getsid(0)
    except OSError:  # pragma: no cover
        my_sid = -1
    live_pids, live_cells = processes.snapshot() if processes is not None else ({}, set())
    others = live_cells - {token}
    # the step's pid, once reaped, may be a new step of another cell already: its session is not ours then
    if step_pid is not None and live_pids.get(step_pid, set()) - {token}:
        step_pid = None
    roots: set[int] = set()
    children: dict[int, list[int]] = {}
    for p in procs.values():
        children.setdefault(p.ppid, []).append(p.pid)
        if step_pid is not None and (p.sid == step_pid or (running and p.pid == step_pid)):
            roots.add(p.pid)
    for p in procs.values():
        if p.ppid != me or p.pid in live_pids or p.sid in (my_sid, step_pid) or p.sid in live_pids:
            continue
        owner = host.environ_value(host.read_environ(p.pid), CELL_TOKEN)
        if token and owner == token:
            roots.add(p.pid)
        elif running:
            continue
        elif (owner is not None and owner not in live_cells) or (owner is None and not others):
            roots.add(p.pid)
    if not subreaper and token and not running:   # orphans went to init: find them by the token
        needle = f"{CELL_TOKEN}={token}".encode()
        for p in procs.values():
            if p.pid != me and p.pid not in roots and needle in host.read_environ(p.pid).split(b"\0"):
                roots.add(p.pid)
    found: set[int] = set()
    stack = list(roots)
    while stack:
        pid = stack.pop()
        if pid not in found and pid != me:
            found.add(pid)
            stack.extend(children.get(pid, ()))
    return found


def _sweep(token: str, step_pid: int | None, processes: Processes | None, subreaper: bool = True,
           running: bool = False) -> list[str] | None:
    """Kill (SIGKILL) what :func:`_cell_tree` finds, again until nothing of it is left (a process may
    fork while it is being killed), then reap the ones that became rodeo's children; returns
    ``pid N `command``` for each, or None where there is no ``/proc``."""
    killed: dict[int, str] = {}
    stuck: dict[int, str] = {}     # not rodeo's to signal (another user's: started with sudo)
    for _round in range(50):
        procs = host.scan_processes()
        if procs is None:
            return None
        tree = {pid for pid in _cell_tree(procs, token, step_pid, processes, subreaper, running)
                if procs[pid].state not in "ZX" and (running or pid != step_pid)}
        if not tree:
            break
        for pid in sorted(tree - set(stuck)):
            what = f"pid {pid} `{host.describe(pid)}`"
            try:
                if host.kill(procs[pid], signal.SIGKILL):
                    killed.setdefault(pid, what)
            except PermissionError:
                stuck[pid] = what
        if not tree - set(stuck):
            break
        time.sleep(0.002 * (_round + 1))
    if killed:
        _reap(set(killed), processes)
    return list(killed.values()) + [f"{what} (not rodeo's to kill: left running)" for what in stuck.values()]


def _reap(pids: set[int], processes: Processes | None) -> None:
    """Collect the exit status of killed processes that are (or, as their parents die, become)
    rodeo's children, so none stays a zombie; never a registered step's (its own ``wait`` does that)."""
    me = os.getpid()
    end = time.monotonic() + 2.0
    with processes.spawning if processes is not None else threading.Lock():
        live, _ = processes.snapshot() if processes is not None else ({}, set())
        pending = pids - set(live)
        while pending and time.monotonic() < end:
            procs = host.scan_processes() or {}
            for pid in list(pending):
                p = procs.get(pid)
                if p is not None and p.ppid == me and p.state in "ZX":
                    try:
                        os.waitpid(pid, os.WNOHANG)
                    except ChildProcessError:
                        pass
                    pending.discard(pid)
                elif p is None or (p.ppid != me and p.ppid not in pids):
                    pending.discard(pid)          # gone, or another parent's to reap
            if pending:
                time.sleep(0.005)


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


def signal_cause(code: int, phase: str, guard: Guard | None) -> Cause | None:
    """The cause of a step that a signal ended (``code`` < 0), naming it; None for an exit code."""
    if code >= 0:
        return None
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    if name == "SIGXFSZ":
        limit = host.file_size_limit()
        allowed = f" (ulimit -f: {host.human_size(limit)})" if limit else ""
        return Cause("disk-full", clip(f"a file grew past the file size limit{allowed}: the {phase} step "
                                       "was killed by SIGXFSZ"))
    if name == "SIGKILL":
        now = host.oom_kills()
        before = guard.oom_before if guard is not None else None
        if now is not None and before is not None and now > before:
            return Cause("killed", clip(f"killed by SIGKILL during {phase}: the kernel's out-of-memory killer "
                                        "ran (memory ran out)"))
        return Cause("killed", clip(f"killed by SIGKILL during {phase}, from outside rodeo "
                                    "(the out-of-memory killer, or a person)"))
    return Cause("killed", clip(f"killed by {name} (signal {-code}) during {phase}"))


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
        lines.append(shlex.join(recipe.launched(recipe.python, "-c", code)))
    if test and recipe.launcher:   # as the runner does it: the test in a file, bash run through the launcher
        lines += [Step("test", write=TEST_SCRIPT, content=test).shell(),
                  Step("test", recipe.launched("bash", TEST_SCRIPT)).shell()]
    elif test:
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
    """Run a cell (retrying network failures) and write its result and log; never raises but
    :class:`Cancelled` (the log is still finished and redacted then)."""
    cell = planned.cell
    info_ = CellInfo(id=cell.id, manager=cell.manager, set=cell.set, os=cell.os, python=cell.python,
                     packages=tuple(config.package(n).requirement for n in cell.packages))
    started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    options.output.mkdir(parents=True, exist_ok=True)
    log_path = options.output / f"{cell.id}.log"
    base = Result(cell=info_, status="error", started_at=started, run_url=options.run_url)
    redact = redactor(options.environ)
    problem: str | None = None
    try:
        with log_path.open("wb") as fh:
            log = _Log(fh, log_path)
            log.say(f"# rodeo cell {cell.id}: {cell.manager} installing {' '.join(info_.packages)} "
                    f"on {cell.os} with Python {cell.python}")
            try:
                result = _run_attempts(planned, config, options, tools, names or builtin(), log, base)
            finally:
                problem = log.problem
    finally:
        text = finish_log(log_path, redact)   # on an interrupt too: the log stays behind
    if problem:
        text += f"\n# rodeo: the log was {problem}"
    result = replace(result, log_tail=tail(text), durations={k: round(v, 3) for k, v in result.durations.items()})
    try:
        write_result(result, options.output, redact)
    except OSError as exc:   # a full disk: say so where it can still be read
        print(f"rodeo: the result of {cell.id} could not be written: {exc}", file=sys.stderr)
    except Exception:  # a result that breaks our own schema is our bug: still leave a result behind
        with log_path.open("a", encoding="utf-8") as out:
            import traceback  # only on rodeo's own errors: not on every start-up
            out.write(redact("# rodeo: internal error while writing the result\n" + traceback.format_exc()))
        result = Result(cell=info_, status="error", started_at=started, run_url=options.run_url,
                        cause=Cause("unknown", "rodeo could not write this result; see the log"),
                        log_tail=tail(finish_log(log_path, redact)))
        write_result(result, options.output, redact)
    return result


def _run_attempts(planned: PlannedCell, config: Config, options: RunOptions, tools: ToolBox, names: NameMap,
                  log: _Log, base: Result) -> Result:
    if not planned.runnable:
        log.say(f"# n/a: {planned.reason}")
        return replace(base, status="n/a", reason=planned.reason)
    attempts: list[Attempt] = []
    while True:
        if options.processes.cancelled.is_set():
            log.say("# rodeo: interrupted before this cell finished; no result is written")
            raise Cancelled
        t0 = time.monotonic()
        result = _attempt(planned, config, options, tools, names, log, base)
        attempts.append(Attempt(result.status, result.phase, result.cause, time.monotonic() - t0))
        if not (result.cause and result.cause.kind == "network" and len(attempts) <= config.retries):
            break
        log.say(f"# network failure: retrying ({len(attempts)}/{config.retries})")
    return replace(result, attempts=tuple(attempts)) if len(attempts) > 1 else result


TAIL_READ = 256 << 10   # the log tail is read from at most this much of the log's end


def finish_log(path: Path, redact: Redactor) -> str:
    """Redact the log on disk (rewritten only when something was found) and return its last part."""
    try:
        redact.file(path)
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            fh.seek(max(0, size - TAIL_READ))
            data = fh.read()
    except OSError as exc:
        return f"# rodeo: the log could not be read back: {exc}"
    text = data.decode("utf-8", "replace")
    if size > TAIL_READ:
        text = text.split("\n", 1)[-1]     # from a whole line
    return redact(text)


def _attempt(planned: PlannedCell, config: Config, options: RunOptions, tools: ToolBox, names: NameMap,
             log: _Log, base: Result) -> Result:
    """One attempt at a cell, watched by a :class:`Guard`; its folder goes (or stays) at the end."""
    guard = Guard.start(options.environ)
    if guard.limit.problem:
        log.say(f"# rodeo: {guard.limit.problem}")
    processes = options.processes
    processes.enter(guard.token)
    made: list[Path] = []
    result: Result | None = None
    try:
        result = _attempt_steps(planned, config, options, tools, names, log, base, guard, made)
        return result
    finally:
        late = _sweep(guard.token, None, processes, guard.subreaper)   # anything re-parented since
        if late:
            log.say(f"# rodeo: killed {_processes(len(late))} the cell left behind: " + "; ".join(late))
            guard.killed.extend(late)
        processes.leave(guard.token)
        if guard.killed:
            pids = ", ".join(k.split(" `")[0] for k in guard.killed[:5]) + (", …" if len(guard.killed) > 5 else "")
            log.say(f"# rodeo: this cell left {_processes(len(guard.killed))} running; rodeo killed "
                    f"{'it' if len(guard.killed) == 1 else 'them'} ({pids})")
        for workdir in made:
            if options.keep_envs:
                log.say(f"# kept the environment in {workdir}")
            else:   # a full disk wants its space back before the result is written
                discard(workdir, now=result is not None and result.cause is not None
                        and result.cause.kind == "disk-full")


def _attempt_steps(planned: PlannedCell, config: Config, options: RunOptions, tools: ToolBox, names: NameMap,
                   log: _Log, base: Result, guard: Guard, made: list[Path]) -> Result:
    cell = planned.cell
    info = manager_info(cell.manager)
    durations: dict[str, float] = {}
    deadline = time.monotonic() + config.timeout
    phase = "setup"
    env = host.scrubbed_env(options.environ)
    env[CELL_TOKEN] = guard.token    # every process of the cell carries it: how its leftovers are found
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
            tool = tools.locate(info, version, env, log, deadline, guard)
            manager_version = tools.version(tool, info, env, deadline)
        log.say(f"# {cell.manager}: {manager_version} ({tool})")
        cache_dir = str(options.cache_root / (info.cache_env or info.name).lower()) if info.cache_env else None
        work_parent = options.work_root or Path(options.environ.get("RUNNER_TEMP") or tempfile.gettempdir())
        work_parent.mkdir(parents=True, exist_ok=True)
        workdir = Path(tempfile.mkdtemp(prefix=f"rodeo-{cell.id}-", dir=work_parent))
        made.append(workdir)
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
        if recipe.pinned:   # e.g. the nixpkgs revision: a result must say what it was built from
            log.say(f"# {cell.manager}: pinned {recipe.pinned}")
            manager_version = f"{manager_version}; {recipe.pinned}"[:200]
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
            code = execute(step, env, log, deadline, options.processes, guard)
            if code != 0:
                durations[phase] = durations.get(phase, 0.0) + time.monotonic() - t0
                cause = signal_cause(code, phase, guard) or classify(log.since(start), phase, cell.manager, code)
                return replace(result, status="fail", phase=phase, cause=cause, durations=durations)
        durations[phase] = durations.get(phase, 0.0) + time.monotonic() - t0
        phase, t0 = "import", time.monotonic()
        _progress(options, cell.id, phase)
        # Bytecode the probe writes is waste when nothing imports from the environment again (no
        # test, not kept): for cartopy + xgcm that is 0.2 s of .pyc writes a cell never reads.
        bytecode = bool(config.test) or options.keep_envs
        probe = _probe(recipe, cell, config, names, env, log, deadline, workdir, options.processes, bytecode,
                       guard)
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
            # killed from outside (SIGKILL: out of memory?) or past ulimit -f: that, not an import error
            signalled = next((m for m, c in probe.signals.items() if c in _OUTSIDE_SIGNALS), None)
            if signalled is not None:
                first, cause = signalled, signal_cause(probe.signals[signalled], "import", guard) or cause
            owner = probe.modules.get(first) if first else None
            return replace(result, status="fail", phase="import", cause=replace(cause, package=cause.package or owner))
        if config.test:
            phase, t0 = "test", time.monotonic()
            _progress(options, cell.id, phase)
            test_env = {**env, "PATH": os.pathsep.join([*recipe.bin_dirs, env.get("PATH", "")])}
            if recipe.bin_dirs and recipe.python.startswith(str(workdir)):
                test_env["VIRTUAL_ENV"] = str(Path(recipe.bin_dirs[0]).parent)
            script = str(workdir / ".rodeo-test.sh")   # through a launcher, the test is a file: Recipe.launched
            if recipe.launcher:
                execute(Step("test", write=script, content=config.test), test_env, log, deadline)
            argv = recipe.launched("bash", script) if recipe.launcher else ("bash", "-c", config.test)
            start = log.offset()
            code = execute(Step("test", argv, cwd=str(workdir)), test_env, log, deadline, options.processes, guard)
            durations["test"] = time.monotonic() - t0
            if code != 0:
                cause = signal_cause(code, "test", guard) or classify(log.since(start), "test", cell.manager, code)
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
    except MemoryExceeded as exc:
        durations[phase] = durations.get(phase, 0.0) + time.monotonic() - t0
        assert exc.limit.bytes is not None
        log.say(f"# rodeo: the cell's processes held {host.human_size(exc.used)} of memory during {phase}, more "
                f"than the limit of {host.human_size(exc.limit.bytes)} ({exc.limit.source}); they were killed")
        return replace(result, status="fail", phase=phase, durations=durations,
                       cause=Cause("killed", clip(f"used more than {host.human_size(exc.limit.bytes)} of memory "
                                                  f"(limit: {exc.limit.source}); killed")))
    except Cancelled:
        log.say("# rodeo: interrupted before this cell finished; no result is written")
        raise
    except Unavailable as exc:
        log.say(f"# unavailable: {exc}")
        return replace(base, status="unavailable", phase=None, reason=clip(str(exc), 300))
    except Exception:  # rodeo's own bug: shown as an error cell, never hidden
        import traceback  # only on rodeo's own errors: not on every start-up
        log.say("# rodeo: internal error (a bug in rodeo-action, please report it)\n" + traceback.format_exc())
        return replace(result, status="error", phase=phase, durations=durations,
                       cause=Cause("unknown", "rodeo-action itself failed; the traceback is in the log"))


_TRASH: list[subprocess.Popen[bytes]] = []    # the rm processes of finished cells' folders
_TRASH_LOCK = threading.Lock()
_TRASH_SEEN: set[Path] = set()                 # work folders whose stale trash this process removed


def discard(folder: Path, now: bool = False) -> None:
    """Remove a cell's folder off the critical path: renamed to ``.rodeo-trash-<name>`` at once, then
    deleted by an ``rm -rf`` child that overlaps the next cell (or the job's next step).

    Deleting an environment in-process costs 0.1 s for cartopy + xgcm (6,500 files) and about a
    second for tensorflow - time the repro never pays, so it is kept off the cell's time. The ``rm``
    stays in rodeo's own session (a sweep never takes it for a cell's leftover; a Ctrl-C at the
    terminal reaches it), gets an environment with nothing but PATH (no secret for a cell to read in
    ``/proc``), and is reaped by rodeo. ``rodeo run`` does not wait for the last one: it may outlive
    rodeo by the time a deletion takes, on a folder clearly named as trash. ``rodeo local`` waits
    for them before it returns (:func:`wait_for_trash`). Whatever a crash leaves - a trash folder
    half deleted - the first discard of the next rodeo in the same work folder deletes too.
    ``now`` deletes in-process (a full disk wants its space back before the result is written);
    so does a machine without ``rm``.
    """
    rm = shutil.which("rm") if os.name == "posix" and not now else None
    if rm is None:
        shutil.rmtree(folder, ignore_errors=True)
        return
    trash = folder.with_name(f"{TRASH_PREFIX}{folder.name}")
    try:
        os.rename(folder, trash)
    except OSError:
        trash = folder
    targets = [str(trash)]
    with _TRASH_LOCK:
        _TRASH[:] = [p for p in _TRASH if p.poll() is None]
        if folder.parent not in _TRASH_SEEN:    # what an earlier rodeo left: once per work folder
            _TRASH_SEEN.add(folder.parent)
            try:
                targets += [str(e) for e in folder.parent.iterdir()
                            if e.name.startswith(TRASH_PREFIX) and e != trash]
            except OSError:
                pass
        try:
            _TRASH.append(subprocess.Popen([rm, "-rf", "--", *targets], stdin=subprocess.DEVNULL,
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                           env={"PATH": os.environ.get("PATH", os.defpath)}))
            return
        except OSError:
            pass
    shutil.rmtree(trash, ignore_errors=True)


def wait_for_trash(timeout: float = 60.0) -> int:
    """Wait (at most ``timeout`` seconds) for the folders being deleted; how many ``rm`` still run."""
    end = time.monotonic() + timeout
    with _TRASH_LOCK:
        pending = list(_TRASH)
    for proc in pending:
        try:
            proc.wait(timeout=max(0.0, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
    with _TRASH_LOCK:
        _TRASH[:] = [p for p in _TRASH if p.poll() is None]
        return len(_TRASH)


def sweep_all(processes: Processes) -> list[str]:
    """At the end of a command: kill whatever cells left that no cell's own sweep took (re-parented
    to rodeo while another cell was running); returns what was killed."""
    return _sweep("", None, processes) or []


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
    signals: dict[str, int] = field(default_factory=dict)   # module -> the (negative) code a signal ended it with


# Signals an import does not send itself: the OOM killer (or a person), and the file size limit.
_OUTSIDE_SIGNALS = (-getattr(signal, "SIGKILL", 9), -getattr(signal, "SIGXFSZ", 25))


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit {code}"


def _probe(recipe: Recipe, cell: Cell, config: Config, names: NameMap, env: dict[str, str], log: _Log,
           deadline: float, workdir: Path, processes: Processes, bytecode: bool = True,
           guard: Guard | None = None) -> _Probe:
    """Import every module in one interpreter (a verdict each); on a crash, finish one per module."""
    packages = [{"name": n, "imports": list(names.imports(config.package(n)) or []) or None} for n in cell.packages]
    out = workdir / ".rodeo-probe.json"
    spec_file = workdir / ".rodeo-probe-spec.json"   # a path, not JSON text: see Recipe.launched
    data: dict[str, object] = {}
    done: dict[str, str] = {}
    signals: dict[str, int] = {}
    only: list[str] | None = None
    for _round in range(64):
        spec_file.write_text(json.dumps({"packages": packages, "only": only}), encoding="utf-8")
        out.unlink(missing_ok=True)
        # -I ignores PYTHONDONTWRITEBYTECODE, so a wish for no bytecode in the environment is passed on as -B
        flags = ("-I",) if bytecode and not env.get("PYTHONDONTWRITEBYTECODE") else ("-I", "-B")
        argv = recipe.launched(recipe.python, *flags, str(PROBE), str(out), str(spec_file))
        code = execute(Step("import", argv, cwd=str(workdir)), env, log, deadline, processes, guard)
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
        done[crashed] = f"crashed the interpreter ({_exit_text(code)})"
        if code < 0:
            signals[crashed] = code
        log.say(f"# importing {crashed} killed the interpreter ({_exit_text(code)}); continuing with the rest")
        only = [m for m in modules if m not in done]
        if not only:
            break
    owners = {str(k): str(v) for k, v in dict(data.get("owners", {})).items()}  # type: ignore[call-overload]
    resolved = dict(data.get("resolved", {}))  # type: ignore[call-overload]
    return _Probe(imports=done, resolved=resolved, python_version=data.get("python_version"),  # type: ignore[arg-type]
                  platform=data.get("platform"), modules=owners, signals=signals)  # type: ignore[arg-type]
