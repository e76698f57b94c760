"""sync_issues against the stateful fake GitHub: one issue per culprit from filing to closing, under faults.

Reports come from the real pipeline (results written, collected, built against the previous run's
``--json``), the client is real PyGithub over HTTP, and every payload is checked against GitHub's
OpenAPI by the fake. Request counts are read from the fake's log.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from github import Auth, Github, GithubRetry
from github.Repository import Repository

from rodeo_action.config import IssueSettings
from rodeo_action.github.issueplan import Tally
from rodeo_action.github.issues import IssueOutcome, sync_issues
from rodeo_action.github.issuestate import State
from rodeo_action.report import issuetext, render
from rodeo_action.report.markers import issue_marker
from rodeo_action.report.model import CellView, Culprit, Report
from rodeo_action.results import Cause
from tests import fakegithub
from tests.fakegithub import FakeGitHub
from tests.report.test_build import Rodeo, cfg, cid, fail

fake_github = fakegithub.fake_github

TF = {cid("uv", "ml"): fail("no-matching-distribution", "tensorflow"),
      cid("pip", "ml"): fail("no-matching-distribution", "tensorflow")}
CARTOPY = {cid("pdm", "geo"): fail("build-failed", "cartopy")}
BROKEN = {**TF, **CARTOPY}
KEYS = ("package:tensorflow", "cell:pdm/cartopy")


class NoRepeatPost(GithubRetry):
    """Like rodeo's own client: a POST that reached GitHub (5xx) is not sent again."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if method.upper() == "POST" and status_code >= 500:
            return False
        return bool(super().is_retry(method, status_code, has_retry_after))


def client(fake: FakeGitHub, *, repeat_post: bool = False) -> Repository:
    """``repeat_post``: GithubRetry's default, which sends a POST again after a 502."""
    kind = GithubRetry if repeat_post else NoRepeatPost
    retry = kind(total=3, backoff_factor=0.01, secondary_rate_wait=0.01,
                 allowed_methods={"GET", "PUT", "PATCH", "POST", "DELETE", "HEAD"})
    g = Github(base_url=fake.url, auth=Auth.Token("ghp_test"), retry=retry, per_page=100, lazy=True,
               seconds_between_requests=None, seconds_between_writes=None)
    return g.get_repo(fake.repo_name)


class World:
    """A rodeo's runs and the fake GitHub it publishes to."""

    def __init__(self, tmp: Path, fake: FakeGitHub, config: str | None = None, repeat_post: bool = False) -> None:
        self.rodeo = Rodeo(tmp, cfg(config) if config else cfg())
        self.fake = fake
        self.repo = client(fake, repeat_post=repeat_post)
        self.said: list[str] = []
        self.last_requests = 0

    def report(self, outcomes: Mapping[str, tuple[str, Cause | None]] | None = None, **kw: Any) -> Report:
        return self.rodeo.run(outcomes or {}, **kw)

    def sync(self, report: Report, dry_run: bool = False, **settings: Any) -> IssueOutcome:
        before = len(self.fake.requests)
        self.said.clear()
        out = sync_issues(self.repo, report, IssueSettings(**settings), render.Settings(), dry_run=dry_run,
                          say=self.said.append)
        self.last_requests = len(self.fake.requests) - before
        return out

    def run(self, outcomes: Mapping[str, tuple[str, Cause | None]] | None = None, **settings: Any) -> IssueOutcome:
        return self.sync(self.report(outcomes), **settings)

    def open_issues(self) -> dict[str, list[int]]:
        """Open rodeo issues by key (from their markers)."""
        out: dict[str, list[int]] = {}
        for i in self.fake.issues:
            for key in KEYS:
                if i.state == "open" and i.body and issue_marker("demo", key) in i.body:
                    out.setdefault(key, []).append(i.number)
        return out

    def writes(self) -> list[str]:
        return [f"{r.method} {r.path}" for r in self.fake.requests if r.method != "GET"]


