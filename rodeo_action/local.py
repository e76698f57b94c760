"""`rodeo local`: every cell runnable here, in parallel, with live progress, then the table.

Threads are enough: each cell spends its time in child processes (the managers), and the
ToolBox lock makes cells of one manager share a single tool setup.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from rodeo_action.config import Config
from rodeo_action.plan import PlannedCell, expand
from rodeo_action.report.model import CellView
from rodeo_action.report.render import label
from rodeo_action.results import Result
from rodeo_action.runner import RunOptions, ToolBox, run_cell


@dataclass
class Progress:
    """Live status: a redrawn block of running cells on a terminal, plain lines otherwise."""

    total: int
    stream: TextIO
    tty: bool
    running: dict[str, tuple[str, float]] = field(default_factory=dict)
    done: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _drawn: int = 0

    def phase(self, cell_id: str, phase: str) -> None:
        with self._lock:
            started = self.running.get(cell_id, (phase, time.monotonic()))[1]
            self.running[cell_id] = (phase, started)
            if not self.tty:
                self.stream.write(f"[{self.done}/{self.total}] {cell_id}: {phase}\n")
                self.stream.flush()
            else:
                self._redraw()

    def finished(self, result: Result) -> None:
        with self._lock:
            self.done += 1
            _, started = self.running.pop(result.cell.id, ("", time.monotonic()))
            self._clear()
            elapsed = time.monotonic() - started
            view = CellView(result.cell.id, result.cell.manager, result.cell.set, result.cell.os, result.cell.python,
                            result.status, result=result)
            self.stream.write(f"[{self.done}/{self.total}] {result.cell.id}: {label(view)}"
                              f"{f' ({elapsed:.0f}s)' if result.status not in ('n/a', 'unavailable') else ''}"
                              f"{' — ' + result.reason if result.reason else ''}\n")
            self._redraw()

    def tick(self) -> None:
        with self._lock:
            self._redraw()

    def _clear(self) -> None:
        if self.tty and self._drawn:
            self.stream.write(f"\x1b[{self._drawn}F\x1b[J")
            self._drawn = 0

    def _redraw(self) -> None:
        if not self.tty:
            return
        self._clear()
        now = time.monotonic()
        lines = [f"  {self.done}/{self.total} done, {len(self.running)} running"]
        lines += [f"  … {cid}: {ph} {now - t0:.0f}s" for cid, (ph, t0) in sorted(self.running.items())]
        for line in lines:
            self.stream.write(line + "\n")
        self._drawn = len(lines)
        self.stream.flush()


def order_for_parallelism(planned: list[PlannedCell]) -> list[PlannedCell]:
    """Quick verdicts (n/a) first, then interleave managers so parallel workers hit different ones."""
    na = [p for p in planned if not p.runnable]
    by_manager: dict[str, list[PlannedCell]] = {}
    for p in planned:
        if p.runnable:
            by_manager.setdefault(p.cell.manager, []).append(p)
    interleaved: list[PlannedCell] = []
    queues = list(by_manager.values())
    while any(queues):
        for q in queues:
            if q:
                interleaved.append(q.pop(0))
    return na + interleaved


def run_local(config: Config, options: RunOptions, jobs: int, stream: TextIO = sys.stderr,
              select: Callable[[PlannedCell], bool] = lambda p: True) -> list[Result]:
    planned = [p for p in expand(config) if select(p)]
    progress = Progress(total=len(planned), stream=stream, tty=stream.isatty())
    options = replace(options, on_phase=progress.phase)
    tools = ToolBox(options)
    results: list[Result] = []
    stop = threading.Event()

    def ticker() -> None:
        while not stop.wait(1.0):
            progress.tick()

    if progress.tty:
        threading.Thread(target=ticker, daemon=True).start()
    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="rodeo-cell")
    try:
        futures = {pool.submit(run_cell, p, config, options, tools): p for p in order_for_parallelism(planned)}
        for future in as_completed(futures):
            result = future.result()
            results.append(result)
            progress.finished(result)
    except KeyboardInterrupt:
        # end every running step's process group; cells in flight write no result, finished ones stay
        options.processes.cancel()
        pool.shutdown(wait=True, cancel_futures=True)
        stop.set()
        raise
    finally:
        stop.set()
        pool.shutdown(wait=True)
    results.sort(key=lambda r: r.cell.id)
    return results


def results_dir_default() -> Path:
    return Path("rodeo-results")
