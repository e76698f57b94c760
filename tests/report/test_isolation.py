"""What the outputs say about a regressed cell's isolation: the release that broke it, in the change line,
the culprits (one issue per introducing release), the failure details, the issue and the upstream report;
and each manager's known-good environment (its latest passing lock) in the README block."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from rodeo_action.config import load_config
from rodeo_action.plan import expand
from rodeo_action.report import history, issuetext, markers, render
from rodeo_action.report import words as W
from rodeo_action.report.build import build_report
from rodeo_action.report.collect import collect
from rodeo_action.report.model import Culprit, Report
from rodeo_action.results import Isolation, PinChange, Try
from tests.golden import regenerate
from tests.report.test_render import check_safe

PIP = "pip-all-ubuntu-latest-py3.12"       # regressed in the fixture: ✅ → ❌ import-error (tensorflow)
UV = "uv-all-ubuntu-latest-py3.12"         # regressed the same way
PDM = "pdm-geo-ubuntu-latest-py3.12"       # failing (missing-system-library), part of the manager:pdm culprit


def iso(outcome: str = "isolated", culprits: tuple[tuple[str, str | None, str | None], ...] = (("hishel", "1.1.3",
        "2.0.0"),), scope: str = "environment", reason: str = "", installs: int = 2,
        tries: tuple[tuple[tuple[str, ...], str], ...] = (((), "pass"), (("hishel",), "fail"))) -> dict[str, Any]:
    """An ``isolation`` as a result's JSON holds it."""
    return {"outcome": outcome, "scope": scope, "reason": reason,
            "culprits": [{"package": p, "good": g, "bad": b} for p, g, b in culprits], "changed": 7,
            "installs": installs, "tries": [{"applied": list(a), "outcome": o, "seconds": 1.0} for a, o in tries],
            "baseline": "2026-11-23T05:00:00Z"}


def report_with(tmp: Path, edits: dict[str, dict[str, Any]], run_url: str | None = regenerate.RUN_URL) -> Report:
    """The fixture's current run with ``edits`` merged into the named cells' results, through the real
    pipeline (collect, the baseline read back from its --json, build_report)."""
    results = tmp / "current"
    shutil.copytree(regenerate.FIXTURES / "current", results)
    for path in results.rglob("*.json"):
        try:
            data = json.loads(path.read_text())
        except ValueError:                          # the fixture's truncated result: collect notes it
            continue
        if isinstance(data, dict) and isinstance(data.get("cell"), dict) and data["cell"].get("id") in edits:
            data.update(edits[data["cell"]["id"]], schema=3)
            path.write_text(json.dumps(data))
    previous = tmp / "previous.json"
    previous.write_text(json.dumps(history.full(regenerate.baseline_report())))
    baseline = history.load(previous, "fixture")
    config = load_config(regenerate.FIXTURES / "rodeo.yml")
    got = collect(results, expand(config))
    return build_report(got.cells, config, baseline, "2026-11-24T06:30:00Z", run_url, got.notes)


def culprit(report: Report, key: str) -> Culprit:
    found = [c for c in report.culprits if c.key == key]
    assert len(found) == 1, [c.key for c in report.culprits]
    return found[0]


# -- the words ----------------------------------------------------------------------------------

def test_words_for_each_outcome() -> None:
    one = Isolation("isolated", "environment", "", (PinChange("hishel", "1.1.3", "2.0.0"),))
    assert W.broken_by(one) == "broken by hishel 2.0.0 (last good 1.1.3)"
    assert W.broken_by(one, "pdm") == "broken by hishel 2.0.0 (last good 1.1.3)"       # scope environment: no lead
    tool = Isolation("isolated", "tool", "", (PinChange("hishel", "1.1.3", "2.0.0"),))
    assert W.broken_by(tool, "pdm") == "pdm broken by hishel 2.0.0 (last good 1.1.3)"
    pair = Isolation("isolated", "environment", "", (PinChange("a", "1.0", "2.0"), PinChange("b", "3.0", "3.1")))
    assert W.broken_by(pair) == "broken by a 2.0 together with b 3.1 (last good a 1.0, b 3.0)"
    added = Isolation("isolated", "environment", "", (PinChange("c", None, "1.0"),))
    assert W.broken_by(added) == "broken by c 1.0 (not installed when it last passed)"
    removed = Isolation("isolated", "environment", "", (PinChange("d", "2.0", None),))
    assert W.broken_by(removed) == "broken by removing d (last good 2.0)"
    assert W.broken_by(Isolation("not-in-versions", "environment", "")) == \
        "the last pass's own lock fails too: not in the package versions"
    spent = Isolation("not-isolated", "environment", "budget spent",
                      tuple(PinChange(f"p{i}", "1", "2") for i in range(7)), installs=1,
                      tries=(Try((), "fail"),))
    assert W.broken_by(spent) == "not isolated: budget spent (still suspected: p0, p1, p2, p3, p4 and 2 more)"
    assert W.tries_text(spent, 1) == "last lock → fail · 1 of 1 install"
    assert W.pin_lines(pair.culprits) == "- a==1.0\n+ a==2.0\n- b==3.0\n+ b==3.1"
    assert W.pin_lines(added.culprits + removed.culprits) == "+ c==1.0\n- d==2.0"


