"""Issues and history: a flaky cell keeps one issue (not one a flip), and a slower cell is filed only with
``report: {issues: {slower: true}}``; through the fake GitHub, as in test_issues."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rodeo_action.config import IssueSettings
from rodeo_action.github.issues import IssueOutcome, sync_issues
from rodeo_action.github.issuestate import State
from rodeo_action.report import render
from rodeo_action.report.markers import issue_marker
from rodeo_action.report.model import Report
from tests import fakegithub
from tests.fakegithub import FakeGitHub
from tests.github.test_issues import client
from tests.report.test_build import cid, fail
from tests.report.test_history_changes import Runs

fake_github = fakegithub.fake_github

UV = cid("uv", "ml")
BROKEN = {UV: fail("build-failed", "numpy")}
CELL_KEY = "cell:uv/numpy"


def sync(fake: FakeGitHub, report: Report, **settings: Any) -> IssueOutcome:
    return sync_issues(client(fake), report, IssueSettings(**settings), render.Settings(), dry_run=False,
                       say=lambda _: None)


def keyed(fake: FakeGitHub, key: str) -> list[Any]:
    return [i for i in fake.issues if i.body and issue_marker("demo", key) in i.body]


def test_a_flaky_cell_keeps_one_issue_open_through_its_flips(tmp_path: Path, fake_github: FakeGitHub) -> None:
    runs = Runs(tmp_path)
    sync(fake_github, runs.run())
    first = sync(fake_github, runs.run(BROKEN))                          # broke: filed
    assert len(first.filed) == 1
    fixed = sync(fake_github, runs.run())                                # fixed (2 flips): closed as ever
    assert fixed.closed == first.filed
    again = sync(fake_github, runs.run(BROKEN))                          # a third flip: flaky, filed as such
    [n] = again.filed
    issue = fake_github.issue(n)
    assert issue.title == "rodeo demo: uv with numpy fails (build-failed), flaky"
    assert "Flaky (flaky: 3 flips in 4 runs): rodeo keeps this issue open" in (issue.body or "")
    state = State.decode(issue.body or "")
    assert state is not None and state.flaky
    for outcome in ({}, BROKEN, {}, BROKEN, {}):                         # flips on: nothing filed, nothing closed
        got = sync(fake_github, runs.run(outcome))
        assert got.filed == got.closed == () and got.failed == ()
        assert fake_github.issue(n).state == "open"
    assert len(keyed(fake_github, CELL_KEY)) == 2                        # 8 runs, 6 flips, 2 issues
    for _ in range(10):                                                  # it settles: closed, once
        got = sync(fake_github, runs.run())
    assert fake_github.issue(n).state == "closed" and len(keyed(fake_github, CELL_KEY)) == 2


def test_an_open_issue_whose_cells_turn_flaky_says_so_once(tmp_path: Path, fake_github: FakeGitHub) -> None:
    runs = Runs(tmp_path)
    sync(fake_github, runs.run())
    [n] = sync(fake_github, runs.run(BROKEN), close_on_fix=False).filed
    assert sync(fake_github, runs.run(), close_on_fix=False).filed == ()         # marked fixed, left open
    got = sync(fake_github, runs.run(BROKEN), close_on_fix=False)                 # a third flip
    assert got.updated == (n,) and got.filed == ()
    issue = fake_github.issue(n)
    assert issue.title.endswith(", flaky")
    [note] = [c for c in fake_github.comments(n) if "flaky" in c.body]
    assert "It is flaky (flaky: 3 flips in 4 runs): rodeo keeps this one issue open" in note.body
    assert "It fails again after rodeo marked it fixed." in note.body
    quiet = sync(fake_github, runs.run(), close_on_fix=False)                     # passes: kept, not marked fixed
    assert quiet == IssueOutcome() and fake_github.issue(n).state == "open"


def test_slower_is_filed_only_when_asked(tmp_path: Path, fake_github: FakeGitHub) -> None:
    runs = Runs(tmp_path)
    for _ in range(4):
        sync(fake_github, runs.run(), slower=True)
    slow = runs.run(seconds={UV: 40.0}, versions={UV: {"numpy": "2.2.0"}})
    assert sync(fake_github, slow) == IssueOutcome() and fake_github.issues == []   # the default: shown, not filed
    got = sync(fake_github, slow, slower=True, after=3)                            # `after:` counts failures
    [n] = got.filed
    issue = fake_github.issue(n)
    assert issue.title == f"rodeo demo: {UV} is slower (11 s → 41 s to install and import)"
    body = issue.body or ""
    assert issue_marker("demo", f"slower:{UV}") in body
    assert "still passes, but took **41 s** to install and import: 3.7× the median of its last 4 passes (11 s)" in body
    assert "numpy 2.1.0 → 2.2.0" in body and "Slower in this run" in body
    assert sync(fake_github, slow, slower=True) == IssueOutcome()                  # the same again: nothing
    back = sync(fake_github, runs.run(), slower=True)                              # back to its usual time
    assert back.closed == (n,) and fake_github.issue(n).state == "closed"
