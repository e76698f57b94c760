"""Isolation for real, through the CLI a user runs, against a local PEP 503 index (tests/pyindex.py).

Run 1 passes (app 1.0, lib 1.0, extra 1.0) and ``rodeo report --json`` keeps it as the baseline. Then
lib 2.0 (which breaks ``import app``) and extra 1.1 (harmless) appear, and ``rodeo run --baseline``
must name lib 1.0 -> 2.0 and never extra, with each of pip, uv, poetry, pdm, pipenv and hatch. The
harder cases (two changes that only fail together, a last lock that fails too, a budget of one
install, a baseline that cannot be used) run with uv, the quickest.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pyindex import Index, app_lib_extra, pair_scenario

from rodeo_action.config import host_os_label, host_python
from tests.conftest import host_cell, load_result, write_config
from tests.managers.pypikit import install_tools, real_environment

Run = Callable[..., subprocess.CompletedProcess[str]]
MANAGERS = ("pip", "uv", "poetry", "pdm", "pipenv", "hatch")


@pytest.fixture(scope="session")
def tools_bin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return install_tools(request, tmp_path_factory)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    with Index(tmp_path / "index") as served:
        yield served


def _config(folder: Path, index: Index, manager: str, extra: str = "") -> None:
    write_config(folder, f'packages: [app]\nmanagers: [{manager}]\npython: ["{host_python()}"]\n'
                         f"os: [{host_os_label()}]\nindex-url: {index.url}\nretries: 0\n{extra}")


def _run(rodeo: Run, env: dict[str, str], manager: str, output: str, *extra: str) -> dict[str, Any]:
    proc = rodeo("run", "--cell", host_cell(manager), "--output", output, *extra, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return load_result(Path(env["RODEO_TEST_DIR"]) / output, host_cell(manager))


def _baseline(rodeo: Run, env: dict[str, str], manager: str) -> dict[str, Any]:
    """Run 1 (it must pass) and its report --json: the baseline of run 2."""
    first = _run(rodeo, env, manager, "run1")
    assert first["status"] == "pass", first["log_tail"]
    proc = rodeo("report", "--results", "run1", "--config", "rodeo.yml", "--json", "base.json", env=env)
    assert proc.returncode == 0, proc.stderr
    return first


def _env(cli_env: dict[str, str], tools_bin: Path, folder: Path) -> dict[str, str]:
    """The real tools, and only the local index: this machine's pip settings (find-links) left out."""
    env = {k: v for k, v in real_environment(cli_env, tools_bin).items() if not k.startswith(("PIP_", "UV_"))}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "RODEO_TEST_DIR": str(folder)}


@pytest.mark.network   # the tools come from PyPI (once per session); the packages from 127.0.0.1
@pytest.mark.parametrize("manager", MANAGERS)
def test_each_manager_names_the_release_that_broke_the_import_and_never_the_harmless_one(
        rodeo: Run, cli_env: dict[str, str], tools_bin: Path, tmp_path: Path, index: Index, manager: str) -> None:
    scenario = app_lib_extra(index, 1)
    _config(tmp_path, index, manager)
    env = _env(cli_env, tools_bin, tmp_path)
    first = _baseline(rodeo, env, manager)
    assert first["resolved"].get("lib") == "1.0"
    app_lib_extra(index, 2)
    proc = rodeo("run", "--cell", host_cell(manager), "--output", "run2", "--baseline", "base.json", env=env,
                 timeout=900)
    assert proc.returncode == 0, proc.stderr
    second = load_result(tmp_path / "run2", host_cell(manager))
    assert (second["status"], second["phase"]) == ("fail", "import"), second["log_tail"]
    log = (tmp_path / "run2" / f"{host_cell(manager)}.isolate.log").read_text()
    iso = second["isolation"]
    assert iso["outcome"] == "isolated", (iso, log[-4000:])
    assert [c["package"] for c in iso["culprits"]] == ["lib"], iso
    assert second["introduced_by"] == {"package": "lib", "good": "1.0", "bad": "2.0", "installs": iso["installs"],
                                       "with": []}
    assert iso["changed"] == 2 and iso["installs"] <= 3, iso       # ceil(log2 2) + 2
    assert "extra" not in json.dumps(iso["culprits"])
    assert [c.package for c in scenario.culprits] == ["lib"]
    assert "broken by lib 1.0 → 2.0" in proc.stdout
    assert any(h.path == "/files/lib-2.0-py3-none-any.whl" for h in index.log)
    assert "# rodeo: try" not in second["log_tail"] and "# rodeo: try 1" in log   # tries: in the isolation log


