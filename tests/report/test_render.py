"""The renderers: golden files from the fixed result set, markers, escaping end to end, budgets."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rodeo_action.report import budget, history, issuetext, markers, render, templates
from rodeo_action.report.build import build_report
from rodeo_action.report.escape import TOKEN, ZW
from rodeo_action.report.model import FAILING, CellView, Report
from rodeo_action.results import Cause, CellInfo, Result
from tests.golden import regenerate
from tests.report.test_escape import hostile

GOLDEN = Path(regenerate.__file__).parent
RUN = "https://github.com/o/r/actions/runs/9"


@pytest.fixture(scope="module")
def fixture_report() -> Report:
    return regenerate.current_report()


@pytest.fixture(scope="module")
def outputs() -> dict[str, str]:
    return regenerate.outputs()


# -- structure checks shared by the golden and the property tests ---------------------------

def outside_fences(text: str) -> str:
    """The text with every fenced code block removed (where GitHub renders nothing as markup)."""
    out, fence = [], ""
    for line in text.split("\n"):
        if fence:
            if line.startswith(fence) and set(line.strip()) == {"`"}:
                fence = ""
            continue
        m = re.match(r"(`{3,})", line)
        if m:
            fence = m.group(1)
            continue
        out.append(line)
    assert not fence, "a fence is left open"
    return "\n".join(out)


def table_widths(text: str) -> list[set[int]]:
    """For each table (consecutive lines starting with a pipe), the set of its rows' widths."""
    tables: list[set[int]] = []
    inside = False
    for line in outside_fences(text).split("\n"):
        if line.startswith("|"):
            if not inside:
                tables.append(set())
            tables[-1].add(len(re.findall(r"(?<!\\)(?:\\\\)*\|", line)))
        inside = line.startswith("|")
    return tables


def check_safe(text: str, markers: list[str], digests: int) -> None:
    """Every structural promise of an output, whatever the results said."""
    assert all(len(widths) == 1 for widths in table_widths(text)), "a table row has a different width"
    assert text.count("<details>") == text.count("</details>")
    assert sorted(re.findall(r"<!--.*?-->", text)) == sorted(markers)
    assert len(re.findall(r"(?m)^\[rodeo-digest", text)) == digests
    assert not TOKEN.search(text)
    prose = outside_fences(text)
    prose = re.sub(r"\]\([^)\s]*\)", "]()", prose)                  # link targets are URLs, not mentions
    assert all(prose[i + 1: i + 2] == ZW for i, ch in enumerate(prose) if ch == "@"), "a raw @mention"
    assert "javascript:" not in prose.lower()


# -- golden files -------------------------------------------------------------------------------

def test_golden_files_are_exactly_what_the_renderers_produce(outputs: dict[str, str]) -> None:
    on_disk = {p.name for p in GOLDEN.iterdir() if p.suffix in (".md", ".txt")}
    assert on_disk == set(outputs), "run `python -m tests.golden.regenerate`"
    for name, text in outputs.items():
        assert (GOLDEN / name).read_text(encoding="utf-8") == text, (
            f"{name} differs; run `python -m tests.golden.regenerate` and review the diff")


def test_fixture_covers_every_kind_of_cell(fixture_report: Report) -> None:
    statuses = {c.status for c in fixture_report.cells}
    assert statuses == {"pass", "fail", "timeout", "error", "n/a", "unavailable", "missing"}
    assert {c.kind for c in fixture_report.changes} == {"regression", "fix", "changed", "new", "removed"}
    assert {c.kind for c in fixture_report.culprits} == {"package", "manager", "cell"}


def test_fixture_outputs_are_safe(outputs: dict[str, str], fixture_report: Report) -> None:
    name = fixture_report.name
    assert table_widths(outputs["comment.md"]) == [{6}]       # managers as rows: manager + 2 sets x 2 pythons
    check_safe(outputs["comment.md"], [markers.comment_marker(name)], 1)
    check_safe(outputs["readme.md"], list(markers.readme_markers(name)), 1)
    check_safe(outputs["report.md"], [], 0)
    check_safe(outputs["summary.md"], [], 0)
    for c in fixture_report.culprits:
        check_safe(outputs[f"issue-{regenerate.slug(c.key)}.md"], [markers.issue_marker(name, c.key)], 0)
    assert "ghp_" not in "".join(outputs.values()) and "github_pat_" not in "".join(outputs.values())


