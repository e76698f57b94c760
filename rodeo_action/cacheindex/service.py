"""The caching indexes of one command: one proxpi per upstream index, on 127.0.0.1, shared by every
PyPI-family cell (and rodeo's own tool installs) of that command.

Without it each manager downloads every file into a cache of its own, and the proxy in front of many
CI networks strips caching headers, so pip caches nothing: the default rodeo fetched tensorflow
(572 MB) once per manager (issue 16). proxpi (a maintained caching index from PyPI: a small Flask app
that serves PEP 503 and PEP 691 pages and keeps files on disk) serves the upstream's pages from memory
for the run and each file from ``RODEO_CACHE_DIR/caching-index/<upstream>/files`` for good (files are
immutable by hash). rodeo installs it into a venv of its own from pinned requirements and starts it
through :mod:`launcher`, which fits it to a run (see there).

The cells see only the URL :meth:`CachingIndexes.url_for` gives them; repros and locks name the real
index (run/repro.shown_spec, run/lock.url_swaps). When proxpi cannot be installed or started, or dies
twice, a cell reads the upstream directly and says so in its log.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rodeo_action import host

if TYPE_CHECKING:
    from rodeo_action.run.options import RunOptions
    from rodeo_action.run.supervise import Supervisor

HERE = Path(__file__).resolve().parent
LAUNCHER = HERE / "launcher.py"
REQUIREMENTS = HERE / "requirements.txt"
PROXPI = "proxpi-1.3.1"
START_TIMEOUT = 30.0
RESTARTS = 1
_FULL = re.compile(r"rodeo-proxy: disk-full (?P<dir>.+?): (?P<why>.*)$", re.M)


def slug(upstream: str) -> str:
    """A folder name for an upstream index: its host, and a digest of the whole URL."""
    host_name = re.sub(r"[^A-Za-z0-9.-]", "-", urlsplit(upstream).hostname or "index")[:60]
    return f"{host_name}-{hashlib.sha256(upstream.encode()).hexdigest()[:10]}"


@dataclass(frozen=True)
class Event:
    """Something a cell's log should say about its caching index (a restart, a full disk)."""

    kind: str          # "stopped" | "disk-full"
    detail: str


@dataclass
class _Proxy:
    upstream: str
    folder: Path
    process: subprocess.Popen[bytes] | None = None
    url: str | None = None
    starts: int = 0
    broken: str | None = None          # why it is not used any more
    lock: int | None = None            # the folder's lock file, held while this command serves it
    log_seen: int = 0                  # bytes of its log already read for events
    events: list[Event] = field(default_factory=list)
    urls: set[str] = field(default_factory=set)   # every URL it had: a cell asks by the one it was given

    @property
    def log_path(self) -> Path:
        return self.folder / "proxpi.log"


