"""The `rodeo` command: one small function per subcommand; the work lives in the modules."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from rodeo_action import __version__
from rodeo_action.config import Config, for_local, load_config, manager_names
from rodeo_action.errors import InputError, ServiceError

if TYPE_CHECKING:
    from rodeo_action.cacheindex.service import CachingIndexes
    from rodeo_action.isolate.baseline import LastPass
    from rodeo_action.plan import PlannedCell
    from rodeo_action.report.model import Report
    from rodeo_action.results import Result
    from rodeo_action.run import RunOptions


def _config(args: argparse.Namespace) -> Config:
    path = args.config
    if path is None and Path("rodeo.yml").exists():
        path = "rodeo.yml"
    if path is None:
        print("rodeo: no rodeo.yml here: using the embedded default rodeo (cartopy, tensorflow, xgcm)",
              file=sys.stderr)
    return load_config(path)


def _run_url(environ: Mapping[str, str]) -> str | None:
    if environ.get("GITHUB_RUN_ID") and environ.get("GITHUB_REPOSITORY"):
        server = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        return f"{server}/{environ['GITHUB_REPOSITORY']}/actions/runs/{environ['GITHUB_RUN_ID']}"
    return None


def _options(args: argparse.Namespace, output: Path, config: Config | None = None) -> RunOptions:
    from rodeo_action import host
    from rodeo_action.run import RunOptions

    cache_root = host.cache_root(os.environ)
    return RunOptions(output=output, environ=dict(os.environ), cache_root=cache_root,
                      keep_envs=getattr(args, "keep_envs", False), allow_system=getattr(args, "allow_system", True),
                      run_url=_run_url(os.environ), locks=_locks(args, output), baseline=_baseline(args, config),
                      indexes=_caching_indexes(args, cache_root))


def _caching_indexes(args: argparse.Namespace, cache_root: Path) -> CachingIndexes | None:
    """The command's caching indexes (started when a PyPI-family cell first needs one), unless
    ``--no-caching-index`` or ``RODEO_CACHING_INDEX=0``; ``RODEO_CACHING_INDEX_PORT`` asks for a port."""
    setting = os.environ.get("RODEO_CACHING_INDEX", "1").strip().lower()
    if getattr(args, "no_caching_index", False) or setting in ("0", "off", "false", "no"):
        return None
    from rodeo_action.cacheindex.service import CachingIndexes

    return CachingIndexes(cache_root / "caching-index", dict(os.environ), _caching_port())


def _caching_port() -> int:
    port = os.environ.get("RODEO_CACHING_INDEX_PORT", "0").strip()
    if not port.isdigit() or int(port) > 65535:
        raise InputError(f"RODEO_CACHING_INDEX_PORT={port!r}: expected a port number (0-65535; 0: any free port)")
    return int(port)


@contextmanager
def _stopping(options: RunOptions) -> Iterator[RunOptions]:
    """The options for the command's cells; its caching indexes stopped when it ends, however it ends."""
    try:
        yield options
    finally:
        if options.indexes is not None:
            options.indexes.close()


def _baseline(args: argparse.Namespace, config: Config | None) -> dict[str, LastPass]:
    """``--baseline FILE``: the last pass of each cell it knows; a baseline that cannot be used is a note
    on stderr and no isolation (``rodeo bisect`` refuses it instead: isolating is all it does)."""
    path = getattr(args, "baseline", None)
    if path is None or config is None:
        return {}
    from rodeo_action.isolate.baseline import last_passes

    found, why = last_passes(Path(path), config.name)
    if why:
        if args.command == "bisect":
            raise InputError(f"--baseline {path}: {why}")
        print(f"rodeo: --baseline {path}: {why}; no cell is isolated", file=sys.stderr)
    return found