@pytest.mark.network
def test_two_changes_that_only_fail_together_are_named_as_a_pair(
        rodeo: Run, cli_env: dict[str, str], tools_bin: Path, tmp_path: Path, index: Index) -> None:
    pair_scenario(index, 1)
    _config(tmp_path, index, "uv")
    env = _env(cli_env, tools_bin, tmp_path)
    _baseline(rodeo, env, "uv")
    pair_scenario(index, 2)
    second = _run(rodeo, env, "uv", "run2", "--baseline", "base.json")
    iso = second["isolation"]
    assert iso["outcome"] == "isolated", iso
    assert sorted(c["package"] for c in iso["culprits"]) == ["alpha", "beta"]
    assert second["introduced_by"]["with"], second["introduced_by"]


@pytest.mark.network
def test_a_last_lock_that_fails_too_says_the_versions_are_not_the_cause(
        rodeo: Run, cli_env: dict[str, str], tools_bin: Path, tmp_path: Path, index: Index) -> None:
    app_lib_extra(index, 1)
    _config(tmp_path, index, "uv")
    env = _env(cli_env, tools_bin, tmp_path)
    _baseline(rodeo, env, "uv")
    index.publish("extra", "1.1", modules={"extra/__init__.py": 'SUFFIX = "+extra 1.1"\n'})   # a change...
    # ...but what broke is outside the versions: the test the config runs now fails whatever is installed
    _config(tmp_path, index, "uv", "test: exit 3\n")
    second = _run(rodeo, env, "uv", "run2", "--baseline", "base.json")
    assert second["phase"] == "test"
    iso = second["isolation"]
    assert iso["outcome"] == "not-in-versions" and iso["installs"] == 1, iso
    assert iso["tries"][0]["applied"] == [] and iso["tries"][0]["outcome"] == "fail"


@pytest.mark.network
def test_a_budget_of_one_install_is_spent_and_says_what_remains(
        rodeo: Run, cli_env: dict[str, str], tools_bin: Path, tmp_path: Path, index: Index) -> None:
    app_lib_extra(index, 1)
    _config(tmp_path, index, "uv", "bisect: {max-installs: 1}\n")
    env = _env(cli_env, tools_bin, tmp_path)
    _baseline(rodeo, env, "uv")
    app_lib_extra(index, 2)
    second = _run(rodeo, env, "uv", "run2", "--baseline", "base.json")
    iso = second["isolation"]
    assert iso["outcome"] == "not-isolated" and iso["installs"] == 1, iso
    assert "budget" in iso["reason"] and "lib" in iso["reason"] and "extra" in iso["reason"], iso
    assert "introduced_by" not in second


