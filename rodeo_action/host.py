"""What this machine offers a cell: its OS, its Python interpreters, a clean environment, and a
view of its processes and memory.

Kept apart from the runner so the rules (which variables are secrets, where Pythons live, how a
process is read from ``/proc``) are small, testable functions. Nothing here is imported that a
passing cell does not need: ``ctypes`` is loaded once, on the first step, for ``prctl``.
"""

from __future__ import annotations

import glob
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rodeo_action.managers.base import Family

# A package's build and import code is untrusted: none of these may reach it.
_SECRET = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE_?KEY|AUTH", re.I)
_DROP_PREFIXES = ("ACTIONS_", "GITHUB_TOKEN", "RODEO_GITHUB")
# Variables that would leak rodeo's own environment into the one under test.
_DROP = frozenset({"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONNOUSERSITE",
                   "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "PIP_REQUIRE_VIRTUALENV", "__PYVENV_LAUNCHER__",
                   "PIPENV_ACTIVE", "POETRY_ACTIVE", "PDM_PROJECT", "UV_PROJECT_ENVIRONMENT"})


# Whose *values* are redacted wherever rodeo writes text (AUTH names like XAUTHORITY hold paths, not secrets).
_SECRET_VALUE = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE_?KEY", re.I)
MIN_SECRET_LEN = 8    # a shorter value ("1", "true") would be redacted all over a log


def is_secret(name: str) -> bool:
    return bool(_SECRET.search(name)) or name.startswith(_DROP_PREFIXES)


def secret_values(environ: Mapping[str, str]) -> tuple[str, ...]:
    """The values of ``*_TOKEN``/``*_SECRET``/``*_PASSWORD``-like variables, longest first (to redact)."""
    found = {v for k, v in environ.items()
             if (_SECRET_VALUE.search(k) or k.startswith(_DROP_PREFIXES)) and len(v.strip()) >= MIN_SECRET_LEN}
    return tuple(sorted(found, key=len, reverse=True))


