"""Fixtures of tests/managers: poetry, pdm, pipenv and hatch, really installed, first on PATH.

The tools come from a venv per tool, pinned, built once and kept in pytest's cache folder (with
uv when it is on PATH, else venv + pip), so a fresh machine needs nothing installed beforehand.
pdm 2.29.4 breaks with hishel 2 (``module 'hishel' has no attribute 'SyncSqliteStorage'``), so
its venv pins ``hishel<2``. Only the real-install tests (marked ``network``) ask for them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.fixture(scope="session")
def tools_bin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding poetry, pdm, pipenv and hatch, for PATH; skips only if they cannot be installed."""
    cache = getattr(request.config, "cache", None)
    root = Path(cache.mkdir("rodeo-pypi-tools")) if cache is not None else tmp_path_factory.mktemp("tools")
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
        if link.is_symlink() or link.exists():
            link.unlink()
        link.symlink_to(exe)
    return bin_dir


@pytest.fixture
def real_env(cli_env: dict[str, str], tools_bin: Path) -> dict[str, str]:
    """The CLI's environment with the tools first on PATH and the host's pip configuration left out.

    A machine-wide pip.conf (extra indexes, find-links) would reach pip-based tools and blur
    what the cell's own index settings did.
    """
    env = {k: v for k, v in cli_env.items() if k not in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS")}
    env["PATH"] = os.pathsep.join([str(tools_bin), env.get("PATH", os.defpath)])
    env["PIP_CONFIG_FILE"] = os.devnull
    return env
