"""Where a cell's processes are started, watched and killed.

A cell is untrusted code, so rodeo owns what a hostile or broken one can do to the machine and to
the cells after it:

- **Leftovers.** Every step runs in a session of its own, with ``RODEO_CELL_TOKEN=<random>`` (one
  per cell attempt, :class:`Guard`) in its environment, and rodeo is a child subreaper on Linux (see
  ``host.harden``). When a step ends, however it ends, rodeo looks in ``/proc`` for what it left
  running (:func:`_cell_tree`): members of its session, descendants of those, and processes
  re-parented to rodeo (double fork + ``setsid``) that carry the cell's token or none (these last
  only when no other cell is running, so a neighbour's helper is never taken). All are killed with
  SIGKILL and reaped (:func:`_sweep`, :func:`_reap`), and the log says so: ``# rodeo: killed 1
  process left behind by the test step: pid 123 `sleep 1000```. The cell still passes or fails on
  its own merits. Without the subreaper, orphans found by their token in ``/proc/*/environ`` are
  killed instead. macOS and Windows have no ``/proc``: there only the step's process group
  (Windows: the process) is killed (:func:`_kill_group`) - best effort.
- **Memory.** While a step runs, its processes' summed resident memory is read every 0.5 s (one
  scan of ``/proc/*/stat``, ~1 ms; Linux only; :class:`_Watch`) and the whole lot is killed past the
  limit (``RODEO_MEMORY_LIMIT``, default 80% of this machine or its memory cgroup): the kernel's
  out-of-memory killer, left to act, may pick rodeo and lose the result. Summed RSS counts pages
  shared between processes once per process: an over-estimate for forked workers. The cell fails
  with cause ``killed``; a step killed by SIGKILL from elsewhere is ``killed`` too, naming the
  signal (and the OOM killer when ``/proc/vmstat`` counted a kill meanwhile; :func:`signal_cause`).
- **Disk.** Under ``ulimit -f`` rodeo's own writes fail with EFBIG instead of killing it (SIGXFSZ
  ignored); the log is cut with a note (``celllog``), the result is still written. A step that died
  of SIGXFSZ is ``disk-full``, as are logs saying ENOSPC/EFBIG/EDQUOT (see ``causes.shared``).
- **Interrupts.** :meth:`Processes.cancel` ends every running step (a Ctrl-C at the terminal does
  not reach their sessions); :meth:`Processes.sweep_leftovers` kills, at the end of a command, what
  no cell's own sweep took.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rodeo_action import host
from rodeo_action.managers.base import Step
from rodeo_action.results import Cause
from rodeo_action.run.celllog import CellLog

KILL_GRACE = 5.0
CELL_TOKEN = "RODEO_CELL_TOKEN"
POLL = 0.5                 # seconds between two looks at a running step's memory


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

    def sweep_leftovers(self) -> list[str]:
        """At the end of a command: kill whatever cells left that no cell's own sweep took (re-parented
        to rodeo while another cell was running); returns what was killed."""
        return _sweep("", None, self) or []


class Cancelled(Exception):
    """The command was interrupted: the cell gets no result rather than a false one."""


class Timeout(Exception):
    pass


class MemoryExceeded(Exception):
    """The cell's processes together held more memory than the limit; they were killed."""

    def __init__(self, used: int, limit: host.MemoryLimit) -> None:
        super().__init__(f"{used} > {limit.bytes}")
        self.used = used
        self.limit = limit