@dataclass
class CachingIndexes:
    """``RunOptions.indexes``: made once per command, closed when it ends (:meth:`close`)."""

    root: Path                          # RODEO_CACHE_DIR/caching-index
    environ: Mapping[str, str]
    port: int = 0                       # the port asked for first (0: any); a taken one falls back to any
    _proxies: dict[str, _Proxy] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def url_for(self, upstream: str, options: RunOptions, steps: Supervisor) -> str | None:
        """The caching index's URL for ``upstream`` (started, and installed, on first use; restarted once
        if it died); None, said in the cell's log, when the cell must read the upstream itself."""
        with self._lock:
            proxy = self._proxies.get(upstream)
            if proxy is None:
                proxy = self._proxies[upstream] = _Proxy(upstream, self.root / slug(upstream))
            if proxy.broken is None and (proxy.process is None or proxy.process.poll() is not None):
                self._start(proxy, options, steps)
            if proxy.broken is not None:
                steps.log.say(f"# rodeo: no caching index ({proxy.broken}); this cell reads {_shown(upstream)} itself")
                return None
            return proxy.url

    def events(self, url: str) -> list[Event]:
        """What happened to the caching index serving ``url`` since the last call: it stopped (and was
        restarted, or not), its disk filled up."""
        with self._lock:
            proxy = next((p for p in self._proxies.values() if url in p.urls), None)
            if proxy is None:
                return []
            out, proxy.events = proxy.events, []
            if proxy.process is not None and proxy.process.poll() is not None:
                out.append(Event("stopped", f"exit {proxy.process.returncode}"))
            out += _disk_events(proxy)
            return out

    def close(self) -> None:
        with self._lock:
            for proxy in self._proxies.values():
                _stop(proxy)

    def __enter__(self) -> CachingIndexes:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self, proxy: _Proxy, options: RunOptions, steps: Supervisor) -> None:
        if proxy.lock is None:
            proxy.lock = _hold(proxy.folder)
            if proxy.lock is None:
                proxy.broken = f"another rodeo serves {proxy.folder} now"
                return
        if proxy.starts > RESTARTS:
            proxy.broken = f"it stopped {proxy.starts} times; its log: {proxy.log_path}"
            return
        if proxy.process is not None:
            proxy.events.append(Event("stopped", f"exit {proxy.process.returncode}; restarted"))
        proxy.starts += 1
        python = install(options, steps)
        if python is None:
            proxy.broken = f"{PROXPI} could not be installed; see the log"
            return
        try:
            proxy.process, proxy.url = _launch(python, proxy, self.port, self.environ)
            proxy.urls.add(proxy.url)
        except StartFailed as exc:
            proxy.process, proxy.url, proxy.broken = None, None, str(exc)
            return
        steps.log.say(f"# rodeo: caching index for {_shown(proxy.upstream)}: {proxy.url} (proxpi, files in "
                      f"{proxy.folder / 'files'})")


class StartFailed(Exception):
    pass


def install(options: RunOptions, steps: Supervisor) -> str | None:
    """The Python of proxpi's own venv (under ``<cache>/tools/proxpi-1.3.1``, once per machine:
    :mod:`rodeo_action.run.toolhome`), installed from the pinned requirements, straight from the
    machine's index (not through a caching index: it is not there yet)."""
    from rodeo_action.managers import Target
    from rodeo_action.run.celllog import CellLog
    from rodeo_action.run.supervise import execute
    from rodeo_action.run.toolhome import Busy, ToolHome
    from rodeo_action.run.tools import venv_install

    target = Target(host.family())
    home = ToolHome(options.cache_root / "tools" / PROXPI)
    # its own log, beside the generations (a failed one is removed; the log is what tells why): pip's words about
    # proxpi's install are not the cell's (a reader of the cell's log, or the classifier, would take them for the
    # set's)
    path = home.folder / "install.log"

    def fill(folder: Path) -> bool:
        steps.log.say(f"# rodeo: installing the caching index ({PROXPI}) into {folder}; its log: {path}")
        with open(path, "w+b") as fh:
            log = CellLog(fh, path)
            for step in venv_install(options, "proxpi", folder / "venv", ("--only-binary", ":all:", "-r",
                                                                           str(REQUIREMENTS))):
                if execute(step, dict(host.scrubbed_env(options.environ)), log, steps.deadline,
                           steps.processes) != 0:
                    steps.log.say(f"# rodeo: the caching index could not be installed; see {path}")
                    return False
        return True

    try:
        return home.ensure(REQUIREMENTS.read_text(encoding="utf-8"),
                           lambda folder: target.venv_python(str(folder / "venv")), fill)
    except Busy as exc:
        steps.log.say(f"# rodeo: {exc}")
        return None