def test_comment_shows_the_story(outputs: dict[str, str]) -> None:
    comment = outputs["comment.md"]
    assert comment.startswith("<!-- rodeo:comment id=fixture -->\n")
    # five managers by four set x python columns would not fit 880 px as columns: managers are rows
    assert "| manager | all<br>py3.12 | all<br>py3.13 | geo<br>py3.12 | geo<br>py3.13 |" in comment
    nb = "\u00a0"
    assert f"[❌{nb}missing-system-library](#rodeo-pdm-geo-ubuntu-latest-py3-12)" in comment
    assert f"| 🎉{nb}✅{nb}14{nb}s |" in comment                            # the fix, marked
    for text in (f"⏱{nb}timeout", "n/a", "unavailable", "missing", f"💥{nb}error"):
        assert f"| {text}" in comment or f"[{text}" in comment
    assert "tensorflow 2.18.0 → 2.19.0, uv itself 0.9.5 → 0.9.6" in comment
    assert "1. **apt** 1 of 1 pass (100%)" in comment                      # the scoreboard
    assert "not JSON (truncated?)" in comment                              # the unreadable file, named
    # every failure links to its details in the comment, whatever its run_url (uv's was javascript:)
    assert f"| [🔻{nb}❌{nb}import-error](#rodeo-uv-all-ubuntu-latest-py3-12) |" in comment
    assert '<a name="rodeo-uv-all-ubuntu-latest-py3-12"></a>' in comment
    # the headline answers first, then the counts in the badge's words
    assert "**1 of 5 managers installs every set it ran on** (all: 0 of 4 · geo: 3 of 5). " \
           "**🔻 2 regressions** · 🎉 1 fix · 🔁 1 changed since the last run." in comment
    assert "7 of 16 cells pass (6 ❌ fail, 1 ⏱ timeout, 2 💥 error) · not run: 1 missing, 1 unavailable, 2 n/a" \
        in comment
    # the legend names what the table shows, and only that
    legend = next(line for line in comment.splitlines() if line.startswith("<sub>"))
    assert "🔻 regressed" in legend and "🎉 fixed" in legend and "— not planned" not in legend


def test_digest_in_readme_and_comment_round_trips(outputs: dict[str, str], fixture_report: Report) -> None:
    for name in ("comment.md", "readme.md"):
        base = history.from_markdown(outputs[name], "fixture", name)
        assert base is not None
        assert {cid: c.status for cid, c in base.cells.items()} == {c.id: c.status for c in fixture_report.cells}
    # the forged digest line in a log is not what is read back
    assert history.from_markdown(outputs["report.md"], "fixture", "x") is None


def test_terminal_table(outputs: dict[str, str]) -> None:
    text = outputs["terminal.txt"]
    # five managers, four rows: managers become the rows
    assert text.splitlines()[0].split()[:5] == ["manager", "all", "3.12", "all", "3.13"]
    assert "\x1b" not in text and "ghp_" not in text
    pip = next(line for line in text.splitlines() if line.startswith("pip "))
    assert "2 of 4 pass (50%)" in pip and "changes: 2 regressions, 1 fix" in text
    assert text.rstrip().endswith("7 of 16 cells pass (6 ❌ fail, 1 ⏱ timeout, 2 💥 error) · not run: 1 missing, "
                                  "1 unavailable, 2 n/a")


def test_terminal_keeps_managers_as_columns_when_rows_outnumber_them(fixture_report: Report) -> None:
    few = replace(fixture_report, managers=fixture_report.managers[:2],
                  rows=tuple(replace(r, cells=r.cells[:2]) for r in fixture_report.rows))
    text = render.terminal(few)
    assert text.splitlines()[0].split()[:4] == ["set", "python", "pip", "uv"]
    assert "pip: 2 of 4 pass (50%)" in text


