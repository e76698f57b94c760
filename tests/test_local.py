"""`rodeo local` as a user runs it: parallel cells, honest unavailability, the report, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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
    assert "| set | pip | micromamba | spack | apt |" in report
    assert "## Not run here" in report and "--allow-system" in report
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
