"""Supervision, for real: a cell that hangs, leaves a daemon, eats memory, fills the disk or is
killed from outside gets a result that says so, leaves no process behind, and the cell after it
is unaffected; an interrupted ``rodeo local`` ends every step (rodeo_action/run/supervise.py).

Each hostile test runs the real CLI (``python -m rodeo_action run|local``) as a subprocess, its
cell a micromamba shim (tests/run/cellkit.py); after rodeo returns, ``/proc`` is searched for
the test's marker: nothing may survive.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from rodeo_action import host
from rodeo_action.managers.base import Step
from rodeo_action.run.celllog import CellLog
from rodeo_action.run.supervise import Guard, Processes, Supervisor
from tests.run.cellkit import Rodeo, alive, config_text, offline_wheel, run_one, small_files, survivors

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")


@pytest.fixture
def rodeo_dir(cli_env: dict[str, str], tmp_path: Path) -> Rodeo:
    return Rodeo(tmp_path, cli_env)


def test_a_passing_cell_is_untouched(rodeo_dir: Rodeo) -> None:
    rodeo_dir.config('echo "token is $RODEO_CELL_TOKEN"')
    proc = rodeo_dir.run("run", "--cell", rodeo_dir.cell())
    assert proc.returncode == 0, proc.stderr
    data = rodeo_dir.result()
    assert data["status"] == "pass", data["log_tail"]
    assert "killed" not in rodeo_dir.log()
    assert len(rodeo_dir.log().split("\ntoken is ")[1].split()[0]) == 16     # the cell's marker


# ---------------------------------------------------------------- hangs

HANG = ('case "$PWD" in *-hang-*) export HOSTILE_MARK; sleep 300 & (setsid sleep 300 &); sleep 300; wait;; '
        'esac; echo fine')


def test_a_hang_is_a_timeout_and_the_next_cell_of_the_same_local_run_is_unaffected(rodeo_dir: Rodeo) -> None:
    rodeo_dir.config(HANG, sets=("hang", "quick"), timeout="3s")
    t0 = time.monotonic()
    proc = rodeo_dir.run("local", "-j", "1", timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - t0 < 60
    hang = rodeo_dir.result("hang")
    assert (hang["status"], hang["phase"], hang["cause"]["kind"]) == ("timeout", "test", "timeout"), hang["log_tail"]
    assert hang["cause"]["summary"] == "no result after 3s (during test)"
    # the setsid'd sleep escaped the group: the sweep names it
    assert "left behind by the test step" in rodeo_dir.log("hang"), rodeo_dir.log("hang")
    quick = rodeo_dir.result("quick")
    assert quick["status"] == "pass", quick["log_tail"]
    assert "killed" not in rodeo_dir.log("quick")
    assert survivors(rodeo_dir.mark) == []


def test_timeout_kills_the_process_group(tmp_path: Path, shared_cache: Path) -> None:
    pidfile = tmp_path / "sleeper.pid"
    text = config_text(offline_wheel(tmp_path),
                       extra=f"timeout: 20s\ntest: sleep 300 & echo $! > {pidfile}; wait\n")
    env = {**os.environ, "PIP_NO_INDEX": "1"}
    t0 = time.monotonic()
    result = run_one(tmp_path, text, "pip", shared_cache, environ=env)
    assert result.status == "timeout", result.log_tail
    assert result.cause is not None and result.cause.kind == "timeout"
    assert time.monotonic() - t0 < 45
    assert result.phase == "test"
    assert not alive(int(pidfile.read_text()))


# ---------------------------------------------------------------- daemons

# Double fork + setsid: the daemon leaves the step's session and process group, and its parent
# exits, so it is re-parented (to rodeo, a child subreaper). Then the test itself passes.
DAEMON = ("python -c 'import os, time\n"
          "if os.fork() == 0:\n"
          "    os.setsid()\n"
          "    if os.fork() == 0:\n"
          "        time.sleep(1000)\n"
          "    os._exit(0)\n"
          "os.wait()'; echo daemon started")
# The same, and it wipes its environment (so carries no RODEO_CELL_TOKEN): found as rodeo's orphan.
NO_ENV_DAEMON = "(env -i setsid bash -c 'exec -a \"$0\" sleep 1000' \"$HOSTILE_MARK\" &); sleep 0.2; echo ok"


@pytest.mark.parametrize("test", [DAEMON, NO_ENV_DAEMON], ids=["double-fork-setsid", "setsid-env-wiped"])
def test_a_daemon_that_outlives_its_cell_is_killed_and_noted(rodeo_dir: Rodeo, test: str) -> None:
    rodeo_dir.config(test)
    proc = rodeo_dir.run("run", "--cell", rodeo_dir.cell())
    assert proc.returncode == 0, proc.stderr
    data = rodeo_dir.result()
    assert data["status"] == "pass", data["log_tail"]          # on its own merits
    log = rodeo_dir.log()
    assert "# rodeo: killed 1 process left behind by the test step: pid " in log, log
    assert "sleep 1000" in log or rodeo_dir.mark in log or "python -c" in log
    assert "# rodeo: this cell left 1 process running; rodeo killed it" in data["log_tail"]
    assert survivors(rodeo_dir.mark) == []


def test_daemons_of_parallel_cells_are_each_killed_by_their_own_cell(rodeo_dir: Rodeo) -> None:
    rodeo_dir.config(DAEMON + "; sleep 1", sets=("one", "two", "three"))
    proc = rodeo_dir.run("local", "-j", "3", timeout=120)
    assert proc.returncode == 0, proc.stderr
    for name in ("one", "two", "three"):
        assert rodeo_dir.result(name)["status"] == "pass"
        assert "killed 1 process left behind by the test step" in rodeo_dir.log(name), rodeo_dir.log(name)
    assert survivors(rodeo_dir.mark) == []


# ---------------------------------------------------------------- memory

# Two processes (one in a session of its own) that together, not alone, pass the limit.
HOG = ("python -c 'import time\nb = []\nfor _ in range(30):\n    b.append(bytearray(b\"x\" * (8 << 20)))\n"
       "    time.sleep(0.02)\ntime.sleep(300)' & "
       "setsid python -c 'import time\nb = []\nfor _ in range(30):\n    b.append(bytearray(b\"x\" * (8 << 20)))\n"
       "    time.sleep(0.02)\ntime.sleep(300)' & wait")


def test_a_cell_that_eats_memory_is_killed_at_the_limit(rodeo_dir: Rodeo) -> None:
    rodeo_dir.config(f'case "$PWD" in *-hog-*) {HOG};; esac; echo fine', sets=("hog", "quick"))
    t0 = time.monotonic()
    proc = rodeo_dir.run("local", "-j", "1", env={"RODEO_MEMORY_LIMIT": "300M"})
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - t0 < 30
    assert rodeo_dir.result("quick")["status"] == "pass"           # the next cell is unaffected
    data = rodeo_dir.result("hog")
    assert (data["status"], data["phase"], data["cause"]["kind"]) == ("fail", "test", "killed"), data["log_tail"]
    assert data["cause"]["summary"] == "used more than 300.0 MB of memory (limit: RODEO_MEMORY_LIMIT=300M); killed"
    assert "more than the limit of 300.0 MB (RODEO_MEMORY_LIMIT=300M); they were killed" in data["log_tail"]
    assert survivors(rodeo_dir.mark) == []


def test_a_bad_memory_limit_is_said_and_the_default_used(rodeo_dir: Rodeo) -> None:
    rodeo_dir.config("true")
    proc = rodeo_dir.run("run", "--cell", rodeo_dir.cell(), env={"RODEO_MEMORY_LIMIT": "lots"})
    assert proc.returncode == 0, proc.stderr
    assert rodeo_dir.result()["status"] == "pass"
    assert "RODEO_MEMORY_LIMIT='lots' is not a size (expected e.g. 2G, 512M, 50% or off); using 80% of" in \
        rodeo_dir.log()


@pytest.mark.parametrize(("test", "summary"), [
    ("kill -9 $$", "killed by SIGKILL during test, from outside rodeo (the out-of-memory killer, or a person)"),
    ("python -c 'import os; os.kill(os.getpid(), 9)'; exit $?", "a process was killed (SIGKILL: out of memory?) "
     "during test: python -c 'import os; os.kill(os.getpid(), 9)'"),
    ("kill -TERM $$", "killed by SIGTERM (signal 15) during test"),
], ids=["sigkill", "sigkill-reported-by-bash", "sigterm"])
def test_a_step_killed_from_outside_is_killed_with_the_signal_named(rodeo_dir: Rodeo, test: str,
                                                                     summary: str) -> None:
    rodeo_dir.config(test)
    proc = rodeo_dir.run("run", "--cell", rodeo_dir.cell())
    assert proc.returncode == 0, proc.stderr
    data = rodeo_dir.result()
    assert (data["status"], data["phase"], data["cause"]["kind"]) == ("fail", "test", "killed"), data["log_tail"]
    assert data["cause"]["summary"] == summary


# ---------------------------------------------------------------- the disk


@pytest.mark.parametrize(("test", "summary"), [
    # head dies of SIGXFSZ (children get the default disposition back)
    ("exec head -c 50000000 /dev/zero > big", "a file grew past the file size limit (ulimit -f: 20.0 MB): the test "
     "step was killed by SIGXFSZ"),
    # the same, reported by bash
    ("head -c 50000000 /dev/zero > big; exit $?", "a file grew past the file size limit (ulimit -f): File size limit "
     "exceeded"),
    # Python ignores SIGXFSZ: its write fails with EFBIG
    ("python -c 'open(\"big\", \"wb\").write(bytes(50_000_000))'",
     "a file grew past the file size limit (ulimit -f): OSError: [Errno 27] File too large"),
    # a real ENOSPC, from /dev/full
    ("head -c 100 /dev/zero > /dev/full",
     "the disk is full (No space left on device); free space or use a bigger runner"),
], ids=["sigxfsz", "sigxfsz-reported-by-bash", "efbig", "enospc"])
def test_a_cell_that_fills_the_disk_is_disk_full(rodeo_dir: Rodeo, test: str, summary: str) -> None:
    rodeo_dir.config(test)
    proc = rodeo_dir.run("run", "--cell", rodeo_dir.cell(), preexec=small_files)
    assert proc.returncode == 0, proc.stderr
    data = rodeo_dir.result()
    assert (data["status"], data["phase"], data["cause"]["kind"]) == ("fail", "test", "disk-full"), data["log_tail"]
    assert data["cause"]["summary"] == summary


# ---------------------------------------------------------------- Ctrl-C


def slow_config(rodeo_dir: Rodeo, pidfile: Path) -> None:
    test = (f'case "$PWD" in *-slow-*) (setsid sleep 1000 &); echo $$ > {pidfile}; sleep 300;; esac; echo fine')
    rodeo_dir.config(test, sets=("quick", "slow"))


def start_local(rodeo_dir: Rodeo, preexec: Callable[[], Any] | None) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "rodeo_action", "local", "-j", "2", "--output", "out"],
                            cwd=rodeo_dir.root, env=rodeo_dir.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=preexec)


def wait_for(proc: subprocess.Popen[str], *paths: Path) -> None:
    deadline = time.monotonic() + 60
    while not all(p.exists() and p.stat().st_size for p in paths):
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.05)


def as_at_a_terminal() -> None:
    """SIGINT as a terminal's Ctrl-C finds it: default (a job started with `&` from a script
    inherits it ignored, and Python then installs no KeyboardInterrupt)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize(("how", "preexec"), [
    ([signal.SIGINT], as_at_a_terminal),
    ([signal.SIGINT, signal.SIGINT, signal.SIGINT], as_at_a_terminal),   # an impatient person
    ([signal.SIGTERM], lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)),   # a cancelled CI job, from `&`
], ids=["ctrl-c", "ctrl-c-thrice", "sigterm-with-sigint-ignored"])
def test_an_interrupted_local_run_keeps_finished_results_and_leaves_no_process(
        rodeo_dir: Rodeo, how: list[signal.Signals], preexec: Callable[[], Any]) -> None:
    pidfile = rodeo_dir.root / "slow.pid"
    slow_config(rodeo_dir, pidfile)
    proc = start_local(rodeo_dir, preexec)
    quick = rodeo_dir.root / "out" / f"{rodeo_dir.cell('quick')}.json"
    wait_for(proc, pidfile, quick)
    for sig in how:
        proc.send_signal(sig)
        time.sleep(0.05)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert rodeo_dir.result("quick")["status"] == "pass"
    assert not (rodeo_dir.root / "out" / f"{rodeo_dir.cell('slow')}.json").exists()
    assert "interrupted" in rodeo_dir.log("slow")
    assert survivors(rodeo_dir.mark) == []
    assert not list((rodeo_dir.root / "work").glob(".rodeo-trash-*")), "folders being deleted are waited for"


