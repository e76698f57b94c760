"""How long `rodeo report` takes, and how much memory it peaks at, as the rodeo grows.

    .venv/bin/python benchmarks/report_scaling.py [--sizes 1000,10000,100000] [--runs 3] [--big-runs 1]
        [--max-seconds 1.0] [--peak rss|tracemalloc] [--stages collect,render.comment] [--json-out F]

For each size a synthetic rodeo (``synthetic.py``: 16 managers x 3 OSes x 3 Pythons x N sets) is
written to a temporary folder twice: this run's results and a previous run's, whose ``--json``
becomes the baseline, so changes, history and culprits have real work to do. A child process builds
the inputs once (collected cells, baseline, report) and pickles them; then every stage runs in a
fresh child of its own, which unpickles them, so one stage's garbage, caches and heap growth never
weigh on the next, and the parent stays small even at 100,000 cells.

In its child a stage runs ``--runs`` times (``--big-runs`` from 50,000 cells on); the table shows
the median wall and CPU time. Its peak memory is that of the *first* run: with ``--peak rss`` (the
default on Linux) the growth of the child's resident set over what it held before the run (the
kernel's high-water mark, reset through /proc/self/clear_refs), i.e. everything the stage allocated,
C buffers included; with ``--peak tracemalloc`` Python's traced allocations of one extra, untimed
run (tracing slows it). The markdown renderers of ``rodeo_action.report.render`` are measured when
that module exists; the table says which ran.

Goal: linear scaling, and every *output* for 10,000 cells within ``--max-seconds`` (1 s) of CPU
time (``--clock wall`` to judge wall time on a quiet machine); the exit status is 1 when one misses
it. Reading the results folder (collect) and the baseline are reported, not judged.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import functools
import gc
import importlib
import inspect
import json
import os
import pickle
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

from rodeo_action.report import badge, history, svg
from rodeo_action.report.build import build_report
from rodeo_action.report.collect import Collected, collect
from rodeo_action.report.model import Report

AT = "2025-06-02T06:00:00Z"
RUN_URL = "https://github.com/example/rodeo/actions/runs/2"
GOAL_SIZE = 10_000
BIG = 50_000                   # from this many cells on, --big-runs
# renderers another module may provide, by name; each called with the report (and a culprit
# when it takes one)
RENDERERS = ("markdown", "summary", "comment", "readme_block", "issue", "fixed", "terminal")
LIMITS = {"comment": 65_536, "issue": 65_536, "summary": 1_048_576}
STATE = "state.pickle"


@dataclass(frozen=True)
class Stage:
    """One thing `rodeo report` does; ``output`` ones count toward the 1 s goal."""

    name: str
    run: Callable[[], object]
    output: bool = True


@dataclass(frozen=True)
class Measure:
    seconds: float                 # wall clock
    cpu: float                     # process CPU time: what the code costs on a busy machine
    peak_bytes: int
    chars: int | None = None       # the size of a text output (the longest string of a tuple)
    failed: str | None = None      # the stage raised: a renderer still being written, say
    output: bool = True


def _chars(value: object) -> int | None:
    if isinstance(value, str):
        return len(value)
    if isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
        return max(len(v) for v in value)
    return None


# -- peak memory -------------------------------------------------------------------------------

def _status_kib(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    m = re.search(rf"^{field}:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) if m else 0


def rss_peak_available() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")     # 5: reset the resident-set high-water mark
    except OSError:
        return False
    return _status_kib("VmHWM") > 0


def _trim() -> None:
    """Give the C heap's free memory back to the OS (glibc), so that the stage's peak is not hidden
    by memory the setup freed and the stage merely reuses."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _run_rss(stage: Stage) -> tuple[object, int, float, float]:
    """One run: (value, peak resident growth in bytes, wall, cpu)."""
    _forget()
    gc.collect()
    _trim()
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    start, start_cpu = time.perf_counter(), time.process_time()
    value = stage.run()
    wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return value, max(_status_kib("VmHWM") - before, 0) * 1024, wall, cpu


def _run_traced(stage: Stage) -> int:
    _forget()
    gc.collect()
    tracemalloc.start()
    try:
        stage.run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _forget() -> None:
    """Empty rodeo's memo caches (escaping, name normalising), so that every run pays what the first
    output of a fresh `rodeo report` pays: at 10,000 cells they would otherwise hold every string
    of the previous run, and at 100,000 they cannot, which would flatter the smaller sizes."""
    for name, module in list(sys.modules.items()):
        if name.startswith("rodeo_action.") and module is not None:
            for fn in list(vars(module).values()):
                if callable(getattr(fn, "cache_clear", None)) and getattr(fn, "__module__", "") == name:
                    fn.cache_clear()


