"""Managers' executables: found on PATH at the pinned version, or installed into rodeo's tool cache
(rodeo_action/run/tools.py)."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path

import pytest

from rodeo_action.managers import ManagerInfo
from rodeo_action.run import RunOptions
from rodeo_action.run.celllog import CellLog
from rodeo_action.run.supervise import Supervisor
from rodeo_action.run.tools import Unavailable
from tests.run.cellkit import config_text, run_one


@pytest.mark.parametrize(("line", "version", "same"), [
    ("uv 0.9.5 (x86_64-unknown-linux-gnu)", "0.9.5", True), ("uv 0.9.50", "0.9.5", False),
    ("uv 10.9.5", "0.9.5", False), ("Poetry (version 2.5.1)", "2.5.1", True), ("PDM, version 2.29.4", "2.29", False),
])
def test_a_pinned_version_matches_exactly(line: str, version: str, same: bool) -> None:
    from rodeo_action.run.tools import has_version

    assert has_version(line, version) is same


@pytest.mark.network
def test_versions_pins_the_managers_own_version(tmp_path: Path, shared_cache: Path) -> None:
    """`versions: {uv: X}` installs exactly that uv (into rodeo's tool cache) when PATH has another."""
    text = config_text("[six]", "[uv]", extra='versions: {uv: "0.9.5"}\n')
    result = run_one(tmp_path, text, "uv", shared_cache)
    assert result.status == "pass", result.log_tail
    assert result.manager_version is not None and result.manager_version.startswith("uv 0.9.5")
    assert (shared_cache / "tools" / "uv-0.9.5").is_dir()


# ---------------------------------------------------------------- offline: a fake tool


def _tool(folder: Path, name: str, line: str, code: int = 0) -> Path:
    """An executable that prints ``line`` and counts its calls in ``folder/calls``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\necho x >> {folder / 'calls'}\necho '{line}'\nexit {code}\n")
    path.chmod(0o755)
    return path


def _calls(folder: Path) -> int:
    calls = folder / "calls"
    return len(calls.read_text().splitlines()) if calls.exists() else 0


def _options(tmp_path: Path, bin_dir: Path) -> RunOptions:
    return RunOptions(output=tmp_path / "out", environ={"PATH": str(bin_dir)}, cache_root=tmp_path / "cache")


INFO = ManagerInfo(name="faketool", ecosystem="pypi", executable="faketool", families=("linux", "macos"))


@pytest.mark.skipif(os.name != "posix", reason="a /bin/sh script")
def test_a_version_line_is_asked_once_and_kept_on_disk_until_the_tool_changes(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    tool = _tool(bin_dir, "faketool", "faketool 1.2.3")
    options = _options(tmp_path, bin_dir)
    deadline = time.monotonic() + 60
    assert options.tools.version(options, str(tool), INFO, {}, deadline) == "faketool 1.2.3"
    assert options.tools.version(options, str(tool), INFO, {}, deadline) == "faketool 1.2.3"
    assert _calls(bin_dir) == 1
    again = _options(tmp_path, bin_dir)     # the next command: read from <cache>/tools/versions.json
    assert again.tools is not options.tools
    assert again.tools.version(again, str(tool), INFO, {}, deadline) == "faketool 1.2.3"
    assert _calls(bin_dir) == 1
    tool.unlink()                           # an upgrade rewrites the executable: asked again
    _tool(bin_dir, "faketool", "faketool 1.2.40")
    third = _options(tmp_path, bin_dir)
    assert third.tools.version(third, str(tool), INFO, {}, deadline) == "faketool 1.2.40"
    assert _calls(bin_dir) == 2


@pytest.mark.skipif(os.name != "posix", reason="a /bin/sh script")
def test_a_failed_version_answer_is_not_kept(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    tool = _tool(bin_dir, "faketool", "error: no config", code=1)
    options = _options(tmp_path, bin_dir)
    assert options.tools.version(options, str(tool), INFO, {}, time.monotonic() + 60) == "error: no config"
    assert not (tmp_path / "cache" / "tools" / "versions.json").exists()


@pytest.mark.skipif(os.name != "posix", reason="a /bin/sh script")
def test_a_tool_not_on_pypi_is_found_on_path_or_unavailable_with_its_hint(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    options = _options(tmp_path, bin_dir)
    log_path = tmp_path / "cell.log"
    with log_path.open("wb") as fh:
        steps = Supervisor(CellLog(fh, log_path), time.monotonic() + 60)
        info = replace(INFO, unavailable_hint="install it with your package manager")
        with pytest.raises(Unavailable, match="^faketool not found on PATH; install it with your package manager$"):
            options.tools.locate(options, info, None, {}, steps)
        tool = _tool(bin_dir, "faketool", "faketool 1.2.3")
        assert options.tools.locate(options, info, None, {}, steps) == str(tool)
        assert options.tools.locate(options, info, "1.2.3", {}, steps) == str(tool)
        with pytest.raises(Unavailable, match=f"^faketool not found at version 9.9 \\(found {tool}\\); install"):
            options.tools.locate(options, info, "9.9", {}, steps)