def _locks(args: argparse.Namespace, output: Path) -> dict[str, Path]:
    """``--lock FILE`` (for ``--cell``) or ``--lock-dir DIR`` (its ``CELL.lock`` folders): cell id -> lock."""
    lock, lock_dir = getattr(args, "lock", None), getattr(args, "lock_dir", None)
    if lock is not None:
        if getattr(args, "cell", None) is None:
            raise InputError("--lock: needs --cell ID (one lock is one cell's)")
        if not Path(lock).exists():
            raise InputError(f"--lock {lock}: no such file; expected a lock a passing cell wrote (DIR/CELL.lock/...)")
        return {args.cell: Path(lock)}
    if lock_dir is None:
        return {}
    folder = Path(lock_dir)
    if not folder.is_dir():
        raise InputError(f"--lock-dir {lock_dir}: not a folder; expected a results folder with CELL.lock folders")
    if folder.resolve() == output.resolve():
        raise InputError(f"--lock-dir {lock_dir}: is the --output folder, whose earlier files move to previous/; "
                         "pass another --output")
    found = {p.name[:-len(".lock")]: p for p in sorted(folder.iterdir()) if p.is_dir() and p.name.endswith(".lock")}
    if not found:
        raise InputError(f"--lock-dir {lock_dir}: no CELL.lock folder in it; expected the --output of a run")
    return found


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def cmd_validate(args: argparse.Namespace) -> int:
    config = _config(args)
    from rodeo_action.plan import expand

    planned = expand(config)
    runnable = sum(p.runnable for p in planned)
    counts = [_count(len(config.packages), "package"), _count(len(config.sets), "set"),
              _count(len(planned), "cell")]
    print(f"{config.source}: ok — {', '.join(counts)} ({runnable} to run, {len(planned) - runnable} n/a)")
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    from rodeo_action.plan import expand, matrix_json, pack

    config = _config(args)
    if args.max_jobs < 1:
        raise InputError(f"--max-jobs: got {args.max_jobs}; expected a whole number of at least 1")
    jobs = pack(expand(config), args.max_jobs)
    text = matrix_json(jobs)
    print(text)
    out = os.environ.get("GITHUB_OUTPUT")
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(f"matrix={text}\ncount={len(jobs)}\nempty={'true' if not jobs else 'false'}\n")
    return 0


def _select_cells(args: argparse.Namespace, config: Config) -> list[PlannedCell]:
    from rodeo_action.plan import expand

    planned = {p.cell.id: p for p in expand(config)}
    if args.cell is not None:
        wanted = [args.cell]
    else:
        try:
            job = json.loads(args.job)
            wanted = list(job["cells"]) if isinstance(job, dict) else []
            if not wanted or not all(isinstance(c, str) for c in wanted):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise InputError("--job: expected one job of `rodeo plan`'s matrix as JSON, "
                             'e.g. {"job": "uv-ubuntu-latest", "cells": ["uv-all-ubuntu-latest-py3.12"]}') from None
    chosen = []
    for cell_id in wanted:
        if cell_id not in planned:
            import difflib  # only when a name is wrong: not on every start-up
            guess = difflib.get_close_matches(cell_id, list(planned), n=1)
            hint = f"; did you mean {guess[0]!r}?" if guess else ""
            raise InputError(f"cell {cell_id!r} is not in the plan of {config.source}{hint}")
        chosen.append(planned[cell_id])
    return chosen


def cmd_run(args: argparse.Namespace) -> int:
    from rodeo_action.run import run_cell

    config = _config(args)
    cells = _select_cells(args, config)
    with _stopping(_options(args, Path(args.output), config)) as options:
        for planned in cells:
            result = run_cell(planned, config, options)
            print(f"{result.cell.id}: {result.status}" + (f" ({result.phase}: {result.cause.kind})"
                                                          if result.cause else ""))
            if result.isolation is not None:
                print(f"  {_isolation_line(result)}")
    return 0


def _isolation_line(result: Result) -> str:
    from rodeo_action.isolate.changes import describe

    iso = result.isolation
    assert iso is not None
    spent = f"{_count(iso.installs, 'extra install')}, {iso.changed} changed"
    if iso.outcome == "isolated":
        names = " together with ".join(describe(p) for p in iso.culprits)
        where = " (in the manager's own venv)" if iso.scope == "tool" else ""
        return f"broken by {names}{where} [{spent}]"
    return f"{iso.outcome}: {iso.reason} [{spent}]"


def cmd_bisect(args: argparse.Namespace) -> int:
    """One cell, run now and isolated against its last pass in ``--baseline``: 0 when the answer is a
    release (or "not in the versions"), 1 when the cell passes or isolation could not say."""
    from rodeo_action.run import run_cell

    config = _config(args)
    args.job = None
    cells = _select_cells(args, config)
    with _stopping(_options(args, Path(args.output), config)) as options:
        if args.cell not in options.baseline:
            raise InputError(f"--baseline {args.baseline}: no last pass of {args.cell} in it (with its pins); "
                             "expected the --json of a run where that cell passed")
        result = run_cell(cells[0], config, options)
    print(f"{result.cell.id}: {result.status}" + (f" ({result.phase}: {result.cause.kind})" if result.cause else ""))
    if result.isolation is None:
        print("  nothing to isolate: " + ("it passes" if result.status == "pass" else f"it ended as {result.status}"))
        return 1
    print(f"  {_isolation_line(result)}")
    return 0 if result.isolation.outcome in ("isolated", "not-in-versions") else 1


