"""An issue's texts: title, body, the update and fixed comments, the upstream report and its prefilled link."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from rodeo_action.errors import InputError
from rodeo_action.report import issuetext, markers
from rodeo_action.report.model import Culprit, Report
from rodeo_action.report.templates import Settings
from tests.golden import regenerate


@pytest.fixture(scope="module")
def fixture_report() -> Report:
    return regenerate.current_report()


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    return regenerate.outputs()


def test_issue_title_body_and_upstream_link(outputs: dict[str, str], fixture_report: Report) -> None:
    tf = next(c for c in fixture_report.culprits if c.key == "package:tensorflow")
    title, body = issuetext.issue(fixture_report, tf)
    assert title == "rodeo fixture: tensorflow fails under pip, uv (import-error)"
    assert body.startswith("<!-- rodeo:issue id=fixture key=package:tensorflow -->\n")
    assert "tensorflow 2.18.0 → 2.19.0" in body and "```sh\npip install" in body
    link = issuetext.upstream_url(fixture_report, tf)
    assert link is not None and link.startswith("https://github.com/tensorflow/tensorflow/issues/new?title=")
    assert len(link) <= issuetext.UPSTREAM_URL_CHARS and f"]({link})" in body
    pdm = next(c for c in fixture_report.culprits if c.key == "manager:pdm")
    assert (issuetext.upstream_url(fixture_report, pdm) or "").startswith("https://github.com/pdm-project/pdm/issues/new?")


def test_upstream_link_is_cut_to_8000_characters(fixture_report: Report) -> None:
    cells = {c.id: c for c in fixture_report.cells}
    big = cells["pip-all-ubuntu-latest-py3.12"]
    assert big.result is not None
    huge = replace(big, result=replace(big.result, log_tail="é ` x\n" * 5000, repro="pip install " + "x" * 19000))
    report = replace(fixture_report, cells=tuple(huge if c.id == big.id else c for c in fixture_report.cells))
    tf = next(c for c in report.culprits if c.key == "package:tensorflow")
    link = issuetext.upstream_url(report, tf)
    assert link is not None and 7000 < len(link) <= issuetext.UPSTREAM_URL_CHARS
    assert link.endswith("%E2%80%A6%28truncated%29")            # "…(truncated)", visibly


def test_upstream_link_for_other_trackers(fixture_report: Report) -> None:
    base = fixture_report.culprits[0]
    for tracker, expected in (("https://github.com/a/b", "https://github.com/a/b/issues/new?"),
                              ("https://github.com/a/b.git", "https://github.com/a/b/issues/new?"),
                              ("https://gitlab.com/a/b/-/issues", "https://gitlab.com/a/b/-/issues"),
                              ("javascript:alert(1)", None), (None, None)):
        got = issuetext.upstream_url(fixture_report, replace(base, tracker=tracker))
        assert (got is None) if expected is None else got is not None and got.startswith(expected), tracker


def test_fixed_comment_names_the_cells_and_what_they_resolved(outputs: dict[str, str]) -> None:
    text = outputs["fixed-cell_pip_cartopy.md"]
    assert text.startswith("<!-- rodeo:fixed id=fixture key=cell:pip/cartopy -->")
    assert "pip-geo-ubuntu-latest-py3.12: ✅ 14s with pip itself 25.0, cartopy 0.24.1" in text


def test_culprit_helpers_accept_a_culprit_of_a_previous_run(fixture_report: Report) -> None:
    gone = Culprit(key="cell:zzz/x", kind="cell", name="zzz/x", cells=("zzz-x-ubuntu-latest-py3.12",), cause=None,
                   tracker=None)
    assert "no longer in the rodeo" in issuetext.fixed(fixture_report, gone)


def test_the_update_comment_says_what_changed_and_only_that(fixture_report: Report) -> None:
    tf, everything = regenerate.changed(fixture_report)
    cause = "- Cause: build-failed (tensorflow) → **import-error (tensorflow)**: libcudart.so.12 missing"
    lines = {"cause": cause, "summary": cause, "cells": "- Failing cells: 3; newly failing: ",
             "versions": "- What changed since these cells last passed: tensorflow 2.18.0 → 2.19.0",
             "broken again": "- It fails again after rodeo marked it fixed."}
    for what, line in lines.items():
        text = issuetext.update(fixture_report, tf, replace(everything, what=(what,)))
        head, changed, *rest = text.splitlines()
        assert head == markers.update_marker("fixture", tf.key, everything.state)
        assert changed.startswith(f"🔁 **Changed** ({what}) — [this run](")
        assert [x for x in rest if x.startswith("- ")] == [x for x in rest if x.startswith(line)] != [], what
        assert text.endswith("\n\nThe description above is updated to match.\n")


def test_the_update_comment_without_a_cause_now_or_before(fixture_report: Report) -> None:
    tf, everything = regenerate.changed(fixture_report)
    text = issuetext.update(fixture_report, replace(tf, cause=None), replace(everything, what=("cause",), cause=None,
                                                                            package=None))
    assert "- Cause: unknown → **unknown**\n" in text


def test_a_user_update_template_must_keep_its_marker(tmp_path: Path, fixture_report: Report) -> None:
    tf, everything = regenerate.changed(fixture_report)
    (tmp_path / "update.md.j2").write_text("Changed: {{ what }}\n")
    with pytest.raises(InputError, match="lacks the hidden marker '<!-- rodeo:update id=fixture key=package:tensorf"):
        issuetext.update(fixture_report, tf, everything, Settings(templates=tmp_path))
    (tmp_path / "update.md.j2").write_text("{{ marker }}\nChanged: {{ what }} ({{ culprit.name | md }})\n")
    assert issuetext.update(fixture_report, tf, everything, Settings(templates=tmp_path)).endswith(
        "Changed: cause, cells, versions, broken again (tensorflow)\n")
