"""Write the site's pages into DIR: each file atomically, and never through a link out of DIR.

DIR is the user's: it may exist (a previous site is updated in place), and DIR itself may be a
symbolic link (the user named it). Inside it, every file is written to a temporary name and renamed
over its page, so a reader never sees half a page; a symbolic link found where a page goes is
*replaced* by the page, never written through, and a subfolder (``cells/``) that is a link or not a
folder is refused before anything is written, so no file outside DIR is ever created or replaced.
Folders are opened by descriptor (``dir_fd``) with ``O_NOFOLLOW`` where the platform has it, so a
link swapped in while the site is written is not followed either. Pages of an earlier site that this
one does not make (cells since removed) are left as they are: the index links only to this run's.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from rodeo_action.results import OutputError

_DIR_FD = os.open in os.supports_dir_fd and os.replace in os.supports_dir_fd and hasattr(os, "O_DIRECTORY")


def _folder(parent: int | None, path: Path, name: str | None) -> int | None:
    """Open (making it when missing) ``name`` in the folder ``parent`` (or ``path`` itself) as a
    descriptor, refusing a link or a non-folder; None where descriptors are not supported."""
    shown = path if name is None else path / name
    try:
        if name is None:
            path.mkdir(parents=True, exist_ok=True)
        elif not _DIR_FD:
            if shown.is_symlink() or (shown.exists() and not shown.is_dir()):
                raise OutputError(shown, "is a link or a file; the site writes a folder of that name")
            shown.mkdir(exist_ok=True)
        else:
            try:
                os.mkdir(name, 0o755, dir_fd=parent)
            except FileExistsError:
                pass
        if not _DIR_FD:
            return None
        flags = os.O_RDONLY | os.O_DIRECTORY | (os.O_NOFOLLOW if name is not None else 0)
        return os.open(str(path) if name is None else name, flags, dir_fd=None if name is None else parent)
    except OutputError:
        raise
    except (NotADirectoryError, FileExistsError):
        raise OutputError(shown, "is a file; --html expects a folder (it is created when missing)") from None
    except OSError as exc:
        if name is not None and exc.errno is not None and os.path.islink(shown):
            raise OutputError(shown, "is a symbolic link; the site never writes through a link in its folder "
                              "(remove it, or choose another folder)") from None
        raise OutputError(shown, f"cannot be made or opened ({exc.strerror or exc}); --html expects a folder "
                          "you can write", exc.errno) from None


def _put(folder: int | None, where: Path, name: str, text: str) -> None:
    """``text`` into ``name`` of the folder: a temporary file, then a rename over the old page (or link)."""
    data = text.encode("utf-8", "surrogateescape")
    tmp = f".{name}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    target = where / name
    try:
        if folder is not None:
            try:
                old = os.stat(name, dir_fd=folder, follow_symlinks=False)
            except FileNotFoundError:
                old = None
            if old is not None and stat.S_ISDIR(old.st_mode):
                raise OutputError(target, "is a folder; the site writes a page of that name")
            fd = os.open(tmp, flags, 0o644, dir_fd=folder)
        else:
            if target.is_dir() and not target.is_symlink():
                raise OutputError(target, "is a folder; the site writes a page of that name")
            fd = os.open(where / tmp, flags, 0o644)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            if folder is not None:
                os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
            else:
                os.replace(where / tmp, target)
        except BaseException:
            try:
                if folder is not None:
                    os.unlink(tmp, dir_fd=folder)
                else:
                    (where / tmp).unlink()
            except OSError:
                pass
            raise
    except OutputError:
        raise
    except OSError as exc:
        raise OutputError(target, f"cannot be written ({exc.strerror or exc})", exc.errno) from None


def write(pages: Iterable[tuple[str, str]], folder: Path) -> int:
    """Write every (relative path, text) page into ``folder``; returns how many bytes were written.
    Paths have at most one folder part (``cells/x.html``), made by :mod:`.pages`."""
    opened: dict[str, int | None] = {}
    total = 0
    try:
        opened[""] = _folder(None, folder, None)
        for rel, text in pages:
            sub, _, name = rel.rpartition("/")
            if "/" in sub or name in ("", ".", "..") or sub in (".", ".."):
                raise ValueError(f"not a site path: {rel!r}")
            if sub not in opened:
                opened[sub] = _folder(opened[""], folder, sub)
            _put(opened[sub], folder / sub if sub else folder, name, text)
            total += len(text.encode("utf-8", "surrogateescape"))
    finally:
        for fd in opened.values():
            if fd is not None:
                os.close(fd)
    return total


__all__ = ["write"]
