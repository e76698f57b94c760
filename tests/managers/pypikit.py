"""What the PyPI-family tests share: specs for every OS family, a recipe's commands and files, a real cell.

pip and uv (``spec``: a venv per cell), poetry, pdm, pipenv, hatch and apt (``make_spec``: a project
folder per cell), and :func:`run_cell`, which runs one cell with the real tool through
``rodeo run --cell`` as a user runs it (tests/managers/conftest.py puts the tools on PATH).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomllib

from rodeo_action.config import host_os_label, host_python
from rodeo_action.managers.base import CellSpec, Family, Recipe, Step, Target
from tests.conftest import host_cell, load_result, write_config

# ------------------------------------------------------------------------------ pip and uv: a venv per cell

WORK = {"linux": "/w/cell", "macos": "/w/cell", "windows": r"C:\w\cell"}
PY = {"linux": "/w/cell/.venv/bin/python", "macos": "/w/cell/.venv/bin/python",
      "windows": r"C:\w\cell\.venv\Scripts\python.exe"}


def spec(family: Family, **kw: object) -> CellSpec:
    base: dict[str, object] = dict(cell_id="x", python="3.12", target=Target(family), packages=(),
                                   requirements=("cartopy", "tensorflow>=2"), workdir=WORK[family], tool="uv",
                                   interpreter="/opt/py312/bin/python3.12")
    base.update(kw)
    return CellSpec(**base)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------ the project managers

FAMILIES: tuple[Family, ...] = ("linux", "macos", "windows")
PYPI_FAMILY = ("poetry", "pdm", "pipenv", "hatch")
HOSTILE = 'evil"\t]]\t[tool.evil] x = "{env:HOME}'   # line breaks: refused by CellSpec (test_commands_hostile)
MIRROR = "https://mirror.example/simple/"
EXTRA = ("https://extra-1.example/simple/", "https://extra-2.example/simple/")


def workdir(family: Family) -> str:
    return r"C:\cells\cell" if family == "windows" else "/cells/cell"


def interpreter(family: Family) -> str:
    return r"C:\Python311\python.exe" if family == "windows" else "/opt/python/3.11/bin/python3.11"


def make_spec(manager: str, family: Family = "linux", *, requirements: tuple[str, ...] = ("six", "docrep>=0.3"),
              python: str = "3.11", index_url: str | None = None, extra: tuple[str, ...] = (),
              cache_dir: str | None = "CACHE", interp: str | None = "default") -> CellSpec:
    os_label = {"linux": "ubuntu-latest", "macos": "macos-latest", "windows": "windows-latest"}[family]
    return CellSpec(cell_id=f"{manager}-all-{os_label}-py{python}", python=python, target=Target(family),
                    packages=(), requirements=requirements, workdir=workdir(family), tool=manager,
                    interpreter=interpreter(family) if interp == "default" else interp, index_url=index_url,
                    extra_index_urls=extra, cache_dir=cache_dir)


def commands(recipe: Recipe) -> list[tuple[str, list[str], str | None]]:
    return [(s.phase, list(s.argv), s.cwd) for s in recipe.steps if s.write is None]


def written(recipe: Recipe, name: str) -> list[Step]:
    return [s for s in recipe.steps if s.write is not None and s.write.replace("\\", "/").endswith("/" + name)]


def toml_of(recipe: Recipe, name: str) -> dict[str, Any]:
    """The last version written of ``name``, parsed."""
    return tomllib.loads(written(recipe, name)[-1].content)


def venv_python(family: Family) -> str:
    return (r"C:\cells\cell\.venv\Scripts\python.exe" if family == "windows"
            else "/cells/cell/.venv/bin/python")


# ------------------------------------------------------------------------------ real cells

Run = Callable[..., subprocess.CompletedProcess[str]]


def run_cell(rodeo: Run, tmp_path: Path, env: dict[str, str], manager: str, config: str) -> dict[str, Any]:
    header = f"managers: [{manager}]\npython: [\"{host_python()}\"]\nos: [{host_os_label()}]\n"
    write_config(tmp_path, header + config)
    cell = host_cell(manager)
    proc = rodeo("run", "--cell", cell, "--config", "rodeo.yml", "--output", "out", env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    result = load_result(tmp_path / "out", cell)
    result["log"] = (tmp_path / "out" / f"{cell}.log").read_text(encoding="utf-8")
    return result


def apt_usable() -> str | None:
    """Why apt cannot run here, or None: it needs Debian/Ubuntu and root (or sudo without a password)."""
    label = host_os_label()
    if not label.startswith(("debian", "ubuntu")) or shutil.which("apt-get") is None:
        return f"apt runs on Debian/Ubuntu only (this is {label})"
    if os.geteuid() != 0:
        sudo = shutil.which("sudo")
        if sudo is None or subprocess.run([sudo, "-n", "true"], capture_output=True, check=False).returncode:
            return "apt-get needs root or password-less sudo"
    return None


apt_only = pytest.mark.skipif(apt_usable() is not None, reason=str(apt_usable()))
