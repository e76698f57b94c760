"""Import phase: one interpreter for every module vs one interpreter per module, on a real environment.

    .venv/bin/python benchmarks/import_phase.py [--rounds 5] [--packages cartopy,tensorflow,xgcm] [--env DIR]

The environment is created once with uv in a temporary folder (or reused with ``--env``). Variants,
alternated round by round, all with a verdict per module:

  one      ``python -I probe.py`` once for every module (what the runner does; a crash falls back to
           finishing the rest one by one)
  each     ``python -I probe.py`` once per module (``only=[module]``)
  bare     the repro's ``python -c 'import a; import b; ...'`` (no verdicts, no versions: the floor)

Printed: medians, spread, and each variant's ratio to ``bare``. The probe is rodeo's; the
difference one/bare is what the probe adds (importlib.metadata reads, JSON writes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROBE = Path(__file__).resolve().parent.parent / "rodeo_action" / "probe.py"


def uv_exe() -> str:
    found = shutil.which("uv")
    if found:
        return found
    from rodeo_action import host
    from rodeo_action.run.toolhome import installed

    cached = installed(host.cache_root(os.environ), "uv")
    if cached is not None:
        return str(cached)
    raise SystemExit("no uv found: put uv on PATH (pip install uv) or run a uv cell first")


def make_env(folder: Path, packages: list[str]) -> Path:
    uv = uv_exe()
    subprocess.run([uv, "venv", "--quiet", "--python", sys.version.split()[0], str(folder)], check=True)
    python = folder / "bin" / "python"
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(python), *packages], check=True)
    return python


def probe(python: Path, packages: list[str], only: list[str] | None, out: Path) -> dict[str, object]:
    spec = json.dumps({"packages": [{"name": p, "imports": None} for p in packages], "only": only})
    subprocess.run([str(python), "-I", str(PROBE), str(out), spec], check=True, capture_output=True,
                   cwd=out.parent)
    data: dict[str, object] = json.loads(out.read_text())
    return data


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--packages", default="cartopy,tensorflow,xgcm")
    ap.add_argument("--env", help="an existing environment folder (created there when missing)")
    ap.add_argument("--json")
    args = ap.parse_args()
    packages = args.packages.split(",")
    work = Path(tempfile.mkdtemp(prefix="rodeo-import-phase-"))
    folder = Path(args.env) if args.env else work / "env"
    python = folder / "bin" / "python"
    if not python.exists():
        t0 = time.perf_counter()
        make_env(folder, packages)
        print(f"created {folder} with uv in {time.perf_counter() - t0:.1f}s")
    out = work / "probe.json"
    first = probe(python, packages, None, out)           # warm-up (page cache, .pyc files)
    modules = list(first["modules"])  # type: ignore[call-overload]
    verdicts = dict(first["imports"])  # type: ignore[call-overload]
    bare_code = "; ".join(f"import {m}" for m in modules)
    subprocess.run([str(python), "-c", bare_code], check=True, capture_output=True, cwd=work)

    def one() -> None:
        probe(python, packages, None, out)

    def each() -> None:
        for m in modules:
            probe(python, packages, [m], out)

    def bare() -> None:
        subprocess.run([str(python), "-c", bare_code], check=True, capture_output=True, cwd=work)

    variants = {"one": one, "each": each, "bare": bare}
    samples: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(args.rounds):
        for name, fn in variants.items():
            t0 = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - t0)
    dists = len(dict(first["resolved"]))  # type: ignore[call-overload]
    print(f"{' + '.join(packages)}: modules {', '.join(f'{m}={v}' for m, v in verdicts.items())}; "
          f"{dists} distributions; {args.rounds} rounds")
    ref = statistics.median(samples["bare"])
    print(f"{'variant':8} {'median s':>9} {'min':>6} {'max':>6} {'vs bare':>8}")
    for name, xs in samples.items():
        m = statistics.median(xs)
        print(f"{name:8} {m:9.3f} {min(xs):6.3f} {max(xs):6.3f} {m / ref:8.3f}")
    if args.json:
        Path(args.json).write_text(json.dumps(samples, indent=1))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
