"""One tool's folder in rodeo's cache (``<cache>/tools/<name>-<version>``), shared by every rodeo process
on the machine: parallel jobs of a self-hosted runner, a ``rodeo local`` next to a ``rodeo run``, the
threads of one command.

A tool is installed into a *generation* (``g-<random>/``, a venv) and made current by replacing the
``current`` file atomically, under a file lock: a second process waits for the first install instead
of deleting it half-made, and a refresh (a "latest" tool is re-installed after a day) never deletes the
venv a running cell executes from. A generation that stopped being current is removed a day later.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

RETIRED_FOR = 24 * 3600     # how long a replaced generation stays, for the cells still running it
LOCK_WAIT = 1800            # what a process waits for another's install before it gives up


class Busy(Exception):
    """Another process held the tool's lock for longer than :data:`LOCK_WAIT`."""


@dataclass(frozen=True)
class Installed:
    """The current generation: its folder, what was installed (a requirement, a requirements file's
    text), and when."""

    folder: Path
    what: str
    at: float


@dataclass(frozen=True)
class ToolHome:
    folder: Path

    @property
    def _pointer(self) -> Path:
        return self.folder / "current"

    def current(self) -> Installed | None:
        """The current generation, or None (never installed, a pointer another tool wrote, its folder gone)."""
        try:
            data = json.loads(self._pointer.read_text(encoding="utf-8"))
            name, what, at = data["generation"], data["installed"], float(data["at"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not isinstance(name, str) or not isinstance(what, str) or "/" in name or "\\" in name \
                or not name.startswith("g-"):
            return None
        folder = self.folder / name
        return Installed(folder, what, at) if folder.is_dir() else None

    def usable(self, what: str, exe: Callable[[Path], str], max_age: float | None = None) -> str | None:
        """The current generation's executable (``exe(folder)``) when that generation holds ``what``, is younger
        than ``max_age`` seconds (any age when None) and the file is there; else None."""
        now = self.current()
        if now is None or now.what != what or (max_age is not None and time.time() - now.at >= max_age):
            return None
        found = exe(now.folder)
        return found if os.path.exists(found) else None

    def ensure(self, what: str, exe: Callable[[Path], str], fill: Callable[[Path], bool],
               max_age: float | None = None) -> str | None:
        """:meth:`usable`, else, under the lock, usable again (another process may have installed it meanwhile),
        else a new generation that ``fill`` installs ``what`` into, made current when it says it succeeded. A
        generation ``fill`` failed in (False, or an exception) is removed: nothing ever runs from it."""
        if found := self.usable(what, exe, max_age):
            return found
        with self.held():
            if found := self.usable(what, exe, max_age):
                return found
            folder = self.new_generation()
            try:
                done = fill(folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            if not done:
                shutil.rmtree(folder, ignore_errors=True)
                return None
            self.publish(folder, what)
            return exe(folder)

    @contextmanager
    def held(self, timeout: float = LOCK_WAIT) -> Iterator[None]:
        """The tool's lock (``<name>-<version>.lock`` next to its folder), across processes."""
        from filelock import FileLock, Timeout

        self.folder.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(f"{self.folder}.lock")
        try:
            lock.acquire(timeout=timeout)
        except Timeout as exc:
            raise Busy(f"another rodeo has been installing into {self.folder} for {timeout:.0f} s") from exc
        try:
            yield
        finally:
            lock.release()

    def new_generation(self) -> Path:
        """An empty folder for the next install (the caller holds the lock). What is neither a generation nor
        the pointer is an older rodeo's layout (one venv in the folder itself, a stamp) or a pointer's
        half-written copy, and goes."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for entry in self.folder.iterdir():
            if entry.name.startswith("g-") or entry.name == self._pointer.name:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
        return Path(tempfile.mkdtemp(prefix="g-", dir=self.folder))

    def publish(self, generation: Path, what: str, now: float | None = None) -> None:
        """Make ``generation`` current, atomically; retire the one it replaces and remove those retired
        for longer than :data:`RETIRED_FOR` (the caller holds the lock)."""
        now = time.time() if now is None else now
        before = self.current()
        if before is not None and before.folder != generation:   # marked first: a generation without a
            (before.folder / ".rodeo-retired").write_text(f"{now}\n", encoding="utf-8")   # mark is a dead install
        fd, tmp = tempfile.mkstemp(prefix=".current-", dir=self.folder)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"generation": generation.name, "installed": what, "at": now}, fh)
        os.replace(tmp, self._pointer)
        self._sweep(generation, now)

    def _sweep(self, keep: Path, now: float) -> None:
        """Remove what no cell can be running: a generation retired a day ago, and one never made current
        (its install died with its process; installs happen only under the lock the caller holds)."""
        for old in self.folder.glob("g-*"):
            if old == keep:
                continue
            try:
                retired = float((old / ".rodeo-retired").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                retired = None
            if retired is None or now - retired > RETIRED_FOR:
                shutil.rmtree(old, ignore_errors=True)


def installed(cache_root: Path, name: str, version: str | None = None, executable: str | None = None) -> Path | None:
    """The executable of a manager rodeo installed into its cache (``<cache>/tools/<name>-<version>``, the
    current generation's), or None: for tools and benchmarks that run the same manager outside a cell."""
    from rodeo_action import host
    from rodeo_action.managers import Target

    now = ToolHome(cache_root / "tools" / f"{name}-{version or 'latest'}").current()
    if now is None:
        return None
    target = Target(host.family())
    exe = Path(target.join(target.bin_dir(str(now.folder)), target.exe(executable or name)))
    return exe if exe.exists() else None
