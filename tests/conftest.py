"""Shared fixtures: one download cache for the whole test run, and the CLI as a user runs it."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RODEO_CACHE_DIR for every test: managers' downloads and bootstrapped tools are reused.

    Set RODEO_TEST_CACHE to keep it across test runs (as .ci/run does).
    """
    keep = os.environ.get("RODEO_TEST_CACHE")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        return Path(keep)
    return tmp_path_factory.mktemp("rodeo-cache")


@pytest.fixture
def cli_env(shared_cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RODEO_"))}
    env["RODEO_CACHE_DIR"] = str(shared_cache)
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.fixture
def rodeo(cli_env: dict[str, str], tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m rodeo_action ARGS`` in tmp_path, as a user would."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 600,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "rodeo_action", *args], cwd=cwd or tmp_path,
                              env=env or cli_env, capture_output=True, text=True, timeout=timeout)

    return run


def write_config(folder: Path, text: str, name: str = "rodeo.yml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_result(folder: Path, cell_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / f"{cell_id}.json").read_text(encoding="utf-8"))
    return data


def build_wheel(folder: Path, name: str, version: str, files: dict[str, str]) -> Path:
    """A real, minimal pure-Python wheel (PEP 427) holding ``files`` - for packages that must misbehave."""
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    contents = dict(files)
    contents[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    contents[f"{info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: rodeo-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = []
    for path, text in contents.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(text.encode())}")
    record.append(f"{info}/RECORD,,")
    contents[f"{info}/RECORD"] = "\n".join(record) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    wheel = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path, text in contents.items():
            zf.writestr(path, text)
    return wheel


def host_cell(manager: str, set_name: str = "all") -> str:
    """The id of a cell for this machine's OS label and Python."""
    from rodeo_action.config import host_os_label, host_python

    return f"{manager}-{set_name}-{host_os_label()}-py{host_python()}"
