"""An issue's texts: title, body, the update and fixed comments, the upstream report and its prefilled link."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from rodeo_action.errors import InputError
from rodeo_action.report import issuetext, markers
from rodeo_action.report.escape import URL_CHARS, url
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
    assert len(link) <= URL_CHARS and f"]({link})" in body
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
    assert link is not None and 7000 < len(link) <= URL_CHARS
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
    assert "pip-geo-ubuntu-latest-py3.12: ✅ 14 s with pip itself 25.0, cartopy 0.24.1" in text


def test_culprit_helpers_accept_a_culprit_of_a_previous_run(fixture_report: Report) -> None:
    gone = Culprit(key="cell:zzz/x", kind="cell", name="zzz/x", cells=("zzz-x-ubuntu-latest-py3.12",), cause=None,
                   tracker=None)
    assert "no longer in the rodeo" in issuetext.fixed(fixture_report, gone)


def test_the_update_comment_says_what_changed_and_only_that(fixture_report: Report) -> None:
    tf, everything = regenerate.changed(fixture_report)
    cause = "- Cause: build-failed (tensorflow) → **import-error (tensorflow)**: libcudart.so.12 missing"
    lines = {"cause": cause, "summary": cause, "cells": "- Failing cells: 2; newly failing: ",
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


# -- issue 13: what a reader of the issue sees ---------------------------------------------------

def _gfm(markdown: str) -> str | None:
    """``markdown`` as GitHub renders it (cmark-gfm, Debian's ``cmark-gfm``); None when absent."""
    import shutil
    import subprocess

    exe = shutil.which("cmark-gfm")
    if exe is None:
        return None
    done = subprocess.run([exe, "--unsafe", "-e", "table", "-e", "autolink", "-e", "strikethrough"],
                          input=markdown, capture_output=True, text=True, check=True)
    return done.stdout


def test_the_footer_is_a_paragraph_of_its_own(fixture_report: Report) -> None:
    for culprit in fixture_report.culprits:
        _, body = issuetext.issue(fixture_report, culprit)
        assert "\n\n<sub>Filed by rodeo" in body, culprit.key
        html = _gfm(body)
        if html is None:
            pytest.skip("cmark-gfm is not installed (apt-get install cmark-gfm): the rendered check needs it")
        assert "<p><sub>Filed by rodeo" in html, culprit.key
        since = next(line for line in html.splitlines() if "Failing " in line)
        assert since.startswith("<p>Failing ") and since.endswith("</p>") and "<sub>" not in since, since


def test_report_upstream_is_always_a_working_link(fixture_report: Report) -> None:
    """The prefilled link is cut to fit GitHub's URL limit by its body, never dropped: the escaper takes it."""
    cells = {c.id: c for c in fixture_report.cells}
    pdm = next(c for c in fixture_report.culprits if c.key == "manager:pdm")
    first = cells[pdm.cells[0]]
    assert first.result is not None
    for log, repro in (("x\n", "pdm add x"), ("é ` x\n" * 5000, "pdm add " + "y" * 19000), ("z" * 50_000, "")):
        big = replace(first, result=replace(first.result, log_tail=log, repro=repro))
        report = replace(fixture_report, cells=tuple(big if c.id == big.id else c for c in fixture_report.cells))
        culprit = next(c for c in report.culprits if c.key == "manager:pdm")
        found = issuetext.upstream_prefill(report, culprit)
        assert found is not None and len(found.url) <= URL_CHARS and url(found.url) == found.url
        _, body = issuetext.issue(report, culprit)
        assert f"[Report upstream to pdm-project/pdm]({found.url})" in body
        assert found.body and found.title.startswith("pdm: build-failed")


def test_the_repro_is_shown_once(fixture_report: Report) -> None:
    for culprit in fixture_report.culprits:
        _, body = issuetext.issue(fixture_report, culprit)
        cells = {c.id: c for c in fixture_report.cells}
        repro = next(cells[i].result.repro for i in culprit.cells if cells[i].result and cells[i].result.repro)
        shown = issuetext.fence(repro, "sh")
        assert body.count(shown) == 1, culprit.key
        assert body.index("**Reproduce:**") < body.index(shown)


@pytest.mark.parametrize("kind", sorted(issuetext.LOCAL_CAUSES))
def test_causes_of_where_it_ran_are_never_sent_upstream(fixture_report: Report, kind: str) -> None:
    pdm = next(c for c in fixture_report.culprits if c.key == "manager:pdm")
    assert pdm.cause is not None
    local = replace(pdm, cause=replace(pdm.cause, kind=kind))
    assert not issuetext.reportable(local) and issuetext.reportable(pdm)
    assert issuetext.upstream_url(fixture_report, local) is None
    assert issuetext.upstream_prefill(fixture_report, local) is None
    _, body = issuetext.issue(fixture_report, local)
    assert "Report upstream" not in body and "pdm-project/pdm/issues/new" not in body
    assert f"Not reported upstream: {kind} is a problem of where the cells ran" in body.replace("\\", "")


INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")


@pytest.mark.parametrize("name", ["@everyone", "octo-org/repo#45", "#123 GH-7", "rodeo: x <!-- rodeo:issue -->",
                                  "a `b @c` d", "javascript:alert(1)", "x" * 300])
def test_titles_carry_nothing_invisible_and_no_live_mention(fixture_report: Report, name: str) -> None:
    pdm = next(c for c in fixture_report.culprits if c.key == "manager:pdm")
    hostile = replace(pdm, name=name)
    title, _ = issuetext.issue(fixture_report, hostile)
    for text in (title, issuetext.issue_title(fixture_report, hostile)):
        assert not any(ch in text for ch in INVISIBLE), repr(text)
        assert len(text) <= 256 and "\n" not in text
        spans = text.split("`")
        assert len(spans) % 2 == 1, text                      # every backtick closes a span it opened
        outside = " ".join(spans[::2])
        assert "@" not in outside and "#1" not in outside and "#4" not in outside and "GH-7" not in outside, text
    assert issuetext.title_text(title, 256) == title                    # made safe once, kept as is


def test_titles_read_as_written() -> None:
    assert issuetext.title_text("rodeo seed-rodeo: pdm fails on 1 set (manager-broken)") == \
        "rodeo seed-rodeo: pdm fails on 1 set (manager-broken)"
    assert issuetext.title_text("fails for @org and #12") == "fails for `@org` and `#12`"
    assert issuetext.title_text("tick ` tock") == "tick ' tock"


@pytest.mark.parametrize(("runs", "sentence"), [(1, "Failing in this run"), (2, "Failing for 2 runs in a row"),
                                                 (7, "Failing for 7 runs in a row")])
def test_how_long_it_fails_reads_right(fixture_report: Report, runs: int, sentence: str) -> None:
    pdm = next(c for c in fixture_report.culprits if c.key == "manager:pdm")
    _, body = issuetext.issue(fixture_report, replace(pdm, consecutive_failures=runs))
    assert sentence in body and "1 run in a row" not in body and "1 runs" not in body