def proxpi_env(environ: Mapping[str, str], upstream: str, folder: Path) -> dict[str, str]:
    """proxpi's settings for one upstream: pages for the run only, files kept for good, no eviction, no
    redirect upstream while a download runs; the machine's proxies and CA bundle, never its secrets."""
    env = host.scrubbed_env(environ)
    env = {k: v for k, v in env.items() if not k.startswith(("PROXPI_", "FLASK_"))}
    from rodeo_action.run.indexprobe import ca_bundle

    ca = ca_bundle(environ)
    if isinstance(ca, str):
        env["REQUESTS_CA_BUNDLE"] = ca
    env.update({
        "PROXPI_INDEX_URL": upstream,
        "PROXPI_CACHE_DIR": str(folder / "files"),
        "RODEO_PROXY_HASHES": str(folder / "sha256"),
        "PROXPI_INDEX_TTL": str(7 * 24 * 3600),       # one process is one run: its pages are the run's
        "PROXPI_CACHE_SIZE": str(1 << 50),            # never evict: a file is fetched once, ever
        "PROXPI_DOWNLOAD_TIMEOUT": "3600",            # never send a client upstream while a download runs
        "PROXPI_CONNECT_TIMEOUT": "15",
        "PROXPI_READ_TIMEOUT": "120",
        "PROXPI_LOGGING_LEVEL": "INFO",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def _launch(python: str, proxy: _Proxy, port: int, environ: Mapping[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    proxy.folder.mkdir(parents=True, exist_ok=True)
    # in rodeo's own session, as its other helpers: a cell's sweep of leftovers never takes it; one log
    # per run (a restart appends)
    with open(proxy.log_path, "ab" if proxy.starts > 1 else "wb") as log:
        proxy.log_seen = log.tell()
        process = subprocess.Popen([python, "-I", str(LAUNCHER), str(port)], stdout=subprocess.PIPE, stderr=log,
                                   stdin=subprocess.DEVNULL, env=proxpi_env(environ, proxy.upstream, proxy.folder))
    stdout = process.stdout
    assert stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    said: list[bytes] = []
    reader = threading.Thread(target=lambda: said.append(stdout.readline(64)), daemon=True)   # any OS's pipe
    reader.start()
    reader.join(START_TIMEOUT)
    line = said[0] if said else b""
    if not line.strip().isdigit():
        _kill(process)
        tail = _tail(proxy.log_path)
        raise StartFailed(f"proxpi did not start (exit {process.returncode}){': ' + tail if tail else ''}")
    url = f"http://127.0.0.1:{int(line)}/index/"
    if not _healthy(url, deadline):
        _kill(process)
        raise StartFailed(f"proxpi did not answer on {url} within {START_TIMEOUT:g} s")
    return process, url


def _healthy(url: str, deadline: float) -> bool:
    import requests

    health = url.replace("/index/", "/health")
    with requests.Session() as session:
        session.trust_env = False
        while time.monotonic() < deadline:
            try:
                if session.get(health, timeout=2).status_code == 200:
                    return True
            except requests.RequestException:
                pass
            time.sleep(0.05)
    return False


def _disk_events(proxy: _Proxy) -> list[Event]:
    try:
        with open(proxy.log_path, "rb") as fh:
            fh.seek(proxy.log_seen)
            text = fh.read(4 << 20).decode("utf-8", "replace")
            proxy.log_seen = fh.tell()
    except OSError:
        return []
    return [Event("disk-full", f"no space left on device in {m.group('dir')}") for m in _FULL.finditer(text)][:1]


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:])[:400]


def _kill(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL: proxpi is one process (werkzeug's threads, no reloader), in rodeo's session."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _stop(proxy: _Proxy) -> None:
    if proxy.process is not None:
        _kill(proxy.process)
    if proxy.lock is not None:
        os.close(proxy.lock)       # releases the flock
        proxy.lock = None


def _hold(folder: Path) -> int | None:
    """An exclusive lock on ``folder`` for this command, or None when another rodeo holds it: two proxpi
    processes in one folder would delete each other's partial downloads (proxpi clears them at start)."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / ".rodeo-lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform == "win32":
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def _shown(url: str) -> str:
    from rodeo_action.causes.indexnote import shown_url

    return shown_url(url)
