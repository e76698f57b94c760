"""Hostile cells, for real: a cell that hangs, leaves a daemon, eats memory, fills the disk or is
killed from outside gets a result that says so, leaves no process behind, and the cell after it
is unaffected.

Each test runs the real CLI (``python -m rodeo_action run|local``) as a subprocess. The manager
is a micromamba *shim* (tests/shimkit.py: a script on PATH that builds a small venv where the
real tool would), so a cell costs well under a second before its hostile ``test:`` runs - the
``test:`` field is run by bash in the cell's environment (through ``micromamba run``), which is where
the hostility lives. Every hostile process carries a marker of the test's own (an environment variable, or a
name in its command line when it wipes its environment), and after rodeo returns ``/proc`` is
searched for it: nothing may survive.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from shimkit import write_shim

from rodeo_action import host
from rodeo_action.config import host_os_label, host_python
from rodeo_action.results import validate

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")

PY = host_python()
OS = host_os_label()
TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

# micromamba, faked: `create` makes the prefix a venv, `install` adds one stub module per package, `run`
# runs the probe and the test in it.
SHIM = f'''
import re, sys
sys.path.insert(0, {str(TESTS)!r})
from pathlib import Path
from shimkit import fake_env, run_in_env
args = sys.argv[1:]
if args == ["--version"]:
    print("micromamba 2.3.2")
    sys.exit(0)
if args[0] == "run":
    run_in_env(args)
prefix = Path(args[args.index("-p") + 1])
skip = {{args.index("-p") + 1, args.index("-c") + 1}}
specs = [a for i, a in enumerate(args[1:], 1) if not a.startswith("-") and i not in skip]
names = [re.split(r"[<>=!~ ]", s)[0] for s in specs if not s.startswith("python")]
if args[0] == "install":
    fake_env(prefix, {{n: "1.0" for n in names}})
print("Transaction finished")
'''


def survivors(mark: str) -> list[str]:
    """Live processes whose environment or command line holds ``mark`` (zombies do not count)."""
    found = []
    needle = mark.encode()
    for pid in (int(p) for p in os.listdir("/proc") if p.isdigit()):
        if pid == os.getpid():
            continue
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state in ("Z", "X"):
                continue
            blob = Path(f"/proc/{pid}/environ").read_bytes() + Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if needle in blob:
            found.append(f"{pid} {host.describe(pid)}")
    return found


class Rodeo:
    """A folder with a rodeo.yml for this host, micromamba shimmed, and the CLI to run in it."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.root = root
        self.mark = f"rodeo-hostile-{uuid.uuid4().hex[:12]}"
        write_shim(root / "shims", "micromamba", SHIM)
        self.env = {**env, "PATH": f"{root / 'shims'}{os.pathsep}{env.get('PATH', os.defpath)}",
                    "RUNNER_TEMP": str(root / "work"), "HOSTILE_MARK": self.mark}

    def config(self, test: str, sets: tuple[str, ...] = ("all",), timeout: str = "60s") -> None:
        names = ", ".join(sets)
        set_lines = "".join(f"  {s}: [tiny]\n" for s in sets)
        (self.root / "rodeo.yml").write_text(
            f"packages: [tiny]\nsets:\n{set_lines}managers: [micromamba]\npython: [\"{PY}\"]\nos: [{OS}]\n"
            f"timeout: {timeout}\ntest: {json.dumps(test)}\n" if sets != ("all",) else
            f"packages: [tiny]\nmanagers: [micromamba]\npython: [\"{PY}\"]\nos: [{OS}]\n"
            f"timeout: {timeout}\ntest: {json.dumps(test)}\n", encoding="utf-8")
        assert names

    def cell(self, set_name: str = "all") -> str:
        return f"micromamba-{set_name}-{OS}-py{PY}"

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 120,
            preexec: Callable[[], Any] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "rodeo_action", *args, "--output", "out"], cwd=self.root,
                              env={**self.env, **(env or {})}, capture_output=True, text=True, timeout=timeout,
                              preexec_fn=preexec)

    def result(self, set_name: str = "all") -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.root / "out" / f"{self.cell(set_name)}.json").read_text())
        assert validate(data) == []
        return data

    def log(self, set_name: str = "all") -> str:
        return (self.root / "out" / f"{self.cell(set_name)}.log").read_text(encoding="utf-8", errors="replace")


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

LIMIT = 20 << 20     # ulimit -f for rodeo and everything it starts


def small_files() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


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