@dataclass
class Guard:
    """One cell attempt's watch over its processes: its token, its memory limit, what it left behind."""

    token: str
    limit: host.MemoryLimit
    subreaper: bool
    oom_before: int | None = None
    killed: list[str] = field(default_factory=list)    # "pid 123 `sleep 1000`", across the attempt's steps

    @classmethod
    def start(cls, environ: Mapping[str, str], processes: Processes) -> Guard:
        """A new token, registered with ``processes`` as a cell in progress until :meth:`end`."""
        guard = cls(token=os.urandom(8).hex(), limit=host.memory_limit(environ.get("RODEO_MEMORY_LIMIT")),
                    subreaper=host.harden(environ), oom_before=host.oom_kills())
        processes.enter(guard.token)
        return guard

    def end(self, processes: Processes, log: CellLog) -> None:
        """The attempt is over: kill what was re-parented to rodeo since its last step, and say in the
        log what the cell left running."""
        late = _sweep(self.token, None, processes, self.subreaper)
        if late:
            log.say(f"# rodeo: killed {_count(len(late))} the cell left behind: " + "; ".join(late))
            self.killed.extend(late)
        processes.leave(self.token)
        if self.killed:
            pids = ", ".join(k.split(" `")[0] for k in self.killed[:5]) + (", …" if len(self.killed) > 5 else "")
            log.say(f"# rodeo: this cell left {_count(len(self.killed))} running; rodeo killed "
                    f"{'it' if len(self.killed) == 1 else 'them'} ({pids})")


@dataclass(frozen=True)
class Supervisor:
    """What every step of one attempt runs under: its log, its deadline, the command's processes and
    the attempt's guard; :meth:`run` is :func:`execute` with them."""

    log: CellLog
    deadline: float
    processes: Processes | None = None
    guard: Guard | None = None

    def run(self, step: Step, env: Mapping[str, str]) -> int:
        return execute(step, env, self.log, self.deadline, self.processes, self.guard)


def execute(step: Step, env: Mapping[str, str], log: CellLog, deadline: float,
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
    if deadline - time.monotonic() <= 0:
        raise Timeout
    token = full_env.get(CELL_TOKEN, "")
    spawning = processes.spawning if processes is not None else threading.Lock()
    sink = Path(step.stdout).open("wb") if step.stdout is not None else None
    try:
        with spawning:
            proc = _start(step, full_env, log.fd, sink.fileno() if sink else None)
            if processes is not None:
                processes.add(proc, token)
    except FileNotFoundError as exc:
        log.say(f"rodeo: cannot start {step.argv[0]}: {exc.strerror}")
        return 127
    finally:
        if sink is not None:   # the child holds its own copy
            sink.close()
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
        _after_step(proc, step, token, log, processes, guard)
    if watch.memory is not None:
        assert guard is not None
        raise MemoryExceeded(watch.memory, guard.limit)
    if watch.expired:
        raise Timeout
    if processes is not None and processes.cancelled.is_set():
        raise Cancelled
    return code


def _start(step: Step, env: dict[str, str], out: int, stdout: int | None = None) -> subprocess.Popen[bytes]:
    """The step's process, in a session of its own (Windows: a process group) so that a timeout can
    kill the whole group, with the cell's log as its stderr and stdout (``stdout``: a file instead)."""
    if sys.platform == "win32":  # pragma: no cover - Windows
        return subprocess.Popen(list(step.argv), cwd=step.cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=out if stdout is None else stdout, stderr=out,
                                creationflags=subprocess.CREATE_NEW_PROCESS_GROUP)
    return subprocess.Popen(list(step.argv), cwd=step.cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=out if stdout is None else stdout, stderr=out, start_new_session=True)


def _after_step(proc: subprocess.Popen[bytes], step: Step, token: str, log: CellLog, processes: Processes | None,
                guard: Guard | None) -> None:
    """However the step ended: kill what it left running, and say so in the log."""
    if proc.returncode is None:   # rodeo itself was interrupted (KeyboardInterrupt): the step goes too
        _kill_group(proc, grace=0)
    log.after_step()
    left = _sweep(token, proc.pid, processes, guard.subreaper if guard else False)
    if left is None:   # no /proc: the process group is all rodeo can reach
        _kill_group(proc, grace=0)
    elif left:
        what = f"the {step.phase} step" if step.phase else "the step"
        log.say(f"# rodeo: killed {_count(len(left))} left behind by {what}: " + "; ".join(left))
        if guard is not None:
            guard.killed.extend(left)
    if processes is not None:
        processes.discard(proc)


def _count(n: int) -> str:
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
    from rodeo_action.causes.base import clip  # the cause rules load on a failure only, never at start-up

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
