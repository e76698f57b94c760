"""Rebuild the golden files from the fixed result set: ``python -m tests.golden.regenerate``.

The report goes through the real pipeline (collect -> baseline round-tripped through ``--json``
-> build_report) and then every renderer; tests/report/test_render.py compares against what is
written here. Review the diff (``git diff tests/golden``) before committing regenerated files.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from pathlib import Path

from rodeo_action.config import load_config
from rodeo_action.plan import expand
from rodeo_action.report import history, issuetext, render
from rodeo_action.report.build import build_report
from rodeo_action.report.collect import collect
from rodeo_action.report.model import Culprit, Report

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "report"
GOLDEN = Path(__file__).resolve().parent
RUN_URL = "https://github.com/o/r/actions/runs/7"


def _report(results: str, config_file: str, baseline: history.Baseline | None, when: str, run_url: str) -> Report:
    config = load_config(FIXTURES / config_file)
    got = collect(FIXTURES / results, expand(config))
    return build_report(got.cells, config, baseline, when, run_url, got.notes)


def baseline_report() -> Report:
    """The previous run, as it reported itself."""
    return _report("baseline", "baseline.yml", None, "2026-11-23T06:30:00Z", "https://github.com/o/r/actions/runs/6")


def current_report() -> Report:
    """This run, compared with the previous one read back from its ``--json``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "previous.json"
        path.write_text(json.dumps(history.full(baseline_report())))
        baseline = history.load(path, "fixture")
    assert baseline is not None
    return _report("current", "rodeo.yml", baseline, "2026-11-24T06:30:00Z", RUN_URL)


def fixed_culprit() -> Culprit:
    """A culprit of the previous run whose cells pass now (pip could not build cartopy)."""
    return next(c for c in baseline_report().culprits if c.key == "cell:pip/cartopy")


def changed(report: Report) -> tuple[Culprit, issuetext.Changed]:
    """What an issue's update comment says when everything about its culprit changed: the cause, the
    cells, the versions, and it failing again after rodeo marked it fixed."""
    tf = next(c for c in report.culprits if c.key == "package:tensorflow")
    before = ("pip-all-ubuntu-latest-py3.12", *(f"conda-s{i}-ubuntu-latest-py3.12" for i in range(9)))
    return tf, issuetext.Changed(what=("cause", "cells", "versions", "broken again"), cause="build-failed",
                                 package="tensorflow", cells=before, now_cells=tf.cells, state="0123456789abcdef")


def slug(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", key)


def outputs() -> dict[str, str]:
    """Every rendered output of the fixture, by golden file name."""
    report = current_report()
    out = {
        "report.md": render.markdown(report),
        "summary.md": render.summary(report),
        "comment.md": render.comment(report),
        "readme.md": render.readme_block(report),
        "terminal.txt": render.terminal(report) + "\n",
    }
    for culprit in report.culprits:
        title, body = issuetext.issue(report, culprit)
        out[f"issue-{slug(culprit.key)}.md"] = f"{title}\n{body}"
        out[f"upstream-{slug(culprit.key)}.txt"] = f"{issuetext.upstream_url(report, culprit)}\n"
    out[f"fixed-{slug(fixed_culprit().key)}.md"] = issuetext.fixed(report, fixed_culprit())
    culprit, what = changed(report)
    out[f"update-{slug(culprit.key)}.md"] = issuetext.update(report, culprit, what)
    return out


def main() -> int:
    wanted = outputs()
    for stale in GOLDEN.glob("*"):
        if stale.suffix in (".md", ".txt") and stale.name not in wanted:
            stale.unlink()
    for name, text in wanted.items():
        (GOLDEN / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(wanted)} golden files to {GOLDEN.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
