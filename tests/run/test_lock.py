"""Locks beside results: the result's lock fields (and a version-1 result still read), the index URLs
a lock never names, reading a lock back, and the CLI's --lock / --lock-dir refusals."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from rodeo_action.managers.base import CellSpec, Target
from rodeo_action.managers.locks import LockError
from rodeo_action.results import SCHEMA_VERSION, LockRef, Result, validate
from rodeo_action.run.lock import read_lock, swap, url_swaps
from tests.conftest import write_config

Run = Callable[..., subprocess.CompletedProcess[str]]

V1 = {"schema": 1, "cell": {"id": "pip-all-ubuntu-24.04-py3.12", "manager": "pip", "set": "all", "os": "ubuntu-24.04",
                            "python": "3.12", "packages": ["six"]},
      "status": "pass", "phase": None, "cause": None, "durations": {"install": 1.0}, "repro": "", "log_tail": "",
      "started_at": "2026-01-01T00:00:00Z"}


def test_a_schema_1_result_still_reads_and_has_no_lock() -> None:
    assert validate(V1) == []
    result = Result.from_dict(V1)
    assert result.lock is None and result.tool_lock is None
    assert result.to_dict()["schema"] == SCHEMA_VERSION == 3
    assert "lock" not in result.to_dict()


def test_a_lock_round_trips_and_is_relative_to_the_output_folder() -> None:
    data = {**V1, "schema": 2, "lock": {"file": "pip-all.lock/requirements.txt", "format": "requirements-hashes"},
            "tool_lock": {"file": "pip-all.lock/tool-requirements.txt", "format": "requirements"}}
    assert validate(data) == []
    result = Result.from_dict(data)
    assert result.lock == LockRef("pip-all.lock/requirements.txt", "requirements-hashes")
    assert result.to_dict()["lock"] == data["lock"] and result.to_dict()["tool_lock"] == data["tool_lock"]
    for bad in ("/etc/passwd", "../x.lock/a", "pip-all.lock/../../a", "pip-all/requirements.txt"):
        assert validate({**data, "lock": {"file": bad, "format": "x"}}), bad


def test_a_lock_names_the_index_a_person_uses_and_this_machine_reads_it_back(tmp_path: Path) -> None:
    def spec(index: str | None) -> CellSpec:
        return CellSpec(cell_id="c", python="3.12", target=Target("linux"), packages=(), requirements=("six",),
                        workdir="/w", tool="t", index_url=index)

    swaps = url_swaps(spec("https://proxy.internal/pypi/simple/"), spec(None))
    assert swaps == {"https://proxy.internal/pypi/simple/": "https://pypi.org/simple/",
                     "https://proxy.internal/pypi/simple": "https://pypi.org/simple"}   # poetry.lock drops the /
    project = 'url = "https://proxy.internal/pypi/simple/"\n[[package]]\nurl = "https://proxy.internal/pypi/simple"\n'
    shown = swap(project, swaps)
    assert "proxy.internal" not in shown and "https://pypi.org/simple/" in shown
    assert 'url = "https://pypi.org/simple"\n' in shown
    folder = tmp_path / "c.lock"
    folder.mkdir()
    (folder / "pyproject.toml").write_text(shown)
    (folder / "tool-requirements.txt").write_text("pdm==2\n")
    assert read_lock(folder / "pyproject.toml", swaps) == {"pyproject.toml": project}   # the tool's lock is not read


def test_reading_a_missing_or_empty_lock_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LockError, match="no such lock file"):
        read_lock(tmp_path / "nope.lock" / "requirements.txt", {})
    (tmp_path / "empty.lock").mkdir()
    with pytest.raises(LockError, match="no lock file in it"):
        read_lock(tmp_path / "empty.lock", {})


@pytest.mark.parametrize(("args", "said"), [
    (["run", "--job", '{"job": "j", "cells": ["CELL"]}', "--lock", "x.txt"], "--lock: needs --cell ID"),
    (["run", "--cell", "CELL", "--lock", "nope/requirements.txt"], "--lock nope/requirements.txt: no such file"),
    (["local", "--lock-dir", "nope"], "--lock-dir nope: not a folder"),
    (["local", "--lock-dir", "empty", "--output", "out"], "--lock-dir empty: no CELL.lock folder in it"),
    (["local", "--lock-dir", "out", "--output", "out"], "is the --output folder"),
])
def test_bad_lock_options_exit_2_with_one_line(rodeo: Run, tmp_path: Path, args: list[str], said: str) -> None:
    from rodeo_action.config import host_os_label, host_python

    write_config(tmp_path, f'packages: [six]\nmanagers: [pip]\npython: ["{host_python()}"]\nos: [{host_os_label()}]\n')
    (tmp_path / "empty").mkdir()
    (tmp_path / "out").mkdir()
    cell = f"pip-all-{host_os_label()}-py{host_python()}"
    proc = rodeo(*[a.replace("CELL", cell) for a in args], "--config", "rodeo.yml")
    assert proc.returncode == 2, proc.stderr
    assert said in proc.stderr and "Traceback" not in proc.stderr
    assert not list(tmp_path.glob("*/*.json"))   # nothing ran


def test_result_json_on_disk_carries_the_lock(tmp_path: Path) -> None:
    """The writer validates before writing: a lock field out of the schema would never reach disk."""
    from rodeo_action.results import write_result

    result = Result.from_dict({**V1, "schema": 2, "lock": {"file": "c.lock/requirements.txt",
                                                            "format": "requirements-hashes"}})
    write_result(result, tmp_path)
    data = json.loads((tmp_path / f"{V1['cell']['id']}.json").read_text())  # type: ignore[index]
    assert data["lock"]["file"] == "c.lock/requirements.txt"


@pytest.mark.parametrize("run_url", [None, "https://github.com/o/r/actions/runs/1"])
def test_the_report_links_a_passing_cell_to_its_lock(rodeo: Run, tmp_path: Path, run_url: str | None) -> None:
    """Locally the lock beside the result; in CI the job whose results artifact holds it."""
    from rodeo_action.results import write_result

    lock = {"file": f"{V1['cell']['id']}.lock/requirements.txt", "format": "requirements-hashes"}  # type: ignore[index]
    write_result(Result.from_dict({**V1, "schema": 2, "lock": lock, "run_url": run_url}), tmp_path / "res" / "sub")
    (tmp_path / "res" / "sub" / lock["file"]).parent.mkdir()
    (tmp_path / "res" / "sub" / lock["file"]).write_text("six==1.17.0 --hash=sha256:" + "0" * 64 + "\n")
    other = {**V1, "cell": {**V1["cell"], "id": "uv-all-ubuntu-24.04-py3.12", "manager": "uv"}}  # type: ignore[dict-item]
    write_result(Result.from_dict(other), tmp_path / "res" / "sub")
    proc = rodeo("report", "--results", "res", "--markdown", "report.md")
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "report.md").read_text()
    want = f"]({run_url})" if run_url else f"](sub/{lock['file']})"
    # the pip cell, and the known-good line under the table; the uv cell has no lock
    assert text.count(want) == 2 and "Known-good environments (locks): [pip](" in text, text
    assert "cannot be read" not in text


def test_a_step_s_stdout_goes_to_its_file_and_its_stderr_to_the_log(tmp_path: Path) -> None:
    """How a lock a tool prints (``conda list --explicit``, ``dpkg-query``) is kept apart from the log."""
    import sys
    import time

    from rodeo_action.managers.base import Step
    from rodeo_action.run.celllog import CellLog
    from rodeo_action.run.supervise import execute

    out = tmp_path / "lock.txt"
    code = "import sys; print('six==1.17.0'); print('a warning', file=sys.stderr)"
    step = Step("lock", (sys.executable, "-c", code), stdout=str(out))
    with (tmp_path / "cell.log").open("wb") as fh:
        assert execute(step, {}, CellLog(fh, tmp_path / "cell.log"), time.monotonic() + 60) == 0
    assert out.read_text() == "six==1.17.0\n"
    log = (tmp_path / "cell.log").read_text()
    assert "a warning" in log and "six==1.17.0\n" not in log.split("\n", 1)[1]
    assert f"> {out}" in log   # the command as logged says where its output went


@pytest.mark.parametrize("fault", [OSError(28, "No space left on device"), ValueError("bad report")])
def test_a_lock_that_cannot_be_made_never_changes_the_verdict(
        tmp_path: Path, shared_cache: Path, monkeypatch: pytest.MonkeyPatch, fault: Exception) -> None:
    import os

    from rodeo_action.run import cell as cell_module
    from tests.run.cellkit import config_text, offline_wheel, run_one

    def broken(*args: object, **kwargs: object) -> None:
        raise fault

    monkeypatch.setattr(cell_module, "write_lock", broken)
    result = run_one(tmp_path, config_text(offline_wheel(tmp_path)), "pip", shared_cache,
                     environ={**os.environ, "PIP_NO_INDEX": "1"})
    assert result.status == "pass" and result.lock is None
    log = (tmp_path / "out" / f"{result.cell.id}.log").read_text()
    assert f"# rodeo: no lock ({type(fault).__name__}" in log and "Traceback" not in log
