"""How long `rodeo plan` takes as the matrix grows: expand + pack + matrix_json.

    .venv/bin/python benchmarks/plan_scaling.py [--runs 5] [--max-seconds 1.0]

The config is 16 managers x 3 OSes x 3 Pythons x N sets (each set one of 200 packages), parsed
once; each size is timed ``--runs`` times and the median reported. Exit status 1 when the
largest size (about 100,000 cells) misses ``--max-seconds`` (the goal: 1 s).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time

import yaml

from rodeo_action import plan
from rodeo_action.config import Config, manager_names, parse_config

OSES = ["ubuntu-latest", "macos-latest", "windows-latest"]
PYTHONS = ["3.11", "3.12", "3.13"]
PACKAGES = [f"pkg{i}" for i in range(200)]


def config_for(n_sets: int) -> Config:
    text = yaml.safe_dump({
        "packages": PACKAGES,
        "sets": {f"set{i}": [PACKAGES[i % len(PACKAGES)], PACKAGES[(i * 7 + 1) % len(PACKAGES)]]
                 for i in range(n_sets)},
        "managers": list(manager_names()), "os": OSES, "python": PYTHONS,
    }, sort_keys=False)
    return parse_config(text, "bench.yml")


def time_plan(config: Config, runs: int) -> tuple[float, int, int]:
    times = []
    cells = jobs = 0
    for _ in range(runs):
        start = time.perf_counter()
        planned = plan.expand(config)
        packed = plan.pack(planned)
        plan.matrix_json(packed)
        times.append(time.perf_counter() - start)
        cells, jobs = len(planned), len(packed)
    return statistics.median(times), cells, jobs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=1.0)
    args = parser.parse_args(argv)
    per_set = len(manager_names()) * len(OSES) * len(PYTHONS)
    print(f"python {platform.python_version()} on {platform.machine()}; median of {args.runs} runs")
    print(f"{'cells':>8} {'jobs':>5} {'seconds':>8}")
    seconds = 0.0
    for target in (1_000, 10_000, 100_000):
        n_sets = -(-target // per_set)
        seconds, cells, jobs = time_plan(config_for(n_sets), args.runs)
        print(f"{cells:>8,} {jobs:>5} {seconds:>8.3f}")
    if seconds > args.max_seconds:
        print(f"the largest plan took {seconds:.3f}s; goal {args.max_seconds}s", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