# ---------------------------------------------------------------- the small pieces


@pytest.mark.parametrize(("text", "size"), [
    ("2G", 2 << 30), ("512M", 512 << 20), ("1.5GB", int(1.5 * (1 << 30))), ("2GiB", 2 << 30), ("100", 100),
    ("64k", 64 << 10), ("50%", 0.5), ("0%", None), ("lots", None), ("-1G", None), ("2 G", 2 << 30),
])
def test_memory_sizes_parse(text: str, size: int | float | None) -> None:
    assert host.parse_size(text) == size


def test_the_memory_limit_defaults_to_most_of_the_machine() -> None:
    total = host.memory_total()
    assert total
    assert host.memory_limit(None).bytes == int(total * 0.8)
    assert host.memory_limit("2G") == host.MemoryLimit(2 << 30, "RODEO_MEMORY_LIMIT=2G")
    assert host.memory_limit("50%").bytes == int(total * 0.5)
    assert host.memory_limit("off").bytes is None
    bad = host.memory_limit("2X")
    assert bad.bytes == int(total * 0.8) and bad.problem and "is not a size" in bad.problem


def test_sigkill_names_the_oom_killer_when_the_kernel_counted_a_kill() -> None:
    from rodeo_action.run.supervise import Guard, signal_cause

    count = host.oom_kills()
    if count is None:
        pytest.skip("no oom_kill counter in /proc/vmstat")
    limit = host.memory_limit(None)
    before = Guard("t", limit, True, oom_before=count - 1)
    cause = signal_cause(-signal.SIGKILL, "install", before)
    assert cause is not None and cause.kind == "killed"
    assert cause.summary == "killed by SIGKILL during install: the kernel's out-of-memory killer ran (memory ran out)"
    same = signal_cause(-signal.SIGKILL, "install", Guard("t", limit, True, oom_before=count))
    assert same is not None and "from outside rodeo" in same.summary
    assert signal_cause(0, "install", before) is None and signal_cause(1, "install", before) is None