def test_no_name_means_no_id(fixture_report: Report) -> None:
    report = replace(fixture_report, name=None)
    assert render.comment(report).startswith("<!-- rodeo:comment -->\n")
    block = render.readme_block(report)
    assert block.startswith("<!-- rodeo:start -->\n") and block.endswith("<!-- rodeo:end -->\n")
    assert "\n[rodeo-digest]: data:" in block
    assert markers.issue_marker(None, "package:a b-->") == "<!-- rodeo:issue key=package:a%20b--%3E -->"


def test_streamed_markdown_is_the_markdown(fixture_report: Report, tmp_path: Path) -> None:
    assert "".join(render.markdown_chunks(fixture_report)) == render.markdown(fixture_report)
    passing = replace(fixture_report, cells=tuple(c for c in fixture_report.cells if c.status not in FAILING))
    assert "".join(render.markdown_chunks(passing)) == render.markdown(passing)      # no details at all
    # a user's report template is rendered whole (it may filter or repeat the details)
    (tmp_path / "report.md.j2").write_text("{{ details | length }}\n{{ details }}{{ details }}\n")
    settings = render.Settings(templates=tmp_path)
    out = "".join(render.markdown_chunks(fixture_report, settings))
    assert out == render.markdown(fixture_report, settings) and out.count("<details>") > 2


# -- synthetic reports: hostile text end to end, and budgets ---------------------------------

def result(manager: str, set_: str, python: str, status: str, *, text: str = "", log: str = "", seconds: float = 5.0,
           run_url: str | None = RUN, resolved: dict[str, str] | None = None) -> Result:
    cid = f"{manager}-{set_}-ubuntu-latest-py{python}"
    failing = status in ("fail", "timeout", "error")
    return Result(
        cell=CellInfo(cid, manager, set_, "ubuntu-latest", python, (text[:300] or "pkg",)), status=status,
        phase="install" if failing else None,
        cause=Cause("build-failed", text[:300] or "s", text[:200] or None) if status == "fail" else None,
        durations={"install": seconds}, manager_version=f"{manager} 1.0 {text[:50]}", python_version=python,
        resolved=resolved if resolved is not None else {"pkg": "1.0"}, imports={text[:40] or "x": text[:1000] or "ok"},
        repro=f"{manager} install {text}", log_tail=log, run_url=run_url,
        reason=text[:500] if status == "n/a" else None)


def synthetic(n_sets: int, managers: tuple[str, ...], pythons: tuple[str, ...], *, text: str = "",
              log: str = "", fail_every: int = 3, baseline: bool = True) -> Report:
    """A report of n_sets x managers x pythons cells, with a baseline where everything passed."""
    statuses = ("pass", "fail", "timeout", "error", "n/a", "unavailable")

    def cells(first: bool) -> list[CellView]:
        out = []
        for i in range(n_sets):
            for j, m in enumerate(managers):
                for k, py in enumerate(pythons):
                    st_ = "pass" if first or (i + j + k) % fail_every else statuses[(i + j + k) % len(statuses)]
                    r = result(m, f"s{i}", py, st_, text=text, log=log,
                               resolved={"pkg": "1.0" if first else "2.0"})
                    out.append(CellView(r.cell.id, m, r.cell.set, r.cell.os, py, st_, result=r))
        return out

    base = None
    if baseline:
        first = build_report(cells(True), None, None, "2026-01-01T00:00:00Z", RUN)
        base = history.from_markdown(history.digest(first), None, "digest")
    return build_report(cells(False), None, base, "2026-01-02T00:00:00Z", RUN, [text] if text else [])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile, hostile)
def test_property_hostile_text_cannot_break_any_output(text: str, log: str) -> None:
    report = synthetic(2, ("pip", "uv", "pdm"), ("3.12", "3.13"), text=text, log=log, fail_every=2)
    check_safe(render.comment(report), [markers.comment_marker(None)], 1)
    check_safe(render.readme_block(report), list(markers.readme_markers(None)), 1)
    check_safe(render.markdown(report), [], 0)
    check_safe(render.summary(report), [], 0)
    for culprit in report.culprits:
        title, body = issuetext.issue(report, culprit)
        assert "\n" not in title and not TOKEN.search(title) and len(title) <= 256
        check_safe(body, [markers.issue_marker(None, culprit.key)], 0)
        link = issuetext.upstream_url(report, culprit)
        assert link is None or len(link) <= issuetext.UPSTREAM_URL_CHARS
    assert "\x1b" not in render.terminal(report) and not TOKEN.search(render.terminal(report))


