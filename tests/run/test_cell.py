"""A cell on real installs (pip, uv) and what it must observe itself: secrets, crashes, retries
(rodeo_action/run/cell.py)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from rodeo_action import results
from rodeo_action.config import parse_config
from rodeo_action.plan import expand
from rodeo_action.run import RunOptions, run_cell
from rodeo_action.run.cell import PhaseClock
from tests.conftest import host_cell, load_result, write_config
from tests.run.cellkit import OS, PY, config_text, offline_wheel, run_one


@pytest.mark.network
def test_pip_installs_and_imports_for_real(rodeo: Callable[..., Any], tmp_path: Path) -> None:
    write_config(tmp_path, config_text("[six, docrep]", extra='test: python -c "import docrep"\n'))
    proc = rodeo("run", "--cell", host_cell("pip"), "--output", "out")
    assert proc.returncode == 0, proc.stderr
    data = load_result(tmp_path / "out", host_cell("pip"))
    assert results.validate(data) == []
    assert data["status"] == "pass", data["log_tail"]
    assert data["imports"] == {"six": "ok", "docrep": "ok"}
    assert "six" in data["resolved"] and "docrep" in data["resolved"]
    # nothing of rodeo's own (PyYAML, Jinja2, PyGithub, ...) is in the environment under test
    assert set(data["resolved"]) <= {"six", "docrep", "pip", "setuptools", "wheel"}, data["resolved"]
    assert data["manager_version"].startswith("pip ")
    assert data["python_version"].startswith(PY)
    assert set(data["durations"]) == {"setup", "create", "install", "import", "test", "lock"}   # a pass is locked
    assert data["lock"]["format"] == "requirements-hashes"
    assert (tmp_path / "out" / data["lock"]["file"]).is_file()
    assert "-m venv" in data["repro"] and "pip install six docrep" in data["repro"]
    log = (tmp_path / "out" / f"{host_cell('pip')}.log").read_text()
    assert "pip install" in log
    assert not list((tmp_path).glob("rodeo-pip-*")), "the environment is deleted after the cell"


@pytest.mark.network
def test_uv_reports_a_version_that_does_not_exist(rodeo: Callable[..., Any], tmp_path: Path) -> None:
    write_config(tmp_path, config_text('["six==99.0"]', "[uv]"))
    proc = rodeo("run", "--cell", host_cell("uv"), "--output", "out")
    assert proc.returncode == 0, proc.stderr
    data = load_result(tmp_path / "out", host_cell("uv"))
    assert (data["status"], data["phase"]) == ("fail", "install"), data["log_tail"]
    assert data["cause"]["kind"] == "no-matching-distribution", data["cause"]
    assert data["cause"]["package"] == "six"
    assert "uv pip install" in data["repro"] and "six==99.0" in data["repro"]


def test_cells_never_see_tokens_or_secrets(rodeo: Callable[..., Any], cli_env: dict[str, str],
                                           tmp_path: Path) -> None:
    """Through the CLI, so that the cell's parent is rodeo: its environment, rodeo's (``/proc/$PPID``)
    and init's hold no secret value; what the cell prints of one is redacted on disk and in the result."""
    secrets = {"GITHUB_TOKEN": "ghp_" + "a" * 36, "ACTIONS_RUNTIME_TOKEN": "runtime-4f1d0c2b9e",
               "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "idtoken-77c3b1a0d2", "NPM_TOKEN": "npm-secret-9a8b7c6d",
               "AWS_SECRET_ACCESS_KEY": "aws-secret-5e4d3c2b1a", "DB_PASSWORD": "hunter2-but-longer",
               "MY_SECRET": "my-secret-0f9e8d7c", "RODEO_GITHUB_TOKEN": "github_pat_" + "B" * 30}
    leak = tmp_path / "found.txt"   # what a package could print: a token it found, a secret's value
    leak.write_text(f"token ghp_{'C' * 36} password {secrets['DB_PASSWORD']} header Authorization: "
                    f"Bearer {'d' * 24} key AKIA{'E' * 16} url https://user:{secrets['MY_SECRET']}@example.org/\n")
    test = (f"env > env.txt; cat /proc/$PPID/environ > parent.txt 2>/dev/null; "
            f"cat /proc/1/environ > init.txt 2>/dev/null; cp *.txt {tmp_path}/; cat {leak}; true")
    write_config(tmp_path, config_text(offline_wheel(tmp_path), extra=f"test: {json.dumps(test)}\n"))
    proc = rodeo("run", "--cell", host_cell("pip"), "--output", "out",
                 env={**cli_env, "PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, **secrets})
    assert proc.returncode == 0, proc.stderr
    data = load_result(tmp_path / "out", host_cell("pip"))
    assert data["status"] == "pass", data["log_tail"]
    seen = (tmp_path / "env.txt").read_text()
    assert "PATH=" in seen
    for name, value in secrets.items():
        assert name not in seen and value not in seen
    # rodeo's own environment block: readable here (root), but its secret values are overwritten
    parent = (tmp_path / "parent.txt").read_bytes().decode(errors="replace")
    if os.geteuid() == 0:
        assert "PATH=" in parent, "the cell could not read rodeo's environment: this test proves nothing"
    for name, value in secrets.items():
        assert value not in parent
        if f"{name}=" in parent:
            assert f"{name}={'*' * len(value)}" in parent
    init = (tmp_path / "init.txt").read_bytes().decode(errors="replace")
    assert not any(value in init for value in secrets.values())
    # redacted at write time: the log on disk, its tail in the result, every string of the result
    log = (tmp_path / "out" / f"{host_cell('pip')}.log").read_text()
    raw = (tmp_path / "out" / f"{host_cell('pip')}.json").read_text()
    for text in (log, data["log_tail"], raw):
        for secret in [*secrets.values(), "ghp_" + "C" * 36, "d" * 24, "AKIA" + "E" * 16]:
            assert secret not in text
    line = next(ln for ln in log.splitlines() if ln.startswith("token "))
    assert line == ("token [REDACTED] password [REDACTED] header Authorization: Bearer [REDACTED] key [REDACTED] "
                    "url https://user:[REDACTED]@example.org/")


def test_redaction_covers_what_the_report_redacts() -> None:
    """results' token shapes (write time) include report.escape's (render time)."""
    from rodeo_action.report.escape import TOKEN
    from rodeo_action.results import Redactor

    for sample in ["ghp_" + "a" * 36, "gho_" + "Z" * 20, "ghs_" + "1" * 40, "GHU_" + "x" * 16,
                   "github_pat_" + "A1_" * 20, "xghr_" + "b" * 30 + "x"]:
        assert TOKEN.search(sample)
        assert "[REDACTED]" in Redactor()(sample), sample
    assert Redactor(("s3cret-value",))("a s3cret-value b") == "a [REDACTED] b"
    assert Redactor()("nothing to hide, token count 12345678901234567890") == \
        "nothing to hide, token count 12345678901234567890"


def test_a_bug_in_rodeo_is_an_error_cell_with_its_traceback(tmp_path: Path, shared_cache: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import rodeo_action.run.cell as cell

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom in rodeo")

    monkeypatch.setattr(cell, "requirements_for", broken)
    result = run_one(tmp_path, config_text("[six]"), "pip", shared_cache)
    assert result.status == "error"
    assert "boom in rodeo" in result.log_tail and "Traceback" in result.log_tail
    assert (tmp_path / "out" / f"{result.cell.id}.json").exists()


def test_not_applicable_and_unavailable_cells_still_get_results(tmp_path: Path, shared_cache: Path) -> None:
    text = ('packages: [{name: docrep, names: {apt: null}}]\nmanagers: [apt, micromamba]\n'
            f'python: ["{PY}"]\nos: [{OS}, macos-latest]\n')
    config = parse_config(text, "rodeo.yml")
    opts = RunOptions(output=tmp_path / "out", environ={"PATH": "/nonexistent"}, cache_root=shared_cache)
    got = {p.cell.id: run_cell(p, config, opts) for p in expand(config)}
    assert got[f"apt-all-{OS}-py{PY}"].status == "n/a"
    assert "not packaged for apt: docrep" in (got[f"apt-all-{OS}-py{PY}"].reason or "")
    micromamba = got[f"micromamba-all-{OS}-py{PY}"]
    assert micromamba.status == "unavailable" and "micromamba not found on PATH" in (micromamba.reason or "")
    assert got[f"micromamba-all-macos-latest-py{PY}"].status == "unavailable"
    for cell_id in got:
        assert results.validate(load_result(tmp_path / "out", cell_id)) == []


def test_apt_needs_allow_system(tmp_path: Path, shared_cache: Path) -> None:
    if not OS.startswith(("debian", "ubuntu")):
        pytest.skip("apt cells run on Debian/Ubuntu only")
    result = run_one(tmp_path, config_text("[six]", "[apt]"), "apt", shared_cache, allow_system=False)
    assert result.status == "unavailable" and "--allow-system" in (result.reason or "")


def test_missing_python_is_unavailable(tmp_path: Path, shared_cache: Path) -> None:
    text = 'packages: [six]\nmanagers: [pip]\npython: ["3.2"]\nos: [' + OS + "]\n"
    config = parse_config(text, "rodeo.yml")
    opts = RunOptions(output=tmp_path / "out", environ=dict(os.environ), cache_root=shared_cache)
    result = run_cell(expand(config)[0], config, opts)
    assert result.status == "unavailable" and result.reason == "no Python 3.2 found on this machine"


def test_network_failures_are_retried_and_every_attempt_recorded(tmp_path: Path, shared_cache: Path) -> None:
    text = config_text("[six]", extra="retries: 2\nindex-url: http://127.0.0.1:9/simple/\n")
    env = {**os.environ, "PIP_RETRIES": "1", "PIP_TIMEOUT": "2", "PIP_FIND_LINKS": "", "PIP_EXTRA_INDEX_URL": "",
           "PIP_CONFIG_FILE": os.devnull}
    result = run_one(tmp_path, text, "pip", shared_cache, environ=env)
    assert result.status == "fail" and result.cause is not None
    assert result.cause.kind == "network", result.cause
    assert len(result.attempts) == 3
    assert all(a.cause is not None and a.cause.kind == "network" for a in result.attempts)


def test_result_round_trips_through_json(tmp_path: Path, shared_cache: Path) -> None:
    text = config_text(offline_wheel(tmp_path))
    result = run_one(tmp_path, text, "pip", shared_cache, environ={**os.environ, "PIP_NO_INDEX": "1"})
    data = load_result(tmp_path / "out", result.cell.id)
    again = results.Result.from_dict(data)
    assert replace(again, log_tail="") == replace(result, log_tail="")


# ---------------------------------------------------------------- the pieces


def test_the_phase_clock_adds_up_a_phase_and_announces_only_a_change() -> None:
    seen: list[tuple[str, str]] = []
    clock = PhaseClock("cell-1", lambda cell, phase: seen.append((cell, phase)))
    for phase in ("setup", "setup", "create", "install", "install"):
        with clock.phase(phase):
            time.sleep(0.01)
    with pytest.raises(RuntimeError), clock.phase("import"):   # a fault: its time counts, the phase is named
        time.sleep(0.01)
        raise RuntimeError
    assert seen == [("cell-1", p) for p in ("setup", "create", "install", "import")]
    assert clock.current == "import"
    times = clock.times()
    assert list(times) == ["setup", "create", "install", "import"]
    assert times["setup"] >= 0.02 and times["install"] >= 0.02 and times["create"] >= 0.01 and times["import"] >= 0.01
    times["setup"] = 0
    assert clock.durations["setup"] >= 0.02, "times() is a copy: a result never shares the clock's dict"


def test_options_derived_with_replace_share_the_commands_state(tmp_path: Path) -> None:
    options = RunOptions(output=tmp_path, environ={}, cache_root=tmp_path)
    derived = replace(options, on_phase=lambda cell, phase: None)
    assert derived.processes is options.processes and derived.tools is options.tools
    assert derived.trash is options.trash
    other = RunOptions(output=tmp_path, environ={}, cache_root=tmp_path)
    assert other.processes is not options.processes and other.tools is not options.tools
    assert other.trash is not options.trash
