"""`rodeo local`: every cell runnable here, in parallel, with live progress, then the table.

Threads are enough: each cell spends its time in child processes (the managers), and the
ToolBox lock (``RunOptions.tools``) makes cells of one manager share a single tool setup.

Interrupts. Ctrl-C (SIGINT) and SIGTERM only *note* the signal while cells run (:class:`Interrupt`);
the main thread, which waits for cells in short slices, then cancels every running step
(``Processes.cancel``), waits for the cells to finish their logs, kills what they left, waits for
the folders being deleted, and raises KeyboardInterrupt. A handler that raised instead could
strike the main thread while it holds a lock of ``concurrent.futures`` and leave a worker blocked
on it for good; a second Ctrl-C while cleaning up would abort the cleanup half way (after an
interrupt, further ones are ignored until rodeo has exited: the cleanup is bounded). A SIGINT that
this process inherited as *ignored* (a job started with ``&`` from a script: POSIX has such jobs
ignore SIGINT, and Python then installs no KeyboardInterrupt for it) stays ignored, as the shell
meant; SIGTERM still interrupts.

An interrupted run raises :class:`Stopped` (a KeyboardInterrupt) carrying the results that finished,
so the caller still writes the report of what finished, its unfinished cells shown as interrupted
(:func:`local_report`), and the manifest that lets `rodeo report` remake it.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from types import FrameType
from typing import TextIO

from rodeo_action.config import Config
from rodeo_action.plan import PlannedCell, expand
from rodeo_action.report.model import CellView, Report
from rodeo_action.report.render import label
from rodeo_action.results import Result
from rodeo_action.run import RunOptions, run_cell

SLICE = 0.2   # seconds the main thread waits for cells before it looks at the interrupt flag again


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


@dataclass
class Interrupt:
    """The signal that asked to stop, noted by a handler that does nothing else (no lock, no raise)."""

    signum: int | None = None

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.signum = signum

    @contextmanager
    def installed(self) -> Iterator[Interrupt]:
        """Note SIGINT and SIGTERM while the block runs (main thread only; elsewhere a no-op)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {}
        for sig in (signal.SIGINT, signal.SIGTERM):
            if sig == signal.SIGINT and signal.getsignal(sig) == signal.SIG_IGN:
                continue     # inherited as ignored: the shell that started us meant it
            previous[sig] = signal.signal(sig, self)
        try:
            yield self
        finally:
            for sig, handler in previous.items():
                # once interrupted, rodeo is on its way out: a further Ctrl-C must not cut that short
                signal.signal(sig, signal.SIG_IGN if self.signum is not None else handler)


def run_local(config: Config, options: RunOptions, jobs: int, stream: TextIO = sys.stderr,
              select: Callable[[PlannedCell], bool] = lambda p: True) -> list[Result]:
    planned = [p for p in expand(config) if select(p)]
    progress = Progress(total=len(planned), stream=stream, tty=stream.isatty())
    options = replace(options, on_phase=progress.phase)
    results: list[Result] = []
    stop = threading.Event()

    def ticker() -> None:
        while not stop.wait(1.0):
            progress.tick()

    if progress.tty:
        threading.Thread(target=ticker, daemon=True).start()
    with Interrupt().installed() as interrupt:
        pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="rodeo-cell")
        try:
            pending: set[Future[Result]] = {pool.submit(run_cell, p, config, options)
                                            for p in order_for_parallelism(planned)}
            while pending and interrupt.signum is None:
                done, pending = wait(pending, timeout=SLICE, return_when=FIRST_COMPLETED)
                for future in done:
                    result = future.result()
                    results.append(result)
                    progress.finished(result)
            if interrupt.signum is not None:
                # end every running step; cells in flight write no result, finished ones stay
                options.processes.cancel()
                pool.shutdown(wait=True, cancel_futures=True)
                results.sort(key=lambda r: r.cell.id)
                raise Stopped(interrupt.signum, results)
        finally:
            stop.set()
            pool.shutdown(wait=True)
            options.processes.sweep_leftovers()    # what a cell left while another ran, and nobody took
            options.trash.wait()
    results.sort(key=lambda r: r.cell.id)
    return results


class Stopped(KeyboardInterrupt):
    """`rodeo local` was interrupted (SIGINT or SIGTERM); ``results``: the cells that finished."""

    def __init__(self, signum: int, results: list[Result]) -> None:
        super().__init__(signum)
        self.signum = signum
        self.results = results


def local_cells(results: list[Result], planned: list[PlannedCell], why_missing: str) -> list[CellView]:
    """Every planned cell: its result, or (a run stopped before it finished) missing, saying why."""
    done = {r.cell.id: r for r in results}
    cells = [CellView(r.cell.id, r.cell.manager, r.cell.set, r.cell.os, r.cell.python, r.status, result=r,
                      note=r.reason) for r in results]
    for p in planned:
        c = p.cell
        if c.id not in done:
            status, note = ("missing", why_missing) if p.runnable else ("n/a", p.reason)
            cells.append(CellView(c.id, c.manager, c.set, c.os, c.python, status, note=note))
    return sorted(cells, key=lambda c: c.id)


def local_report(cells: list[CellView], managers: tuple[str, ...], when: str, host: str = "") -> Report:
    """The Report of ``rodeo local`` (no baseline), columns in ``managers`` order; as
    :func:`rodeo_action.report.build.local_report`, for cells of which some never ran."""
    from rodeo_action.report.build import build_report, rows, scores

    report = build_report(cells, None, None, when, None, [host] if host else [])
    present = {c.manager for c in cells}
    order = tuple(dict.fromkeys(m for m in (*managers, *report.managers) if m in present))
    return replace(report, managers=order, rows=rows(cells, order), scores=scores(cells, order),
                   notes=tuple(n for n in report.notes if not n.startswith("no baseline")))

