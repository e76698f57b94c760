"""Shared fixtures: one download cache for the whole test run, and the CLI as a user runs it.

The suite runs on pytest-xdist workers (``-n auto --dist loadgroup`` in pyproject's addopts; ``-n 0``
runs it in one process): what a session builds is built once per worker, in that worker's own folders,
and what the workers share (pytest's cache folder) is written under a file lock (:func:`held`).
"""

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
from filelock import FileLock

ROOT = Path(__file__).resolve().parent.parent


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one worker a core, at least two (the slow tests wait on installs, act and Chromium,
    not on this CPU), at most four (each worker fills its own download cache)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(2, min(4, cores))


LOADGROUP_LOST = pytest.StashKey[str]()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On an xdist worker, notice when ``--dist loadgroup`` would ignore the xdist_group marks: pytest-xdist
    3.8 tags a grouped test by rewriting its node id, which pytest 9.2 ignores (pytest-xdist#1386), and
    two act runs or apt installs at once, or a group's costly fixture built twice, must not pass silently."""
    if getattr(config.option, "loadgroup", False) and any(
            "@" not in item.nodeid.rsplit("]", 1)[-1] for item in items if any(item.iter_markers("xdist_group"))):
        config.stash[LOADGROUP_LOST] = ("--dist loadgroup ignores this test's xdist_group (pytest-xdist#1386; "
                                        "the test extra pins pytest<9.2): run with -n 0 meanwhile")


def pytest_runtest_setup(item: pytest.Item) -> None:
    lost = item.config.stash.get(LOADGROUP_LOST, None)
    if lost and any(item.iter_markers("xdist_group")):
        pytest.fail(lost, pytrace=False)


def held(folder: Path) -> FileLock:
    """A lock beside ``folder`` (in pytest's cache, which every xdist worker shares): the first worker
    that needs a tool installs it there while the others wait, instead of two writing one venv."""
    return FileLock(f"{folder}.lock")


@pytest.fixture(scope="session")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """RODEO_CACHE_DIR for every test: managers' downloads and bootstrapped tools are reused.

    Set RODEO_TEST_CACHE to keep it across test runs: a folder in it per xdist worker (gw0, gw1, ...;
    rodeo's tool installs into it are locked within one process only).
    """
    keep = os.environ.get("RODEO_TEST_CACHE")
    if keep:
        folder = Path(keep) / os.environ.get("PYTEST_XDIST_WORKER", "main")
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("rodeo-cache")


@pytest.fixture
def cli_env(shared_cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "RODEO_"))}
    env["RODEO_CACHE_DIR"] = str(shared_cache)
    # the caching index is tested where it is the subject (tests/cacheindex, tests/run/test_lock_real.py,
    # which turn it back on); elsewhere a CLI run would start a proxpi for nothing it checks
    env["RODEO_CACHING_INDEX"] = "0"
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
