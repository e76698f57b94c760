"""Synthetic rodeos: a config and a folder of schema-valid result JSONs of any size.

The report benchmark and the picture tests share this, so both see the same mix a real rodeo
produces: mostly passes, some failures with causes and log tails, timeouts, unreadable results,
unavailable managers, cancelled jobs (no file: ``missing``) and ``n/a`` cells from the plan.
Deterministic for a given seed, so a benchmark run or a failing test can be reproduced.

    .venv/bin/python benchmarks/synthetic.py OUT_DIR --cells 10000
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path

import yaml

from rodeo_action.config import Config, manager_names, parse_config
from rodeo_action.plan import PlannedCell, expand

OSES = ("ubuntu-latest", "macos-latest", "windows-latest")
PYTHONS = ("3.11", "3.12", "3.13")
PACKAGES = tuple(f"pkg{i}" for i in range(200))
# status -> weight, for cells the plan schedules; "missing" writes no file, "broken" a truncated one
MIX = (("pass", 70), ("fail", 15), ("timeout", 3), ("error", 2), ("unavailable", 4), ("missing", 4),
       ("broken", 2))
CAUSES = ("no-matching-distribution", "not-packaged", "conflict", "build-failed", "missing-system-library",
          "import-error", "test-failed", "network", "unknown")
PHASES = ("create", "install", "import", "test")


@dataclass(frozen=True)
class Synthetic:
    """A generated rodeo: what ``rodeo report`` would be given."""

    config: Config
    planned: list[PlannedCell]
    results: Path
    written: int              # result files written (missing cells have none)


def config_for(cells: int, managers: tuple[str, ...] | None = None, oses: tuple[str, ...] = OSES,
               pythons: tuple[str, ...] = PYTHONS) -> Config:
    """A config whose plan has at least ``cells`` cells (whole sets), each set two packages."""
    managers = managers or manager_names()
    per_set = len(managers) * len(oses) * len(pythons)
    n_sets = max(1, -(-cells // per_set))
    text = yaml.safe_dump({
        "name": "synthetic",
        "packages": list(PACKAGES),
        "sets": {f"set{i}": [PACKAGES[i % len(PACKAGES)], PACKAGES[(i * 7 + 1) % len(PACKAGES)]]
                 for i in range(n_sets)},
        "managers": list(managers), "os": list(oses), "python": list(pythons),
    }, sort_keys=False)
    return parse_config(text, "synthetic.yml")


def _log(rng: random.Random, lines: int) -> str:
    return "\n".join(f"[{i:04d}] step {rng.randrange(10**6)}: collecting pkg{rng.randrange(200)} "
                     f"from https://example.invalid/simple/ ... ok" for i in range(lines))


def _result(p: PlannedCell, status: str, rng: random.Random) -> dict[str, object]:
    c = p.cell
    durations = {"setup": round(rng.uniform(0, 3), 3), "create": round(rng.uniform(0, 2), 3),
                 "install": round(rng.uniform(1, 120), 3), "import": round(rng.uniform(0, 10), 3)}
    phase = cause = None
    reason = None
    if status in ("fail", "error"):
        phase = rng.choice(PHASES)
        kind = rng.choice(CAUSES)
        package = rng.choice(c.packages) if kind != "network" else None
        cause = {"kind": kind, "package": package,
                 "summary": f"{kind}: {package or 'the index'} could not be installed by {c.manager}"}
    elif status == "timeout":
        phase = "install"
        cause = {"kind": "timeout", "package": None, "summary": "the cell ran out of time (1800 s)"}
    elif status == "unavailable":
        durations = {"setup": round(rng.uniform(0, 3), 3)}
        reason = f"{c.manager} could not be set up on this runner"
    resolved = {f"dep{rng.randrange(500)}": f"{rng.randrange(1, 30)}.{rng.randrange(20)}.{rng.randrange(9)}"
                for _ in range(30)}
    resolved.update({name: f"{rng.randrange(1, 5)}.{rng.randrange(20)}.0" for name in c.packages})
    return {
        "schema": 1,
        "cell": {"id": c.id, "manager": c.manager, "set": c.set, "os": c.os, "python": c.python,
                 "packages": list(c.packages)},
        "status": status, "phase": phase, "cause": cause, "durations": durations,
        "manager_version": f"{c.manager} {rng.randrange(1, 9)}.{rng.randrange(30)}.0",
        "python_version": f"{c.python}.{rng.randrange(12)}", "platform": "linux-x86_64",
        "resolved": resolved, "imports": {name: "ok" for name in c.packages},
        "repro": f"{c.manager} install {' '.join(c.packages)}",
        "log_tail": _log(rng, 40 if cause else 4),
        "started_at": f"2025-06-01T{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}Z",
        "run_url": "https://github.com/example/rodeo/actions/runs/1/job/2", "reason": reason,
    }


def write_results(planned: list[PlannedCell], out: Path, seed: int = 0) -> int:
    """One result file per scheduled cell (except missing ones); returns how many were written."""
    rng = random.Random(seed)
    statuses = [s for s, _ in MIX]
    weights = [w for _, w in MIX]
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for p in planned:
        if not p.runnable:
            continue
        status = rng.choices(statuses, weights)[0]
        if status == "missing":
            continue
        path = out / p.cell.os / f"{p.cell.id}.json"     # nested, like downloaded artifacts
        path.parent.mkdir(exist_ok=True)
        if status == "broken":
            path.write_text('{"schema": 1, "cell": {"id": "', encoding="utf-8")
        else:
            path.write_text(json.dumps(_result(p, status, rng), indent=2), encoding="utf-8")
        written += 1
    return written


def generate(cells: int, out: Path, seed: int = 0, managers: tuple[str, ...] | None = None,
             oses: tuple[str, ...] = OSES, pythons: tuple[str, ...] = PYTHONS) -> Synthetic:
    """A config of about ``cells`` cells and its results under ``out``."""
    config = config_for(cells, managers, oses, pythons)
    planned = expand(config)
    return Synthetic(config, planned, out, write_results(planned, out, seed))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--cells", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    got = generate(args.cells, args.out, args.seed)
    print(f"{len(got.planned):,} planned cells, {got.written:,} result files under {got.results}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
