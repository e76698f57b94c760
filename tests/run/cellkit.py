"""Hostile cells, for real, shared by tests/run: a folder whose cells run a micromamba *shim*, the
CLI to run in it, and the search for whatever a cell left running.

The shim (tests/shimkit.py: a script on PATH that builds a small venv where the real tool would)
makes a cell cost well under a second before its hostile ``test:`` runs - the ``test:`` field is
run by bash in the cell's environment (through ``micromamba run``), which is where the hostility
lives. Every hostile process carries a marker of the test's own (an environment variable, or a
name in its command line when it wipes its environment), and after rodeo returns ``/proc`` is
searched for it (:func:`survivors`): nothing may survive.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from shimkit import write_shim

from rodeo_action import host, results
from rodeo_action.config import host_os_label, host_python, parse_config
from rodeo_action.plan import expand
from rodeo_action.results import validate
from rodeo_action.run import RunOptions, run_cell
from tests.conftest import build_wheel

PY = host_python()
OS = host_os_label()
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc (Linux)")
TESTS = Path(__file__).resolve().parents[1]
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


def config_text(packages: str, managers: str = "[pip]", extra: str = "") -> str:
    """A rodeo.yml for this host's OS and Python."""
    return f'packages: {packages}\nmanagers: {managers}\npython: ["{PY}"]\nos: [{OS}]\n{extra}'


def run_one(tmp_path: Path, text: str, manager: str, cache: Path, environ: dict[str, str] | None = None,
            **options: Any) -> results.Result:
    """The cell of ``manager`` run in-process (not through the CLI), as ``rodeo run`` would run it."""
    config = parse_config(text, "rodeo.yml")
    planned = next(p for p in expand(config) if p.cell.manager == manager)
    opts = RunOptions(output=tmp_path / "out", environ=environ if environ is not None else dict(os.environ),
                      cache_root=cache, work_root=tmp_path / "work", **options)
    return run_cell(planned, config, opts)


def offline_wheel(tmp_path: Path) -> str:
    """A local wheel (no index needed): the packages of a rodeo.yml that installs it."""
    wheel = build_wheel(tmp_path / "wheels", "rodeo-fine", "2.0", {"rodeo_fine/__init__.py": "X = 1\n"})
    return f'["rodeo-fine @ {wheel.as_uri()}"]'


def alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper that this container may lack does not count)."""
    time.sleep(0.2)
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state not in ("Z", "X")


LIMIT = 20 << 20     # ulimit -f for rodeo and everything it starts (small_files)


def small_files() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


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
