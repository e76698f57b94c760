"""Cells through the caching index, for real: pip, uv, poetry and pipenv read a local upstream index
(tests/pyindex.py) through proxpi; each file crosses to the upstream once for all of them; what a
person gets (the repro, the lock) names the upstream, never the caching index, and the lock installs as
written with the manager alone; a down upstream is the upstream's ``network``, a full cache disk is
``disk-full``; two commands never share one cache folder."""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyindex import Index

from rodeo_action.cacheindex.service import CachingIndexes
from rodeo_action.results import Result
from rodeo_action.run import RunOptions
from rodeo_action.run.celllog import CellLog
from rodeo_action.run.supervise import Supervisor
from rodeo_action.run.tools import _through_cache
from tests.managers.pypikit import install_tools, real_environment
from tests.run.cellkit import config_text, run_one

pytestmark = pytest.mark.network


@pytest.fixture(scope="module")
def tools_bin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_tools(request, tmp_path_factory)


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[Index]:
    with Index(tmp_path / "upstream") as index:
        index.publish("six", "1.0")
        index.publish("tiny-app", "1.0", requires=["six"])
        yield index


def _env(tools_bin: Path) -> dict[str, str]:
    env = real_environment({k: v for k, v in os.environ.items() if not k.startswith("RODEO_")}, tools_bin)
    return {**env, "PIP_RETRIES": "0", "PIP_TIMEOUT": "5"}


def _cells(tmp_path: Path, cache: Path, upstream_url: str, managers: tuple[str, ...], env: dict[str, str],
           caching: CachingIndexes, packages: str = "[tiny-app]") -> dict[str, Result]:
    text = config_text(packages, f"[{', '.join(managers)}]", extra=f"retries: 0\nindex-url: {upstream_url}\n")
    return {m: run_one(tmp_path, text, m, cache, environ=env, indexes=caching) for m in managers}


def test_four_managers_fetch_each_file_once_and_hand_over_the_real_index(
        tmp_path: Path, shared_cache: Path, tools_bin: Path, upstream: Index) -> None:
    env = _env(tools_bin)
    with CachingIndexes(tmp_path / "ci", env) as caching:
        results = _cells(tmp_path, shared_cache, upstream.url, ("pip", "uv", "poetry", "pipenv"), env, caching)
    for manager, result in results.items():
        assert result.status == "pass", (manager, result.log_tail)
        log = (tmp_path / "out" / f"{result.cell.id}.log").read_text()
        assert f"# rodeo: reading {upstream.url} through the caching index http://127.0.0.1:" in log, manager
        assert "127.0.0.1:" + str(upstream.port) in result.repro and "/index/" not in result.repro, manager
    assert sorted(upstream.fetched()) == ["six-1.0-py3-none-any.whl", "tiny_app-1.0-py3-none-any.whl"]
    for folder in (tmp_path / "out").glob("*.lock"):
        for file in folder.iterdir():
            text = file.read_text()
            assert "/index" not in text, (file, "the caching index's URL is in a lock")
    # the project managers' locks install as written, with the manager alone, from the real index
    for manager, command in (("poetry", ["poetry", "sync", "--no-interaction"]), ("pipenv", ["pipenv", "sync"])):
        copy = tmp_path / f"by-hand-{manager}"
        copy.mkdir()
        for file in (tmp_path / "out" / f"{results[manager].cell.id}.lock").iterdir():
            if file.name != "tool-requirements.txt":
                (copy / file.name).write_bytes(file.read_bytes())
        proc = subprocess.run(command, cwd=copy, capture_output=True, text=True, timeout=300,
                              env={**env, "POETRY_VIRTUALENVS_IN_PROJECT": "true", "PIPENV_VENV_IN_PROJECT": "1",
                                   "POETRY_CACHE_DIR": str(copy / ".pc"), "PIPENV_CACHE_DIR": str(copy / ".pc")})
        assert proc.returncode == 0, (manager, proc.stdout[-2000:], proc.stderr[-2000:])
        assert "changed significantly" not in proc.stdout + proc.stderr
        assert list(copy.glob(".venv/lib/python*/site-packages/tiny_app")), manager


