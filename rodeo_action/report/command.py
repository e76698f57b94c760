"""`rodeo report`: glue from a results folder to files. All I/O comes in as arguments.

The pure core (collect -> build -> render) stays in its modules; this function only decides
which outputs were asked for and writes each one atomically, so a failing output never leaves
half a file and never stops the others. Publishing to GitHub (README, comment, issues) is done
by :mod:`rodeo_action.github` on the same Report.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from rodeo_action.config import Config
from rodeo_action.report import badge, history, render, svg
from rodeo_action.report.build import build_report
from rodeo_action.report.collect import collect
from rodeo_action.report.model import Report
from rodeo_action.results import write_atomic, write_atomic_chunks


@dataclass(frozen=True)
class ReportRequest:
    """What `rodeo report` was asked to do (the CLI's flags, typed)."""

    results: Path
    baseline: Path | None = None
    markdown: Path | None = None
    json: Path | None = None
    svg: Path | None = None
    badge: Path | None = None
    badge_dir: Path | None = None
    html: Path | None = None           # a folder: the static site (report/site)
    summary: bool = False
    fail_on: str | None = None         # "regression": exit 1 when there are regressions


def make_report(request: ReportRequest, config: Config | None, now: str, run_url: str | None,
                base: history.Baseline | None = None) -> Report:
    """The Report; ``base`` is a baseline read elsewhere (GitHub), else ``--baseline`` is loaded."""
    from rodeo_action.plan import expand

    collected = collect(request.results, expand(config) if config is not None else None, config)
    notes = list(collected.notes)
    if base is None and request.baseline is not None:
        base, why = history.read(request.baseline, config.name if config else None)
        if base is None:
            notes.append(f"baseline {request.baseline}: {why}; no changes shown")
    return build_report(collected.cells, config, base, now, run_url, notes)


def write_outputs(report: Report, request: ReportRequest, config: Config | None, environ: Mapping[str, str],
                  out: TextIO) -> list[Path]:
    """Every file output asked for; the job summary is appended to $GITHUB_STEP_SUMMARY."""
    settings = render.Settings.from_config(config)
    written: list[Path] = []

    def put(path: Path, text: str) -> None:
        write_atomic(path, text)
        written.append(path)

    if request.markdown:
        write_atomic_chunks(request.markdown, render.markdown_chunks(report, settings))
        written.append(request.markdown)
    if request.json:
        write_atomic_chunks(request.json, history.full_json(report))
        written.append(request.json)
    if request.svg:
        put(request.svg, svg.render(report))
    if request.badge:
        put(request.badge, json.dumps(badge.overall(report)) + "\n")
    if request.badge_dir:
        put(request.badge_dir / "rodeo.json", json.dumps(badge.overall(report)) + "\n")
        for manager, endpoint in badge.per_manager(report).items():
            put(request.badge_dir / f"{manager}.json", json.dumps(endpoint) + "\n")
    if request.html:
        from rodeo_action.report import site

        site.build(report, request.html, request.results)
        written.append(request.html)
    if request.summary:
        target = environ.get("GITHUB_STEP_SUMMARY")
        if target:
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(render.summary(report, settings))
            written.append(Path(target))
        else:
            print("rodeo: --summary: GITHUB_STEP_SUMMARY is not set (not on GitHub Actions); "
                  "use --markdown FILE to keep the report", file=out)
    return written


def exit_code(report: Report, request: ReportRequest) -> int:
    return 1 if request.fail_on == "regression" and report.regressions else 0
