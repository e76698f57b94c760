"""Run a command and measure its own peak resident memory, whatever the size of the test process.

Linux keeps a process's peak RSS across fork and exec, so a child forked straight from a pytest that
has grown to hundreds of MB (a browser test, a big report) reports pytest's size, not its own. A small
launcher interpreter forks the command instead and hands back that command's own ``wait4`` figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

LAUNCHER = """\
import json, os, resource, subprocess, sys, threading
out, address_space, cpu, timeout = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
def limits():
    if address_space:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    if cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
proc = subprocess.Popen(sys.argv[5:], preexec_fn=limits)
watchdog = threading.Timer(timeout, proc.kill)
watchdog.start()
try:
    _, status, usage = os.wait4(proc.pid, 0)
finally:
    watchdog.cancel()
with open(out, "w") as fh:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_maxrss], fh)
"""


@dataclass(frozen=True)
class Measured:
    code: int
    maxrss: int          # bytes


def run_measured(argv: list[str], cwd: Path, env: dict[str, str], stdout: IO[bytes], stderr: IO[bytes], *,
                 address_space: int = 0, cpu_seconds: int = 0, timeout: float = 60) -> Measured:
    """``argv`` run through the launcher, under the given limits (0: none), killed after ``timeout``."""
    measured = cwd / f".rusage-{id(stdout)}.json"
    subprocess.run([sys.executable, "-I", "-c", LAUNCHER, str(measured), str(address_space), str(cpu_seconds),
                    str(timeout), *argv], cwd=cwd, env=env, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                   check=True)
    code, maxrss = json.loads(measured.read_text())
    measured.unlink()
    scale = 1 if sys.platform == "darwin" else 1024          # ru_maxrss: bytes on macOS, KiB on Linux
    return Measured(code, maxrss * scale)