def test_an_upstream_that_is_down_is_the_upstreams_network_failure(
        tmp_path: Path, shared_cache: Path, tools_bin: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}/simple/"
    env = _env(tools_bin)
    with CachingIndexes(tmp_path / "ci", env) as caching:
        results = _cells(tmp_path, shared_cache, closed, ("pip", "uv"), env, caching, "[six]")
    for manager, result in results.items():
        assert result.cause is not None and result.cause.kind == "network", (manager, result.cause)
        assert closed.split("/")[2] in result.cause.summary, (manager, result.cause)   # the upstream's host:port
        assert "connection refused" in result.cause.summary


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.geteuid() != 0, reason="mounts a small tmpfs")
def test_a_full_cache_disk_is_disk_full(tmp_path: Path, shared_cache: Path, tools_bin: Path,
                                        upstream: Index) -> None:
    upstream.publish("big", "1.0", modules={"big/__init__.py": "", "big/data.txt":
                                            base64.b64encode(os.urandom(300_000)).decode()})
    small = tmp_path / "small"
    small.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    env = _env(tools_bin)
    try:
        with CachingIndexes(small / "ci", env) as caching:
            result = _cells(tmp_path, shared_cache, upstream.url, ("pip",), env, caching, "[big]")["pip"]
    finally:
        subprocess.run(["umount", "-l", str(small)], check=False)
    assert result.cause is not None and result.cause.kind == "disk-full", result.cause
    assert result.cause.summary.startswith("rodeo's caching index: no space left on device in " + str(small)[:40])


def test_two_commands_never_share_a_cache_folder(tmp_path: Path, shared_cache: Path, upstream: Index) -> None:
    options = RunOptions(output=tmp_path / "out", environ=dict(os.environ), cache_root=shared_cache)
    path = tmp_path / "cell.log"
    with open(path, "w+b") as fh:
        steps = Supervisor(CellLog(fh, path), time.monotonic() + 600)
        with CachingIndexes(tmp_path / "ci", os.environ) as first, CachingIndexes(tmp_path / "ci", os.environ) as other:
            assert first.url_for(upstream.url, options, steps) is not None
            assert other.url_for(upstream.url, options, steps) is None
    assert f"no caching index (another rodeo serves {tmp_path / 'ci'}" in path.read_text()


def test_rodeos_own_tool_installs_go_through_it(tmp_path: Path) -> None:
    class Asked:
        def __init__(self) -> None:
            self.upstreams: list[str] = []

        def url_for(self, upstream: str, options: object, steps: object) -> str:
            self.upstreams.append(upstream)
            return "http://127.0.0.1:1/index/"

    asked = Asked()
    options = RunOptions(output=tmp_path, environ={"PIP_INDEX_URL": "https://mirror.example/simple/"},
                         cache_root=tmp_path, indexes=asked)  # type: ignore[arg-type]
    assert _through_cache(options, None) == ("--index-url", "http://127.0.0.1:1/index/")  # type: ignore[arg-type]
    assert asked.upstreams == ["https://mirror.example/simple/"]
    assert _through_cache(RunOptions(output=tmp_path, environ={}, cache_root=tmp_path), None) == ()  # type: ignore[arg-type]


def test_what_each_manager_resolves_is_the_same_through_it(tmp_path: Path, shared_cache: Path, tools_bin: Path,
                                                          upstream: Index) -> None:
    """A newer release that is yanked and one that needs a newer Python than the cell's must stay unchosen
    through the caching index exactly as without it (data-yanked, requires-python kept)."""
    upstream.publish("six", "2.0")
    upstream.yank("six", "2.0", "broken")
    upstream.publish("six", "3.0", requires_python=">=3.99")
    env = _env(tools_bin)
    managers = ("pip", "uv")     # poetry's and pipenv's locks from it install as written (the test above)
    with CachingIndexes(tmp_path / "ci", env) as caching:
        through = _cells(tmp_path / "on", shared_cache, upstream.url, managers, env, caching)
    direct = {m: run_one(tmp_path / "off", config_text("[tiny-app]", f"[{m}]", extra=f"retries: 0\nindex-url: "
                                                                                      f"{upstream.url}\n"),
                         m, shared_cache, environ=env) for m in managers}
    for m in managers:
        assert through[m].status == direct[m].status == "pass", (m, through[m].log_tail, direct[m].log_tail)
        assert through[m].resolved == direct[m].resolved, m
        assert through[m].resolved["six"] == "1.0", m
