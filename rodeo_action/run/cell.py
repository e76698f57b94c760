"""One cell, start to end: its attempts, and each attempt's phases - setup -> create -> install ->
import -> test, each timed - into a Result and a log.

A cell owns everything managers share: a scrubbed environment (``host.scrubbed_env``: no secret
reaches a cell), a per-cell deadline, the full log and its tail, the import probe, the repro,
retries on network failures, and the rule that a bug in rodeo itself becomes an ``error`` result
with its traceback in the log - never a missing result. The log on disk and every string of the
result are redacted (``results.Redactor``) before they are written for good. What a cell's
processes may do to the machine, and how they are killed, is ``supervise``'s.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from rodeo_action import host
from rodeo_action.config import Config
from rodeo_action.managers import CellSpec, ManagerInfo, Recipe, Target, get, manager_info
from rodeo_action.managers.base import Step
from rodeo_action.managers.locks import LockError, lock_mismatch
from rodeo_action.names import NameMap, builtin
from rodeo_action.plan import Cell, PlannedCell
from rodeo_action.results import Attempt, Cause, CellInfo, Redactor, Result, redactor, tail, write_result
from rodeo_action.run.celllog import CellLog, finish_log
from rodeo_action.run.lock import read_lock, swap, url_swaps, write_lock, write_tool_lock
from rodeo_action.run.options import RunOptions
from rodeo_action.run.probe_driver import (
    OUTSIDE_SIGNALS,
    ProbeOutcome,
    modules_note,
    packages_spec,
    run_probe,
    verdict_lines,
)
from rodeo_action.run.repro import ROOT as REPRO_ROOT
from rodeo_action.run.repro import About, repro_text, shown_spec
from rodeo_action.run.spec import import_names, index_urls, requirements_for, unavailable_here
from rodeo_action.run.supervise import (
    CELL_TOKEN,
    Cancelled,
    Guard,
    MemoryExceeded,
    Supervisor,
    Timeout,
    execute,
    signal_cause,
)
from rodeo_action.run.tools import Unavailable
from rodeo_action.run.variant import Variant


def run_cell(planned: PlannedCell, config: Config, options: RunOptions, names: NameMap | None = None) -> Result:
    """Run a cell (retrying network failures) and write its result and log; never raises but
    :class:`Cancelled` (the log is still finished and redacted then)."""
    cell = planned.cell
    info_ = CellInfo(id=cell.id, manager=cell.manager, set=cell.set, os=cell.os, python=cell.python,
                     packages=tuple(config.package(n).requirement for n in cell.packages))
    started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    options.output.mkdir(parents=True, exist_ok=True)
    log_path = options.output / f"{cell.id}.log"
    base = Result(cell=info_, status="error", started_at=started, run_url=options.run_url)
    redact = redactor(options.environ)
    problem: str | None = None
    try:
        with log_path.open("wb") as fh:
            log = CellLog(fh, log_path)
            log.say(f"# rodeo cell {cell.id}: {cell.manager} installing {' '.join(info_.packages)} "
                    f"on {cell.os} with Python {cell.python}")
            try:
                result = _run_attempts(planned, config, options, names or builtin(), log, base)
            finally:
                problem = log.problem
    finally:
        text = finish_log(log_path, redact)   # on an interrupt too: the log stays behind
    if problem:
        text += f"\n# rodeo: the log was {problem}"
    result = replace(result, log_tail=tail(text), durations={k: round(v, 3) for k, v in result.durations.items()})
    try:
        write_result(result, options.output, redact)
    except OSError as exc:   # a full disk: say so where it can still be read
        print(f"rodeo: the result of {cell.id} could not be written: {exc}", file=sys.stderr)
    except Exception:  # a result that breaks our own schema is our bug: still leave a result behind
        with log_path.open("a", encoding="utf-8") as out:
            import traceback  # only on rodeo's own errors: not on every start-up
            out.write(redact("# rodeo: internal error while writing the result\n" + traceback.format_exc()))
        result = Result(cell=info_, status="error", started_at=started, run_url=options.run_url,
                        cause=Cause("unknown", "rodeo could not write this result; see the log"),
                        log_tail=tail(finish_log(log_path, redact)))
        write_result(result, options.output, redact)
    return _isolated(planned, config, options, names or builtin(), result, redact)


def _isolated(planned: PlannedCell, config: Config, options: RunOptions, names: NameMap, result: Result,
              redact: Redactor) -> Result:
    """With ``--baseline``, a cell that regressed is isolated against its last pass (``run/isolate.py``),
    after its result is written: the verdict is kept even if isolating is interrupted or fails."""
    if not options.baseline:
        return result
    from rodeo_action.run.isolate import isolate_safely, why_not

    last = options.baseline.get(planned.cell.id)
    if why_not(result, last, config) is not None or last is None:
        return result
    if options.on_phase:
        options.on_phase(planned.cell.id, "isolate")
    isolation = isolate_safely(planned, config, options, names, result, last)
    if isolation is None:
        return result
    result = replace(result, isolation=isolation)
    try:
        write_result(result, options.output, redact)
    except OSError as exc:
        print(f"rodeo: the isolation of {planned.cell.id} could not be written: {exc}", file=sys.stderr)
    return result


def _run_attempts(planned: PlannedCell, config: Config, options: RunOptions, names: NameMap, log: CellLog,
                  base: Result) -> Result:
    if not planned.runnable:
        log.say(f"# n/a: {planned.reason}")
        return replace(base, status="n/a", reason=planned.reason)
    attempts: list[Attempt] = []
    while True:
        if options.processes.cancelled.is_set():
            log.say("# rodeo: interrupted before this cell finished; no result is written")
            raise Cancelled
        t0 = time.monotonic()
        result = _attempt(planned.cell, config, options, names, log, base)
        attempts.append(Attempt(result.status, result.phase, result.cause, time.monotonic() - t0))
        if not (result.cause and result.cause.kind == "network" and len(attempts) <= config.retries):
            break
        log.say(f"# network failure: retrying ({len(attempts)}/{config.retries})")
    return replace(result, attempts=tuple(attempts)) if len(attempts) > 1 else result


def _attempt(cell: Cell, config: Config, options: RunOptions, names: NameMap, log: CellLog, base: Result,
             variant: Variant | None = None, deadline: float | None = None) -> Result:
    """One attempt at a cell, watched by a :class:`Guard`; its folder goes (or stays) at the end."""
    guard = Guard.start(options.environ, options.processes)
    if guard.limit.problem:
        log.say(f"# rodeo: {guard.limit.problem}")
    env = host.scrubbed_env(options.environ)
    env[CELL_TOKEN] = guard.token    # every process of the cell carries it: how its leftovers are found
    ends = deadline if deadline is not None else time.monotonic() + config.timeout
    clock = PhaseClock(cell.id, options.on_phase, say=log.say)
    attempt = _Attempt(cell, config, options, names, env, base=base, clock=clock,
                       steps=Supervisor(log, ends, options.processes, guard), variant=variant)
    result: Result | None = None
    try:
        result = attempt.run()
        return result
    finally:
        guard.end(options.processes, log)
        if attempt.workdir is not None and options.keep_envs:
            log.say(f"# kept the environment in {attempt.workdir}")
        elif attempt.workdir is not None:   # a full disk wants its space back before the result is written
            disk_full = result is not None and result.cause is not None and result.cause.kind == "disk-full"
            options.trash.discard(attempt.workdir, now=disk_full)


@dataclass
class PhaseClock:
    """Time per phase, and the phase in progress (what a timeout or a crash names).

    A phase entered again (the next step of the same phase) adds to its time, and progress is
    announced only when the phase changes.
    """

    cell_id: str
    on_phase: Callable[[str, str], None] | None = None
    durations: dict[str, float] = field(default_factory=dict)
    current: str = ""
    say: Callable[[str], None] | None = None    # the log: each phase is marked in it (`rodeo explain` reads it)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        if name != self.current:
            self.current = name
            if self.say:
                self.say(f"# rodeo: phase {name}")
            if self.on_phase:
                self.on_phase(self.cell_id, name)
        t0 = time.monotonic()
        try:
            yield
        finally:
            self.durations[name] = self.durations.get(name, 0.0) + time.monotonic() - t0

    def times(self) -> dict[str, float]:
        return dict(self.durations)


@dataclass(frozen=True)
class _Ready:
    """What setup made: the manager's recipe, and the cell's own folder it works in (and, for its lock,
    what the manager was told and the index URLs a lock names instead of this machine's)."""

    recipe: Recipe
    workdir: Path
    spec: CellSpec | None = None
    swaps: dict[str, str] = field(default_factory=dict)


@dataclass
class _Attempt:
    """One attempt's context and what it knows so far: ``result`` is returned if a fault ends it,
    ``workdir`` is the folder it made (removed by :func:`_attempt` at the end)."""

    cell: Cell
    config: Config
    options: RunOptions
    names: NameMap
    env: dict[str, str]
    base: Result
    clock: PhaseClock
    steps: Supervisor
    variant: Variant | None = None
    result: Result = field(init=False)
    workdir: Path | None = None
    cached_indexes: dict[str, str] = field(default_factory=dict)   # caching index URL -> the upstream's

    def __post_init__(self) -> None:
        self.result = self.base

    @property
    def log(self) -> CellLog:
        return self.steps.log

    def run(self) -> Result:
        """The attempt's result, however it ends: a cell's fault is a result, and so is rodeo's own bug."""
        try:
            return self._phases()
        except Timeout:
            phase, timeout = self.clock.current, self.config.timeout
            self.log.say(f"# rodeo: the cell exceeded its timeout of {timeout:g}s during {phase}; "
                         "its processes were killed")
            return replace(self.result, status="timeout", phase=phase, durations=self.clock.times(),
                           cause=Cause("timeout", f"no result after {timeout:g}s (during {phase})"))
        except MemoryExceeded as exc:
            return self._too_much_memory(exc)
        except Cancelled:
            self.log.say("# rodeo: interrupted before this cell finished; no result is written")
            raise
        except LockError as exc:   # --lock names a lock this cell cannot install: one clear line
            self.log.say(f"# rodeo: {exc}")
            return replace(self.result, status="fail", phase="setup", durations=self.clock.times(),
                           cause=Cause("unknown", _clip(str(exc), 300)))
        except Unavailable as exc:
            self.log.say(f"# unavailable: {exc}")
            return replace(self.base, status="unavailable", phase=None, reason=_clip(str(exc), 300))
        except Exception:  # rodeo's own bug: shown as an error cell, never hidden
            import traceback  # only on rodeo's own errors: not on every start-up
            self.log.say("# rodeo: internal error (a bug in rodeo-action, please report it)\n" + traceback.format_exc())
            return replace(self.result, status="error", phase=self.clock.current, durations=self.clock.times(),
                           cause=Cause("unknown", "rodeo-action itself failed; the traceback is in the log"))

    def _phases(self) -> Result:
        with self.clock.phase("setup"):
            ready = self._setup()
        if isinstance(ready, str):
            self.log.say(f"# unavailable: {ready}")
            return replace(self.base, status="unavailable", phase=None, reason=ready)
        failed = self._install(ready.recipe) or self._import(ready)
        if failed is None and self.config.test:
            failed = self._test(ready, self.config.test)
        if failed is None and self.variant is None:
            self._lock(ready)
        return failed or replace(self.result, status="pass", phase=None, cause=None, durations=self.clock.times())

    def _lock(self, ready: _Ready) -> None:
        """The passing environment's lock, and the manager's tool venv's, beside the result."""
        if ready.spec is None:
            return
        try:
            with self.clock.phase("lock"):
                lock = write_lock(self.cell.manager, ready.spec, ready.recipe, ready.swaps, self.options.output,
                                  self.steps, self.env)
                tool_lock = None
                if manager_info(self.cell.manager).executable is not None:
                    tool_lock = write_tool_lock(ready.spec.tool, self.options.output, self.cell.id, self.steps,
                                                self.env)
        except (Timeout, MemoryExceeded, OSError, ValueError, KeyError) as exc:   # never the cell's verdict
            self.log.say(f"# rodeo: no lock ({exc.__class__.__name__}: {_clip(str(exc), 200)}); the cell passed")
            return
        self.result = replace(self.result, lock=lock, tool_lock=tool_lock)

    def _setup(self) -> _Ready | str:
        """Find the interpreter and the manager (installing it if need be), then make the cell's
        folder and the recipe; or why this machine cannot run the cell."""
        cell, info = self.cell, manager_info(self.cell.manager)
        target = Target.for_label(cell.os)
        reason = unavailable_here(info, cell, self.options.allow_system)
        if reason:
            return reason
        facts = self.options.tools.python(cell.python, self.env.get("PATH"))
        if facts is None and not info.provisions_python:
            return f"no Python {cell.python} found on this machine"
        version = self.config.versions.get(cell.manager)
        if info.executable is None:
            assert facts is not None
            tool = facts.path
            manager_version = f"pip {facts.venv_pip}" if facts.venv_pip else "pip (unknown version)"
        elif self.variant is not None and self.variant.tool is not None:
            tool = self.variant.tool
            manager_version = self.options.tools.version(self.options, tool, info, self.env, self.steps.deadline)
        else:
            tool = self.options.tools.locate(self.options, info, version, self.env, self.steps)
            manager_version = self.options.tools.version(self.options, tool, info, self.env, self.steps.deadline)
        self.log.say(f"# {cell.manager}: {manager_version} ({tool})")
        self.workdir = self._make_workdir()
        spec, notes = self._spec(info, target, tool, facts.path if facts else None, version)
        return self._prepare(info, spec, notes, manager_version, facts.version if facts else None)

    def _make_workdir(self) -> Path:
        options = self.options
        work_parent = options.work_root or Path(options.environ.get("RUNNER_TEMP") or tempfile.gettempdir())
        work_parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"rodeo-{self.cell.id}-", dir=work_parent))

    def _spec(self, info: ManagerInfo, target: Target, tool: str, interpreter: str | None,
              version: str | None) -> tuple[CellSpec, list[str]]:
        """What the manager is told (and notes on what its ecosystem could not express)."""
        cell, config = self.cell, self.config
        assert self.workdir is not None
        cache_dir = str(self.options.cache_root / (info.cache_env or info.name).lower()) if info.cache_env else None
        reqs, notes = requirements_for(cell, config, info, self.names)
        index, extra = self._indexes(info)
        spec = CellSpec(cell_id=cell.id, python=cell.python, target=target,
                        packages=tuple(config.package(n) for n in cell.packages), requirements=tuple(reqs),
                        workdir=str(self.workdir), tool=tool, interpreter=interpreter, index_url=index,
                        extra_index_urls=extra, version=version, cache_dir=cache_dir)
        return spec, notes

    def _indexes(self, info: ManagerInfo) -> tuple[str | None, tuple[str, ...]]:
        """The indexes the manager is told: the caching index of each (for a PyPI-family manager, when the
        command runs one), else the ones rodeo.yml or the machine names."""
        index, extra = index_urls(self.config, self.options.environ)
        caching = self.options.indexes
        if caching is None or info.ecosystem != "pypi":
            return index, extra
        from rodeo_action.causes.indexnote import shown_url
        from rodeo_action.managers.pypi import DEFAULT_INDEX

        def cached(url: str) -> str:
            proxy = caching.url_for(url, self.options, self.steps)
            if proxy is None:
                return url
            self.cached_indexes[proxy] = url
            self.log.say(f"# rodeo: reading {shown_url(url)} through the caching index {proxy}")
            return proxy

        return cached(index or DEFAULT_INDEX), tuple(cached(url) for url in extra)

    def _prepare(self, info: ManagerInfo, spec: CellSpec, notes: list[str], manager_version: str,
                 python_version: str | None) -> _Ready:
        """The recipe, the repro a person can paste (for a folder of its own, with the tool by its name,
        the indexes rodeo.yml names), and the cell's environment: the recipe's variables, its
        temporary files in its folder."""
        cell, workdir = self.cell, self.workdir
        assert workdir is not None
        manager = get(cell.manager)
        recipe = manager.recipe(spec)
        self.log.say(f"# environment python: {recipe.python}" + (f" (from {spec.interpreter})" if spec.interpreter
                                                                  else f" (provisioned by {info.name})"))
        shown_as = shown_spec(spec, info.executable, self.config.index_url, self.config.extra_index_url)
        shown = manager.recipe(shown_as)
        swaps = url_swaps(spec, shown_as)
        lock_path = self.options.locks.get(cell.id)
        if lock_path is not None:   # exactly the lock, with the manager's own frozen install; the repro too
            from rodeo_action.managers.locks import frozen_recipe

            self.log.say(f"# rodeo: installing exactly from the lock {lock_path}")
            recipe = frozen_recipe(cell.manager, spec, recipe, read_lock(lock_path, swaps), _rehash(spec, swaps))
            shown = frozen_recipe(cell.manager, shown_as, shown, read_lock(lock_path, {}))
        recipe = self._varied(spec, recipe, swaps)
        about = About(cell.id, cell.manager, cell.python, self.result.started_at, manager_version,
                      info.executable, info.pypi, spec.target.windows)
        if recipe.pinned:   # e.g. the nixpkgs revision: a result must say what it was built from
            self.log.say(f"# {cell.manager}: pinned {recipe.pinned}")
            manager_version = f"{manager_version}; {recipe.pinned}"[:200]
        modules = import_names(cell, self.config, self.names) or [p.replace("-", "_") for p in cell.packages]
        self.result = replace(self.result, manager_version=manager_version, python_version=python_version,
                              repro=repro_text(shown, modules, self.config.test, about, REPRO_ROOT))
        for note in notes:
            self.log.say(f"# note: {note}")
        self.env.update(dict(recipe.env))
        # temporary files of builds stay inside the cell and go with it
        cell_tmp = workdir / ".tmp"
        cell_tmp.mkdir()
        self.env.update(TMPDIR=str(cell_tmp), TEMP=str(cell_tmp), TMP=str(cell_tmp))
        return _Ready(recipe, workdir, spec, swaps)

    def _varied(self, spec: CellSpec, recipe: Recipe, swaps: Mapping[str, str]) -> Recipe:
        """The recipe of an isolation's install: the last pass's lock installed frozen (its URLs swapped
        back to this machine's), or the cell's recipe with the pins applied the manager's own way."""
        variant = self.variant
        if variant is None or variant.tool is not None and not variant.pins and variant.lock_files is None:
            return recipe
        if variant.lock_files is not None:
            from rodeo_action.managers.locks import frozen_recipe

            back = {v: k for k, v in swaps.items()}
            self.log.say("# rodeo: installing exactly from the last pass's lock")
            files = {name: swap(text, back) for name, text in variant.lock_files.items()}
            return frozen_recipe(self.cell.manager, spec, recipe, files, _rehash(spec, swaps))
        if variant.tool is not None:   # the pins are the tool venv's: the cell's own recipe is unchanged
            return recipe
        from rodeo_action.managers.constrain import constrained_recipe

        self.log.say("# rodeo: pinned: " + " ".join(f"{n}=={v}" for n, v in sorted(variant.pins.items())))
        return constrained_recipe(self.cell.manager, spec, variant.pins)

    def _install(self, recipe: Recipe) -> Result | None:
        """The recipe's steps (create, install, ...) in order; the failed result of the first that fails."""
        for step in recipe.steps:
            with self.clock.phase(step.phase):
                start = self.log.offset()
                code = self.steps.run(step, self.env)
            if code != 0:
                said = self.log.since(start)
                frozen = self.cell.id in self.options.locks or (self.variant is not None
                                                                 and self.variant.lock_files is not None)
                mismatch = lock_mismatch(said) if frozen else None
                cause = (signal_cause(code, step.phase, self.steps.guard)
                         or (Cause("hash-mismatch", _clip(mismatch, 300)) if mismatch else None))
                if cause is None:       # the tools' words decide, and what the indexes said beside them
                    cause = _classify(said, step.phase, self.cell.manager, code)
                    if self._explained(cause):
                        cause = _classify(self.log.since(start), step.phase, self.cell.manager, code)
                return replace(self.result, status="fail", phase=step.phase, cause=cause, durations=self.clock.times())
        return None

    def _explained(self, cause: Cause) -> bool:
        """Notes on what the indexes did, in the log, after a failed step: what happened to the caching
        index (it stopped, its disk filled up), and when the resolver found no version or the caching
        index failed, what the real indexes answer. Whether a note was written (the log is read again)."""
        from rodeo_action.causes.indexnote import cache_note

        said = False
        try:
            if self.options.indexes is not None:
                for url in self.cached_indexes:
                    for event in self.options.indexes.events(url):
                        self.log.say(cache_note(event.kind, event.detail))
                        said = True
            upstream_failed = cause.kind == "network" and bool(self.cached_indexes)
            if cause.kind == "no-matching-distribution" or upstream_failed:
                said = self._probed_index(cause) or said
        except Exception as exc:   # a note that could not be made never costs the cell its verdict
            self.log.say(f"# rodeo: the indexes could not be asked ({type(exc).__name__}: {_clip(str(exc), 200)})")
        return said

    def _probed_index(self, cause: Cause) -> bool:
        """Ask the real indexes (never the caching one) for the project's page, and note the answers in
        the log: an index that is down reads as "no version" in several tools' output. Whether a note
        was written."""
        if manager_info(self.cell.manager).ecosystem != "pypi" or self.variant is not None:
            return False
        from rodeo_action.causes.indexnote import note
        from rodeo_action.managers.pypi import DEFAULT_INDEX
        from rodeo_action.run.indexprobe import probe_indexes

        index, extra = index_urls(self.config, self.options.environ)
        projects = [cause.package] if cause.package else [self.config.package(n).name for n in self.cell.packages]
        answers = probe_indexes(projects, (index or DEFAULT_INDEX, *extra), self.env)
        for answer in answers:
            self.log.say(note(answer))
        return bool(answers)

    def _import(self, ready: _Ready) -> Result | None:
        """Every module of the set imported in the environment; the failed result if one did not."""
        # Bytecode the probe writes is waste when nothing imports from the environment again (no
        # test, not kept): for cartopy + xgcm that is 0.2 s of .pyc writes a cell never reads.
        bytecode = bool(self.config.test) or self.options.keep_envs
        with self.clock.phase("import"):
            probe = run_probe(ready.recipe, packages_spec(self.cell, self.config, self.names), self.env, ready.workdir,
                              bytecode, self.steps)
        if probe.modules:    # which distribution each module was imported for: `rodeo explain` reads it back
            self.log.say(modules_note(probe.modules))
        for line in verdict_lines(probe, probe.imports):
            self.log.say(line)
        self.result = replace(self.result, imports=probe.imports, resolved=probe.resolved,
                              python_version=probe.python_version or self.result.python_version,
                              platform=probe.platform, durations=self.clock.times())
        failed = {m: v for m, v in probe.imports.items() if v != "ok"}
        if failed or not probe.imports:
            return self._import_failed(probe, failed)
        return None

    def _import_failed(self, probe: ProbeOutcome, failed: dict[str, str]) -> Result:
        text = "\n".join(verdict_lines(probe, failed)) or "the probe found nothing to import"
        cause = _classify(text, "import", self.cell.manager)
        if cause.kind == "unknown":
            cause = Cause("import-error", _clip(text.splitlines()[0]))
        first = next(iter(failed), None)
        # killed from outside (SIGKILL: out of memory?) or past ulimit -f: that, not an import error
        signalled = next((m for m, c in probe.signals.items() if c in OUTSIDE_SIGNALS), None)
        if signalled is not None:
            first, cause = signalled, signal_cause(probe.signals[signalled], "import", self.steps.guard) or cause
        owner = probe.modules.get(first) if first else None
        # the probe knows which distribution it imported the module for; the log only names the module
        return replace(self.result, status="fail", phase="import", cause=replace(cause, package=owner or cause.package))

    def _test(self, ready: _Ready, test: str) -> Result | None:
        """rodeo.yml's ``test:``, run by bash in the environment; the failed result if it fails."""
        recipe, workdir = ready.recipe, ready.workdir
        with self.clock.phase("test"):
            test_env = {**self.env, "PATH": os.pathsep.join([*recipe.bin_dirs, self.env.get("PATH", "")])}
            if recipe.bin_dirs and recipe.python.startswith(str(workdir)):
                test_env["VIRTUAL_ENV"] = str(Path(recipe.bin_dirs[0]).parent)
            script = str(workdir / ".rodeo-test.sh")   # through a launcher, the test is a file: Recipe.launched
            if recipe.launcher:
                execute(Step("test", write=script, content=test), test_env, self.log, self.steps.deadline)
            argv = recipe.launched("bash", script) if recipe.launcher else ("bash", "-c", test)
            start = self.log.offset()
            code = self.steps.run(Step("test", argv, cwd=str(workdir)), test_env)
        if code == 0:
            return None
        cause = signal_cause(code, "test", self.steps.guard) or _classify(self.log.since(start), "test",
                                                                           self.cell.manager, code)
        if cause.kind == "unknown":
            cause = replace(cause, kind="test-failed")
        return replace(self.result, status="fail", phase="test", cause=cause, durations=self.clock.times())

    def _too_much_memory(self, exc: MemoryExceeded) -> Result:
        phase, limit = self.clock.current, exc.limit
        assert limit.bytes is not None
        self.log.say(f"# rodeo: the cell's processes held {host.human_size(exc.used)} of memory during {phase}, "
                     f"more than the limit of {host.human_size(limit.bytes)} ({limit.source}); they were killed")
        return replace(self.result, status="fail", phase=phase, durations=self.clock.times(),
                       cause=Cause("killed", _clip(f"used more than {host.human_size(limit.bytes)} of memory "
                                                   f"(limit: {limit.source}); killed")))


def _rehash(spec: CellSpec, swaps: Mapping[str, str]) -> str | None:
    """The manager's venv Python, to hash a lock's project again once its URLs are this machine's."""
    if not swaps:
        return None
    from rodeo_action.run.lock import venv_python

    python = venv_python(spec.tool)
    return str(python) if python is not None else None


def _classify(log: str, phase: str | None, manager: str | None = None, returncode: int | None = None) -> Cause:
    """The cause rules are imported on the first failure: a passing cell never compiles them."""
    from rodeo_action.causes import classify

    return classify(log, phase, manager, returncode)


def _clip(text: str, limit: int = 120) -> str:
    from rodeo_action.causes.base import clip

    return clip(text, limit)