def test_a_cell_that_floods_its_log_past_ulimit_f_leaves_a_cut_log_and_a_result(rodeo_dir: Rodeo) -> None:
    rodeo_dir.config("head -c 50000000 /dev/zero | tr '\\0' x")
    proc = rodeo_dir.run("run", "--cell", rodeo_dir.cell(), preexec=small_files)
    assert proc.returncode == 0, proc.stderr          # rodeo itself survived its own EFBIG
    data = rodeo_dir.result()
    assert (data["status"], data["phase"], data["cause"]["kind"]) == ("fail", "test", "disk-full"), data["cause"]
    log = rodeo_dir.root / "out" / f"{rodeo_dir.cell()}.log"
    assert log.stat().st_size <= LIMIT
    assert "# rodeo: the log was cut at " in data["log_tail"]
    assert "File too large (ulimit -f allows files of 20971520 bytes); what followed is lost" in data["log_tail"]


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
def test_a_really_full_disk_still_gets_its_result(rodeo_dir: Rodeo) -> None:
    """A 16 MB tmpfs (in a user + mount namespace) holds the cell's folder and its output: the cell
    fills it, its folder is deleted before the result is written, and the result is there."""
    probe = subprocess.run(["unshare", "-Urm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"no unprivileged mount namespace here: {probe.stderr.decode().strip()}")
    disk = rodeo_dir.root / "disk"
    disk.mkdir()
    rodeo_dir.config("head -c 100000000 /dev/zero > big")
    script = (f'mount -t tmpfs -o size=16m tmpfs {disk} && cd {rodeo_dir.root} && '
              f'RUNNER_TEMP={disk}/work {sys.executable} -m rodeo_action run --cell {rodeo_dir.cell()} '
              f'--output {disk}/out && cp -r {disk}/out {rodeo_dir.root}/out')
    proc = subprocess.run(["unshare", "-Urm", "sh", "-c", script], env=rodeo_dir.env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = rodeo_dir.result()
    assert (data["status"], data["phase"], data["cause"]["kind"]) == ("fail", "test", "disk-full"), data["log_tail"]
    assert "No space left on device" in data["log_tail"]


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


# ---------------------------------------------------------------- folders


def test_trash_a_crash_left_is_deleted_by_the_next_run(rodeo_dir: Rodeo) -> None:
    stale = rodeo_dir.root / "work" / ".rodeo-trash-rodeo-old-cell-abc"
    (stale / "env" / "lib").mkdir(parents=True)
    (stale / "env" / "lib" / "big.py").write_text("x = 1\n")
    keep = rodeo_dir.root / "work" / "rodeo-kept-cell-xyz"       # a --keep-envs folder: not trash
    keep.mkdir()
    rodeo_dir.config("true")
    proc = rodeo_dir.run("local", "-j", "1")
    assert proc.returncode == 0, proc.stderr
    assert not stale.exists() and keep.exists()
    assert [p.name for p in (rodeo_dir.root / "work").iterdir()] == ["rodeo-kept-cell-xyz"]


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
    from rodeo_action.runner import Guard, signal_cause

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


@pytest.mark.parametrize(("text", "out"), [
    ("x ghp_" + "a" * 36 + " y", "x [REDACTED] y"),
    ("Authorization: Bearer abcdefghijklmnop1234", "Authorization: Bearer [REDACTED]"),
    ("authorization: token " + "f" * 40, "authorization: token [REDACTED]"),
    ("aws_secret_access_key = " + "A/b+" * 10, "aws_secret_access_key = [REDACTED]"),
    ("AKIAIOSFODNN7EXAMPLE", "[REDACTED]"),
    ("https://alice:s3cr3t@pypi.example.org/simple", "https://alice:[REDACTED]@pypi.example.org/simple"),
    ("pypi-AgEIcHlwaS5vcmc" + "x" * 60, "[REDACTED]"),
    ("http://[::1]:8080/simple and git+ssh://git@github.com/o/r", "http://[::1]:8080/simple and "
     "git+ssh://git@github.com/o/r"),
    ("an unexpected token in /usr/lib/python3/site-packages/x.py", "an unexpected token in "
     "/usr/lib/python3/site-packages/x.py"),
])
def test_token_shapes_are_redacted_and_nothing_else(text: str, out: str) -> None:
    from rodeo_action.results import Redactor

    assert Redactor()(text) == out


def test_a_log_is_redacted_in_place_only_when_it_must_be(tmp_path: Path) -> None:
    from rodeo_action.results import Redactor

    clean, dirty = tmp_path / "clean.log", tmp_path / "dirty.log"
    clean.write_text("Collecting six\n" * 100_000)
    dirty.write_text("Collecting six\n" * 100_000 + "password=my-long-secret\n")
    before = clean.stat().st_mtime_ns
    redact = Redactor(("my-long-secret",))
    assert redact.file(clean) is False and clean.stat().st_mtime_ns == before
    assert redact.file(dirty) is True
    assert dirty.read_text().endswith("Collecting six\npassword=[REDACTED]\n")


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
    from rodeo_action.runner import Processes, _cell_tree

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
