"""A cell's full log, read from the results folder for its page: bounded, and only from where it belongs.

The log is ``<cell id>.log`` beside the cell's result file. The results folder is an artifact (data
someone else wrote), so the path is refused when the id is not a plain file name, when the folder it
lies in resolves outside the results folder, or when the log is a symbolic link, a FIFO or a device
(opened with ``O_NOFOLLOW | O_NONBLOCK``, checked on the open file). A log longer than the limit is
read from its end (where failures are), cut at a line start, and says how much was left out.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")


@dataclass(frozen=True)
class Log:
    """What was read of a log: its text (the end of it, when cut), its size, and how many bytes were left out."""

    text: str
    size: int
    omitted: int                     # bytes at the start that are not in ``text``
    path: str                        # where it was read, relative to the results folder


def log_path(results: Path, source: str | None, cell_id: str) -> Path | str:
    """The log's path for a cell whose result was read from ``source`` (relative to ``results``), or why none."""
    if source is None:
        return "its result was not read, so there is no log beside it"
    if not _PLAIN_ID.fullmatch(cell_id) or cell_id in (".", ".."):
        return "its id is not a plain file name; its log is not looked for"
    rel = Path(source)
    if rel.is_absolute() or ".." in rel.parts:
        return f"its result's path {source!r} is not inside the results folder; its log is not looked for"
    folder = (results / rel).parent
    try:
        root = os.path.realpath(results)
        real = os.path.realpath(folder)
    except OSError as exc:
        return f"its folder cannot be resolved ({exc.strerror})"
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        return "its folder lies outside the results folder (a symbolic link?); its log is not read"
    return folder / f"{cell_id}.log"


def read_log(results: Path, source: str | None, cell_id: str, limit: int) -> Log | str:
    """The end of the cell's log, at most ``limit`` bytes (decoded, undecodable bytes replaced), or why none."""
    path = log_path(results, source, cell_id)
    if isinstance(path, str):
        return path
    shown = str(Path(source or "").parent / path.name)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return f"no log {shown} beside its result"
    except OSError as exc:
        return f"{shown} cannot be read ({exc.strerror}; a symbolic link is never followed)"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return f"{shown} is not a regular file; not read"
        size = info.st_size
        start = max(0, size - limit)
        os.lseek(fd, start, os.SEEK_SET)
        chunks: list[bytes] = []
        left = size - start
        while left > 0:
            got = os.read(fd, min(left, 1 << 20))
            if not got:
                break
            chunks.append(got)
            left -= len(got)
    except OSError as exc:
        return f"{shown} cannot be read ({exc.strerror})"
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if start and b"\n" in raw:
        cut = raw.index(b"\n") + 1      # from a line's start
        raw = raw[cut:]
        start += cut
    return Log(raw.decode("utf-8", errors="replace"), size, start, shown)


__all__ = ["Log", "log_path", "read_log"]