def measure(stage: Stage, runs: int, peak: str = "rss") -> Measure:
    """Median wall and CPU time of ``runs`` runs; the peak of the first (rss) or of one more traced run."""
    times: list[float] = []
    cpus: list[float] = []
    try:
        if peak == "rss":
            value, peak_bytes, wall, cpu = _run_rss(stage)
            times.append(wall)
            cpus.append(cpu)
        for _ in range(runs - len(times)):
            _forget()
            gc.collect()
            start, start_cpu = time.perf_counter(), time.process_time()
            value = stage.run()
            times.append(time.perf_counter() - start)
            cpus.append(time.process_time() - start_cpu)
        if peak != "rss":
            peak_bytes = _run_traced(stage)
    except Exception as exc:  # a broken stage is reported in the table, not a crash of the benchmark
        return Measure(0.0, 0.0, 0, failed=f"{type(exc).__name__}: {exc}"[:200], output=stage.output)
    return Measure(statistics.median(times), statistics.median(cpus), peak_bytes, _chars(value), output=stage.output)


# -- the stages --------------------------------------------------------------------------------

def _render_module() -> ModuleType | None:
    try:
        return importlib.import_module("rodeo_action.report.render")
    except ImportError:
        return None


Call = tuple[Callable[..., object], tuple[object, ...]]     # a renderer and its arguments after the report


def renderer_stages(report: Report) -> tuple[list[Stage], list[str]]:
    """A stage per renderer of ``render`` that takes the report (or report + culprit); notes on the rest."""
    module = _render_module()
    if module is None:
        return [], ["rodeo_action.report.render: not present; markdown outputs not measured"]
    calls: dict[str, Call] = {}
    notes: list[str] = []
    for name in RENDERERS:
        fn = getattr(module, name, None)
        if not callable(fn):
            continue
        signature = inspect.signature(fn)
        options: list[tuple[object, ...]] = [(), *([(report.culprits[0],)] if report.culprits else [])]
        for rest in options:
            try:
                signature.bind(report, *rest)
            except TypeError:
                continue
            calls[name] = (fn, rest)
            break
        else:
            notes.append(f"render.{name}{signature}: not measured (needs more than a report)")
    stages = [Stage(f"render.{name}", functools.partial(_cold, call, report)) for name, call in calls.items()]
    if calls:
        together = dict(calls)
        streamed = getattr(module, "markdown_chunks", None)
        if "markdown" in together and callable(streamed):     # `--markdown` writes it piece by piece
            together["markdown"] = (lambda r: _consume(streamed(r)), ())
        stages.append(Stage("render.* together", functools.partial(_together, list(together.values()), report)))
    return stages, notes


def _cold(call: Call, report: Report) -> object:
    """The renderer on a shallow copy of the report: renderers may memoise per report object, and
    each timed run must pay what the first output of a real ``rodeo report`` pays."""
    fn, rest = call
    return fn(copy.copy(report), *rest)


def _together(fns: list[Call], report: Report) -> object:
    """Every renderer on one report, as ``rodeo report`` runs them (shared work paid once; the
    markdown report streamed, as ``--markdown`` writes it)."""
    fresh = copy.copy(report)
    return [fn(fresh, *rest) for fn, rest in fns]


@dataclass
class Inputs:
    """What the stages read, built once per size and pickled for the stage children."""

    syn: synthetic.Synthetic
    baseline_path: Path
    got: Collected
    baseline: history.Baseline | None
    report: Report
    notes: list[str]


def prepare(size: int, root: Path) -> Inputs:
    syn = synthetic.generate(size, root / "now", seed=1)
    synthetic.write_results(syn.planned, root / "previous", seed=0)
    previous = collect(root / "previous", syn.planned)
    before = build_report(previous.cells, syn.config, None, "2025-06-01T06:00:00Z", RUN_URL, previous.notes)
    del previous
    baseline_path = root / "baseline.json"
    baseline_path.write_text("".join(history.full_json(before)), encoding="utf-8")    # as `--json` writes it
    notes: list[str] = []
    baseline, why = history.read(baseline_path, syn.config.name)
    if baseline is None:            # the previous --json cannot be read back: use its compact part
        notes.append(f"{len(syn.planned):,} cells: the previous run's --json cannot be a --baseline ({why}); "
                     "the baseline is its compact part instead")
        baseline_path.write_text(json.dumps(history.compact(before)), encoding="utf-8")
        baseline = history.load(baseline_path, syn.config.name)
    del before
    got = collect(syn.results, syn.planned)
    report = build_report(got.cells, syn.config, baseline, AT, RUN_URL, got.notes)
    return Inputs(syn, baseline_path, got, baseline, report, notes)