def scrubbed_env(environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` without secrets and without rodeo's own Python environment."""
    return {k: v for k, v in environ.items() if not is_secret(k) and k not in _DROP}


def family() -> Family:
    system = platform.system()
    if system == "Darwin":
        return "macos"
    if system == "Windows":
        return "windows"
    return "linux"


def distro() -> str | None:
    """debian, ubuntu, ... on Linux; None elsewhere."""
    if family() != "linux":
        return None
    try:
        return platform.freedesktop_os_release().get("ID")
    except OSError:
        return None


def _version_of(path: str) -> tuple[int, ...]:
    m = re.search(r"(\d+)\.(\d+)\.(\d+)", path)
    return tuple(int(x) for x in m.groups()) if m else (0,)


def python_candidates(version: str, path: str | None = None) -> list[str]:
    """Places an interpreter of ``version`` may be, most preferred first (unverified)."""
    out: list[str] = []
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        base = getattr(sys, "_base_executable", None) or sys.executable
        if base and os.path.exists(base):
            out.append(base)
    exe = f"python{version}"
    found = shutil.which(exe, path=path)
    if found:
        out.append(found)
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    pattern = os.path.join(pyenv_root, "versions", f"{version}.*", "bin", "python")
    out += [c for c in sorted(glob.glob(pattern), key=_version_of, reverse=True)
            if re.search(rf"[/\\]{re.escape(version)}\.\d+[/\\]bin[/\\]python$", c)]
    for folder in ("/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"):
        out.append(os.path.join(folder, exe))
    if family() == "windows":  # pragma: no cover - exercised on Windows runners
        out += glob.glob(rf"C:\hostedtoolcache\windows\Python\{version}.*\x64\python.exe")
    return list(dict.fromkeys(c for c in out if os.path.exists(c)))


@dataclass(frozen=True)
class PythonFacts:
    """What one run of an interpreter tells about it: enough for a cell that may fail before it imports."""

    path: str
    version: str            # full, e.g. "3.12.7"
    venv_pip: str | None    # the pip a fresh ``-m venv`` gets (ensurepip's bundled wheel)


_FACTS = ("import platform, sys\n"
          "try:\n import ensurepip; pip = ensurepip.version()\n"
          "except Exception:\n pip = ''\n"
          "print(platform.python_version()); print(pip)")


def _bundled_pip() -> str | None:
    """ensurepip's pip version, read from its bundled wheel's name: importing ensurepip (and with it
    importlib.resources) costs a few ms of every ``rodeo run``'s start-up."""
    import sysconfig

    bundled = Path(sysconfig.get_path("stdlib")) / "ensurepip" / "_bundled"
    try:
        found = [n for n in os.listdir(bundled) if n.startswith("pip-") and n.endswith(".whl")]
    except OSError:
        found = []
    if len(found) == 1:
        return found[0].split("-")[1]
    import ensurepip  # a distribution that moved the wheels (Debian): ask it

    return ensurepip.version() or None


def python_facts(interpreter: str) -> PythonFacts | None:
    """Run ``interpreter`` once; None when it does not run (a pyenv shim for a version pyenv lacks).

    The interpreter running rodeo (or its base) answers in-process: the common case costs no process.
    """
    base = getattr(sys, "_base_executable", None) or sys.executable
    if interpreter in (base, sys.executable):
        return PythonFacts(interpreter, platform.python_version(), _bundled_pip())
    try:   # a scrubbed environment: no process rodeo starts while cells run holds a secret another could read
        proc = subprocess.run([interpreter, "-I", "-c", _FACTS], capture_output=True, text=True, timeout=20,
                              env=scrubbed_env(os.environ))
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = proc.stdout.split("\n")
    if proc.returncode != 0 or len(lines) < 2 or not lines[0]:
        return None
    return PythonFacts(interpreter, lines[0].strip(), lines[1].strip() or None)


def find_python(version: str, path: str | None = None) -> PythonFacts | None:
    """A working interpreter of ``version`` (e.g. "3.12") on this machine, preferring a non-venv one.

    Looks at the interpreter running rodeo, ``pythonX.Y`` on PATH, pyenv's versions and the usual
    system places, and runs each candidate once to be sure it is what it claims.
    """
    want = version.rstrip("t")
    for candidate in python_candidates(version, path):
        facts = python_facts(candidate)
        if facts is not None and ".".join(facts.version.split(".")[:2]) == want:
            return facts
    return None


def own_bin_dir() -> Path:
    """The folder of the interpreter running rodeo: tools installed beside rodeo are found there."""
    return Path(sys.executable).parent


def cache_root(environ: Mapping[str, str]) -> Path:
    if environ.get("RODEO_CACHE_DIR"):
        return Path(environ["RODEO_CACHE_DIR"])
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "rodeo"


# ---------------------------------------------------------------- processes and memory (Linux /proc)
#
# Elsewhere (macOS, Windows) these find nothing, and a cell's leftovers are only what its process
# group (or Windows job of one process) reaches: best effort, documented in the runner.


@dataclass(frozen=True)
class Proc:
    """One line of ``/proc/PID/stat``: enough to walk a tree, find a session and sum memory."""

    pid: int
    ppid: int
    sid: int
    state: str      # R, S, D, Z (zombie), T (stopped), ...
    rss: int        # resident bytes
    start: int = 0  # start time in clock ticks since boot: with the pid, names one process for good


@lru_cache(maxsize=1)
def _page_size() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return 4096


def scan_processes() -> dict[int, Proc] | None:
    """Every process this user can see, from ``/proc/*/stat``; None where there is no ``/proc``.

    One ``open``/``read`` per process (about 4 µs each: 1 ms for 250 processes).
    """
    try:
        names = os.listdir("/proc")
    except OSError:
        return None
    page = _page_size()
    out: dict[int, Proc] = {}
    for name in names:
        if not name.isdigit():
            continue
        try:
            fd = os.open(f"/proc/{name}/stat", os.O_RDONLY)
            try:
                data = os.read(fd, 2048)
            finally:
                os.close(fd)
            rest = data[data.rfind(b")") + 2:].split()
            out[int(name)] = Proc(int(name), int(rest[1]), int(rest[3]), rest[0].decode(), int(rest[21]) * page,
                                  int(rest[19]))
        except (OSError, IndexError, ValueError):
            continue    # gone meanwhile, or not ours to read
    return out


def start_time(pid: int) -> int | None:
    """A process's start time (``/proc/PID/stat`` field 22), None when it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            data = fh.read()
        return int(data[data.rfind(b")") + 2:].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def kill(proc: Proc, sig: int) -> bool:
    """Send ``sig`` to the process ``proc`` describes, and never to another that took its pid since:
    through a pidfd (Linux >= 5.3) opened, then checked against the start time. False when it is gone;
    PermissionError when it is not ours to signal (another user's, e.g. started with sudo)."""
    fd = None
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        pass
    try:
        if start_time(proc.pid) != proc.start:
            return False
        if fd is not None:
            signal.pidfd_send_signal(fd, sig)
        else:
            os.kill(proc.pid, sig)
        return True
    except PermissionError:
        raise
    except OSError:
        return False
    finally:
        if fd is not None:
            os.close(fd)


def read_environ(pid: int) -> bytes:
    """A process's initial environment block (b"" when gone or not readable)."""
    try:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            return fh.read()
    except OSError:
        return b""


def environ_value(block: bytes, name: str) -> str | None:
    key = name.encode() + b"="
    for entry in block.split(b"\0"):
        if entry.startswith(key):
            return entry[len(key):].decode("utf-8", "replace")
    return None


def describe(pid: int, limit: int = 80) -> str:
    """``sleep 1000`` for a pid: its command line (or its name), clipped."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            text = fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        if not text:
            with open(f"/proc/{pid}/comm", "rb") as fh:
                text = f"[{fh.read().decode('utf-8', 'replace').strip()}]"
    except OSError:
        text = "?"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def oom_kills() -> int | None:
    """How many processes the kernel's out-of-memory killer has killed since boot (Linux >= 4.13)."""
    try:
        with open("/proc/vmstat", "rb") as fh:
            for line in fh:
                if line.startswith(b"oom_kill "):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def memory_total() -> int | None:
    """What this machine (or this container's memory cgroup, if smaller) can hold, in bytes."""
    total = None
    try:
        with open("/proc/meminfo", "rb") as fh:
            for line in fh:
                if line.startswith(b"MemTotal:"):
                    total = int(line.split()[1]) * 1024
                    break
    except (OSError, ValueError):
        pass
    if total is None and sys.platform == "darwin":  # pragma: no cover - macOS
        try:
            total = int(subprocess.run(["sysctl", "-n", "hw.memsize"], capture_output=True, text=True,
                                       timeout=5).stdout.strip())
        except (OSError, ValueError, subprocess.TimeoutExpired):
            total = None
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            text = Path(path).read_text().strip()
        except OSError:
            continue
        if text.isdigit() and (total is None or int(text) < total):
            total = int(text)
    return total


_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024 ** 2, "G": 1024 ** 3, "T": 1024 ** 4}
DEFAULT_MEMORY_SHARE = 0.8


def parse_size(text: str) -> int | float | None:
    """``2G``, ``512M``, ``1.5GB``, ``2GiB``, ``1073741824`` -> bytes; ``80%`` -> 0.8; None when not a size."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(%|[KMGT]?)(?:i?B)?\s*", text, re.I)
    if not m:
        return None
    number, unit = float(m.group(1)), m.group(2).upper()
    if unit == "%":
        return number / 100 if 0 < number <= 100 else None
    return int(number * _UNITS[unit])


def human_size(n: float) -> str:
    for unit, size in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} B"


@dataclass(frozen=True)
class MemoryLimit:
    """The most resident memory a cell's processes may hold together before rodeo kills them."""

    bytes: int | None      # None: no limit (RODEO_MEMORY_LIMIT=off, or the total is unknown)
    source: str            # how it was decided, for the log and the cause's summary
    problem: str | None = None   # a RODEO_MEMORY_LIMIT that is not a size


@lru_cache(maxsize=8)
def memory_limit(setting: str | None) -> MemoryLimit:
    """``RODEO_MEMORY_LIMIT`` (``2G``, ``512M``, ``50%`` of this machine, ``off``), else 80% of this machine.

    The kernel's out-of-memory killer picks its victim by size, and that may be rodeo itself (the
    result of the cell is then lost): rodeo kills the cell first, a little before memory runs out.
    """
    total = memory_total()
    default = (MemoryLimit(int(total * DEFAULT_MEMORY_SHARE),
                           f"{DEFAULT_MEMORY_SHARE:.0%} of this machine's {human_size(total)}")
               if total else MemoryLimit(None, "unknown total memory: no limit"))
    if setting is None or not setting.strip():
        return default
    if setting.strip().lower() in ("off", "none", "0", "no", "false"):
        return MemoryLimit(None, f"RODEO_MEMORY_LIMIT={setting.strip()}: no limit")
    size = parse_size(setting)
    if size is None or size == 0:
        return MemoryLimit(default.bytes, default.source,
                           f"RODEO_MEMORY_LIMIT={setting!r} is not a size (expected e.g. 2G, 512M, 50% or off); "
                           f"using {default.source}")
    if isinstance(size, float):
        if not total:
            return MemoryLimit(None, f"RODEO_MEMORY_LIMIT={setting.strip()}, unknown total memory: no limit")
        return MemoryLimit(int(total * size), f"RODEO_MEMORY_LIMIT={setting.strip()} of {human_size(total)}")
    return MemoryLimit(size, f"RODEO_MEMORY_LIMIT={setting.strip()}")


def file_size_limit() -> int | None:
    """The soft ``ulimit -f`` of this process, in bytes; None when unlimited or unknown."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    soft = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
    return None if soft == resource.RLIM_INFINITY else soft


# ---------------------------------------------------------------- rodeo's own process, hardened once

_hardened = threading.Lock()
_SUBREAPER: list[bool] = []    # [whether prctl(PR_SET_CHILD_SUBREAPER) worked], once decided

PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36


def harden(environ: Mapping[str, str]) -> bool:
    """Make this process fit to run untrusted cells, once; returns whether it is a child subreaper.

    - Linux: a *child subreaper* (``prctl(PR_SET_CHILD_SUBREAPER)``): a daemon a cell leaves behind
      (double fork + ``setsid``) is re-parented to rodeo instead of init, so rodeo finds it (and
      reaps it) however it changed its session or environment.
    - Linux: not *dumpable* (``prctl(PR_SET_DUMPABLE, 0)``): a cell running as the same user cannot
      read rodeo's memory or ``/proc/<rodeo>/environ`` (root still can).
    - The secret values in rodeo's initial environment block, which ``/proc/<rodeo>/environ``
      shows whatever ``os.environ`` later says, are overwritten with ``*`` (as ``setproctitle``
      overwrites argv), for root too. What rodeo's parent holds, rodeo cannot hide: the defence
      there is that a run job is given no token (see docs).
    - ``SIGXFSZ`` is ignored (Python does so at start-up already): under ``ulimit -f`` rodeo's own
      writes fail with EFBIG, which it handles, instead of killing it. Children get the default back
      (``subprocess``'s ``restore_signals``), as they would have without rodeo.
    """
    with _hardened:
        if _SUBREAPER:
            return _SUBREAPER[0]
        subreaper = False
        if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGXFSZ"):
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                libc = ctypes.CDLL(None, use_errno=True)
                subreaper = libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
                libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
                mask_environ_block({n for n in [*os.environ, *environ] if is_secret(n)})
            except (OSError, AttributeError, ValueError):
                pass
        _SUBREAPER.append(subreaper)
        return subreaper


def mask_environ_block(names: Iterable[str]) -> int:
    """Overwrite the values of ``names`` in this process's initial environment block; how many.

    Only the bytes of each value are written, within ``[env_start, env_end)`` as the kernel gives
    them, and only once the block read through memory equals ``/proc/self/environ``.
    """
    import ctypes as c

    names = set(names)
    if not names or not sys.platform.startswith("linux"):
        return 0
    try:
        with open("/proc/self/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        start, end = int(fields[47]), int(fields[48])     # env_start, env_end (stat fields 50, 51)
        with open("/proc/self/environ", "rb") as fh:
            block = fh.read()
    except (OSError, IndexError, ValueError):
        return 0
    if not start or end - start != len(block) or c.string_at(start, len(block)) != block:
        return 0    # not the layout this expects: leave it alone
    masked = 0
    offset = 0
    for entry in block.split(b"\0"):
        name, eq, value = entry.partition(b"=")
        if eq and value and name.decode("utf-8", "replace") in names:
            c.memset(start + offset + len(name) + 1, ord("*"), len(value))
            masked += 1
        offset += len(entry) + 1
    return masked
