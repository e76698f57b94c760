"""The cell's log: one file per cell that every step writes to, read back for causes and the tail.

A write that fails does not fail the cell: past ``ulimit -f`` (EFBIG) the log is cut a little
below the limit with a note and goes on; on a full disk rodeo stops writing it and the note goes to
the result's log tail instead (:attr:`CellLog.problem`). At the end the log is redacted on disk and
its last part becomes the result's ``log_tail`` (:func:`finish_log`).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import IO, Any

from rodeo_action import host
from rodeo_action.results import Redactor

LOG_READ_CAP = 4 << 20     # a step's output read back for its cause: at most this much (head + tail)
TAIL_READ = 256 << 10      # the log tail is read from at most this much of the log's end


class CellLog:
    """The cell's log file; knows where each step's output starts so causes read only that.

    Written with ``os.write`` on the file's descriptor, which the steps share as their stdout.
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
            write_all(self.fd, data)
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
            write_all(self.fd, f"\n# rodeo: the log was {self.problem}\n".encode() + data[-4096:])
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


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


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