@pytest.mark.network
@pytest.mark.parametrize("baseline", ["corrupt", "foreign", "missing"])
def test_a_baseline_that_cannot_be_used_is_a_note_and_the_verdict_stands(
        rodeo: Run, cli_env: dict[str, str], tools_bin: Path, tmp_path: Path, index: Index, baseline: str) -> None:
    app_lib_extra(index, 2)
    _config(tmp_path, index, "uv")
    env = _env(cli_env, tools_bin, tmp_path)
    path = tmp_path / "base.json"
    if baseline == "corrupt":
        path.write_bytes(b'{"schema": 1, "kind": "rodeo-baseline", "cells": {\x00\xff')
    elif baseline == "foreign":
        path.write_text(json.dumps({"schema": 1, "kind": "rodeo-baseline", "name": "another-rodeo", "cells": {}}))
    proc = rodeo("run", "--cell", host_cell("uv"), "--output", "run2", "--baseline", str(path), env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and f"--baseline {path}:" in proc.stderr, proc.stderr
    second = load_result(tmp_path / "run2", host_cell("uv"))
    assert second["status"] == "fail" and "isolation" not in second
    bisect = rodeo("bisect", "--cell", host_cell("uv"), "--output", "run3", "--baseline", str(path), env=env)
    assert bisect.returncode == 2 and "Traceback" not in bisect.stderr, bisect.stderr


@pytest.mark.network
@pytest.mark.parametrize("manager", ["pip", "uv"])
def test_a_last_lock_whose_hash_no_longer_matches_is_a_clear_answer(
        rodeo: Run, cli_env: dict[str, str], tools_bin: Path, tmp_path: Path, index: Index, manager: str) -> None:
    app_lib_extra(index, 1)
    _config(tmp_path, index, manager)
    env = _env(cli_env, tools_bin, tmp_path)
    _baseline(rodeo, env, manager)
    app_lib_extra(index, 2)
    # the index now serves lib 1.0 with other bytes than the lock hashed (the lock says 0000...)
    base = json.loads((tmp_path / "base.json").read_text())
    lock = base["cells"][host_cell(manager)]["history"]["last_pass_lock"]
    real = index.release("lib", "1.0").sha256
    assert real in lock["files"]["requirements.txt"]
    lock["files"]["requirements.txt"] = lock["files"]["requirements.txt"].replace(real, "0" * 64)
    (tmp_path / "base.json").write_text(json.dumps(base))
    second = _run(rodeo, env, manager, "run2", "--baseline", "base.json")
    iso = second["isolation"]
    assert iso["outcome"] == "not-isolated" and iso["installs"] == 1, iso
    assert iso["reason"].startswith("the lock's hash no longer matches the file the index serves"), iso


@pytest.mark.network
def test_rodeo_local_isolates_against_a_previous_local_run(
        rodeo: Run, cli_env: dict[str, str], tools_bin: Path, tmp_path: Path, index: Index) -> None:
    """The local loop: run, something changes upstream, run again with the earlier run as the baseline."""
    app_lib_extra(index, 1)
    _config(tmp_path, index, "uv")
    env = _env(cli_env, tools_bin, tmp_path)
    first = rodeo("local", "--output", "out", env=env, timeout=900)
    assert first.returncode == 0 and "1 of 1 cell passes" in first.stdout, first.stdout + first.stderr
    app_lib_extra(index, 2)
    second = rodeo("local", "--output", "out", env=env, timeout=900)
    assert second.returncode == 0 and "(1 ❌ fail)" in second.stdout, second.stdout
    (previous,) = (tmp_path / "out" / "previous").iterdir()     # the first run, kept by the second
    third = rodeo("local", "--output", "out", "--baseline", str(previous), env=env, timeout=900)
    assert third.returncode == 0, third.stderr
    assert f"{host_cell('uv')}: broken by lib 1.0 → 2.0" in third.stdout, third.stdout
    report = (tmp_path / "out" / "report.md").read_text()
    assert "broken by lib 2.0 (last good 1.0)" in report


@pytest.mark.network
@pytest.mark.parametrize("manager", ["pip", "uv"])
def test_a_cell_that_fails_before_its_probe_is_isolated_against_what_resolves_today(
        rodeo: Run, cli_env: dict[str, str], tools_bin: Path, tmp_path: Path, index: Index, manager: str) -> None:
    """lib 2.0 resolves (an sdist whose metadata is prepared fine) but does not build: the failing run
    lists nothing, so what resolves today comes from pip's --dry-run, and lib is still named."""
    app_lib_extra(index, 1)
    _config(tmp_path, index, manager)
    env = _env(cli_env, tools_bin, tmp_path)
    _baseline(rodeo, env, manager)
    index.publish_sdist("lib", "2.0", modules={"lib/__init__.py": "def feature() -> str:\n    return '2.0'\n"},
                        build_error="lib/_speedups.c:1:10: fatal error: zstd.h: No such file or directory")
    index.publish("extra", "1.1", modules={"extra/__init__.py": 'SUFFIX = "+extra 1.1"\n'})
    second = _run(rodeo, env, manager, "run2", "--baseline", "base.json")
    assert second["status"] == "fail" and second["phase"] == "install" and not second["resolved"], second
    iso = second["isolation"]
    assert iso["outcome"] == "isolated" and [c["package"] for c in iso["culprits"]] == ["lib"], iso
    assert second["introduced_by"]["bad"] == "2.0"
