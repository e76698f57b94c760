"""Isolation cost: the installs ``rodeo run --baseline`` spends naming the release that broke a cell,
and their wall time as a ratio of one warm raw install of the same set (issue 14, "Speed").

    .venv/bin/python benchmarks/bisect_cost.py [--managers uv,pip] [--ks 1,8,58] [--positions first,middle,last]

A local PEP 503 index (tests/pyindex.py, ``many_scenario``): ``app`` needs ``dep01`` .. ``depK``. For
each manager, k and position of the culprit, on a fresh index: run 1 at stage 1 passes and
``rodeo report --json`` keeps it as the baseline; stage 2 upgrades all k deps to 2.0 and exactly one
(the first, middle or last) drops what ``import app`` needs. Then, warm, alternately: a plain
``rodeo run`` of stage 2 (its wall time, W0) and ``rodeo run --baseline`` (W1), which isolates.
Measured:

- installs: the tries isolation made; must be <= ceil(log2 k) + 2, with the right dep named (the
  script exits 1 otherwise). The budget is raised to 64 so that the figure is the search's own, not
  the cap's; one more run (k = 58) keeps the default ``max-installs: 8`` and must still name the dep.
- extra: the sum of the tries' seconds (rodeo times each), and W1 - W0 as a cross-check.
- raw: one warm install of the stage-2 set by the raw tool, as a user would, from the same index and
  rodeo's warm download cache: ``uv venv`` + ``uv pip install app`` / ``python -m venv`` +
  ``pip install app`` (a try makes a fresh environment too). Median of ``--raw-rounds``.

Printed: a markdown table, one row per manager and k (min/median/max over the positions) with
extra / raw, the number to read. 58 is the default rodeo's closure (cartopy + tensorflow + xgcm).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rodeo_action.run.toolhome import installed  # noqa: E402
from tests.pyindex import Index, dep_names, many_scenario  # noqa: E402

BUDGET = 64          # high enough that the installs counted are the search's, never the cap's
DEFAULT_BUDGET = 8   # Config.max_installs' default: the run that checks k = 58 fits it


def bound(k: int) -> int:
    """The promise: one re-install of the last lock, ceil(log2 k) halvings, at most one confirmation."""
    return math.ceil(math.log2(k)) + 2 if k > 1 else 2


def positions(k: int, wanted: Sequence[str]) -> dict[str, int]:
    """The culprit's 1-based position by name (first, middle, last), one entry per distinct position."""
    where = {"first": 1, "middle": (k + 1) // 2, "last": k}
    out: dict[str, int] = {}
    for name in wanted:
        if where[name] not in out.values():
            out[name] = where[name]
    return out


@dataclass(frozen=True)
class Sample:
    """One isolation: what rodeo found, what it cost, and the raw installs measured beside it."""

    manager: str
    k: int
    position: str
    guilty: str
    budget: int
    outcome: str
    named: tuple[str, ...]
    installs: int
    tries: tuple[float, ...]     # seconds of each try, as rodeo timed them
    wall: float                  # W1: rodeo run --baseline
    plain: float                 # W0: rodeo run of the same stage, no baseline
    raw: tuple[float, ...] = ()  # warm raw installs of the same set, same index, same cache

    @property
    def extra(self) -> float:
        return sum(self.tries)

    @property
    def ratio(self) -> float:
        """The extra wall time of isolation in warm raw installs (the median raw install)."""
        return self.extra / statistics.median(self.raw)

    def problems(self) -> list[str]:
        """What breaks the promise: a wrong or missing answer, or more installs than the bound."""
        out = []
        if self.outcome != "isolated" or self.named != (self.guilty,):
            out.append(f"{self.manager} k={self.k} {self.position}: {self.outcome}, named {list(self.named)}, "
                       f"expected {self.guilty}")
        if self.installs > bound(self.k):
            out.append(f"{self.manager} k={self.k} {self.position}: {self.installs} installs > bound {bound(self.k)}")
        return out


def sample_of(result: dict[str, Any], manager: str, k: int, position: str, guilty: str, budget: int,
              wall: float, plain: float) -> Sample:
    """A :class:`Sample` from a ``rodeo run --baseline`` result (no ``isolation``: not isolated at all)."""
    iso = result.get("isolation") or {}
    return Sample(manager, k, position, guilty, budget, str(iso.get("outcome", "none")),
                  tuple(str(c["package"]) for c in iso.get("culprits", ())), int(iso.get("installs", 0)),
                  tuple(float(t.get("seconds", 0.0)) for t in iso.get("tries", ())), wall, plain)


def spread(values: Sequence[float], fmt: str = "{:.0f}") -> str:
    """``median (min–max)``, or the one value."""
    med, lo, hi = statistics.median(values), min(values), max(values)
    return fmt.format(med) if lo == hi else f"{fmt.format(med)} ({fmt.format(lo)}–{fmt.format(hi)})"


def table(samples: Sequence[Sample]) -> str:
    """The markdown table: one row per manager and k (medians over positions, min–max in brackets)."""
    lines = ["| manager | k | culprit at | installs (bound) | per try s | extra s (Σ tries) | W1 − W0 s "
             "| raw install s | **extra / raw** |",
             "|---|---|---|---|---|---|---|---|---|"]
    groups: dict[tuple[str, int], list[Sample]] = {}
    for s in samples:
        if s.budget == BUDGET:
            groups.setdefault((s.manager, s.k), []).append(s)
    for (manager, k), group in groups.items():
        lines.append(f"| {manager} | {k} | {', '.join(s.position for s in group)} "
                     f"| {spread([s.installs for s in group])} ({bound(k)}) "
                     f"| {spread([t for s in group for t in s.tries], '{:.2f}')} "
                     f"| {spread([s.extra for s in group], '{:.1f}')} "
                     f"| {spread([s.wall - s.plain for s in group], '{:.1f}')} "
                     f"| {spread([r for s in group for r in s.raw], '{:.2f}')} "
                     f"| **{spread([s.ratio for s in group], '{:.1f}')}** |")
    for s in samples:
        if s.budget != BUDGET:
            lines.append(f"\nDefault budget (max-installs: {s.budget}), {s.manager}, k={s.k}, culprit {s.guilty}: "
                         f"{s.outcome}, named {', '.join(s.named) or 'nothing'}, {s.installs} installs, "
                         f"extra {s.extra:.1f} s.")
    return "\n".join(lines)


# ------------------------------------------------------------------------------ running it


@dataclass(frozen=True)
class Bench:
    """Where a benchmark run works: its folder, rodeo's environment (a cache of its own) and this host's cell."""

    work: Path
    env: dict[str, str]

    def cell(self, manager: str) -> str:
        from rodeo_action.config import host_os_label, host_python

        return f"{manager}-all-{host_os_label()}-py{host_python()}"

    def rodeo(self, folder: Path, *args: str) -> float:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "rodeo_action", *args], cwd=folder, env=self.env,
                              capture_output=True, text=True, timeout=1800)
        if proc.returncode:
            raise SystemExit(f"rodeo {' '.join(args)} (in {folder}) exited {proc.returncode}: {proc.stderr[-2000:]}")
        return time.perf_counter() - t0

    def run_cell(self, folder: Path, manager: str, output: str, *extra: str) -> tuple[float, dict[str, Any]]:
        seconds = self.rodeo(folder, "run", "--cell", self.cell(manager), "--output", output, *extra)
        result: dict[str, Any] = json.loads((folder / output / f"{self.cell(manager)}.json").read_text())
        return seconds, result