def _consume(chunks: Iterable[str]) -> int:
    """Take every piece of a streamed output, as a file write would (without the disk)."""
    return sum(map(len, chunks))


def stages_for(inputs: Inputs) -> tuple[list[Stage], list[str]]:
    syn, got, baseline, report, path = inputs.syn, inputs.got, inputs.baseline, inputs.report, inputs.baseline_path
    stages = [
        Stage("collect (read files)", lambda: collect(syn.results, syn.planned), output=False),
        Stage("history.load (baseline)", lambda: history.load(path, syn.config.name), output=False),
        Stage("build_report", lambda: build_report(got.cells, syn.config, baseline, AT, RUN_URL, got.notes)),
        Stage("history.full_json (--json)", lambda: _consume(history.full_json(report))),
        # a new report object each run: digest() remembers its levels per report (the comment asks again)
        Stage("history.digest", lambda: history.digest(dataclasses.replace(report))),
        Stage("svg.render", lambda: svg.render(report)),
        Stage("badge.overall+per_manager", lambda: (badge.overall(report), badge.per_manager(report))),
    ]
    more, more_notes = renderer_stages(report)
    streamed = getattr(_render_module(), "markdown_chunks", None)
    if callable(streamed):        # what `--markdown` writes: the report piece by piece, never whole
        more.insert(1, Stage("render.markdown_chunks", lambda: _consume(streamed(copy.copy(report)))))
    return stages + more, inputs.notes + more_notes


# -- the children ------------------------------------------------------------------------------

def child_prepare(size: int, root: Path) -> int:
    inputs = prepare(size, root)
    with (root / STATE).open("wb") as fh:
        pickle.dump(inputs, fh, protocol=pickle.HIGHEST_PROTOCOL)
    stages, notes = stages_for(inputs)
    print(json.dumps({"cells": len(inputs.report.cells), "stages": [[s.name, s.output] for s in stages],
                      "notes": notes}))
    return 0


def child_stage(root: Path, name: str, runs: int, peak: str) -> int:
    with (root / STATE).open("rb") as fh:
        inputs: Inputs = pickle.load(fh)
    stages, _ = stages_for(inputs)
    stage = next(s for s in stages if s.name == name)
    print(json.dumps(asdict(measure(stage, runs, peak))))
    return 0


def _child(args: list[str]) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {done.returncode}\n{done.stderr[-2000:]}")
    data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return data


# -- the table ---------------------------------------------------------------------------------

def _row(name: str, sizes: list[int], results: dict[int, dict[str, Measure]]) -> str:
    line = f"{name:<28}"
    for s in sizes:
        got = results[s].get(name)
        if got is None or got.failed:
            line += f" | {'failed' if got else '-':>7} {'-':>7} {'-':>8}"
        else:
            line += f" | {got.seconds:>7.3f} {got.cpu:>7.3f} {got.peak_bytes / 2**20:>8.1f}"
    return line


