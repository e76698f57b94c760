"""Job packing on GitHub, on paper: runner time of `rodeo plan`'s jobs (os + manager) vs one job per cell.

    .venv/bin/python benchmarks/job_packing.py [--results examples/default-rodeo/results] \
        [--tool-install 2.5] [--config .github/rodeo.yml]

A job pays, before its first cell, rodeo's own install (``--tool-install``: the median of
``tool_install.py`` variant A) plus its manager's setup (the ``setup`` duration of the results
under ``--results``, median per manager; the setup-python/setup-uv/... action's own time is not
measurable here and is left out, so every saving below is a lower bound). Every cell then pays
its create + install + import + test, packed or not (median of the measured cells of that
manager; a manager with no measured cell gets the median of all measured cells).

Two matrices: the config as it is (the dogfood: 16 managers x 3 OSes, 1 set, 1 Python) and the
same with 4 sets x 3 Pythons. GitHub bills each job rounded up to a whole minute, so "billed" is
the sum of ceil(job minutes), "exact" the sum of the seconds.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from dataclasses import replace
from pathlib import Path

from rodeo_action.config import load_config
from rodeo_action.plan import expand, pack

REPO = Path(__file__).resolve().parent.parent
PER_CELL = ("create", "install", "import", "test")


def measured(results: Path) -> tuple[dict[str, float], dict[str, float]]:
    setup: dict[str, list[float]] = {}
    work: dict[str, list[float]] = {}
    for path in sorted(results.glob("*.json")):
        data = json.loads(path.read_text())
        if "cell" not in data:
            continue
        d = data.get("durations") or {}
        m = data["cell"]["manager"]
        if "setup" in d:
            setup.setdefault(m, []).append(float(d["setup"]))
        if data["status"] == "pass":
            work.setdefault(m, []).append(sum(float(d.get(k, 0.0)) for k in PER_CELL))
    return ({m: statistics.median(v) for m, v in setup.items()},
            {m: statistics.median(v) for m, v in work.items()})


def cost(config_path: Path, sets: int, pythons: list[str] | None, setup: dict[str, float], work: dict[str, float],
         tool: float, max_jobs: int | None) -> dict[str, float]:
    config = load_config(config_path)
    if sets > 1:
        import yaml

        from rodeo_action.config import parse_config

        raw = yaml.safe_load(config_path.read_text())
        packages = [p if isinstance(p, str) else p["name"] for p in raw["packages"]]
        raw["sets"] = {f"s{i}": packages for i in range(sets)}
        config = parse_config(yaml.safe_dump(raw), str(config_path))
    if pythons:
        config = replace(config, python=tuple(pythons))
    planned = [p for p in expand(config) if p.runnable]
    any_work = statistics.median(work.values()) if work else 60.0
    per_cell = {p.cell.id: work.get(p.cell.manager, any_work) for p in planned}
    manager_of = {p.cell.id: p.cell.manager for p in planned}

    def job_seconds(cells: list[str]) -> float:
        m = manager_of[cells[0]]
        return tool + setup.get(m, 0.0) + sum(per_cell[c] for c in cells)

    groups = len({(p.cell.os, p.cell.manager) for p in planned})
    packed = [job_seconds(list(j.cells)) for j in pack(planned, max_jobs or groups)]
    single = [job_seconds([c]) for c in per_cell]
    return {"cells": len(single), "jobs_packed": len(packed),
            "exact_single_min": sum(single) / 60, "exact_packed_min": sum(packed) / 60,
            "billed_single_min": sum(math.ceil(s / 60) for s in single),
            "billed_packed_min": sum(math.ceil(s / 60) for s in packed),
            "longest_packed_min": max(packed) / 60}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--results", default=str(REPO / "examples" / "default-rodeo" / "results"))
    ap.add_argument("--tool-install", type=float, required=True,
                    help="seconds: rodeo's own install per job (tool_install.py, variant A median)")
    ap.add_argument("--config", default=str(REPO / ".github" / "rodeo.yml"))
    args = ap.parse_args()
    setup, work = measured(Path(args.results))
    print("measured setup s per job: " + ", ".join(f"{m}={s:.2f}" for m, s in sorted(setup.items())))
    print("measured per-cell s (create+install+import+test, passing cells): "
          + ", ".join(f"{m}={s:.1f}" for m, s in sorted(work.items())))
    print(f"rodeo's own install per job: {args.tool_install:.2f}s")
    print(f"{'matrix':38} {'cells':>5} {'jobs':>5} {'1/cell min':>10} {'packed min':>10} {'saved':>7} "
          f"{'billed 1/cell':>13} {'billed packed':>13} {'saved':>6} {'longest job min':>15}")
    for label, sets, pythons, max_jobs in (
            ("dogfood (1 set x 1 python)", 1, None, 256),
            ("4 sets x 3 pythons, --max-jobs 256", 4, ["3.11", "3.12", "3.13"], 256),
            ("4 sets x 3 pythons, 1 job/os+manager", 4, ["3.11", "3.12", "3.13"], None)):
        c = cost(Path(args.config), sets, pythons, setup, work, args.tool_install, max_jobs)
        saved = c["exact_single_min"] - c["exact_packed_min"]
        billed = c["billed_single_min"] - c["billed_packed_min"]
        print(f"{label:38} {c['cells']:5.0f} {c['jobs_packed']:5.0f} {c['exact_single_min']:10.1f} "
              f"{c['exact_packed_min']:10.1f} {saved:7.1f} {c['billed_single_min']:13.0f} "
              f"{c['billed_packed_min']:13.0f} {billed:6.0f} {c['longest_packed_min']:15.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