def config_text(index_url: str, manager: str, budget: int) -> str:
    from rodeo_action.config import host_os_label, host_python

    return (f'packages: [app]\nmanagers: [{manager}]\npython: ["{host_python()}"]\nos: [{host_os_label()}]\n'
            f"index-url: {index_url}\nretries: 0\nbisect: {{max-installs: {budget}}}\n")


def isolate_once(bench: Bench, manager: str, k: int, position: str, guilty: int, budget: int,
                 raw_rounds: int) -> Sample:
    """One fresh index and folder: run 1 passes, its report is the baseline; stage 2: W0 (which also warms
    the download cache with the new wheels), W1, then ``raw_rounds`` raw installs of the same set."""
    folder = Path(tempfile.mkdtemp(prefix=f"{manager}-k{k}-{position.replace(' ', '-')}-", dir=bench.work))
    with Index(folder / "index") as index:
        many_scenario(index, 1, k, guilty)
        (folder / "rodeo.yml").write_text(config_text(index.url, manager, budget))
        _, first = bench.run_cell(folder, manager, "run1")
        if first["status"] != "pass":
            raise SystemExit(f"{manager} k={k}: run 1 did not pass: {first['log_tail'][-1500:]}")
        bench.rodeo(folder, "report", "--results", "run1", "--config", "rodeo.yml", "--json", "base.json")
        many_scenario(index, 2, k, guilty)
        plain, second = bench.run_cell(folder, manager, "plain")
        if second["status"] != "fail":
            raise SystemExit(f"{manager} k={k}: stage 2 did not fail: {second['status']}")
        wall, result = bench.run_cell(folder, manager, "run2", "--baseline", "base.json")
        raw = tuple(raw_install(bench, manager, folder, index.url) for _ in range(raw_rounds))
    sample = sample_of(result, manager, k, position, dep_names(k)[guilty - 1], budget, wall, plain)
    return replace(sample, raw=raw)