# -- the outputs --------------------------------------------------------------------------------

def test_isolated_release_in_every_output(tmp_path: Path) -> None:
    report = report_with(tmp_path, {PIP: {"isolation": iso()}})
    text = render.markdown(report)
    line = next(x for x in text.splitlines() if x.startswith("- 🔻 **regression** " + PIP))
    assert "— **broken by hishel 2.0.0 (last good 1.1.3)** — tensorflow 2.18.0 → 2.19.0" in line
    assert "- **isolation:** isolated — broken by hishel 2.0.0 (last good 1.1.3) · tried: last lock → pass · " \
        "hishel → fail · 2 of 8 installs" in text
    assert "broken by hishel 2.0.0" in render.comment(report) and "broken by hishel 2.0.0" in render.summary(report)
    hishel = culprit(report, "package:hishel")
    # hishel's tracker comes from the built-in name map (matrix/names.yml), as its PyPI metadata names it
    assert hishel.cells == (PIP,) and hishel.isolation is not None and hishel.tracker == "karpetrosyan/hishel"
    assert culprit(report, "cell:uv/tensorflow").cells == (UV,)         # tensorflow alone: one manager left
    assert "📦 package **hishel** 🔻 regression (1 cell: " + PIP in text
    title, body = issuetext.issue(report, hishel)
    assert title == "rodeo fixture: hishel 2.0.0 breaks pip (import-error)"
    assert body.startswith(markers.issue_marker("fixture", "package:hishel"))
    assert "**broken by hishel 2.0.0 (last good 1.1.3)**: 1 cell under pip. Found by re-installing" in body
    assert "```diff\n- hishel==1.1.3\n+ hishel==2.0.0\n```" in body
    assert "printf '%s\\n' hishel==2.0.0 > \"$pins\"\nexport PIP_CONSTRAINT=\"$pins\"\npip install" in body
    up_title, up_body = issuetext.upstream_issue(report, hishel)
    assert up_title.startswith("hishel 2.0.0 breaks pip: import-error")
    assert "broken by hishel 2.0.0 (last good 1.1.3); the pins that differ (last pass, then now):\n\n```diff\n" \
        "- hishel==1.1.3\n+ hishel==2.0.0\n```" in up_body
    assert "export PIP_CONSTRAINT" in up_body


def test_one_issue_per_release_across_managers(tmp_path: Path) -> None:
    """The same pair found by pip's and uv's cells, in either order: one culprit, one key, one issue."""
    pair = (("b", "3.0", "3.1"), ("a", "1.0", "2.0"))
    report = report_with(tmp_path, {PIP: {"isolation": iso(culprits=pair)},
                                    UV: {"isolation": iso(culprits=pair[::-1])}})
    found = culprit(report, "package:a+b")
    assert found.cells == (PIP, UV) and found.name == "a + b"
    assert not any(c.key == "package:tensorflow" for c in report.culprits)
    title, body = issuetext.issue(report, found)
    assert title == "rodeo fixture: b 3.1 + a 2.0 break pip, uv (import-error)"
    assert "**broken by b 3.1 together with a 2.0 (last good b 3.0, a 1.0)**: 2 cells under pip, uv" in body
    assert "```diff\n- b==3.0\n+ b==3.1\n- a==1.0\n+ a==2.0\n```" in body
    assert markers.issue_key(body, "fixture") == "package:a+b"


def test_tool_scope_names_the_manager_and_reports_to_its_tracker(tmp_path: Path) -> None:
    """A manager's own venv broken by a release: grouped under the release, the repro installs the
    manager at the cell's version beside the bad pin, the upstream link is the release's tracker (the
    name map's), else the manager's."""
    unmapped = report_with(tmp_path / "unmapped", {PDM: {"isolation": iso(scope="tool", culprits=(
        ("rodeo-unmapped-dep", "1.0", "2.0"),), tries=(((), "pass"), (("rodeo-unmapped-dep",), "fail")))}})
    assert culprit(unmapped, "package:rodeo-unmapped-dep").tracker == "pdm-project/pdm"
    report = report_with(tmp_path, {PDM: {"isolation": iso(scope="tool")}})
    hishel = culprit(report, "package:hishel")
    assert hishel.cells == (PDM,) and hishel.tracker == "karpetrosyan/hishel"
    rest = [c for c in report.culprits if "pdm-all-ubuntu-latest-py3.13" in c.cells]
    assert [c.kind for c in rest] == ["cell"]        # pdm's other failure alone: no longer "the tool" failing
    text = render.markdown(report)
    assert "— **pdm broken by hishel 2.0.0 (last good 1.1.3)**" in text
    assert "- **isolation (the manager's own environment):** isolated — pdm broken by hishel" in text
    _, body = issuetext.issue(report, hishel)
    assert ('tool="$(mktemp -d)/venv"\npython3 -m venv "$tool" && "$tool/bin/pip" install pdm==2.22.0 '
            'hishel==2.0.0\nexport PATH="$tool/bin:$PATH"\npdm install') in body
    assert (issuetext.upstream_url(report, hishel) or "").startswith("https://github.com/karpetrosyan/hishel/issues/new?")


