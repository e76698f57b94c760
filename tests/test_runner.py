"""The runner on real installs (pip, uv) and on what it must observe itself: timeouts, secrets, crashes."""

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
from rodeo_action.config import host_os_label, host_python, parse_config
from rodeo_action.plan import expand
from rodeo_action.runner import RunOptions, ToolBox, run_cell
from tests.conftest import build_wheel, host_cell, load_result, write_config

PY = host_python()
OS = host_os_label()


def config_text(packages: str, managers: str = "[pip]", extra: str = "") -> str:
    return f'packages: {packages}\nmanagers: {managers}\npython: ["{PY}"]\nos: [{OS}]\n{extra}'


def run_one(tmp_path: Path, text: str, manager: str, cache: Path, environ: dict[str, str] | None = None,
            **options: Any) -> results.Result:
    config = parse_config(text, "rodeo.yml")
    planned = next(p for p in expand(config) if p.cell.manager == manager)
    opts = RunOptions(output=tmp_path / "out", environ=environ if environ is not None else dict(os.environ),
                      cache_root=cache, work_root=tmp_path / "work", **options)
    return run_cell(planned, config, opts, ToolBox(opts))


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
    assert set(data["durations"]) == {"setup", "create", "install", "import", "test"}
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


@pytest.mark.network
def test_import_failure_gets_a_per_module_verdict(tmp_path: Path, shared_cache: Path) -> None:
    wheel = build_wheel(tmp_path / "wheels", "rodeo-broken", "1.0", {
        "rodeo_broken/__init__.py": "raise ImportError('libgeos_c.so.1: cannot open shared object file: "
                                    "No such file or directory')\n",
    })
    text = config_text(f'[six, "rodeo-broken @ {wheel.as_uri()}"]')
    result = run_one(tmp_path, text, "pip", shared_cache)
    assert (result.status, result.phase) == ("fail", "import"), result.log_tail
    assert result.imports["six"] == "ok"
    assert result.imports["rodeo_broken"].startswith("ImportError: libgeos_c.so.1")
    assert result.cause is not None and result.cause.kind == "missing-system-library"
    assert result.cause.package == "rodeo-broken"
    assert result.resolved.get("rodeo-broken") == "1.0"


@pytest.mark.network
def test_a_module_that_kills_the_interpreter_does_not_hide_the_others(tmp_path: Path, shared_cache: Path) -> None:
    wheel = build_wheel(tmp_path / "wheels", "rodeo-crash", "1.0", {
        "rodeo_crash/__init__.py": "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n",
    })
    text = config_text(f'["rodeo-crash @ {wheel.as_uri()}", six]')
    result = run_one(tmp_path, text, "pip", shared_cache)
    assert result.status == "fail" and result.phase == "import"
    assert result.imports["rodeo_crash"].startswith("crashed the interpreter")
    assert result.imports["six"] == "ok"


def _offline_wheel(tmp_path: Path) -> str:
    wheel = build_wheel(tmp_path / "wheels", "rodeo-fine", "2.0", {"rodeo_fine/__init__.py": "X = 1\n"})
    return f'["rodeo-fine @ {wheel.as_uri()}"]'


