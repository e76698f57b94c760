"""What this machine offers a cell: its OS, its Python interpreters, a clean environment.

Kept apart from the runner so the rules (which variables are secrets, where Pythons live)
are small, testable functions.
"""

from __future__ import annotations

import glob
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rodeo_action.managers.base import Family

# A package's build and import code is untrusted: none of these may reach it.
_SECRET = re.compile(r"TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|API_?KEY|PRIVATE_?KEY|AUTH", re.I)
_DROP_PREFIXES = ("ACTIONS_", "GITHUB_TOKEN", "RODEO_GITHUB")
# Variables that would leak rodeo's own environment into the one under test.
_DROP = frozenset({"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONNOUSERSITE",
                   "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "PIP_REQUIRE_VIRTUALENV", "__PYVENV_LAUNCHER__",
                   "PIPENV_ACTIVE", "POETRY_ACTIVE", "PDM_PROJECT", "UV_PROJECT_ENVIRONMENT"})


def is_secret(name: str) -> bool:
    return bool(_SECRET.search(name)) or name.startswith(_DROP_PREFIXES)


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


def python_facts(interpreter: str) -> PythonFacts | None:
    """Run ``interpreter`` once; None when it does not run (a pyenv shim for a version pyenv lacks).

    The interpreter running rodeo (or its base) answers in-process: the common case costs no process.
    """
    base = getattr(sys, "_base_executable", None) or sys.executable
    if interpreter in (base, sys.executable):
        import ensurepip

        return PythonFacts(interpreter, platform.python_version(), ensurepip.version() or None)
    try:
        proc = subprocess.run([interpreter, "-I", "-c", _FACTS], capture_output=True, text=True, timeout=20)
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
