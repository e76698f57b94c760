"""Cell overhead: a cell through `rodeo run --cell` vs the manager's own commands (the cell's repro).

    .venv/bin/python benchmarks/cell_overhead.py [--rounds 5] [--managers uv,pip,hatch] [--sets small,geo]

For each manager and set, A (rodeo) and B (the repro rodeo itself wrote, run with bash) alternate
for ``--rounds`` rounds after one warm-up of each, with the same download caches, so both run
warm. Printed: median seconds of A and B, their ratio (goal <= 1.03) and the spread. B is the
physical limit of a cell: what the manager costs without rodeo around it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SETS = {
    "small": ["six", "docrep"],
    "geo": ["cartopy", "xgcm"],
}
CACHE_VARS = {"pip": "PIP_CACHE_DIR", "uv": "UV_CACHE_DIR", "hatch": "HATCH_CACHE_DIR"}


def host_cell(manager: str, set_name: str) -> str:
    from rodeo_action.config import host_os_label, host_python

    return f"{manager}-{set_name}-{host_os_label()}-py{host_python()}"


def write_config(folder: Path, managers: list[str], sets: list[str]) -> Path:
    from rodeo_action.config import host_os_label, host_python

    packages = sorted({p for s in sets for p in SETS[s]})
    text = (f"packages: {json.dumps(packages)}\nsets: {json.dumps({s: SETS[s] for s in sets})}\n"
            f"managers: {json.dumps(managers)}\npython: [\"{host_python()}\"]\nos: [{host_os_label()}]\n")
    path = folder / "rodeo.yml"
    path.write_text(text)
    return path


def run_rodeo(config: Path, cell: str, out: Path, env: dict[str, str]) -> tuple[float, dict[str, object]]:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rodeo_action", "run", "--config", str(config), "--cell", cell,
                    "--output", str(out)], env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - t0
    result: dict[str, object] = json.loads((out / f"{cell}.json").read_text())
    if result["status"] != "pass":
        raise SystemExit(f"{cell} did not pass; see {out / (cell + '.log')}")
    return seconds, result


def run_repro(repro: str, cell: str, env: dict[str, str]) -> float:
    shutil.rmtree(f"/tmp/rodeo-{cell}", ignore_errors=True)
    t0 = time.perf_counter()
    subprocess.run(["bash", "-c", repro], env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - t0
    shutil.rmtree(f"/tmp/rodeo-{cell}", ignore_errors=True)
    return seconds


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--managers", default="uv,pip,hatch")
    ap.add_argument("--sets", default="small,geo")
    ap.add_argument("--json", help="also write the raw samples here")
    ap.add_argument("--bytecode-env", action="store_true", help="keep PYTHONDONTWRITEBYTECODE from this shell")
    args = ap.parse_args()
    managers = args.managers.split(",")
    sets = args.sets.split(",")
    work = Path(tempfile.mkdtemp(prefix="rodeo-bench-"))
    cache = work / "cache"
    env = {**os.environ, "RODEO_CACHE_DIR": str(cache)}
    # as on a GitHub runner or a usual shell: bytecode written (a shell with PYTHONDONTWRITEBYTECODE=1
    # spares the repro's import the .pyc writes; --bytecode-env keeps that variable as it is)
    if not args.bytecode_env:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    config = write_config(work, managers, sets)
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{args.rounds} rounds, warm caches")
    print(f"{'cell':42} {'rodeo s':>8} {'repro s':>8} {'ratio':>6} {'spread':>14}  rodeo's phases (median s)")
    samples: dict[str, dict[str, object]] = {}
    for manager in managers:
        for set_name in sets:
            cell = host_cell(manager, set_name)
            _, result = run_rodeo(config, cell, work / "out", env)      # warm-up: tools + caches
            repro = str(result["repro"])
            # the repro a person pastes has no cache settings; give it rodeo's, so both run warm
            renv = {**env, CACHE_VARS.get(manager, "X_CACHE"): str(cache / CACHE_VARS.get(manager, "x").lower())}
            from rodeo_action.run.toolhome import installed

            tool = installed(cache, manager)
            renv["PATH"] = f"{tool.parent if tool else ''}:{env.get('PATH', '')}"
            if manager == "hatch":   # hatch's pip and virtualenv caches, where rodeo keeps them
                tool_cache = cache / CACHE_VARS["hatch"].lower()
                renv["PIP_CACHE_DIR"] = str(tool_cache / "pip")
                repro = repro.replace(f"/tmp/rodeo-{cell}/virtualenv-app-data", str(tool_cache / "virtualenv-app-data"))
            run_repro(repro, cell, renv)
            a, b = [], []
            phases: dict[str, list[float]] = {}
            for _ in range(args.rounds):
                seconds, result = run_rodeo(config, cell, work / "out", env)
                a.append(seconds)
                for phase, value in dict(result["durations"]).items():  # type: ignore[call-overload]
                    phases.setdefault(phase, []).append(float(value))
                b.append(run_repro(repro, cell, renv))
            ma, mb = statistics.median(a), statistics.median(b)
            ratios = sorted(x / y for x, y in zip(a, b, strict=True))
            shown = " ".join(f"{k}={statistics.median(v):.2f}" for k, v in phases.items())
            print(f"{cell:42} {ma:8.2f} {mb:8.2f} {ma / mb:6.3f} {ratios[0]:6.3f}–{ratios[-1]:6.3f}  {shown}",
                  flush=True)
            samples[cell] = {"rodeo": a, "repro": b, "phases": phases, "ratio": ma / mb}
    if args.json:
        Path(args.json).write_text(json.dumps(samples, indent=1))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