def test_not_in_versions_and_not_isolated(tmp_path: Path) -> None:
    report = report_with(tmp_path, {
        PIP: {"isolation": iso("not-in-versions", (), tries=(((), "fail"),), installs=1)},
        UV: {"isolation": iso("not-isolated", (("x", "1", "2"), ("y", "1", "2")), reason="budget spent",
                              installs=1, tries=(((), "pass"),))}})
    assert culprit(report, "package:tensorflow").cells == (PIP, UV)     # no release named: the old rules
    text = render.markdown(report)
    pip_line = next(x for x in text.splitlines() if x.startswith("- 🔻 **regression** " + PIP))
    uv_line = next(x for x in text.splitlines() if x.startswith("- 🔻 **regression** " + UV))
    assert " — the last pass's own lock fails too: not in the package versions — tensorflow" in pip_line
    assert " — not isolated: budget spent (still suspected: x, y) — tensorflow" in uv_line
    assert "- **isolation:** not-isolated — not isolated: budget spent (still suspected: x, y) · tried: " \
        "last lock → pass · 1 of 8 installs" in text
    _, body = issuetext.issue(report, culprit(report, "package:tensorflow"))
    assert "not in the package versions" in body and "```diff" not in body


HOSTILE_NAME = "@everyone</details>|x`<!-- rodeo:issue -->"
HOSTILE_VERSION = "2.0|</summary>\n$(rm -rf ~)"


def test_hostile_names_and_versions_stay_inert(tmp_path: Path) -> None:
    report = report_with(tmp_path, {
        PIP: {"isolation": iso(culprits=((HOSTILE_NAME, "1|0", HOSTILE_VERSION),),
                               tries=(((), "pass"), ((HOSTILE_NAME,), "fail")))},
        PDM: {"isolation": iso(culprits=((HOSTILE_NAME, "1", "ghp_" + "A" * 36),), scope="tool")}})
    name = report.name
    check_safe(render.markdown(report), [], 0)
    check_safe(render.comment(report), [markers.comment_marker(name)], 1)
    check_safe(render.summary(report), [], 0)
    bad = next(c for c in report.culprits if c.isolation is not None)
    assert bad.cells == (PDM, PIP)
    title, body = issuetext.issue(report, bad)
    check_safe(body, [markers.issue_marker(name, bad.key)], 0)
    assert markers.issue_key(body, name) == bad.key
    assert "\n" not in title and "`@everyone`" in title and "[REDACTED]" in title     # escape.title's own way
    assert "rm -rf ~)\n" not in body.split("```diff")[0]            # the version's newline is never a line of prose
    assert "$tool" not in body and "PIP_CONSTRAINT" not in body       # no shell line carries them: the cell's repro
    _, up = issuetext.upstream_issue(report, bad)
    check_safe(up, [], 0)


@pytest.mark.parametrize("run_url", [regenerate.RUN_URL, None])
def test_known_good_line_links_each_managers_latest_lock(tmp_path: Path, run_url: str | None) -> None:
    lock = {"lock": {"file": "x.lock/requirements.txt", "format": "requirements-hashes"}, "run_url": run_url}
    report = report_with(tmp_path, {"pip-geo-ubuntu-latest-py3.12": lock, "uv-geo-ubuntu-latest-py3.12": lock,
                                    "pip-geo-ubuntu-latest-py3.13": {**lock, "run_url": None if run_url is None
                                                                     else run_url + "?latest",
                                                                     "started_at": "2026-11-24T06:00:00Z"}},
                         run_url)
    block = render.readme_block(report)
    line = next(x for x in block.splitlines() if x.startswith("Known-good environments (locks): "))
    if run_url:
        assert line == (f"Known-good environments (locks): [pip]({run_url}?latest) · [uv]({run_url})")
    else:                                          # the lock beside the local result: its relative path
        assert line == ("Known-good environments (locks): [pip](artifact-pip/x.lock/requirements.txt) · "
                        "[uv](artifact-uv/x.lock/requirements.txt)")
    assert line in render.markdown(report)
    assert "Known-good" not in render.readme_block(regenerate.current_report())   # no lock, no line
