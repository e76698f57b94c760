"""What the PyPI-family tests share: specs for every OS family, a recipe's commands and files, a real cell.

pip and uv (``spec``: a venv per cell), poetry, pdm, pipenv, hatch and apt (``make_spec``: a project
folder per cell), and :func:`run_cell`, which runs one cell with the real tool through
``rodeo run --cell`` as a user runs it, the tools installed by :func:`install_tools`: a venv per tool,
pinned, built once and kept in pytest's cache folder (with uv when it is on PATH, else venv + pip),
so a fresh machine needs nothing installed beforehand.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomllib

from rodeo_action.config import host_os_label, host_python
from rodeo_action.managers.base import CellSpec, Family, Recipe, Step, Target
from tests.conftest import held, host_cell, load_result, write_config

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

# The tools, pinned: pdm 2.29.4 breaks with hishel 2 (``module 'hishel' has no attribute
# 'SyncSqliteStorage'``), so its venv pins ``hishel<2``.
TOOLS: dict[str, tuple[str, ...]] = {
    "poetry": ("poetry==2.5.1",),
    "pdm": ("pdm==2.29.4", "hishel<2"),
    "pipenv": ("pipenv==2026.10.3",),
    "hatch": ("hatch==1.18.2",),
}


def _install_tool(home: Path, requirements: tuple[str, ...]) -> None:
    """A venv at ``home`` holding ``requirements``: uv when available (seconds), else venv + pip."""
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    uv = shutil.which("uv") or shutil.which("uv", path=str(Path(sys.executable).parent))
    if uv:
        commands = [[uv, "venv", "--quiet", "--python", sys.executable, str(home)],
                    [uv, "pip", "install", "--quiet", "--python", str(python), *requirements]]
    else:
        commands = [[sys.executable, "-m", "venv", str(home)],
                    [str(python), "-m", "pip", "install", "--quiet", *requirements]]
    for argv in commands:
        subprocess.run(argv, check=True, capture_output=True, text=True, timeout=900)


def install_tools(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding poetry, pdm, pipenv and hatch, for PATH; skips only if they cannot be installed.

    Each module's session fixture ``tools_bin`` calls it (no conftest here: a second conftest module
    shadows tests/conftest.py); the stamp in pytest's cache folder makes a second call cheap. Every
    xdist worker calls it too: the lock makes one install while the others wait."""
    cache = getattr(request.config, "cache", None)
    root = Path(cache.mkdir("rodeo-pypi-tools")) if cache is not None else tmp_path_factory.mktemp("tools")
    with held(root):
        return _install_tools(root)


def _install_tools(root: Path) -> Path:
    """The tools' venvs in ``root`` and their links in ``root/bin``; a link already right is left alone
    (another worker's test may be running it), a wrong one replaced in one rename."""
    bin_dir = root / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name, requirements in TOOLS.items():
        home = root / name
        stamp = home / ".rodeo-test-installed"
        wanted = "\n".join(requirements)
        if not (stamp.exists() and stamp.read_text() == wanted):
            shutil.rmtree(home, ignore_errors=True)
            try:
                _install_tool(home, requirements)
            except (OSError, subprocess.SubprocessError) as exc:
                detail = getattr(exc, "stderr", "") or exc
                pytest.skip(f"cannot install {' '.join(requirements)} for the real-install tests: {detail}")
            stamp.write_text(wanted)
        exe = home / ("Scripts" if os.name == "nt" else "bin") / (f"{name}.exe" if os.name == "nt" else name)
        link = bin_dir / exe.name
        if not (link.is_symlink() and os.readlink(link) == str(exe)):
            fresh = bin_dir / f".{exe.name}.{os.getpid()}"
            fresh.unlink(missing_ok=True)
            fresh.symlink_to(exe)
            os.replace(fresh, link)
    return bin_dir


def real_environment(cli_env: dict[str, str], tools_bin: Path) -> dict[str, str]:
    """The CLI's environment with the tools first on PATH and the host's pip configuration left out.

    A machine-wide pip.conf (extra indexes, find-links) would reach pip-based tools and blur
    what the cell's own index settings did.
    """
    env = {k: v for k, v in cli_env.items() if k not in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS")}
    env["PATH"] = os.pathsep.join([str(tools_bin), env.get("PATH", os.defpath)])
    env["PIP_CONFIG_FILE"] = os.devnull
    return env



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