def raw_install(bench: Bench, manager: str, folder: Path, index_url: str) -> float:
    """One install of ``app`` by the raw tool into a fresh environment, warm (rodeo's download cache)."""
    cache = Path(bench.env["RODEO_CACHE_DIR"])
    venv = folder / "raw-venv"
    shutil.rmtree(venv, ignore_errors=True)
    python = str(venv / "bin" / "python")
    if manager == "uv":   # rodeo put uv in its tool cache when it was not on PATH
        uv = shutil.which("uv") or str(installed(cache, "uv"))
        env = {**bench.env, "UV_CACHE_DIR": str(cache / "uv_cache_dir"), "UV_NO_CONFIG": "1",
               "UV_PYTHON_DOWNLOADS": "never"}
        commands = [[uv, "venv", "--quiet", "--python", sys.executable, str(venv)],
                    [uv, "pip", "install", "--quiet", "--python", python, "--index-url", index_url, "app"]]
    else:
        env = {**bench.env, "PIP_CACHE_DIR": str(cache / "pip_cache_dir"), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        commands = [[sys.executable, "-m", "venv", str(venv)],
                    [python, "-m", "pip", "install", "--quiet", "--index-url", index_url, "app"]]
    t0 = time.perf_counter()
    for argv in commands:
        subprocess.run(argv, env=env, check=True, capture_output=True, timeout=600)
    seconds = time.perf_counter() - t0
    shutil.rmtree(venv, ignore_errors=True)
    return seconds


def report(sample: Sample) -> str:
    return (f"{sample.manager} k={sample.k} culprit {sample.guilty} ({sample.position}, max-installs "
            f"{sample.budget}): {sample.outcome} {list(sample.named)}, {sample.installs} installs (bound "
            f"{bound(sample.k)}), tries {' '.join(f'{t:.2f}' for t in sample.tries)} s; W1 {sample.wall:.2f} "
            f"W0 {sample.plain:.2f}; raw {' '.join(f'{r:.2f}' for r in sample.raw)} s")


def environment(work: Path) -> dict[str, str]:
    """rodeo's environment: a cache folder of its own, and only the local index (no host pip/uv settings)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "GITHUB_", "RODEO_"))}
    return {**env, "RODEO_CACHE_DIR": str(work / "cache"), "PIP_CONFIG_FILE": os.devnull, "PYTHONPATH": str(ROOT)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--managers", default="uv,pip")
    ap.add_argument("--ks", default="1,8,58")
    ap.add_argument("--positions", default="first,middle,last",
                    help="where the culprit is, for the largest k (the first manager only, unless --all-positions)")
    ap.add_argument("--all-positions", action="store_true", help="every manager at every position")
    ap.add_argument("--raw-rounds", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the work folder (the results and isolation logs)")
    ap.add_argument("--json", help="also write the samples here")
    args = ap.parse_args()
    managers, ks = args.managers.split(","), [int(k) for k in args.ks.split(",")]
    work = Path(tempfile.mkdtemp(prefix="rodeo-bench-bisect-"))
    bench = Bench(work, environment(work))
    load = os.getloadavg()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs, "
          f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; work folder {work}", flush=True)
    t_start = time.perf_counter()
    samples: list[Sample] = []
    for manager in managers:
        for k in ks:
            every = k == max(ks) and (manager == managers[0] or args.all_positions)
            for position, guilty in positions(k, args.positions.split(",") if every else ["middle"]).items():
                samples.append(isolate_once(bench, manager, k, position, guilty, BUDGET, args.raw_rounds))
                print(report(samples[-1]), flush=True)
    # the default budget is exactly the bound at k = 58: a culprit where the runs above had none
    k = max(ks)
    samples.append(isolate_once(bench, managers[0], k, "default budget", max(1, 2 * k // 3), DEFAULT_BUDGET, 0))
    print(report(samples[-1]), flush=True)
    load = os.getloadavg()
    print(f"\ntotal {time.perf_counter() - t_start:.0f} s; load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}\n")
    print(table(samples))
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(s) for s in samples], indent=1))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    problems = [p for s in samples for p in s.problems()]
    for line in problems:
        print(f"FAILED: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
