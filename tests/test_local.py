"""`rodeo local` as a user runs it: parallel cells, honest unavailability, the report, Ctrl-C."""

from __future__ import annotations

import json
import os
import platform
import shlex
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from rodeo_action import host, localrun
from rodeo_action.config import Config, parse_config
from rodeo_action.errors import InputError
from rodeo_action.plan import expand
from rodeo_action.report.collect import collect
from rodeo_action.results import Cause, CellInfo, Result, write_result
from tests.conftest import build_wheel, host_cell, write_config
from tests.run.cellkit import OS, PY
from tests.run.cellkit import alive as _alive


def offline_env(cli_env: dict[str, str]) -> dict[str, str]:
    return {**cli_env, "PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull}


def test_local_runs_what_it_can_and_says_why_not_the_rest(cli_env: dict[str, str], tmp_path: Path) -> None:
    fine = build_wheel(tmp_path / "wheels", "rodeo-fine", "2.0", {"rodeo_fine/__init__.py": "X = 1\n"})
    write_config(tmp_path, f'name: offline\npackages: ["rodeo-fine @ {fine.as_uri()}"]\n'
                 "managers: [pip, micromamba, spack, apt]\n")
    env = {**offline_env(cli_env), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "rodeo_action", "local", "-j", "2", "--output", "out"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    # the machine's OS and Python were used, since the config names none
    pip = json.loads((tmp_path / "out" / f"{host_cell('pip')}.json").read_text())
    assert pip["status"] == "pass", pip["log_tail"]
    micromamba = json.loads((tmp_path / "out" / f"{host_cell('micromamba')}.json").read_text())
    assert micromamba["status"] == "unavailable" and "not found on PATH" in micromamba["reason"]
    apt = json.loads((tmp_path / "out" / f"{host_cell('apt')}.json").read_text())
    assert apt["status"] == "unavailable" and "--allow-system" in apt["reason"]
    report = (tmp_path / "out" / "report.md").read_text()
    assert "✅" in report and host_cell("micromamba") in report and host_cell("apt") in report
    assert "--allow-system" in report
    assert "✅" in proc.stdout and "unavailable" in proc.stdout        # the terminal table
    assert "[4/4]" in proc.stderr                                       # plain progress lines off a TTY


def test_ctrl_c_keeps_finished_results_and_leaves_no_process(cli_env: dict[str, str], tmp_path: Path) -> None:
    pidfile = tmp_path / "slow.pid"
    wheels = tmp_path / "wheels"
    fine = build_wheel(wheels, "rodeo-fine", "2.0", {"rodeo_fine/__init__.py": "X = 1\n"})
    slow = build_wheel(wheels, "rodeo-slow", "1.0", {"rodeo_slow/__init__.py": (
        f"import os, time\nopen({str(pidfile)!r}, 'w').write(str(os.getpid()))\ntime.sleep(300)\n")})
    write_config(tmp_path, f'packages: ["rodeo-fine @ {fine.as_uri()}", "rodeo-slow @ {slow.as_uri()}"]\n'
                 "sets: {quick: [rodeo-fine], slow: [rodeo-slow]}\nmanagers: [pip]\n"
                 f'python: ["{PY}"]\nos: [{OS}]\n')
    # SIGINT as a terminal's Ctrl-C finds it. A test run started with `&` from a script (as under a
    # background `stress`) inherits SIGINT *ignored* (POSIX, for jobs of a shell without job control),
    # and so does rodeo, which rightly keeps ignoring it: the "flake" this test once had.
    proc = subprocess.Popen([sys.executable, "-m", "rodeo_action", "local", "-j", "2", "--output", "out"],
                            cwd=tmp_path, env=offline_env(cli_env), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    quick = tmp_path / "out" / f"pip-quick-{OS}-py{PY}.json"
    deadline = time.monotonic() + 120
    while not (pidfile.exists() and pidfile.read_text() and quick.exists()):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert json.loads(quick.read_text())["status"] == "pass"
    assert not (tmp_path / "out" / f"pip-slow-{OS}-py{PY}.json").exists()
    assert "interrupted" in (tmp_path / "out" / f"pip-slow-{OS}-py{PY}.log").read_text()
    assert not _alive(int(pidfile.read_text()))


def test_unknown_manager_in_managers_flag_is_exit_2(cli_env: dict[str, str], tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "rodeo_action", "local", "--managers", "pip,uvv"],
                          cwd=tmp_path, env=cli_env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "--managers: unknown manager 'uvv'; did you mean 'uv'?" in proc.stderr
    assert "Traceback" not in proc.stderr


def local(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rodeo_action", "local", "-j", "2", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)


def report(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "rodeo_action", "report", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)


def statuses(path: Path) -> dict[str, str]:
    return {cid: cell["status"] for cid, cell in json.loads(path.read_text())["cells"].items()}


def no_managers_env(cli_env: dict[str, str]) -> dict[str, str]:
    """No micromamba, conda or spack on PATH: their cells are unavailable at once (a run of a second)."""
    return {**offline_env(cli_env), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"}


def test_a_report_of_a_local_run_reads_as_that_run(cli_env: dict[str, str], tmp_path: Path) -> None:
    """Bug: `rodeo report --config rodeo.yml` over `rodeo local`'s folder called this host's cells
    "error: not in the plan" and the config's ubuntu-latest cells "missing"."""
    fine = build_wheel(tmp_path / "wheels", "rodeo-fine", "2.0", {"rodeo_fine/__init__.py": "X = 1\n"})
    write_config(tmp_path, f'packages: ["rodeo-fine @ {fine.as_uri()}"]\nmanagers: [pip, micromamba]\n')
    env = no_managers_env(cli_env)
    assert local(tmp_path, env, "--output", "out").returncode == 0
    got = report(tmp_path, env, "--config", "rodeo.yml", "--results", "out", "--json", "r.json")
    assert got.returncode == 0, got.stderr
    assert statuses(tmp_path / "r.json") == {host_cell("pip"): "pass", host_cell("micromamba"): "unavailable"}
    assert "not in the plan" not in got.stdout + got.stderr and "missing" not in got.stdout
    manifest = json.loads((tmp_path / "out" / "rodeo-local.json").read_text())
    assert manifest["state"] == "finished" and manifest["host"] == OS and manifest["python"] == [PY]
    assert [c["id"] for c in manifest["cells"]] == [host_cell("micromamba"), host_cell("pip")]
    # without a config (none here), the run's own plan
    (tmp_path / "rodeo.yml").unlink()
    got = report(tmp_path, env, "--results", "out", "--json", "r2.json")
    assert statuses(tmp_path / "r2.json") == statuses(tmp_path / "r.json"), got.stderr


def test_a_second_run_moves_the_first_aside_and_report_reads_one_run(cli_env: dict[str, str],
                                                                      tmp_path: Path) -> None:
    write_config(tmp_path, "packages: [six]\nsets: {a: [six], b: [six]}\nmanagers: [micromamba]\n")
    env = no_managers_env(cli_env)
    first = local(tmp_path, env, "--output", "out")
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    started = json.loads(before["rodeo-local.json"])["started_at"]
    # the config changes between the runs: one set fewer; the old run's b cell must not come back
    write_config(tmp_path, "packages: [six]\nsets: {a: [six]}\nmanagers: [micromamba]\n")
    time.sleep(1.1)                                   # another started_at (seconds)
    second = local(tmp_path, env, "--output", "out")
    assert second.returncode == 0, second.stderr
    aside = tmp_path / "out" / "previous" / started.replace(":", "")
    assert f"moved the previous run ({len(before)} files) to out/previous/" in second.stderr
    assert {p.name: p.read_bytes() for p in aside.iterdir()} == before       # nothing lost, nothing changed
    assert not (tmp_path / "out" / f"{host_cell('micromamba', 'b')}.json").exists()
    got = report(tmp_path, env, "--results", "out", "--json", "r.json", "--markdown", "r.md")
    assert statuses(tmp_path / "r.json") == {host_cell("micromamba", "a"): "unavailable"}, got.stderr
    assert "out/previous/: earlier runs that rodeo local moved aside; not read" in (tmp_path / "r.md").read_text()
    # the earlier run is still a report of its own
    got = report(tmp_path, env, "--results", str(aside), "--json", "old.json")
    assert set(statuses(tmp_path / "old.json")) == {host_cell("micromamba", "a"), host_cell("micromamba", "b")}
    # a third run keeps both earlier ones
    time.sleep(1.1)
    assert local(tmp_path, env, "--output", "out").returncode == 0
    assert len(list((tmp_path / "out" / "previous").iterdir())) == 2


def test_a_folder_of_other_files_is_refused_and_old_results_are_moved(cli_env: dict[str, str],
                                                                      tmp_path: Path) -> None:
    write_config(tmp_path, "packages: [six]\nmanagers: [micromamba]\n")
    env = no_managers_env(cli_env)
    mine = tmp_path / "project"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine\n")
    got = local(tmp_path, env, "--output", "project")
    assert got.returncode == 2 and "Traceback" not in got.stderr
    assert got.stderr.strip().splitlines() == [
        "rodeo: --output project: holds files rodeo did not write (notes.txt); expected an empty folder or the "
        "output of an earlier `rodeo local`: choose another --output"]
    assert sorted(p.name for p in mine.iterdir()) == ["notes.txt"]          # nothing run, nothing written
    # results of an older rodeo (no manifest): moved aside, not mixed
    old = tmp_path / "old"
    old.mkdir()
    (old / f"{host_cell('pip')}.json").write_text("{}")
    (old / f"{host_cell('pip')}.log").write_text("# rodeo cell\n")
    (old / "report.md").write_text("# rodeo\n")
    (old / f"{host_cell('pip')}.lock").mkdir()
    got = local(tmp_path, env, "--output", "old")
    assert got.returncode == 0 and "moved the previous results (4 files) to old/previous/" in got.stderr
    assert sorted(p.name for p in old.iterdir()) == [
        f"{host_cell('micromamba')}.json", f"{host_cell('micromamba')}.log", "previous", "report.md",
        "rodeo-local.json"]


def test_ctrl_c_writes_the_report_of_what_finished_and_how_to_remake_it(cli_env: dict[str, str],
                                                                         tmp_path: Path) -> None:
    pidfile = tmp_path / "slow.pid"
    wheels = tmp_path / "wheels"
    fine = build_wheel(wheels, "rodeo-fine", "2.0", {"rodeo_fine/__init__.py": "X = 1\n"})
    slow = build_wheel(wheels, "rodeo-slow", "1.0", {"rodeo_slow/__init__.py": (
        f"import os, time\nopen({str(pidfile)!r}, 'w').write(str(os.getpid()))\ntime.sleep(300)\n")})
    write_config(tmp_path, f'packages: ["rodeo-fine @ {fine.as_uri()}", "rodeo-slow @ {slow.as_uri()}"]\n'
                 "sets: {quick: [rodeo-fine], slow: [rodeo-slow], trailing: [rodeo-fine]}\nmanagers: [pip]\n")
    # one worker: `trailing` waits in the queue behind `slow`, so it never starts. The SIGINT goes to
    # rodeo's pid alone, in a session of its own (as a terminal's Ctrl-C reaches it, with SIGINT not
    # inherited as ignored from a background job)
    proc = subprocess.Popen([sys.executable, "-m", "rodeo_action", "local", "-j", "1", "--output", "out"],
                            cwd=tmp_path, env=offline_env(cli_env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    out = tmp_path / "out"
    deadline = time.monotonic() + 120
    while not (pidfile.exists() and pidfile.read_text() and (out / f"{host_cell('pip', 'quick')}.json").exists()):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGINT)
    stdout, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    report_md = (out / "report.md").read_text()
    for set_name in ("slow", "trailing"):       # in flight, and never started: both shown, as interrupted
        assert host_cell("pip", set_name) in report_md
        assert not (out / f"{host_cell('pip', set_name)}.json").exists()
    assert "interrupted: rodeo local was stopped" in report_md and "✅" in report_md
    assert "slow" in stdout and "trailing" in stdout                  # the terminal table shows them too
    manifest = json.loads((out / "rodeo-local.json").read_text())
    assert manifest["state"] == "interrupted" and manifest["finished_at"]
    remake = err.strip().splitlines()[-1].strip()
    assert remake == "rodeo report --results out --config rodeo.yml --markdown out/report.md", err
    assert (f"1 finished cell kept, 2 not finished ({host_cell('pip', 'slow')}, {host_cell('pip', 'trailing')}: "
            "interrupted, in out/report.md too)") in err
    (out / "report.md").unlink()
    again = report(tmp_path, offline_env(cli_env), *shlex.split(remake)[2:], "--json", "r.json")
    assert again.returncode == 0, again.stderr
    assert statuses(tmp_path / "r.json") == {host_cell("pip", "quick"): "pass", host_cell("pip", "slow"): "missing",
                                             host_cell("pip", "trailing"): "missing"}
    remade = (out / "report.md").read_text()
    assert "interrupted: rodeo local was stopped" in remade and "not in the plan" not in remade
    assert not _alive(int(pidfile.read_text()))


# -- the manifest, read by `rodeo report` (pure: no run) -------------------------------------------

MIXED = "packages: [six]\nsets: {a: [six]}\nmanagers: [pip, uv]\npython: ['3.12']\n"   # os: the default


def fake_run(folder: Path, config: Config, host: str, *, finished: int | None = None,
             started: str = "2026-01-01T10:00:00Z", state: str = "finished") -> localrun.Manifest:
    """A `rodeo local` folder as that run leaves it on ``host``: its manifest, and a passing result for
    the first ``finished`` of its cells (all of them by default)."""
    here = replace(config, os=(host,))
    planned = expand(here)
    manifest = replace(localrun.begin(config, here, planned), host=host, started_at=started, state=state,
                       pid=None, pid_start=None)
    folder.mkdir(parents=True, exist_ok=True)
    localrun.write(folder, manifest)
    for p in planned[:finished if finished is not None else len(planned)]:
        c = p.cell
        write_result(Result(CellInfo(c.id, c.manager, c.set, c.os, c.python, ("six",)), "pass", started_at=started,
                            durations={"install": 1.0}), folder)
    return manifest


def artifact(folder: Path, cell_id: str) -> None:
    manager, set_, rest = cell_id.split("-", 2)
    os_, py = rest.rsplit("-py", 1)
    write_result(Result(CellInfo(cell_id, manager, set_, os_, py, ("six",)), "pass",
                        started_at="2026-01-01T09:00:00Z", durations={"install": 1.0}), folder)


def test_github_artifacts_and_a_local_run_in_one_folder_each_keep_their_plan(tmp_path: Path) -> None:
    config = parse_config(MIXED, "rodeo.yml")
    artifact(tmp_path / "rodeo-pip-ubuntu-latest", "pip-a-ubuntu-latest-py3.12")   # uv's CI job was cancelled
    fake_run(tmp_path / "local", config, "debian-12")
    got = collect(tmp_path, expand(config), config)
    assert {c.id: c.status for c in got.cells} == {
        "pip-a-ubuntu-latest-py3.12": "pass", "uv-a-ubuntu-latest-py3.12": "missing",
        "pip-a-debian-12-py3.12": "pass", "uv-a-debian-12-py3.12": "pass"}
    assert got.notes == [f"results of 1 rodeo local run, each matched to its own plan: {tmp_path}/local/ on "
                         "debian-12, started 2026-01-01 10:00 UTC, finished; 1 other result, matched to the "
                         "config's plan"]
    # only the local run: the config's CI cells are not "missing", and nothing needs saying
    only = collect(tmp_path / "local", expand(config), config)
    assert [c.status for c in only.cells] == ["pass", "pass"] and only.notes == []


def test_two_runs_are_said_in_one_note_and_an_interrupted_ones_cells_say_so(tmp_path: Path) -> None:
    config = parse_config(MIXED, "rodeo.yml")
    fake_run(tmp_path / "laptop", config, "macos-14", finished=1, state="interrupted")
    fake_run(tmp_path / "server", config, "debian-12", started="2026-01-02T10:00:00Z")
    got = collect(tmp_path, expand(config), config)
    cells = {c.id: c for c in got.cells}
    assert len(cells) == 4 and cells["uv-a-macos-14-py3.12"].status == "missing"
    assert cells["uv-a-macos-14-py3.12"].note == ("interrupted: rodeo local was stopped at an unknown time before "
                                                  "this cell finished")
    assert got.notes == [f"results of 2 rodeo local runs, each matched to its own plan: {tmp_path}/laptop/ on "
                         f"macos-14, started 2026-01-01 10:00 UTC, interrupted; {tmp_path}/server/ on debian-12, "
                         "started 2026-01-02 10:00 UTC, finished"]
    # the same host twice (two copies of its folder): one line for the runs, one verdict per cell
    fake_run(tmp_path / "server-again", config, "debian-12", started="2026-01-03T10:00:00Z")
    again = collect(tmp_path, expand(config), config)
    assert len(again.cells) == 4 and again.notes[-1].endswith(
        "; 2 cells in more than one run: the newer result shown")


def test_a_result_the_run_did_not_write_is_named_never_merged(tmp_path: Path) -> None:
    config = parse_config(MIXED, "rodeo.yml")
    fake_run(tmp_path, config, "debian-12", finished=1)
    # an older result of the cell the run did not finish, left in its folder: it is not that run's verdict
    write_result(Result(CellInfo("uv-a-debian-12-py3.12", "uv", "a", "debian-12", "3.12", ("six",)), "fail",
                        started_at="2025-12-31T10:00:00Z", phase="install",
                        cause=Cause("conflict", "old"), durations={"install": 1.0}), tmp_path)
    got = collect(tmp_path, expand(config), config)
    assert {c.id: c.status for c in got.cells} == {"pip-a-debian-12-py3.12": "pass", "uv-a-debian-12-py3.12": "missing"}
    assert got.notes == [f"{tmp_path}/: 1 result not written by the rodeo local run its rodeo-local.json describes "
                         "(started 2026-01-01 10:00 UTC): uv-a-debian-12-py3.12.json; not shown"]


def test_a_changed_config_or_a_bad_manifest_is_a_note(tmp_path: Path) -> None:
    config = parse_config(MIXED, "rodeo.yml")
    fake_run(tmp_path / "run", config, "debian-12")
    # a comment, a title or another path is the same config; another package set is not
    same = parse_config("# hi\nname: x\n" + MIXED, "elsewhere/rodeo.yml")
    assert localrun.config_digest(same) == localrun.config_digest(config)
    other = parse_config(MIXED.replace("[six]}", "[six, numpy]}").replace("[six]\n", "[six, numpy]\n"), "rodeo.yml")
    got = collect(tmp_path / "run", expand(other), other)
    assert got.notes == [f"{tmp_path}/run/rodeo-local.json: that run used another version of the config (rodeo.yml); "
                         "its results are matched to this config's plan for debian-12"]
    (tmp_path / "run" / "rodeo-local.json").write_text('{"rodeo_local": 1, "managers": ["rm -rf"]}')
    got = collect(tmp_path / "run", expand(config), config)
    assert got.notes == [f"{tmp_path}/run/rodeo-local.json is not a rodeo local manifest this rodeo reads "
                         "(managers: \"['rm -rf']\"); the results in its folder are matched to the config's plan"]
    assert {c.status for c in got.cells} == {"error", "missing"}        # as before manifests: not this plan


def test_a_run_still_writing_to_the_folder_is_never_moved(tmp_path: Path) -> None:
    config = parse_config(MIXED, "rodeo.yml")
    alive = subprocess.Popen(["sleep", "60"])
    try:
        manifest = fake_run(tmp_path, config, "debian-12", state="running")
        localrun.write(tmp_path, replace(manifest, pid=alive.pid, pid_start=host.start_time(alive.pid),
                                         node=platform.node()))
        before = sorted(p.name for p in tmp_path.iterdir())
        with pytest.raises(InputError, match=f"another `rodeo local` \\(pid {alive.pid}\\) is writing to it"):
            localrun.make_room(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == before
    finally:
        alive.kill()
        alive.wait()
    moved = localrun.make_room(tmp_path)
    assert moved == f"moved the previous run (3 files) to {tmp_path}/previous/2026-01-01T100000Z/"