def report_table(sizes: list[int], cells: dict[int, int], results: dict[int, dict[str, Measure]],
                 outputs: dict[str, bool], clock: str, max_seconds: float) -> list[str]:
    """Print the table, the growth factors and the size limits; return the outputs that missed the goal."""
    print(f"{'stage':<28}" + "".join(f" | {f'{cells[s]:,} cells':>24}" for s in sizes))
    print(f"{'':<28}" + "".join(f" | {'wall s':>7} {'cpu s':>7} {'peak MiB':>8}" for _ in sizes))
    missed: list[str] = []
    notes: list[str] = []
    for name in outputs:
        print(_row(name, sizes, results))
        notes += [f"{name} at {cells[s]:,} cells failed: {results[s][name].failed}"
                  for s in sizes if name in results[s] and results[s][name].failed]
        goal = results.get(GOAL_SIZE, {}).get(name)
        if goal is None or not outputs[name]:
            continue
        judged = goal.cpu if clock == "cpu" else goal.seconds
        if goal.failed or judged > max_seconds:
            missed.append(f"{name}: " + ("failed" if goal.failed else f"{judged:.3f}s {clock}")
                          + f" for {cells[GOAL_SIZE]:,} cells")
    for small, big in zip(sizes, sizes[1:], strict=False):
        print(f"\ngrowth {cells[small]:,} -> {cells[big]:,} cells (x{cells[big] / cells[small]:.1f}; linear = same):")
        for name in outputs:
            a, b = results[small].get(name), results[big].get(name)
            if a and b and a.cpu > 0 and not (a.failed or b.failed):
                print(f"  {name:<28} cpu x{b.cpu / a.cpu:>5.1f}   peak x{b.peak_bytes / max(a.peak_bytes, 1):>5.1f}")
    print()
    for name, limit in LIMITS.items():
        for s in sizes:
            got = results[s].get(f"render.{name}")
            if got is not None and got.chars is not None:
                verdict = "ok" if got.chars <= limit else "OVER"
                print(f"render.{name} at {cells[s]:,} cells: {got.chars:,} chars (limit {limit:,}) {verdict}")
    for note in notes:
        print(note)
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-runs", type=int, default=1, help=f"runs per stage from {BIG:,} cells on")
    parser.add_argument("--max-seconds", type=float, default=1.0)
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu",
                        help="which time the goal is judged on (cpu: steady on a shared machine)")
    parser.add_argument("--peak", choices=("rss", "tracemalloc"), default=None,
                        help="rss: resident-set growth of the first run (Linux; the default there); "
                             "tracemalloc: Python allocations of one more, traced run")
    parser.add_argument("--stages", default="", help="comma-separated substrings: only the stages that match")
    parser.add_argument("--json-out", type=Path, help="also write every measure here")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        if args.child[0] == "prepare":
            return child_prepare(int(args.child[1]), Path(args.child[2]))
        return child_stage(Path(args.child[1]), args.child[2], int(args.child[3]), args.child[4])
    peak = args.peak or ("rss" if rss_peak_available() else "tracemalloc")
    sizes = [int(s) for s in args.sizes.split(",")]
    wanted = [w for w in args.stages.split(",") if w]
    results: dict[int, dict[str, Measure]] = {}
    cells: dict[int, int] = {}
    outputs: dict[str, bool] = {}
    notes: list[str] = []
    for size in sizes:
        runs = args.big_runs if size >= BIG else args.runs
        with tempfile.TemporaryDirectory(prefix="rodeo-bench-") as tmp:
            start = time.perf_counter()
            prepared = _child(["--child", "prepare", str(size), tmp])
            cells[size] = prepared["cells"]
            print(f"  {cells[size]:>7,} cells  prepared in {time.perf_counter() - start:.0f}s", file=sys.stderr,
                  flush=True)
            notes += [n for n in prepared["notes"] if n not in notes]
            results[size] = {}
            for name, output in prepared["stages"]:
                if wanted and not any(w in name for w in wanted):
                    continue
                outputs[name] = output
                try:
                    got = Measure(**_child(["--child", "stage", tmp, name, str(runs), peak]))
                except RuntimeError as exc:      # the child died (out of memory, say): a row, not a crash
                    got = Measure(0.0, 0.0, 0, failed=str(exc).splitlines()[0][:200], output=output)
                results[size][name] = got
                print(f"  {cells[size]:>7,} cells  {name:<28} "
                      + (got.failed or f"{got.seconds:8.3f}s wall {got.cpu:8.3f}s cpu "
                                       f"{got.peak_bytes / 2**20:8.1f} MiB"), file=sys.stderr, flush=True)
    print(f"python {platform.python_version()} on {platform.machine()} ({os.cpu_count()} CPUs); median of "
          f"{args.runs} runs ({args.big_runs} from {BIG:,} cells); each stage in its own process; peak = "
          + ("growth of the resident set during the first run" if peak == "rss"
             else "tracemalloc peak of one more run") + f"; goal judged on {args.clock} time")
    missed = report_table(sizes, cells, results, outputs, args.clock, args.max_seconds)
    for note in notes:
        print(note)
    if args.json_out:
        args.json_out.write_text(json.dumps({
            "python": platform.python_version(), "cpus": os.cpu_count(), "runs": args.runs,
            "big_runs": args.big_runs, "peak": peak, "cells": cells,
            "results": {str(s): {n: asdict(m) for n, m in r.items()} for s, r in results.items()}}, indent=1) + "\n")
    if missed:
        print(f"missed the {args.max_seconds}s goal at {GOAL_SIZE:,} cells: " + "; ".join(missed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
