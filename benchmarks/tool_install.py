"""Tool install in a matrix job: rodeo's venv + rodeo, exactly as action.yml's "Install rodeo" step, warm cache.

    .venv/bin/python benchmarks/tool_install.py [--rounds 5] [--python python3.11]

Every matrix job pays this before its first cell. Each round starts from a fresh copy of the
source tree (a fresh checkout: new mtimes, so nothing built earlier is reused by path) and an
empty venv folder, with PIP_CACHE_DIR / UV_CACHE_DIR warm (actions/cache restores them). Variants,
alternated round by round:

  A  action.yml as it is: the "Install rodeo" step's ``run:`` script, read from action.yml and run
     with bash (a uv binary kept in the cached folder, ``uv venv``, ``uv pip install <checkout>``,
     ``rodeo --version``)
  O  the step before issue 7: ``python -m venv``; ``pip install uv``; ``uv pip install <checkout>``
  B  O, but rodeo with only what ``rodeo run`` imports (``--no-deps`` + PyYAML + packaging):
     what a lighter, run-only install would cost
  C  the floor of O: ``python -m venv`` alone (ensurepip included)
  D  the bare commands of A: ``uv venv`` + ``uv pip install <checkout>`` (A minus bash and ``rodeo --version``)

Printed: median seconds, spread, ratio to A, and the distributions each venv holds (pip list).
Goal: A <= 3 s.
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

REPO = Path(__file__).resolve().parent.parent
RUN_DEPS = ["PyYAML>=6", "packaging>=23"]   # what `rodeo run` imports (checked by --check-imports)


def fresh_checkout(dest: Path) -> Path:
    """The tracked files of the repo, as actions/checkout would leave them (fresh mtimes)."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, check=True, capture_output=True).stdout
    for name in files.decode().split("\0"):
        if not name or not (REPO / name).is_file():
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / name, target)
    return dest


def sh(argv: list[str], env: dict[str, str]) -> None:
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def action_step() -> str:
    """The ``run:`` script of action.yml's "Install rodeo" step, verbatim."""
    import yaml

    steps = yaml.safe_load((REPO / "action.yml").read_text())["runs"]["steps"]
    return next(s["run"] for s in steps if s.get("name") == "Install rodeo")


def install(variant: str, python: str, base: Path, src: Path, env: dict[str, str], uv_bin: Path) -> float:
    venv = base / "venv"
    shutil.rmtree(venv, ignore_errors=True)
    bin_ = venv / "bin"
    t0 = time.perf_counter()
    if variant == "A":
        out = base / "github-output"
        sh(["bash", "-c", action_step()], {**env, "PY": python, "RUNNER_TEMP": str(base.parent), "RUNNER_OS": "Linux",
                                           "GITHUB_ACTION_PATH": str(src), "GITHUB_OUTPUT": str(out)})
    elif variant == "D":
        sh([str(uv_bin), "venv", "--quiet", "--python", python, str(venv)], env)
        sh([str(uv_bin), "pip", "install", "--quiet", "--python", str(bin_ / "python"), str(src)], env)
    else:
        sh([python, "-m", "venv", str(venv)], env)
        if variant != "C":
            sh([str(bin_ / "python"), "-m", "pip", "install", "--quiet", "uv"], env)
            uv = [str(bin_ / "python"), "-m", "uv", "pip", "install", "--quiet", "--python", str(bin_ / "python")]
            if variant == "O":
                sh([*uv, str(src)], env)
            else:
                sh([*uv, "--no-deps", str(src)], env)
                sh([*uv, *RUN_DEPS], env)
    return time.perf_counter() - t0


def distributions(venv: Path, env: dict[str, str]) -> list[str]:
    out = subprocess.run([str(venv / "bin" / "python"), "-I", "-c",
                          "import importlib.metadata as m; print('\\n'.join(sorted({d.metadata['Name'] "
                          "for d in m.distributions()})))"], env=env, check=True, capture_output=True, text=True)
    return out.stdout.split()


def run_imports(venv: Path, env: dict[str, str]) -> list[str]:
    """The third-party distributions a `rodeo run --cell` process imports (from sys.modules at exit)."""
    code = ("import sys, importlib.metadata as m; from rodeo_action import cli, run, host; "
            "top = {n.split('.')[0] for n in sys.modules}; "
            "print('\\n'.join(sorted({d for n in top for d in m.packages_distributions().get(n, [])})))")
    out = subprocess.run([str(venv / "bin" / "python"), "-I", "-c", code], env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.split()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--python", default=getattr(sys, "_base_executable", None) or sys.executable,
                    help="the interpreter setup-python would give rodeo (not a venv's)")
    ap.add_argument("--variants", default="A,O,B,C,D")
    ap.add_argument("--json")
    args = ap.parse_args()
    python = str(Path(args.python).resolve()) if os.path.exists(args.python) else args.python
    work = Path(tempfile.mkdtemp(prefix="rodeo-tool-install-"))
    base = work / "rodeo-action"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(PIP_CACHE_DIR=str(base / "cache" / "pip"), UV_CACHE_DIR=str(base / "cache" / "uv"),
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    variants = args.variants.split(",")
    # the uv binary D keeps in the cache (a one-off: pip install --target)
    uv_home = base / "cache" / "uv-bin"
    sh([python, "-m", "pip", "install", "--quiet", "--target", str(uv_home), "uv"], env)
    uv_bin = uv_home / "bin" / "uv"
    counts: dict[str, list[str]] = {}
    for v in variants:   # warm-up: fills the caches, as actions/cache would have restored them
        install(v, python, base, fresh_checkout(work / f"warm-{v}"), env, uv_bin)
        if v != "C":
            counts[v] = distributions(base / "venv", env)
            if v == "B":
                counts["B imports"] = run_imports(base / "venv", env)
    print(f"{sys.platform}, {os.cpu_count()} CPUs, rodeo's python {python}; {args.rounds} rounds, warm caches")
    samples: dict[str, list[float]] = {v: [] for v in variants}
    for r in range(args.rounds):
        for v in variants:
            src = fresh_checkout(work / f"src-{r}-{v}")
            samples[v].append(install(v, python, base, src, env, uv_bin))
            shutil.rmtree(src, ignore_errors=True)
    ref = statistics.median(samples[variants[0]])
    print(f"{'variant':10} {'median s':>9} {'min':>6} {'max':>6} {'vs ' + variants[0]:>7}  distributions")
    for v in variants:
        m = statistics.median(samples[v])
        dists = counts.get(v)
        shown = f"{len(dists)}: {' '.join(dists)}" if dists else "-"
        print(f"{v:10} {m:9.2f} {min(samples[v]):6.2f} {max(samples[v]):6.2f} {m / ref:7.2f}  {shown}")
    if "B imports" in counts:
        print(f"third-party distributions `rodeo run` imports: {' '.join(counts['B imports']) or 'none'}")
    if args.json:
        Path(args.json).write_text(json.dumps({"samples": samples, "distributions": counts}, indent=1))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