@pytest.mark.parametrize(("line", "kind", "summary"), [
    ("bash: line 1:  1741 Killed                  python -c x", "killed",     # bash pads a short pid
     "a process was killed (SIGKILL: out of memory?) during install: python -c x"),
    ("bash: line 1: 1234567 Killed   sleep 5", "killed", "a process was killed (SIGKILL: out of memory?) during "
     "install: sleep 5"),
    ("Killed", "killed", "a process was killed (SIGKILL: out of memory?) during install"),
    ("c++: fatal error: Killed signal terminated program cc1plus", "killed",
     "the compiler cc1plus was killed (SIGKILL: out of memory?) while building six"),
    ("cp: error writing 'big': File too large", "disk-full",
     "a file grew past the file size limit (ulimit -f): cp: error writing 'big': File too large"),
    ("OSError: [Errno 122] Disk quota exceeded", "disk-full",
     "the disk quota is exceeded (Disk quota exceeded); free space or raise the quota"),
    ("error: could not write: No space left on device (os error 28)", "disk-full",
     "the disk is full (No space left on device); free space or use a bigger runner"),
])
def test_a_log_that_says_killed_or_disk_full_is_classified(line: str, kind: str, summary: str) -> None:
    from rodeo_action.causes import classify

    cause = classify(f"Collecting six\n{line}\n", "install", "pip")
    assert (cause.kind, cause.summary) == (kind, summary)