def cmd_cache_key(args: argparse.Namespace) -> int:
    """The parts of a run job's download-cache key, as ``name=value`` lines (GitHub step outputs).

    ``lock-hash``: a digest of what the job's cells installed when they last passed (their pins in
    ``--baseline``), so that a nightly run whose locks did not change restores its cache exactly and saves
    nothing, and one whose locks changed restores the nearest and downloads only what changed;
    ``none`` without a baseline that knows the cells. ``family``: the managers' ecosystem (pypi, conda, ...),
    the restore key shared by the managers whose downloads are the same files.
    """
    import hashlib

    from rodeo_action.isolate.baseline import last_passes
    from rodeo_action.managers import manager_info

    config = _config(args)
    args.cell = None
    cells = _select_cells(args, config)
    known: dict[str, LastPass] = {}
    if args.baseline:
        known, _why = last_passes(Path(args.baseline), config.name)
    pins = {p.cell.id: sorted(known[p.cell.id].pins.items()) for p in cells if p.cell.id in known}
    digest = hashlib.sha256(json.dumps(pins, sort_keys=True).encode()).hexdigest()[:16] if pins else "none"
    families = sorted({manager_info(p.cell.manager).ecosystem for p in cells})
    print(f"lock-hash={digest}\nfamily={'-'.join(families) or 'none'}")
    return 0


def cmd_local(args: argparse.Namespace) -> int:
    """Run what this host can, then its report; an interrupted run still gets its report (what finished,
    the rest shown as interrupted) and the `rodeo report` command that remakes it."""
    from rodeo_action import localrun
    from rodeo_action.local import Stopped, local_cells, local_report, run_local
    from rodeo_action.plan import expand
    from rodeo_action.report import local_md, render
    from rodeo_action.report.words import when
    from rodeo_action.results import write_atomic

    given = _config(args)
    config = for_local(given)
    if args.managers:
        chosen = [m.strip() for m in args.managers.split(",") if m.strip()]
        for m in chosen:
            if m not in manager_names():
                import difflib  # only when a name is wrong: not on every start-up
                guess = difflib.get_close_matches(m, manager_names(), n=1)
                hint = f"did you mean {guess[0]!r}? " if guess else ""
                raise InputError(f"--managers: unknown manager {m!r}; {hint}expected some of "
                                 f"{', '.join(manager_names())}")
        from dataclasses import replace
        config = replace(config, managers=tuple(chosen))
    output = Path(args.output)
    _locks(args, output)   # a bad --lock-dir (or caching index port) is refused before anything is moved or written
    _caching_port()
    moved = localrun.make_room(output, Path(args.config or "rodeo.yml"))
    if moved:
        print(f"rodeo: {moved}", file=sys.stderr)
    planned = expand(config)
    manifest = localrun.begin(given, config, planned)
    localrun.write(output, manifest)
    stopped: Stopped | None = None
    try:
        with _stopping(_options(args, output, config)) as options:
            results: list[Result] = run_local(config, options, jobs=args.jobs or os.cpu_count() or 2)
    except Stopped as exc:
        stopped, results = exc, exc.results
    manifest = localrun.end(manifest, interrupted=stopped is not None)
    localrun.write(output, manifest)
    started = when(manifest.started_at)
    cells = local_cells(results, planned, manifest.why_missing())
    report = local_report(cells, config.managers, started, local_md.host_line(results, config.managers, started))
    print(render.terminal(report))
    for result in sorted((r for r in results if r.isolation is not None), key=lambda r: r.cell.id):
        print(f"{result.cell.id}: {_isolation_line(result)}")
    title = f"rodeo {config.name}" if config.name else "rodeo"
    path = output / "report.md"
    write_atomic(path, local_md.render(report, title))
    print(f"\nresults: {output}/  report: {path}")
    if stopped is None:
        return 0
    unfinished = [c.id for c in cells if c.status == "missing"]
    named = ", ".join(unfinished[:5]) + (f" and {len(unfinished) - 5} more" if len(unfinished) > 5 else "")
    print(f"rodeo: interrupted; {_count(len(results), 'finished cell')} kept, {len(unfinished)} not finished "
          f"({named}: interrupted, in {path} too). Remake the report with:\n  {_remake(args, given, output)}",
          file=sys.stderr)
    return 130       # as for any interrupt of rodeo (SIGTERM too: a cancelled CI job ends like a Ctrl-C)


