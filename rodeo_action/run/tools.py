"""Where each manager's executable is found, or installed: a PyPI-hosted manager (pdm, poetry,
hatch, pipenv, uv, ...) missing from PATH is installed into a cached venv of its own, once, and its
version line is cached on disk so that a cell need not start a Python to ask it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from rodeo_action import host
from rodeo_action.managers import ManagerInfo, Target
from rodeo_action.managers.base import Step
from rodeo_action.run.supervise import Supervisor

if TYPE_CHECKING:
    from rodeo_action.run.options import RunOptions

TOOL_REFRESH = 24 * 3600   # re-install a "latest" tool after a day


class Unavailable(Exception):
    """The manager or interpreter a cell needs is not on this machine."""


@dataclass
class ToolBox:
    """What the cells of one command know about their tools (``RunOptions.tools``).

    A lock per tool makes parallel cells wait for one setup instead of racing to install the same
    thing; the Pythons found and the version lines read are kept for the next cell.
    """

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

    def locate(self, options: RunOptions, info: ManagerInfo, version: str | None, env: dict[str, str],
               steps: Supervisor) -> str:
        """The manager's executable at ``version`` (any, if None): on PATH, else installed by :meth:`install`."""
        assert info.executable is not None
        with self._lock(f"{info.name}-{version}"):
            found = shutil.which(info.executable, path=search_path(options))
            if found and (version is None or has_version(self.version(options, found, info, env, steps.deadline),
                                                         version)):
                return found
            if info.pypi is None:
                where = "on PATH" if not found else f"at version {version} (found {found})"
                hint = f"; {info.unavailable_hint}" if info.unavailable_hint else ""
                raise Unavailable(f"{info.executable} not found {where}{hint}")
            return self.install(options, info, version, env, steps)

    def install(self, options: RunOptions, info: ManagerInfo, version: str | None, env: dict[str, str],
                steps: Supervisor) -> str:
        """Install a PyPI-hosted manager into ``<cache>/tools/<name>-<version>`` (with uv when it is on
        PATH, else ``python -m venv`` + pip), once per machine (:mod:`rodeo_action.run.toolhome`); a
        "latest" install is refreshed after a day."""
        from rodeo_action.run.toolhome import Busy, ToolHome

        assert info.pypi is not None and info.executable is not None
        target, executable = Target(host.family()), info.executable
        home = ToolHome(options.cache_root / "tools" / f"{info.name}-{version or 'latest'}")
        requirement = f"{info.pypi}=={version}" if version else info.pypi

        def fill(folder: Path) -> bool:
            steps.log.say(f"# {info.name} is not on PATH: installing {requirement} into {folder}")
            for step in venv_install(options, info.name, folder, (requirement, *_through_cache(options, steps))):
                code = steps.run(step, env)
                if code != 0:
                    raise Unavailable(f"could not install {requirement} from PyPI (exit {code}); see the log")
            return True

        try:
            found = home.ensure(requirement, lambda folder: target.join(target.bin_dir(str(folder)),
                                                                         target.exe(executable)),
                                fill, None if version else TOOL_REFRESH)
        except Busy as exc:
            raise Unavailable(str(exc)) from exc
        assert found is not None    # fill succeeds or raises
        return found

    def version(self, options: RunOptions, tool: str, info: ManagerInfo, env: dict[str, str], deadline: float) -> str:
        """The tool's own version line, e.g. "uv 0.9.5" (cached per executable, in memory and on disk).

        A Python tool's ``--version`` is a whole interpreter start-up plus the tool's imports (about
        0.4 s for hatch or poetry), paid by every cell. The line is kept in the cache folder, keyed
        by the executable's inode, size, mtime and ctime: reinstalling or upgrading a tool rewrites
        its executable (or entry-point script) and so asks again.
        """
        if tool in self._versions:
            return self._versions[tool]
        key = _identity(tool, info.version_args)
        cache = VersionFile(options.cache_root / "tools" / "versions.json")
        with self._guard:
            known = cache.read()
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
                cache.remember(key, line)
        return self._versions[tool]


def _through_cache(options: RunOptions, steps: Supervisor) -> tuple[str, ...]:
    """``--index-url`` of the command's caching index for the index tools come from (the machine's
    ``PIP_INDEX_URL``, else PyPI), so that a tool is downloaded once too; nothing when there is none."""
    if options.indexes is None:
        return ()
    from rodeo_action.managers.pypi import DEFAULT_INDEX

    url = options.indexes.url_for(options.environ.get("PIP_INDEX_URL") or DEFAULT_INDEX, options, steps)
    return ("--index-url", url) if url else ()


def venv_install(options: RunOptions, name: str, home: Path, args: tuple[str, ...]) -> list[Step]:
    """A venv at ``home`` for a PyPI-hosted tool ``name`` and ``pip install ARGS`` into it: with uv when it
    is on PATH (not for uv itself), else ``python -m venv`` + pip; rodeo's own Python is the venv's."""
    target = Target(host.family())
    python = target.venv_python(str(home))
    uv = shutil.which("uv", path=search_path(options))
    if uv and name != "uv":
        return [Step("setup", (uv, "venv", "--quiet", "--python", sys.executable, str(home))),
                Step("setup", (uv, "pip", "install", "--quiet", "--python", python, *args))]
    return [Step("setup", (sys.executable, "-m", "venv", str(home))),
            Step("setup", (python, "-m", "pip", "install", "--quiet", *args))]


def search_path(options: RunOptions) -> str:
    """Where managers are looked for: the command's PATH, then the folder of rodeo's own Python."""
    return os.pathsep.join([options.environ.get("PATH", os.defpath), str(host.own_bin_dir())])


@dataclass(frozen=True)
class VersionFile:
    """The version lines of installed tools, on disk (``<cache>/tools/versions.json``), keyed by
    :func:`_identity`; shared with other rodeo processes, so written atomically."""

    path: Path

    def read(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def remember(self, key: str, line: str) -> None:
        """Add one entry, atomically (another rodeo may read the file meanwhile); never fails a cell."""
        try:
            known = {k: v for k, v in self.read().items() if _still_there(k)}
            known[key] = line
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".versions-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(known, fh, indent=0, sort_keys=True)
            os.replace(tmp, self.path)
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


def tool_version(version_line: str) -> str | None:
    """The release a ``--version`` line names, as the line spells it: "2.29.4" of "PDM, version 2.29.4",
    "0.13.9" of "uv 0.13.9 (x86_64-unknown-linux-gnu)"; None when no word is a dotted PEP 440 version.
    The repro installs exactly this release, as the cell ran it."""
    from packaging.version import InvalidVersion, Version

    for word in re.split(r"[\s,;()]+", version_line):
        word = word.rstrip(".")
        if re.match(r"\d+\.\d", word):
            try:
                Version(word)
            except InvalidVersion:
                continue
            return word
    return None


def has_version(version_line: str, version: str) -> bool:
    """Whether a tool's ``--version`` line names exactly ``version`` ("uv 0.9.5" has 0.9.5, not 0.9.50)."""
    return re.search(rf"(?<![\w.]){re.escape(version)}(?![\w.]|\.\d)", version_line) is not None
