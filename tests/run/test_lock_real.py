"""Locks for real, on six: a pass writes the manager's own lock -> ``rodeo run --lock`` re-installs
exactly it with the manager's frozen install -> the same versions; a lock whose hash no longer
matches fails with a clear cause.

pip, uv, poetry, pdm, pipenv and hatch run here (the tools pinned by tests/managers/pypikit.py).
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from rodeo_action.config import host_os_label, host_python
from rodeo_action.managers.locks import pinned_names
from rodeo_action.run.lock import venv_python
from tests.conftest import host_cell, load_result, write_config
from tests.managers.pypikit import install_tools, real_environment

pytestmark = [pytest.mark.network, pytest.mark.slow]
Run = Callable[..., subprocess.CompletedProcess[str]]
MANAGERS = ("pip", "uv", "poetry", "pdm", "pipenv", "hatch")


@pytest.fixture(scope="session")
def tools_bin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_tools(request, tmp_path_factory)


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed(env_python: Path) -> dict[str, str]:
    """The environment's own distributions, as importlib.metadata lists them there."""
    code = ("import importlib.metadata as m, json; "
            "print(json.dumps({d.metadata['Name']: d.version for d in m.distributions()}))")
    out = subprocess.run([str(env_python), "-c", code], check=True, capture_output=True, text=True).stdout
    return {_norm(k): v for k, v in json.loads(out).items()}


