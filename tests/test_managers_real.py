"""poetry, pdm, pipenv, hatch and apt installing real packages, through ``rodeo run --cell`` as a user runs it.

Each cell really creates its environment with the real tool and installs from the real index:
``six`` + ``docrep`` pass (docrep is an sdist, so a build runs too), ``six==99.0`` fails in
``install``, a distribution imported under the wrong name (``import:`` set wrong) fails in
``import``, and an index that does not exist fails in ``install`` - proving ``index-url`` reaches
the manager. One download cache serves the whole run (``shared_cache``).

The tools come from a venv per tool, pinned, built once and kept in pytest's cache folder (with
uv when it is on PATH, else venv + pip), so a fresh machine needs nothing installed beforehand.
pdm 2.29.4 breaks with hishel 2 (``module 'hishel' has no attribute 'SyncSqliteStorage'``), so
its venv pins ``hishel<2``.
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
from conftest import host_cell, load_result, write_config

from rodeo_action.config import host_os_label, host_python

pytestmark = pytest.mark.network

TOOLS: dict[str, tuple[str, ...]] = {
    "poetry": ("poetry==2.5.1",),
    "pdm": ("pdm==2.29.4", "hishel<2"),
    "pipenv": ("pipenv==2026.10.3",),
    "hatch": ("hatch==1.18.2",),
}
PYPI_FAMILY = tuple(TOOLS)
Run = Callable[..., subprocess.CompletedProcess[str]]


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


def run_cell(rodeo: Run, tmp_path: Path, env: dict[str, str], manager: str, config: str) -> dict[str, Any]:
    header = f"managers: [{manager}]\npython: [\"{host_python()}\"]\nos: [{host_os_label()}]\n"
    write_config(tmp_path, header + config)
    cell = host_cell(manager)
    proc = rodeo("run", "--cell", cell, "--config", "rodeo.yml", "--output", "out", env=env, timeout=600)
    assert proc.returncode == 0, proc.stderr
    result = load_result(tmp_path / "out", cell)
    result["log"] = (tmp_path / "out" / f"{cell}.log").read_text(encoding="utf-8")
    return result


# ------------------------------------------------------------------------------ the PyPI family


@pytest.mark.parametrize("manager", PYPI_FAMILY)
def test_installs_six_and_docrep(manager: str, rodeo: Run, tmp_path: Path, real_env: dict[str, str]) -> None:
    result = run_cell(rodeo, tmp_path, real_env, manager, "packages: [six, docrep]\n")
    assert result["status"] == "pass", result["log"]
    assert result["imports"] == {"six": "ok", "docrep": "ok"}
    assert {"six", "docrep"} <= set(result["resolved"])
    assert result["python_version"].startswith(host_python() + ".")
    assert manager in result["manager_version"].lower()
    assert set(result["durations"]) >= {"create", "install", "import"}
    assert ".venv" in result["repro"]


@pytest.mark.parametrize("manager", PYPI_FAMILY)
def test_missing_version_fails_in_install(manager: str, rodeo: Run, tmp_path: Path,
                                          real_env: dict[str, str]) -> None:
    result = run_cell(rodeo, tmp_path, real_env, manager, 'packages: ["six==99.0"]\n')
    assert (result["status"], result["phase"]) == ("fail", "install"), result["log"]
    assert result["cause"]["kind"] in ("no-matching-distribution", "conflict"), result["cause"]


@pytest.mark.parametrize("manager", PYPI_FAMILY)
def test_wrong_import_name_fails_in_import(manager: str, rodeo: Run, tmp_path: Path,
                                           real_env: dict[str, str]) -> None:
    """python-dateutil installs the module ``dateutil``; importing ``python_dateutil`` must fail."""
    config = "packages:\n  - name: python-dateutil\n    import: [python_dateutil]\n"
    result = run_cell(rodeo, tmp_path, real_env, manager, config)
    assert (result["status"], result["phase"]) == ("fail", "import"), result["log"]
    assert result["cause"]["kind"] == "import-error"
    assert result["imports"]["python_dateutil"].startswith("ModuleNotFoundError")
    assert "python-dateutil" in result["resolved"]


@pytest.mark.parametrize("manager", PYPI_FAMILY)
def test_index_url_reaches_the_manager(manager: str, rodeo: Run, tmp_path: Path,
                                       real_env: dict[str, str]) -> None:
    """An index that does not exist: had the manager fallen back to PyPI, ``six`` would install."""
    config = "packages: [six]\nindex-url: https://pypi.org/rodeo-no-such-index/simple/\n"
    result = run_cell(rodeo, tmp_path, real_env, manager, config)
    assert (result["status"], result["phase"]) == ("fail", "install"), result["log"]
    assert "rodeo-no-such-index" in result["log"]


# ------------------------------------------------------------------------------ apt


def _apt_usable() -> str | None:
    """Why apt cannot run here, or None: it needs Debian/Ubuntu and root (or sudo without a password)."""
    label = host_os_label()
    if not label.startswith(("debian", "ubuntu")) or shutil.which("apt-get") is None:
        return f"apt runs on Debian/Ubuntu only (this is {label})"
    if os.geteuid() != 0:
        sudo = shutil.which("sudo")
        if sudo is None or subprocess.run([sudo, "-n", "true"], capture_output=True, check=False).returncode:
            return "apt-get needs root or password-less sudo"
    return None


apt_only = pytest.mark.skipif(_apt_usable() is not None, reason=str(_apt_usable()))


@apt_only
def test_apt_installs_six(rodeo: Run, tmp_path: Path, real_env: dict[str, str]) -> None:
    result = run_cell(rodeo, tmp_path, real_env, "apt", "packages: [six]\n")
    assert result["status"] == "pass", result["log"]
    assert result["imports"] == {"six": "ok"}
    assert "apt-get install -y -q --no-install-recommends python3-six" in result["log"]


@apt_only
def test_apt_unpackaged_name_fails_in_install(rodeo: Run, tmp_path: Path, real_env: dict[str, str]) -> None:
    """docrep has no Debian package (python3-docrep): apt says so, in install."""
    result = run_cell(rodeo, tmp_path, real_env, "apt", "packages: [six, docrep]\n")
    assert (result["status"], result["phase"]) == ("fail", "install"), result["log"]
    assert result["cause"]["kind"] == "not-packaged"
    assert "python3-docrep" in result["log"]


@apt_only
def test_apt_wrong_import_name_fails_in_import(rodeo: Run, tmp_path: Path, real_env: dict[str, str]) -> None:
    config = "packages:\n  - name: six\n    import: [sixx]\n"
    result = run_cell(rodeo, tmp_path, real_env, "apt", config)
    assert (result["status"], result["phase"]) == ("fail", "import"), result["log"]
    assert result["cause"]["kind"] == "import-error"
    assert result["imports"]["sixx"].startswith("ModuleNotFoundError")