def _remake(args: argparse.Namespace, config: Config, output: Path) -> str:
    """The `rodeo report` command that remakes a local run's report.md from its folder."""
    import shlex

    words = ["rodeo", "report", "--results", str(output)]
    if args.config is not None or Path("rodeo.yml").exists():
        words += ["--config", config.source]
    words += ["--markdown", str(output / "report.md")]
    return shlex.join(words)


def _report_config(args: argparse.Namespace) -> Config | None:
    """`report` reads ./rodeo.yml when present; without one it shows the results it finds, unplanned."""
    if args.config is not None:
        return load_config(args.config)
    if Path("rodeo.yml").exists():
        return load_config("rodeo.yml")
    print("rodeo: no rodeo.yml here and no --config: reporting the results found, without a plan",
          file=sys.stderr)
    return None


def _is_stdout(path: Path | None) -> bool:
    """An output streamed to this process's standard output (the terminal view then goes to stderr)."""
    if path is None:
        return False
    try:
        return os.path.samestat(path.stat(), os.fstat(sys.stdout.fileno()))
    except (OSError, ValueError):
        return False


def cmd_report(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from rodeo_action.report import render
    from rodeo_action.report.command import ReportRequest, exit_code, make_report, write_outputs
    from rodeo_action.report.escape import url

    if args.site_url and url(args.site_url) is None:
        raise InputError(f"--site-url {args.site_url!r}: expected an http(s) URL (where the --html site is published)")
    config = _report_config(args)
    request = ReportRequest(
        results=Path(args.results), baseline=Path(args.baseline) if args.baseline else None,
        markdown=Path(args.markdown) if args.markdown else None, json=Path(args.json) if args.json else None,
        svg=Path(args.svg) if args.svg else None, badge=Path(args.badge) if args.badge else None,
        badge_dir=Path(args.badge_dir) if args.badge_dir else None, html=Path(args.html) if args.html else None,
        summary=args.summary, fail_on=args.fail_on)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    session = None
    if args.readme or args.comment or args.issues:
        from rodeo_action.github import publish
        from rodeo_action.github.decide import Asked

        asked = Asked(readme=args.readme, comment=args.comment, issues=args.issues, dry_run=args.dry_run)
        session = publish.start(os.environ)
    said = f"{request.baseline} (--baseline)" if request.baseline else "the digest on GitHub, as --readme reads it"
    if session is not None and request.baseline is None:
        log = publish.Log(sys.stderr, session.settings.token if session.settings else None)
        base = publish.fetch_baseline(session, config, asked, log.say)
        report = make_report(request, config, now, _run_url(os.environ), base)
    elif args.preview and request.baseline is None:      # offline: the README here stands for GitHub's
        from rodeo_action.github.preview import local_baseline

        base, said = local_baseline(config, Path.cwd())
        report = make_report(request, config, now, _run_url(os.environ), base)
    else:
        report = make_report(request, config, now, _run_url(os.environ))
    if args.site_url:
        report = replace(report, site_url=args.site_url)
    to_stdout = any(_is_stdout(p) for p in (request.markdown, request.json, request.svg, request.badge))
    print(render.terminal(report), file=sys.stderr if to_stdout else sys.stdout)
    for path in write_outputs(report, request, config, os.environ, sys.stderr):
        print(f"wrote {path}", file=sys.stderr)
    if args.preview:
        _preview(report, config, Path(args.preview), said)
    code = 0
    if session is not None:
        code = publish.publish(report, config, session, asked, sys.stdout, sys.stderr, os.environ)
    return code or exit_code(report, request)


def _preview(report: Report, config: Config | None, folder: Path, baseline: str) -> None:
    """``--preview DIR``: what publishing would write, as files (offline: no token, no request)."""
    from rodeo_action.github import preview
    from rodeo_action.report.templates import Settings

    if not report.has_baseline and not baseline.startswith("none"):
        baseline = f"none ({baseline}: not read; the log or the report's notes say why)"
    made = preview.build(report, config, Settings.from_config(config), os.environ.get("GITHUB_REPOSITORY", ""),
                         baseline)
    written = preview.write(made, folder)
    print(f"wrote {len(written)} files to {folder}/ ({folder / 'index.md'} lists them); a first --issues run: "
          f"{made.tally.line()}", file=sys.stderr)


def cmd_post(args: argparse.Namespace) -> int:
    from rodeo_action.github import payload

    return payload.post(Path(args.payload), os.environ, sys.stdout, sys.stderr, dry_run=args.dry_run)


def cmd_explain(args: argparse.Namespace) -> int:
    """Explain a log a person already has (:func:`rodeo_action.causes.logread.explain`)."""
    from rodeo_action.causes import logread

    text = logread.read(args.log)
    found = logread.explain(text, logread.sibling_result(args.log, text), args.manager, args.phase)
    if args.json:
        print(json.dumps({"kind": found.kind, "package": found.package, "summary": found.summary,
                          "phase": found.phase, "phase_from": found.phase_from or None, "manager": found.manager}))
    else:
        print(f"{found.kind}" + (f" ({found.package})" if found.package else "") + f": {found.summary}")
        if found.phase:
            guessed = ", guessed from the log" if found.guessed else ""
            print(f"phase: {found.phase} ({found.phase_from}); manager: {found.manager or 'unknown'}{guessed}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rodeo", description="Which package managers can install these Python "
                                "packages, on which OS and Python — and if one cannot, why?")
    p.add_argument("--version", action="version", version=f"rodeo-action {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_config(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--config", metavar="F", help="the rodeo.yml (default: ./rodeo.yml, else the embedded "
                        "default rodeo)")

    sp = sub.add_parser("validate", help="check a rodeo.yml")
    with_config(sp)
    sp.set_defaults(func=cmd_validate)

    sp = sub.add_parser("plan", help="expand the config into a GitHub Actions job matrix")
    with_config(sp)
    sp.add_argument("--max-jobs", type=int, default=256, metavar="N", help="at most N jobs (default 256)")
    sp.set_defaults(func=cmd_plan)

    sp = sub.add_parser("run", help="run the cells of one job (or one cell)")
    with_config(sp)
    which = sp.add_mutually_exclusive_group(required=True)
    which.add_argument("--job", metavar="JSON", help="one job of the plan's matrix, as JSON")
    which.add_argument("--cell", metavar="ID", help="one cell id, e.g. uv-all-ubuntu-latest-py3.12")
    sp.add_argument("--output", default="rodeo-results", metavar="DIR", help="where results and logs go")
    sp.add_argument("--keep-envs", action="store_true", help="keep each cell's environment for inspection")
    sp.add_argument("--lock", metavar="FILE", help="re-install the --cell exactly from this lock (DIR/CELL.lock/...)")
    sp.add_argument("--baseline", metavar="F", help="isolate each cell that regressed against its last pass in F "
                    "(a report --json, or a README/comment with a digest)")
    sp.add_argument("--no-caching-index", action="store_true", help="every PyPI-family cell reads its index itself "
                    "(default: one local caching index per upstream, shared by the cells; RODEO_CACHING_INDEX=0)")
    sp.set_defaults(func=cmd_run, allow_system=True)

    sp = sub.add_parser("bisect", help="run one cell and isolate the release that broke it since its last pass")
    with_config(sp)
    sp.add_argument("--cell", required=True, metavar="ID", help="the cell id, e.g. pdm-all-ubuntu-latest-py3.12")
    sp.add_argument("--baseline", required=True, metavar="F", help="a run where the cell passed: a report --json, "
                    "or a README/comment with a digest")
    sp.add_argument("--output", default="rodeo-results", metavar="DIR", help="where the result and logs go")
    sp.add_argument("--keep-envs", action="store_true", help="keep each install's environment for inspection")
    sp.add_argument("--no-caching-index", action="store_true", help="every PyPI-family cell reads its index itself "
                    "(default: one local caching index per upstream, shared by the cells; RODEO_CACHING_INDEX=0)")
    sp.set_defaults(func=cmd_bisect, allow_system=True)

    sp = sub.add_parser("cache-key", help="a run job's download-cache key parts (lock-hash, family) for actions/cache")
    with_config(sp)
    sp.add_argument("--job", required=True, metavar="JSON", help="one job of the plan's matrix, as JSON")
    sp.add_argument("--baseline", metavar="F", help="the last run's --json (or a README/comment with a digest)")
    sp.set_defaults(func=cmd_cache_key)

    sp = sub.add_parser("local", help="plan + run everything runnable here + a report")
    with_config(sp)
    sp.add_argument("-j", "--jobs", type=int, default=0, metavar="N", help="cells in parallel (default: CPUs)")
    sp.add_argument("--managers", metavar="a,b", help="only these managers")
    sp.add_argument("--output", default="rodeo-results", metavar="DIR", help="where results, logs, report.md go")
    sp.add_argument("--allow-system", action="store_true", help="let apt change this machine")
    sp.add_argument("--keep-envs", action="store_true", help="keep each cell's environment for inspection")
    sp.add_argument("--lock-dir", metavar="DIR", help="re-install each cell exactly from its lock in DIR/CELL.lock/")
    sp.add_argument("--baseline", metavar="F", help="isolate each cell that regressed against its last pass in F "
                    "(a report --json, or a README/comment with a digest)")
    sp.add_argument("--no-caching-index", action="store_true", help="every PyPI-family cell reads its index itself "
                    "(default: one local caching index per upstream, shared by the cells; RODEO_CACHING_INDEX=0)")
    sp.set_defaults(func=cmd_local)

    sp = sub.add_parser("report", help="merge results, compare with the baseline, render the outputs")
    sp.add_argument("--results", required=True, metavar="DIR", help="the folder of cell results (nested is fine)")
    sp.add_argument("--config", metavar="F", help="the rodeo.yml (default: ./rodeo.yml; without one, no plan)")
    sp.add_argument("--baseline", metavar="F", help="the previous run's --json, or a README/comment with a digest")
    sp.add_argument("--markdown", metavar="F", help="write the full markdown report")
    sp.add_argument("--json", metavar="F", help="write merged results + history (the next run's --baseline)")
    sp.add_argument("--svg", metavar="F", help="write an SVG picture of the matrix")
    sp.add_argument("--badge", metavar="F", help="write a shields.io endpoint badge JSON")
    sp.add_argument("--badge-dir", metavar="D", help="write rodeo.json + one badge JSON per manager")
    sp.add_argument("--html", metavar="DIR", help="write a self-contained static site (index.html + a page per "
                    "cell) into DIR")
    sp.add_argument("--site-url", metavar="URL", help="where that site is published (GitHub Pages): the README "
                    "block links to it")
    sp.add_argument("--summary", action="store_true", help="append the job summary to $GITHUB_STEP_SUMMARY")
    sp.add_argument("--fail-on", choices=["regression"], help="exit 1 when a cell regressed")
    sp.add_argument("--readme", action="store_true", help="commit the README block (default-branch runs only; "
                    "run by hand, without GITHUB_EVENT_NAME, this forces it)")
    sp.add_argument("--comment", action="store_true", help="the sticky PR comment (pull requests only)")
    sp.add_argument("--issues", action="store_true", help="one issue per culprit (default-branch runs only; "
                    "forced when run by hand)")
    sp.add_argument("--dry-run", action="store_true", help="print what would be published; send nothing")
    sp.add_argument("--preview", metavar="DIR", help="write what would be published (README block, comment, "
                    "summary, issues, upstream reports) as files into DIR; offline: no token, no network")
    sp.set_defaults(func=cmd_report)

    sp = sub.add_parser("post", help="publish the rodeo-publish.json a read-only run saved (workflow_run)")
    sp.add_argument("--payload", required=True, metavar="F", help="the payload; untrusted: checked, never run")
    sp.add_argument("--dry-run", action="store_true", help="check the payload and print the comment; send nothing")
    sp.set_defaults(func=cmd_post)

    sp = sub.add_parser("explain", help="why a cell's log failed (or that it did not: pass, unavailable, n/a)")
    sp.add_argument("log", metavar="LOG", help="a log file (a rodeo cell's <cell>.log, or any install output); "
                    "- reads standard input")
    sp.add_argument("--manager", metavar="M", help="the manager that wrote the log (default: guessed from it)")
    sp.add_argument("--phase", default=None, choices=["setup", "create", "install", "import", "test"],
                    help="the phase that failed: classify the log as a failure of it (default: what the "
                    "rodeo log or its result shows, or the corpus header's phase, else install)")
    sp.add_argument("--json", action="store_true", help="print {kind, package, summary} as JSON")
    sp.set_defaults(func=cmd_explain)
    return p


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)   # a cancelled CI job ends like a Ctrl-C: no stray processes
    try:
        code: int = args.func(args)
        return code
    except InputError as exc:
        for problem in exc.problems:
            print(str(problem), file=sys.stderr)
        return 2
    except ServiceError as exc:
        print(f"rodeo: {exc}", file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        print("rodeo: interrupted; finished results are kept", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `rodeo report ... | head`: the reader left; say nothing more, and let no flush at exit complain
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