def test_timeout_kills_the_process_group(tmp_path: Path, shared_cache: Path) -> None:
    pidfile = tmp_path / "sleeper.pid"
    text = config_text(_offline_wheel(tmp_path),
                       extra=f"timeout: 20s\ntest: sleep 300 & echo $! > {pidfile}; wait\n")
    env = {**os.environ, "PIP_NO_INDEX": "1"}
    t0 = time.monotonic()
    result = run_one(tmp_path, text, "pip", shared_cache, environ=env)
    assert result.status == "timeout", result.log_tail
    assert result.cause is not None and result.cause.kind == "timeout"
    assert time.monotonic() - t0 < 45
    assert result.phase == "test"
    assert not _alive(int(pidfile.read_text()))


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper that this container may lack does not count)."""
    time.sleep(0.2)
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


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
    write_config(tmp_path, config_text(_offline_wheel(tmp_path), extra=f"test: {json.dumps(test)}\n"))
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
    import rodeo_action.runner as runner

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom in rodeo")

    monkeypatch.setattr(runner, "requirements_for", broken)
    result = run_one(tmp_path, config_text("[six]"), "pip", shared_cache)
    assert result.status == "error"
    assert "boom in rodeo" in result.log_tail and "Traceback" in result.log_tail
    assert (tmp_path / "out" / f"{result.cell.id}.json").exists()


def test_not_applicable_and_unavailable_cells_still_get_results(tmp_path: Path, shared_cache: Path) -> None:
    text = ('packages: [{name: docrep, names: {apt: null}}]\nmanagers: [apt, micromamba]\n'
            f'python: ["{PY}"]\nos: [{OS}, macos-latest]\n')
    config = parse_config(text, "rodeo.yml")
    opts = RunOptions(output=tmp_path / "out", environ={"PATH": "/nonexistent"}, cache_root=shared_cache)
    got = {p.cell.id: run_cell(p, config, opts, ToolBox(opts)) for p in expand(config)}
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
    result = run_cell(expand(config)[0], config, opts, ToolBox(opts))
    assert result.status == "unavailable" and result.reason == "no Python 3.2 found on this machine"


def test_keep_envs_keeps_the_environment(tmp_path: Path, shared_cache: Path) -> None:
    text = config_text(_offline_wheel(tmp_path))
    env = {**os.environ, "PIP_NO_INDEX": "1"}
    result = run_one(tmp_path, text, "pip", shared_cache, environ=env, keep_envs=True)
    assert result.status == "pass", result.log_tail
    kept = list((tmp_path / "work").glob("rodeo-pip-*"))
    assert len(kept) == 1 and (kept[0] / ".venv").is_dir()
    result = run_one(tmp_path, text, "pip", shared_cache, environ=env)
    assert len(list((tmp_path / "work").glob("rodeo-pip-*"))) == 1


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
    text = config_text(_offline_wheel(tmp_path))
    result = run_one(tmp_path, text, "pip", shared_cache, environ={**os.environ, "PIP_NO_INDEX": "1"})
    data = load_result(tmp_path / "out", result.cell.id)
    again = results.Result.from_dict(data)
    assert replace(again, log_tail="") == replace(result, log_tail="")


@pytest.mark.network
def test_pip_index_url_from_the_environment_reaches_uv(tmp_path: Path, shared_cache: Path) -> None:
    """PIP_INDEX_URL applies to every PyPI-family manager, each in its own spelling (uv: --default-index)."""
    first = run_one(tmp_path / "first", config_text("[six]", "[uv]"), "uv", shared_cache)  # uv itself is set up
    assert first.status == "pass", first.log_tail
    env = {**os.environ, "PIP_INDEX_URL": "http://127.0.0.1:9/simple/", "UV_HTTP_TIMEOUT": "3"}
    result = run_one(tmp_path, config_text("[six]", "[uv]", extra="retries: 0\n"), "uv", shared_cache, environ=env)
    assert result.status == "fail" and result.phase == "install", result.log_tail
    assert "--default-index http://127.0.0.1:9/simple/" in result.log_tail
    assert result.cause is not None and result.cause.kind == "network", result.cause


@pytest.mark.parametrize(("line", "version", "same"), [
    ("uv 0.9.5 (x86_64-unknown-linux-gnu)", "0.9.5", True), ("uv 0.9.50", "0.9.5", False),
    ("uv 10.9.5", "0.9.5", False), ("Poetry (version 2.5.1)", "2.5.1", True), ("PDM, version 2.29.4", "2.29", False),
])
def test_a_pinned_version_matches_exactly(line: str, version: str, same: bool) -> None:
    from rodeo_action.runner import has_version

    assert has_version(line, version) is same


@pytest.mark.network
def test_versions_pins_the_managers_own_version(tmp_path: Path, shared_cache: Path) -> None:
    """`versions: {uv: X}` installs exactly that uv (into rodeo's tool cache) when PATH has another."""
    text = config_text("[six]", "[uv]", extra='versions: {uv: "0.9.5"}\n')
    result = run_one(tmp_path, text, "uv", shared_cache)
    assert result.status == "pass", result.log_tail
    assert result.manager_version is not None and result.manager_version.startswith("uv 0.9.5")
    assert (shared_cache / "tools" / "uv-0.9.5").is_dir()
