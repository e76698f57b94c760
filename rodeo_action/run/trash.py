"""Deleting cells' folders off the critical path.

Deleting an environment in-process costs 0.1 s for cartopy + xgcm (6,500 files) and about a second
for tensorflow - time the repro never pays, so it is kept off the cell's time: a folder is renamed
to ``.rodeo-trash-<name>`` at once, then deleted by an ``rm -rf`` child that overlaps the next cell
(or the job's next step). One :class:`Trash` per command (``RunOptions.trash``) holds its ``rm``
processes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

TRASH_PREFIX = ".rodeo-trash-"


@dataclass
class Trash:
    """The ``rm`` processes of one command's finished cells, and the work folders already cleaned.

    The ``rm`` stays in rodeo's own session (a sweep never takes it for a cell's leftover; a Ctrl-C
    at the terminal reaches it), gets an environment with nothing but PATH (no secret for a cell to
    read in ``/proc``), and is reaped by rodeo. ``rodeo run`` does not wait for the last one: it may
    outlive rodeo by the time a deletion takes, on a folder clearly named as trash. ``rodeo local``
    waits for them before it returns (:meth:`wait`). Whatever a crash leaves - a trash folder half
    deleted - the first discard of the next rodeo in the same work folder deletes too.
    """

    _pending: list[subprocess.Popen[bytes]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _seen: set[Path] = field(default_factory=set)        # work folders whose stale trash this command removed

    def discard(self, folder: Path, now: bool = False) -> None:
        """Remove a cell's folder: renamed at once, deleted by an ``rm`` in the background.

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
        with self._lock:
            self._pending[:] = [p for p in self._pending if p.poll() is None]
            if folder.parent not in self._seen:    # what an earlier rodeo left: once per work folder
                self._seen.add(folder.parent)
                try:
                    targets += [str(e) for e in folder.parent.iterdir()
                                if e.name.startswith(TRASH_PREFIX) and e != trash]
                except OSError:
                    pass
            try:
                self._pending.append(subprocess.Popen([rm, "-rf", "--", *targets], stdin=subprocess.DEVNULL,
                                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                                      env={"PATH": os.environ.get("PATH", os.defpath)}))
                return
            except OSError:
                pass
        shutil.rmtree(trash, ignore_errors=True)

    def wait(self, timeout: float = 60.0) -> int:
        """Wait (at most ``timeout`` seconds) for the folders being deleted; how many ``rm`` still run."""
        end = time.monotonic() + timeout
        with self._lock:
            pending = list(self._pending)
        for proc in pending:
            try:
                proc.wait(timeout=max(0.0, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        with self._lock:
            self._pending[:] = [p for p in self._pending if p.poll() is None]
            return len(self._pending)
