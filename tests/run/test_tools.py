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


# ---------------------------------------------------------------- offline: installs shared by processes

LOCATE = """
import json, os, sys, time
from pathlib import Path
from rodeo_action.managers import ManagerInfo
from rodeo_action.run import RunOptions
from rodeo_action.run.celllog import CellLog
from rodeo_action.run.supervise import Supervisor

cache, wheel, log, ready, peers = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), int(sys.argv[5])
ready.mkdir(exist_ok=True)
(ready / str(os.getpid())).touch()
while len(list(ready.iterdir())) < peers:     # start together: the installs overlap
    time.sleep(0.005)
env = {"PATH": "/usr/bin:/bin", "HOME": str(log.parent), "UV_CACHE_DIR": str(log.parent / "uv-cache"),
       "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
options = RunOptions(output=log.parent / "out", environ=env, cache_root=cache)
info = ManagerInfo(name="faketool", ecosystem="pypi", executable="faketool", families=("linux", "macos"), pypi=wheel)
with log.open("wb") as fh:
    print(options.tools.locate(options, info, None, env, Supervisor(CellLog(fh, log), time.monotonic() + 300)))
"""


def _fake_tool_wheel(folder: Path, line: str = "faketool 1.0") -> Path:
    """A wheel of ``faketool``, whose console script prints ``line``: a tool installed without a network."""
    from tests.pyindex import Wheel

    wheel = Wheel("faketool", "1.0", modules={
        "faketool.py": f"def main():\n    print({line!r})\n",
        "faketool-1.0.dist-info/entry_points.txt": "[console_scripts]\nfaketool = faketool:main\n"})
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / wheel.filename
    path.write_bytes(wheel.build())
    return path


def _locate_in(processes: int, tmp_path: Path, cache: Path, wheel: Path, code: int = 0) -> list[tuple[str, str]]:
    """``ToolBox.locate`` of faketool in ``processes`` rodeo processes at once; each one's answer (its
    stdout, or its stderr when it exits ``code`` != 0) and its log."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    ready = tmp_path / f"ready-{time.monotonic_ns()}"
    runs = []
    for n in range(processes):
        log = tmp_path / f"p{n}-{time.monotonic_ns()}" / "cell.log"
        log.parent.mkdir()
        runs.append((log, subprocess.Popen([sys.executable, "-c", LOCATE, str(cache), str(wheel), str(log), str(ready),
                                            str(processes)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                           text=True, env={**os.environ, "PYTHONPATH": str(root)})))
    out = []
    for log, proc in runs:
        stdout, stderr = proc.communicate(timeout=300)
        assert proc.returncode == code, stderr
        out.append(((stdout if code == 0 else stderr).strip(), log.read_text()))
    return out


def _runs(exe: str) -> str:
    import subprocess

    return subprocess.run([exe], capture_output=True, text=True, check=True).stdout.strip()


@pytest.mark.skipif(os.name != "posix", reason="POSIX paths of the venv")
def test_two_processes_sharing_a_cache_install_a_tool_once(tmp_path: Path) -> None:
    """Two rodeo processes (parallel jobs of one runner) that need the same tool at once: one installs it,
    the other waits and uses that install. Before the tool's lock, the second deleted the first one's
    half-made venv and the first cell said "cannot start .../tools/uv-latest/bin/uv"."""
    wheel = _fake_tool_wheel(tmp_path / "wheels")
    cache = tmp_path / "cache"
    (one, log1), (two, log2) = _locate_in(2, tmp_path, cache, wheel)
    assert one == two and _runs(one) == "faketool 1.0"
    assert (log1 + log2).count("# faketool is not on PATH: installing") == 1, log1 + log2
    assert [p.name for p in (cache / "tools" / "faketool-latest").glob("g-*")] == [Path(one).parents[1].name]


@pytest.mark.skipif(os.name != "posix", reason="POSIX paths of the venv")
def test_a_refreshed_tool_keeps_the_install_running_cells_use_for_a_day(tmp_path: Path) -> None:
    import json

    from rodeo_action.run.toolhome import RETIRED_FOR, ToolHome

    wheel = _fake_tool_wheel(tmp_path / "wheels")
    cache = tmp_path / "cache"
    [(first, _)] = _locate_in(1, tmp_path, cache, wheel)
    home = ToolHome(cache / "tools" / "faketool-latest")
    pointer = json.loads((home.folder / "current").read_text())
    pointer["at"] -= 2 * 24 * 3600            # installed two days ago: a "latest" tool is installed again
    (home.folder / "current").write_text(json.dumps(pointer))
    [(second, log)] = _locate_in(1, tmp_path, cache, wheel)
    assert second != first and "installing" in log
    assert _runs(first) == "faketool 1.0" and _runs(second) == "faketool 1.0"   # a cell running the first still can
    now = home.current()
    assert now is not None and str(now.folder) in second
    dead = home.new_generation()              # an install whose process was killed: never current
    home.publish(now.folder, now.what, now=time.time() + RETIRED_FOR + 60)      # a day later
    assert not Path(first).exists() and not dead.exists() and _runs(second) == "faketool 1.0"


@pytest.mark.skipif(os.name != "posix", reason="POSIX paths of the venv")
def test_a_failed_tool_install_leaves_nothing_current(tmp_path: Path) -> None:
    from rodeo_action.run.toolhome import ToolHome

    cache = tmp_path / "cache"
    legacy = cache / "tools" / "faketool-latest"     # rodeo before generations: one venv in the folder
    (legacy / "bin").mkdir(parents=True)
    (legacy / "pyvenv.cfg").write_text("home = /usr/bin\n")
    (legacy / ".rodeo-installed").write_text("faketool\n")
    [(error, log)] = _locate_in(1, tmp_path, cache, tmp_path / "no-such.whl", code=1)
    assert error.endswith(f"Unavailable: could not install {tmp_path / 'no-such.whl'} from PyPI (exit 1); see the log")
    assert "no-such.whl" in log
    home = ToolHome(legacy)
    assert home.current() is None and list(home.folder.iterdir()) == []   # the old layout went, nothing is new