def budget(touched: int, open_issues: int = 0) -> int:
    """The promise: one list call per 100 open issues, two requests per issue touched."""
    return max(1, -(-open_issues // 100)) + 2 * touched


# -- the life of two culprits ----------------------------------------------------------------

def test_two_culprits_from_filing_to_closing(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    assert w.run() == IssueOutcome() and w.last_requests == 1          # run 1: all pass, one listing

    out = w.run(BROKEN)                                                  # run 2: two culprits regress
    assert len(out.filed) == 2 and out.updated == out.closed == () and out.held == out.failed == ()
    assert w.last_requests == 5 <= budget(2)                             # list, get_label, create_label, 2 POST
    assert fake_github.labels["rodeo"].color == "d93f0b" and fake_github.autocreated_labels == []
    tf, cartopy = (fake_github.issue(n) for n in out.filed)
    assert tf.title == "rodeo demo: tensorflow fails under pip, uv (no-matching-distribution)"
    assert tf.labels == ["rodeo"] and issue_marker("demo", "package:tensorflow") in (tf.body or "")
    state = State.decode(tf.body or "")
    assert state is not None and state.cells == (cid("pip", "ml"), cid("uv", "ml"))
    assert state.cause == "no-matching-distribution" and state.package == "tensorflow" and not state.fixed
    assert "[Report upstream to SciTools/cartopy](https://github.com/SciTools/cartopy/issues/new?" in (
        cartopy.body or "")
    assert len(tf.body or "") <= 65_536

    again = w.run(BROKEN)                                                # run 3: the same: nothing
    assert again == IssueOutcome() and w.last_requests == 1
    assert fake_github.comments(tf.number) == []

    changed = w.run({**TF, cid("pdm", "geo"): fail("missing-system-library", "cartopy")})   # run 3b
    assert changed.updated == (cartopy.number,) and changed.filed == changed.closed == ()
    assert w.last_requests == 3 <= budget(1)                             # list, PATCH, comment
    [note] = fake_github.comments(cartopy.number)
    assert "Cause: build-failed (cartopy) → **missing-system-library (cartopy)**" in note.body
    assert "missing-system-library" in (fake_github.issue(cartopy.number).body or "")
    assert fake_github.comments(tf.number) == []

    fixed = w.run()                                                      # run 4: all pass
    assert sorted(fixed.closed) == sorted(out.filed) and fixed.failed == ()
    assert w.last_requests == 5 <= budget(2)                             # list, 2 × (PATCH, comment)
    for n in out.filed:
        issue = fake_github.issue(n)
        assert issue.state == "closed" and issue.state_reason == "completed"
        last = fake_github.comments(n)[-1]
        assert last.body.startswith("<!-- rodeo:fixed id=demo key=") and "pass again" in last.body
        state = State.decode(issue.body or "")
        assert state is not None and state.fixed

    assert w.run() == IssueOutcome() and w.last_requests == 1            # closed issues are not listed
    assert len(fake_github.issues) == 2


def test_after_holds_the_first_failing_run(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    w.run()
    first = w.run(BROKEN, after=2)
    assert first.filed == () and first.held == KEYS and w.last_requests == 1
    assert any("files after 2" in s for s in w.said)
    second = w.run(BROKEN, after=2)
    assert len(second.filed) == 2 and second.held == ()


def test_max_per_run_files_one_and_holds_the_other(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    out = w.run(BROKEN, max_per_run=1)
    assert len(out.filed) == 1 and out.held == ("cell:pdm/cartopy",)
    nxt = w.run(BROKEN, max_per_run=1)
    assert len(nxt.filed) == 1 and nxt.held == () and w.open_issues() == {k: [n] for k, n in zip(
        KEYS, (*out.filed, *nxt.filed), strict=True)}


def test_dry_run_reads_and_says_but_writes_nothing(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    out = w.sync(w.report(BROKEN), dry_run=True)
    assert out == IssueOutcome(would=Tally(file=2)) and w.writes() == [] and fake_github.issues == []
    assert sum("would file" in s for s in w.said) == 2 and any("would create the label" in s for s in w.said)
    w.sync(w.rodeo.run(BROKEN))
    said = w.sync(w.report(), dry_run=True)
    assert said == IssueOutcome(would=Tally(close=2)) and sum("would close" in s for s in w.said) == 2
    assert said.would is not None and said.would.line() == "0 filed, 0 updated, 2 closed"
    again = w.sync(w.report(BROKEN), dry_run=True)                          # the same culprits, their issues open
    assert again.would == Tally() and again.would.line() == "0 filed, 0 updated, 0 closed"


def test_a_dry_run_counts_what_it_would_hold_back(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    held = w.sync(w.report(BROKEN), dry_run=True, max_per_run=1)
    assert held.would == Tally(file=1, hold=1) and held.held == ("cell:pdm/cartopy",)
    assert held.would.line() == "1 filed, 0 updated, 0 closed; 1 held back"
    assert [r.method for r in fake_github.requests if r.method != "GET"].count("PATCH") == 0


# -- what is not ours ------------------------------------------------------------------------

def test_other_rodeos_pulls_and_quoted_markers_are_left_alone(tmp_path: Path, fake_github: FakeGitHub) -> None:
    fake = fake_github
    fake.add_label("rodeo")
    other_body = issue_marker("other", "package:tensorflow") + "\n" + State(
        "package", "tensorflow", None, None, "", "", (), ()).encode()
    other = fake.add_issue("another rodeo's", other_body, ["rodeo"])
    no_id = fake.add_issue("a rodeo without an id", issue_marker(None, "package:tensorflow"), ["rodeo"])
    pr = fake.open_pr(body=issue_marker("demo", "package:tensorflow"))
    fake.repo().issues[pr].labels = ["rodeo"]
    human = fake.add_issue("a human's", "tensorflow is broken", ["rodeo"])
    fake.add_comment(human, "rodeo said " + issue_marker("demo", "package:tensorflow"))
    unlabeled = fake.add_issue("no label", issue_marker("demo", "cell:pdm/cartopy"))

    w = World(tmp_path, fake)
    out = w.run(BROKEN)
    assert len(out.filed) == 2 and not set(out.filed) & {other, no_id, pr, human, unlabeled}
    assert w.last_requests == 3                                           # the label was seen: list + 2 POST
    w.run()
    for n in (other, no_id, pr, human, unlabeled):
        assert fake.issue(n).state == "open"
    assert [c.body for c in fake.comments(other)] == [] and len(fake.comments(human)) == 1
    touched = {r.path for r in fake.requests if r.method != "GET"}
    assert not any(path.endswith(f"/issues/{n}") or f"/issues/{n}/" in path
                   for n in (other, no_id, pr, human, unlabeled) for path in touched)


def test_listing_pages_stay_within_budget(tmp_path: Path, fake_github: FakeGitHub) -> None:
    for i in range(150):
        fake_github.add_issue(f"noise {i}", "not rodeo's", ["rodeo"])
    w = World(tmp_path, fake_github)
    out = w.run(BROKEN)
    assert len(out.filed) == 2 and w.last_requests == 2 + 2 <= budget(2, 150)   # 2 pages + 2 POST
    assert all(r.query.get("per_page") == ["100"] for r in fake_github.requests if r.method == "GET")
    assert not any("search" in r.path for r in fake_github.requests)


# -- faults ----------------------------------------------------------------------------------

def test_a_post_github_did_but_answered_502_is_found_again(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    fake_github.fail("POST", r"/issues$", 502, after=True)
    out = w.run(BROKEN)
    assert len(out.filed) == 2 and out.failed == () and {k: len(v) for k, v in w.open_issues().items()} == {
        k: 1 for k in KEYS}
    assert len(fake_github.issues) == 2
    assert any("although it answered an error" in s for s in w.said)
    assert w.run(BROKEN) == IssueOutcome() and w.last_requests == 1


def test_a_client_repeating_the_post_leaves_no_duplicate_open(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github, repeat_post=True)
    fake_github.fail("POST", r"/issues$", 502, after=True)                 # done, 502, sent again: done twice
    out = w.run(BROKEN)
    assert out.failed == () and w.open_issues() == {k: [n] for k, n in zip(KEYS, out.filed, strict=True)}
    dup = [i for i in fake_github.issues if i.state == "closed"]
    assert len(dup) == 1 and dup[0].state_reason == "duplicate" and dup[0].number not in out.filed
    assert w.last_requests == 5 + 1 + 1 + 1                               # + the repeated POST, a look, a PATCH
    assert w.run(BROKEN) == IssueOutcome() and w.last_requests == 1


def test_a_failed_filing_is_reported_and_the_rerun_converges(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github, repeat_post=True)
    fake_github.fail("POST", r"/issues$", 502, times=12)     # 4 attempts each, a look, 4 more for the first
    out = w.run(BROKEN)
    assert len(out.filed) == 1 and len(out.failed) == 1 and "package:tensorflow" in out.failed[0]
    assert "\n" not in out.failed[0]
    nxt = w.run(BROKEN)
    assert len(nxt.filed) == 1 and nxt.failed == () and {k: len(v) for k, v in w.open_issues().items()} == {
        k: 1 for k in KEYS}


def test_a_filing_that_failed_and_is_not_there_is_posted_again_once(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    fake_github.fail("POST", r"/issues$", 502)                            # nothing done: the listing says so
    out = w.run(BROKEN)
    assert len(out.filed) == 2 and out.failed == () and len(fake_github.issues) == 2
    assert [r.status for r in fake_github.requests if r.method == "POST" and r.path.endswith("/issues")] == [
        502, 201, 201]
    fake_github.fail("POST", r"/issues$", 422)                            # refused: not posted again
    out = w.run({**BROKEN, cid("uv", "geo"): fail("conflict", "xarray")})
    assert out.filed == () and len(out.failed) == 1 and "did not file it" in out.failed[0]


def test_label_post_done_but_502(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    fake_github.fail("POST", r"/labels$", 502, after=True)
    out = w.run(BROKEN)
    assert len(out.filed) == 2 and out.failed == () and fake_github.autocreated_labels == []
    assert fake_github.labels["rodeo"].color == "d93f0b"


def test_label_creation_failing_holds_the_filing_until_the_next_run(tmp_path: Path,
                                                                     fake_github: FakeGitHub) -> None:
    """Filed with a label that does not exist, an issue would create it grey, for good: file nothing yet."""
    w = World(tmp_path, fake_github)
    fake_github.fail("POST", r"/labels$", 500, times=2)                  # the create and its one retry
    out = w.run(BROKEN)
    assert out.filed == () and len(out.failed) == 2 and "label 'rodeo'" in out.failed[0]
    assert "not filed" in out.failed[1] and fake_github.issues == []
    nxt = w.run(BROKEN)
    assert len(nxt.filed) == 2 and nxt.failed == () and fake_github.autocreated_labels == []
    assert fake_github.labels["rodeo"].color == "d93f0b"


def test_label_422_is_checked_not_assumed(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    fake_github.fail("POST", r"/labels$", 422)                           # not "already exists": it does not
    out = w.run(BROKEN)
    assert len(out.filed) == 2 and out.failed == () and fake_github.autocreated_labels == []
    assert fake_github.labels["rodeo"].color == "d93f0b"


def _filed(w: World) -> tuple[int, int]:
    w.run()
    out = w.run(BROKEN)
    return out.filed[0], out.filed[1]


MOVED = {**TF, cid("pdm", "geo"): fail("missing-system-library", "cartopy")}


def test_patch_failing_means_no_comment_and_the_rerun_comments_once(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    _, cartopy = _filed(w)
    fake_github.fail("PATCH", rf"/issues/{cartopy}$", 502, times=4)
    out = w.run(MOVED)
    assert out.updated == () and len(out.failed) == 1 and f"#{cartopy}" in out.failed[0]
    assert fake_github.comments(cartopy) == []
    nxt = w.run(MOVED)
    assert nxt.updated == (cartopy,) and nxt.failed == () and len(fake_github.comments(cartopy)) == 1
    assert w.run(MOVED) == IssueOutcome() and len(fake_github.comments(cartopy)) == 1


def test_patch_done_but_answered_an_error_still_comments(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    _, cartopy = _filed(w)
    fake_github.fail("PATCH", rf"/issues/{cartopy}$", 502, times=4, after=True)
    out = w.run(MOVED)
    assert out.updated == (cartopy,) and out.failed == () and len(fake_github.comments(cartopy)) == 1
    assert w.run(MOVED) == IssueOutcome()


@pytest.mark.parametrize("after", [False, True])
def test_comment_post_failing_is_looked_for_then_posted_once(tmp_path: Path, fake_github: FakeGitHub,
                                                              after: bool) -> None:
    w = World(tmp_path, fake_github)
    _, cartopy = _filed(w)
    fake_github.fail("POST", rf"/issues/{cartopy}/comments$", 502, after=after)
    out = w.run(MOVED)
    assert out.updated == (cartopy,) and out.failed == () and len(fake_github.comments(cartopy)) == 1
    assert w.run(MOVED) == IssueOutcome() and len(fake_github.comments(cartopy)) == 1


def test_a_comment_that_cannot_be_posted_is_reported_and_its_update_undone(tmp_path: Path,
                                                                            fake_github: FakeGitHub) -> None:
    """Posted, looked for, posted again: both failed.  The PATCH before it is undone, so the state still says
    what the issue said, and the next run does the update and its comment (else no run ever would)."""
    w = World(tmp_path, fake_github)
    _, cartopy = _filed(w)
    old = fake_github.issue(cartopy).body
    fake_github.fail("POST", rf"/issues/{cartopy}/comments$", 502, times=2)
    out = w.run(MOVED)
    assert out.updated == () and len(out.failed) == 1 and "update comment" in out.failed[0]
    assert fake_github.comments(cartopy) == [] and fake_github.issue(cartopy).body == old
    assert any("update undone" in s for s in w.said)
    nxt = w.run(MOVED)
    assert nxt.updated == (cartopy,) and nxt.failed == () and len(fake_github.comments(cartopy)) == 1
    assert w.run(MOVED) == IssueOutcome() and len(fake_github.comments(cartopy)) == 1


def test_a_fixed_comment_that_cannot_be_posted_reopens_the_issue(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    tf, _ = _filed(w)
    fake_github.fail("POST", rf"/issues/{tf}/comments$", 503, times=2)
    out = w.run()
    assert tf not in out.closed and len(out.failed) == 1 and fake_github.issue(tf).state == "open"
    state = State.decode(fake_github.issue(tf).body or "")
    assert state is not None and not state.fixed
    nxt = w.run()
    assert nxt.closed == (tf,) and len(fake_github.comments(tf)) == 1


def test_closing_under_faults(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    tf, cartopy = _filed(w)
    fake_github.fail("PATCH", rf"/issues/{tf}$", 503, times=4)
    fake_github.fail("POST", rf"/issues/{cartopy}/comments$", 502, after=True)
    out = w.run()
    assert out.closed == (cartopy,) and len(out.failed) == 1 and f"#{tf}" in out.failed[0]
    assert len(fake_github.comments(cartopy)) == 1 and fake_github.issue(tf).state == "open"
    nxt = w.run()
    assert nxt.closed == (tf,) and nxt.failed == () and len(fake_github.comments(tf)) == 1


def test_a_failed_listing_does_nothing_and_says_so(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    fake_github.fail("GET", r"/issues$", 500, times=4)
    out = w.run(BROKEN)
    assert out.filed == () and len(out.failed) == 1 and "list the open issues" in out.failed[0]
    assert w.writes() == []


# -- closing rules, close-on-fix off, upstream -------------------------------------------------

def test_cells_without_a_verdict_keep_the_issue_open(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    tf, _ = _filed(w)
    out = w.run({cid("uv", "ml"): ("missing", None)})
    assert tf not in out.closed and fake_github.issue(tf).state == "open"
    assert w.run().closed == (tf,)


def test_close_on_fix_off_comments_once_then_again_when_it_breaks(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    w.run()
    tf, cartopy = w.run(BROKEN, close_on_fix=False).filed
    out = w.run(close_on_fix=False)
    assert out.closed == () and fake_github.issue(tf).state == "open" and len(fake_github.comments(tf)) == 1
    assert w.run(close_on_fix=False) == IssueOutcome() and len(fake_github.comments(tf)) == 1
    back = w.run(TF, close_on_fix=False)
    assert back.updated == (tf,) and "fails again" in fake_github.comments(tf)[-1].body


def test_upstream_files_on_the_tracker_and_links_it(tmp_path: Path, fake_github: FakeGitHub) -> None:
    fake_github.add_repo("SciTools/cartopy")
    fake_github.add_label("rodeo")
    w = World(tmp_path, fake_github)
    w.run()
    out = w.run(CARTOPY, upstream=True)
    [n] = out.filed
    [up] = fake_github.repo("SciTools/cartopy").issues.values()
    assert up.title == "pdm with cartopy: build-failed — build-failed summary" and "rodeo:" not in (up.body or "")
    body = fake_github.issue(n).body or ""
    assert "Reported upstream: [SciTools/cartopy\\#\u200b1](" in body and "issues/new?" not in body
    state = State.decode(body)
    assert state is not None and state.upstream is not None and state.upstream[0] == "SciTools/cartopy#1"
    assert w.last_requests == 1 + 1 + 3 <= budget(2)                    # list, get_label, POST, upstream POST, PATCH
    assert w.run(CARTOPY, upstream=True) == IssueOutcome() and len(fake_github.repo("SciTools/cartopy").issues) == 1


@pytest.mark.parametrize("status", [403, 404])
def test_upstream_refused_is_a_warning(tmp_path: Path, fake_github: FakeGitHub, status: int) -> None:
    if status == 403:
        fake_github.add_repo("SciTools/cartopy")
        fake_github.fail("POST", r"^/repos/SciTools/cartopy/issues$", 403)
    w = World(tmp_path, fake_github)
    out = w.run(CARTOPY, upstream=True)
    assert len(out.filed) == 1 and out.failed == ()
    assert any("warning" in s and "SciTools/cartopy" in s for s in w.said)
    assert "Report upstream to SciTools/cartopy" in (fake_github.issue(out.filed[0]).body or "")


def test_disabled_does_nothing(tmp_path: Path, fake_github: FakeGitHub) -> None:
    w = World(tmp_path, fake_github)
    assert w.run(BROKEN, enabled=False) == IssueOutcome() and w.last_requests == 0


def test_the_state_trailer_leaves_room_in_the_body() -> None:
    report = Report("demo", "2025-01-01T00:00:00Z", None, ("uv",), (), (
        CellView("c1", "uv", "s", "ubuntu-latest", "3.12", "fail"),))
    culprit = Culprit("manager:uv", "manager", "uv", ("c1",), Cause("k", "x" * 100), None)
    trailer = "<!-- rodeo:state {" + "x" * 30_000 + "} -->"
    _, body = issuetext.issue(report, culprit, trailer=trailer)
    assert body.endswith(trailer + "\n") and len(body) <= 65_536