def test_a_sweep_never_takes_a_reused_pid_for_the_finished_step(tmp_path: Path) -> None:
    """The finished step's pid, reaped, may already be a new step of another cell: its session is not ours."""
    from rodeo_action.run.supervise import Processes, _cell_tree

    me = os.getpid()
    procs = {500: host.Proc(500, me, 500, "S", 0), 501: host.Proc(501, 500, 500, "S", 0),
             502: host.Proc(502, 501, 502, "S", 0)}
    assert _cell_tree(procs, "mine", 500, Processes()) == {500, 501, 502}

    class Step:   # a registered step of another cell that got pid 500
        pid = 500

    processes = Processes()
    processes._live[Step()] = "theirs"  # type: ignore[index]
    processes.enter("theirs")
    assert _cell_tree(procs, "mine", 500, processes) == set()


def test_a_kill_never_reaches_a_process_that_took_the_pid() -> None:
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        seen = host.scan_processes()
        assert seen is not None
        me = seen[sleeper.pid]
        assert host.kill(host.Proc(me.pid, me.ppid, me.sid, me.state, me.rss, me.start + 1), signal.SIGKILL) is False
        assert sleeper.poll() is None
        assert host.kill(me, signal.SIGKILL) is True
        assert sleeper.wait(timeout=5) == -signal.SIGKILL
        assert host.kill(me, signal.SIGKILL) is False       # gone
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_guard_registers_its_cell_until_it_ends_and_says_what_it_killed(tmp_path: Path) -> None:
    processes = Processes()
    guard = Guard.start({"RODEO_MEMORY_LIMIT": "1G"}, processes)
    assert len(guard.token) == 16 and guard.limit.bytes == 1 << 30
    assert processes.snapshot() == ({}, {guard.token})
    guard.killed.append("pid 123 `sleep 1000`")
    log_path = tmp_path / "cell.log"
    with log_path.open("wb") as fh:
        guard.end(processes, CellLog(fh, log_path))
    assert processes.snapshot() == ({}, set())
    assert log_path.read_text() == "# rodeo: this cell left 1 process running; rodeo killed it (pid 123)\n"


def test_a_supervised_step_runs_in_a_session_of_its_own_with_its_output_in_the_log(tmp_path: Path) -> None:
    log_path = tmp_path / "cell.log"
    with log_path.open("wb") as fh:
        steps = Supervisor(CellLog(fh, log_path), time.monotonic() + 30, Processes())
        code = steps.run(Step("install", ("sh", "-c", 'echo "out $X"; ps -o sid= -p $$ >&2; exit 3')), {
            "PATH": os.environ["PATH"], "X": "1"})
    assert code == 3
    lines = log_path.read_text().splitlines()
    assert lines[:2] == ["$ sh -c 'echo \"out $X\"; ps -o sid= -p $$ >&2; exit 3'", "out 1"]
    if len(lines) > 2 and lines[2].strip().isdigit():    # ps is there: the step leads its own session
        assert int(lines[2]) != os.getsid(0)
