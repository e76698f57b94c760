"""`rodeo local`: -j 1 vs -j 2 on a network-bound rodeo, and cold vs warm caches on the default rodeo.

    .venv/bin/python benchmarks/local_parallel.py jobs  [--rounds 3] [--managers pip,uv,poetry,hatch]
    .venv/bin/python benchmarks/local_parallel.py cache [--rounds 2] [--managers pip,uv]

``jobs``: a network-bound rodeo run with ``-j 1`` and ``-j 2`` alternately: every manager x two
sets of small packages that only pypi.org has (none is on this machine's local mirror or in
``/opt/wheels``: net1 = pyfiglet + funcy + docrep, net2 = glom + inflect), each run with cold
download caches (a fresh ``RODEO_CACHE_DIR`` whose ``tools/`` is the warmed one: the managers
themselves are not re-installed). ``--warm`` instead shares one warmed download cache and uses
sets partly on the local mirror (six + docrep, attrs + tomli): then the cells are mostly CPU.
Goal: -j 2 / -j 1 <= 0.6.

``cache``: the embedded default rodeo (cartopy + tensorflow + xgcm, with its test) with
``--managers``, cold (``RODEO_CACHE_DIR`` a new empty folder: tools, wheels, everything downloaded)
vs warm (a cache filled by a first run), alternately. Goal: warm >= 3x faster. Also printed: each
cell's phases, and each manager's cache folder under RODEO_CACHE_DIR with its size.

Each run is ``python -m rodeo_action local`` in a fresh temporary folder; median wall seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SMALL = """packages: [six, docrep, attrs, tomli]
sets: {small1: [six, docrep], small2: [attrs, tomli]}
managers: %s
"""
NETWORK = """packages: [pyfiglet, funcy, docrep, glom, inflect]
sets: {net1: [pyfiglet, funcy, docrep], net2: [glom, inflect]}
managers: %s
"""


def cold_cache(work: Path, tools_from: Path) -> Path:
    """A new, empty RODEO_CACHE_DIR that shares the warmed tool folder (managers stay installed)."""
    cache = Path(tempfile.mkdtemp(prefix="cold-", dir=work))
    (cache / "tools").symlink_to(tools_from / "tools")
    return cache


def local(work: Path, cache: Path, jobs: int, managers: str, config: Path | None,
          keep: Path | None = None) -> tuple[float, list[dict[str, Any]]]:
    out = Path(tempfile.mkdtemp(prefix="out-", dir=work))
    env = {**os.environ, "RODEO_CACHE_DIR": str(cache)}
    argv = [sys.executable, "-m", "rodeo_action", "local", "-j", str(jobs), "--managers", managers,
            "--output", str(out)]
    if config is not None:
        argv += ["--config", str(config)]
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, cwd=out, check=True, capture_output=True)
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"    wall {seconds:.1f}s, CPU {cpu:.1f}s of every process (the floor on {os.cpu_count()} CPUs: "
          f"{cpu / (os.cpu_count() or 1):.1f}s)", flush=True)
    results = [json.loads(p.read_text()) for p in sorted(out.glob("*.json"))]
    bad = [r["cell"]["id"] + ": " + r["status"] for r in results if r["status"] not in ("pass",)]
    if bad:
        print("  note: not passing: " + ", ".join(bad), flush=True)
    if keep is not None:
        shutil.copytree(out, keep, dirs_exist_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    return seconds, results


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def summary(label: str, xs: list[float]) -> str:
    return f"{label:6} median {statistics.median(xs):7.1f}s  (min {min(xs):.1f}, max {max(xs):.1f}, n={len(xs)})"


def phases(results: list[dict[str, Any]]) -> None:
    for r in results:
        d = r.get("durations", {})
        print(f"    {r['cell']['id']:40} {r['status']:5} " + " ".join(f"{k}={v:.1f}" for k, v in d.items()))


def bench_jobs(args: argparse.Namespace, work: Path) -> dict[str, object]:
    config = work / "rodeo.yml"
    config.write_text((SMALL if args.warm else NETWORK) % json.dumps(args.managers.split(",")))
    warmed = work / "cache"
    local(work, warmed, 2, args.managers, config)          # warm-up: tools (and, with --warm, downloads)
    samples: dict[str, list[float]] = {"-j 1": [], "-j 2": []}
    for _ in range(args.rounds):
        for jobs in (1, 2):
            cache = warmed if args.warm else cold_cache(work, warmed)
            seconds, results = local(work, cache, jobs, args.managers, config)
            samples[f"-j {jobs}"].append(seconds)
            print(f"  -j {jobs}: {seconds:.1f}s", flush=True)
            phases(results)
            if cache != warmed:
                shutil.rmtree(cache, ignore_errors=True)
    ratios = sorted(b / a for a, b in zip(samples["-j 1"], samples["-j 2"], strict=True))
    for k, xs in samples.items():
        print(summary(k, xs))
    ratio = statistics.median(samples["-j 2"]) / statistics.median(samples["-j 1"])
    print(f"-j 2 / -j 1 = {ratio:.3f} (per-round {ratios[0]:.3f}-{ratios[-1]:.3f}; goal <= 0.6)")
    return {"samples": samples, "ratio": ratio}


def bench_cache(args: argparse.Namespace, work: Path) -> dict[str, object]:
    warm = work / "warm-cache"
    local(work, warm, args.jobs, args.managers, None)      # fills the warm cache
    samples: dict[str, list[float]] = {"cold": [], "warm": []}
    for r in range(args.rounds):
        cold = work / f"cold-cache-{r}"
        keep = Path(args.keep_cold) if args.keep_cold and r == 0 else None
        seconds, results = local(work, cold, args.jobs, args.managers, None, keep)
        samples["cold"].append(seconds)
        print(f"  cold: {seconds:.1f}s", flush=True)
        phases(results)
        if r == 0:
            print("  cache folders after a cold run (RODEO_CACHE_DIR/...):")
            for sub in sorted(p for p in cold.iterdir() if p.is_dir()):
                inner = sorted(p.name for p in sub.iterdir() if p.is_dir()) if sub.name == "tools" else []
                print(f"    {sub.name:24} {du(sub) / 1e6:8.1f} MB {' '.join(inner)}")
        shutil.rmtree(cold, ignore_errors=True)
        seconds, results = local(work, warm, args.jobs, args.managers, None)
        samples["warm"].append(seconds)
        print(f"  warm: {seconds:.1f}s", flush=True)
        phases(results)
    for k, xs in samples.items():
        print(summary(k, xs))
    ratio = statistics.median(samples["cold"]) / statistics.median(samples["warm"])
    print(f"cold / warm = {ratio:.2f} (goal >= 3)")
    return {"samples": samples, "ratio": ratio}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["jobs", "cache"])
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--managers")
    ap.add_argument("-j", "--jobs", type=int, default=2, help="cache: the -j of both runs")
    ap.add_argument("--json")
    ap.add_argument("--warm", action="store_true", help="jobs: one shared warm cache, partly mirrored sets")
    ap.add_argument("--keep-cold", help="cache: copy the first cold run's results here (job_packing.py reads them)")
    args = ap.parse_args()
    if args.what == "jobs":
        args.rounds = args.rounds or 3
        args.managers = args.managers or "pip,uv,poetry,hatch"
    else:
        args.rounds = args.rounds or 2
        args.managers = args.managers or "pip,uv"
    work = Path(tempfile.mkdtemp(prefix="rodeo-local-bench-"))
    print(f"{os.cpu_count()} CPUs; rodeo local {args.what}, managers {args.managers}, {args.rounds} rounds", flush=True)
    data = bench_jobs(args, work) if args.what == "jobs" else bench_cache(args, work)
    if args.json:
        Path(args.json).write_text(json.dumps(data, indent=1))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