def _run(rodeo: Run, env: dict[str, str], manager: str, output: str, *extra: str) -> dict[str, object]:
    cell = host_cell(manager)
    proc = rodeo("run", "--cell", cell, "--config", "rodeo.yml", "--output", output, *extra, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return load_result(Path(env["RODEO_TEST_DIR"]) / output, cell)


def _tool_ran(tmp_path: Path, manager: str) -> str:
    """The manager's executable the cell's install phase ran, from its log."""
    log = (tmp_path / "out" / f"{host_cell(manager)}.log").read_text(encoding="utf-8")
    ran = re.search(rf"^\$ (?!cat )[^\n]*?(/\S+/{manager})(?=\s)", log.split("# rodeo: phase install\n", 1)[-1],
                    re.M)
    assert ran is not None, log
    return ran.group(1)


@pytest.mark.parametrize("manager", MANAGERS)
def test_a_pass_writes_its_lock_and_the_lock_reinstalls_the_same_versions(
        rodeo: Run, cli_env: dict[str, str], tools_bin: Path, tmp_path: Path, manager: str) -> None:
    write_config(tmp_path, f'packages: [six]\nmanagers: [{manager}]\npython: ["{host_python()}"]\n'
                           f'os: [{host_os_label()}]\n')
    # through the caching index (the default): the lock names the real index, and a poetry, pdm or pipenv
    # lock has its project hash made again, both when written and when installed again (a new port)
    env = {**real_environment(cli_env, tools_bin), "RODEO_TEST_DIR": str(tmp_path), "RODEO_CACHING_INDEX": "1"}
    first = _run(rodeo, env, manager, "out", "--keep-envs")
    assert first["status"] == "pass", first["log_tail"]
    lock = first["lock"]
    assert isinstance(lock, dict)
    path = tmp_path / "out" / lock["file"]
    text = path.read_text(encoding="utf-8")
    assert "1.17.0" in text and "six" in text.lower()
    assert "/tmp/" not in text and str(tmp_path) not in text   # no path of this machine in a lock
    if manager == "pip" or venv_python(_tool_ran(tmp_path, manager)) is None:
        # pip runs from the cell's own venv, and a uv on PATH may be no venv's (its static binary, a pyenv
        # shim): there is no tool venv to list
        assert first.get("tool_lock") is None, first.get("tool_lock")
    else:
        tool = first["tool_lock"]
        assert isinstance(tool, dict)
        tools = pinned_names((tmp_path / "out" / tool["file"]).read_text())
        assert _norm(manager) in {_norm(n) for n in tools}
    if lock["format"] == "requirements-hashes":   # every distribution of the environment, pinned and hashed
        kept = re.search(r"# kept the environment in (\S+)", (tmp_path / "out" / f"{host_cell(manager)}.log")
                         .read_text())
        assert kept is not None
        installed = _installed(Path(kept.group(1)) / ".venv" / "bin" / "python")
        pins = {_norm(k): v for k, v in pinned_names(text).items()}
        assert pins == installed
        joined = [line for line in text.replace("\\\n", " ").splitlines() if line.strip()]   # uv's continuations
        assert len(joined) == len(pins) and all("--hash=sha256:" in line for line in joined), text
        shutil.rmtree(kept.group(1), ignore_errors=True)
    again = _run(rodeo, env, manager, "out2", "--lock", str(path))
    assert again["status"] == "pass", again["log_tail"]
    assert again["resolved"] == first["resolved"]
    log = (tmp_path / "out2" / f"{host_cell(manager)}.log").read_text()
    assert "installing exactly from the lock" in log
    assert "through the caching index http://127.0.0.1:" in log
    assert "127.0.0.1" not in text, "a lock names the real index, never the caching one"


def test_a_lock_whose_hash_no_longer_matches_fails_with_a_clear_cause(
        rodeo: Run, cli_env: dict[str, str], tools_bin: Path, tmp_path: Path) -> None:
    write_config(tmp_path, f'packages: [six]\nmanagers: [pip]\npython: ["{host_python()}"]\nos: [{host_os_label()}]\n')
    env = {**real_environment(cli_env, tools_bin), "RODEO_TEST_DIR": str(tmp_path)}
    first = _run(rodeo, env, "pip", "out")
    lock = first["lock"]
    assert isinstance(lock, dict)
    path = tmp_path / "out" / lock["file"]
    text = path.read_text()
    six = re.search(r"six==1\.17\.0 --hash=sha256:([0-9a-f]{64})", text)
    assert six is not None
    path.write_text(text.replace(six.group(1), "0" * 64))
    again = _run(rodeo, env, "pip", "out2", "--lock", str(path))
    assert again["status"] == "fail" and again["phase"] == "install"
    cause = again["cause"]
    assert isinstance(cause, dict) and cause["kind"] == "hash-mismatch", cause
    assert cause["summary"].startswith("the lock's hash no longer matches"), cause
    assert "Traceback" not in (tmp_path / "out2" / f"{host_cell('pip')}.log").read_text()
    assert importlib.metadata.version("packaging")   # the suite's own environment is untouched


@pytest.mark.xdist_group("apt")   # apt-get and dpkg install into this machine: one at a time
def test_apt_pins_what_dpkg_installed_and_reinstalls_it(rodeo: Run, cli_env: dict[str, str], tmp_path: Path) -> None:
    """apt's lock: ``package=version`` of every installed python3 package; ``--lock`` installs those pins."""
    from tests.managers.pypikit import apt_usable

    why = apt_usable()
    if why:
        pytest.skip(why)
    python = subprocess.run(["/usr/bin/python3", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                            capture_output=True, text=True, check=True).stdout.strip()
    write_config(tmp_path, f'packages: [six]\nmanagers: [apt]\npython: ["{python}"]\nos: [{host_os_label()}]\n')
    env = {**cli_env, "RODEO_TEST_DIR": str(tmp_path)}
    cell = f"apt-all-{host_os_label()}-py{python}"
    proc = rodeo("run", "--cell", cell, "--config", "rodeo.yml", "--output", "out", env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr
    first = load_result(tmp_path / "out", cell)
    assert first["status"] == "pass", first["log_tail"]
    lock = tmp_path / "out" / first["lock"]["file"]
    pins = lock.read_text().splitlines()
    assert any(p.startswith("python3-six=") for p in pins) and all("=" in p for p in pins)
    proc = rodeo("run", "--cell", cell, "--config", "rodeo.yml", "--output", "out2", "--lock", str(lock), env=env,
                 timeout=900)
    assert proc.returncode == 0, proc.stderr
    again = load_result(tmp_path / "out2", cell)
    assert again["status"] == "pass" and again["resolved"] == first["resolved"]
    assert "python3-six=" in (tmp_path / "out2" / f"{cell}.log").read_text()
