"""Downloads: what crosses the network in a `rodeo local`, cold and warm, with and without the caching
index (issue 16).

    .venv/bin/python benchmarks/downloads.py [--rodeo small|default] [--managers pip,uv,...] [--modes on,off]

For each mode (``on``: rodeo's caching index, the default; ``off``: ``--no-caching-index``, every manager
its own cache), two runs of the same rodeo in one fresh ``RODEO_CACHE_DIR``: cold (empty: rodeo installs
the managers too) and warm (the same command again). Measured per run:

- received: the bytes this machine received (``/proc/net/dev``, every interface but ``lo``), read before
  and after: everything that crossed the network, whoever fetched it;
- unique: the bytes of the distinct files the run needed, from the caching index's own log of what it
  fetched upstream in the cold ``on`` run (``rodeo-proxy: fetched BYTES URL``; each URL once);
- upstream: what the caching index fetched in this run (``on`` only; 0 when warm);
- wall: the command's wall time.

Read ``received / unique``: the goal is <= 1.6 cold and <= 0.2 warm with the caching index, and the
default rodeo's warm run at least 2x faster than its cold one. The machine's pip configuration (local
mirrors, find-links) is switched off, so that every file comes from the index over the network.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# duckdb 2.0.1 also ships adbc_driver_duckdb, which imports a package duckdb does not declare: only duckdb is imported
SMALL = """\
name: downloads-small
packages: [{{name: duckdb, import: [duckdb]}}]
managers: [pip, uv, pipenv, hatch]
os: [{os}]
python: ["{py}"]
"""
_FETCHED = re.compile(r"rodeo-proxy: fetched (\d+) (\S+)")


@dataclass(frozen=True)
class Run:
    mode: str
    warmth: str
    wall: float
    received: int
    upstream: int
    cells: str


def received_bytes() -> int:
    """Bytes received on every interface but loopback, since boot."""
    total = 0
    for line in Path("/proc/net/dev").read_text().splitlines()[2:]:
        name, _, fields = line.partition(":")
        if name.strip() != "lo":
            total += int(fields.split()[0])
    return total


def fetched(cache: Path) -> dict[str, int]:
    """URL -> bytes of each file the caching indexes fetched upstream in their current logs."""
    out: dict[str, int] = {}
    for log in cache.glob("caching-index/*/proxpi.log"):
        for m in _FETCHED.finditer(log.read_text(encoding="utf-8", errors="replace")):
            out[m.group(2)] = int(m.group(1))
    return out


def run(config: Path, cache: Path, output: Path, mode: str, managers: str | None) -> tuple[float, int, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RODEO_")}
    env.update(RODEO_CACHE_DIR=str(cache), PIP_CONFIG_FILE=os.devnull, PIP_FIND_LINKS="", PIP_EXTRA_INDEX_URL="",
               UV_NO_CONFIG="1")
    args = [sys.executable, "-m", "rodeo_action", "local", "--config", str(config), "--output", str(output), "-j", "2"]
    if managers:
        args += ["--managers", managers]
    if mode == "off":
        args.append("--no-caching-index")
    before, start = received_bytes(), time.monotonic()
    proc = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT)
    wall, got = time.monotonic() - start, received_bytes() - before
    if proc.returncode not in (0, 130):
        sys.exit(f"rodeo local failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    statuses = [json.loads(p.read_text())["status"] for p in sorted(output.glob("*.json"))
                if p.name != "rodeo-local.json"]
    return wall, got, " ".join(f"{statuses.count(s)} {s}" for s in sorted(set(statuses)))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rodeo", choices=("small", "default"), default="small")
    parser.add_argument("--managers", help="only these managers (default: the rodeo's PyPI-family ones)")
    parser.add_argument("--modes", default="on,off")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    from rodeo_action.config import host_os_label, host_python

    work = Path(tempfile.mkdtemp(prefix="rodeo-downloads-"))
    if args.rodeo == "small":
        config = work / "rodeo.yml"
        config.write_text(SMALL.format(os=host_os_label(), py=host_python()))
        managers = args.managers
    else:
        config = ROOT / "examples" / "default-rodeo" / "rodeo.yml"
        managers = args.managers or "pip,uv,poetry,pdm,pipenv,hatch"
    runs: list[Run] = []
    unique = 0
    for mode in args.modes.split(","):
        cache = work / f"cache-{mode}"
        for warmth in ("cold", "warm"):
            output = work / f"out-{mode}-{warmth}"
            wall, got, cells = run(config, cache, output, mode, managers)
            files = fetched(cache) if mode == "on" else {}
            upstream = sum(files.values())
            if mode == "on" and warmth == "cold":
                unique = upstream
            runs.append(Run(mode, warmth, round(wall, 1), got, upstream, cells))
            print(f"{mode:3} {warmth}: {wall:6.1f} s, received {got / 1e6:8.1f} MB, caching index fetched "
                  f"{upstream / 1e6:8.1f} MB ({cells})", flush=True)
    print(f"\nunique: {unique / 1e6:.1f} MB ({args.rodeo} rodeo, managers {managers or 'pip,uv,pipenv,hatch'})\n")
    print("| caching index | run | wall (s) | received (MB) | received / unique | cells |")
    print("|---|---|---:|---:|---:|---|")
    for r in runs:
        ratio = f"{r.received / unique:.2f}" if unique else "n/a"
        print(f"| {r.mode} | {r.warmth} | {r.wall} | {r.received / 1e6:.1f} | {ratio} | {r.cells} |")
    by = {(r.mode, r.warmth): r for r in runs}
    for mode in args.modes.split(","):
        if (mode, "cold") in by and (mode, "warm") in by:
            print(f"\n{mode}: warm is {by[(mode, 'cold')].wall / by[(mode, 'warm')].wall:.2f}x faster than cold")
    if args.json:
        args.json.write_text(json.dumps({"unique": unique, "runs": [asdict(r) for r in runs]}, indent=1))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