BIG_LOG = "\n".join(f"line {i}: error ``` @someone </details> " + "x" * 150 for i in range(80))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(1, 400), st.integers(2, 6), st.sampled_from(["", BIG_LOG, BIG_LOG[:3000]]))
def test_property_budgets_hold_for_large_reports(n_sets: int, fail_every: int, log: str) -> None:
    report = synthetic(n_sets, ("pip", "uv", "conda", "pdm", "poetry", "pixi"), ("3.11", "3.12", "3.13"),
                       log=log, fail_every=fail_every)
    comment = render.comment(report)
    assert len(comment) <= budget.COMMENT_CHARS and comment.startswith(markers.comment_marker(None))
    summary = render.summary(report)
    assert len(summary.encode()) <= budget.SUMMARY_BYTES
    for out in (comment, summary):
        assert out.count("<details>") == out.count("</details>")
        outside_fences(out)                                           # no fence left open
    for culprit in report.culprits[:3]:
        _, body = issuetext.issue(report, culprit)
        assert len(body) <= budget.ISSUE_CHARS and markers.issue_marker(None, culprit.key) in body


def test_10000_cells_degrade_with_a_visible_note() -> None:
    managers = ("pip", "uv", "conda", "mamba", "pdm", "poetry", "pipenv", "pixi")
    report = synthetic(420, managers, ("3.11", "3.12", "3.13"), log=BIG_LOG, fail_every=4)
    assert len(report.cells) == 10_080
    comment = render.comment(report)
    assert len(comment) <= budget.COMMENT_CHARS and "> ✂️ " in comment
    summary = render.summary(report)
    assert len(summary.encode()) <= budget.SUMMARY_BYTES and "> ✂️ " in summary
    assert "GitHub's size limit" in comment
    full = render.markdown(report)
    assert len(full) > budget.SUMMARY_BYTES and "✂️" not in full          # the file is never cut
    readme = render.readme_block(report)
    assert history.from_markdown(readme, None, "README.md") is not None


def test_levels_degrade_in_order() -> None:
    report = synthetic(60, ("pip", "uv", "conda", "pdm"), ("3.12", "3.13"), log=BIG_LOG, fail_every=5)
    seen = []

    def one(level: budget.Level) -> str:
        seen.append(level.name)
        return "x" * (10 if level.counts_only else 100)

    assert budget.fit(one, budget.Budget(50)) == "x" * 10
    assert seen == [level.name for level in budget.LEVELS]
    # a real comment at a tiny budget: the failing rows only, then the counts
    small = budget.Budget(6000)
    ours = render.Settings()
    text = budget.fit(lambda lv: templates.render(ours, "comment.md.j2",
                                                  {**render._context(report, ours, lv), "digest": ""}), small)
    assert small.fits(text) and "only counts are shown" in text


def test_hard_truncation_closes_what_it_opened() -> None:
    text = "<details><summary>x</summary>\n\n````\n" + "line\n" * 5000 + "````\n\n</details>\n"
    out = budget.truncate(text, budget.Budget(1000))
    assert len(out) <= 1000 and out.count("<details>") == out.count("</details>") and "Truncated" in out
    outside_fences(out)


def test_local_report_from_results() -> None:
    results = [result("pip", "all", "3.12", "pass"), result("apt", "all", "3.12", "n/a", text="needs --allow-system")]
    text = render.local(results, ["pip", "micromamba", "apt"], "rodeo: offline", "2026-01-01 10:00 UTC", "host x")
    assert "| set | pip |" in text and "## Not run here" in text and "needs --allow-system" in text
    assert "Not run here: apt — not packaged or cannot run there." in text          # folded, not a column
    assert "**1 of 1 manager installs the whole set**: pip." in text and "1 of 1 cell passes" in text
    assert "no baseline" not in text and "> host x" in text


def test_json_of_fixture_round_trips_as_baseline(tmp_path: Path, fixture_report: Report) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps(history.full(fixture_report)))
    base = history.load(path, "fixture")
    assert base is not None and set(base.cells) == {c.id for c in fixture_report.cells}
