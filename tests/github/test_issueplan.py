"""What to file, update or close, with which text: the pure plan, without HTTP.

Reports come from the real pipeline (results written, collected, built against the previous run's
``--json``); GitHub's side is a dict of open issues, made from what an earlier plan filed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from rodeo_action.config import IssueSettings
from rodeo_action.github.issueplan import (
    Action,
    Close,
    CloseDuplicate,
    File,
    Hold,
    Open,
    Restore,
    Update,
    Upstream,
    duplicates,
    linked,
    plan,
)
from rodeo_action.github.issuestate import State
from rodeo_action.report.markers import fixed_marker, issue_marker, update_marker
from rodeo_action.report.model import Report
from rodeo_action.report.templates import Settings
from tests.report.test_build import Rodeo, cfg, cid, fail

TF = {cid("uv", "ml"): fail("no-matching-distribution", "tensorflow"),
      cid("pip", "ml"): fail("no-matching-distribution", "tensorflow")}
CARTOPY = {cid("pdm", "geo"): fail("build-failed", "cartopy")}
BROKEN = {**TF, **CARTOPY}
REPO = "octo/rodeo"
OURS = Settings()


def planned(report: Report, found: Mapping[str, list[Open]] | None = None, **config: object) -> list[Action]:
    return plan(report, found or {}, IssueSettings(**config), OURS, REPO)   # type: ignore[arg-type]


def filed(actions: Iterable[Action], first: int = 1) -> dict[str, list[Open]]:
    """What GitHub holds once the plan's issues are filed (numbered from ``first``)."""
    files = [a for a in actions if isinstance(a, File)]
    return {a.culprit.key: [Open(n, a.culprit.key, a.body, State.decode(a.body))] for n, a in enumerate(files, first)}


def test_each_culprit_is_filed_once_with_its_title_body_and_state(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    assert planned(rodeo.run({})) == []                                     # everything passes: nothing to do
    report = rodeo.run(BROKEN)
    actions = planned(report)
    assert [type(a) for a in actions] == [File, File]
    tf, cartopy = actions
    assert isinstance(tf, File) and isinstance(cartopy, File)
    assert tf.title == "rodeo demo: tensorflow fails under pip, uv (no-matching-distribution)"
    assert issue_marker("demo", "package:tensorflow") in tf.body and tf.body.endswith(tf.state.encode() + "\n")
    assert State.decode(tf.body) == tf.state and tf.state.cells == (cid("pip", "ml"), cid("uv", "ml"))
    assert tf.upstream is None                                              # upstream: false
    assert "[Report upstream to SciTools/cartopy](https://github.com/SciTools/cartopy/issues/new?" in cartopy.body
    assert planned(report, filed(actions)) == []                            # the same run again: nothing


def test_a_changed_culprit_gets_a_new_body_and_one_comment(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    found = filed(planned(rodeo.run(BROKEN)))
    moved = rodeo.run({**TF, cid("pdm", "geo"): fail("missing-system-library", "cartopy")})
    [update] = planned(moved, found)
    assert isinstance(update, Update) and update.number == 2 and update.what == ("cause",)
    state = State.decode(update.body)
    assert state is not None and state.cause == "missing-system-library"
    head, changed, *_ = update.comment.splitlines()
    assert head == update_marker("demo", "cell:pdm/cartopy", f"{state.cells_hash}{state.versions}")
    assert changed.startswith("🔁 **Changed** (cause) — ")
    assert "- Cause: build-failed (cartopy) → **missing-system-library (cartopy)**: " in update.comment
    assert update.comment.endswith("The description above is updated to match.\n")


def test_gone_culprits_whose_cells_pass_are_closed_or_marked_fixed(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    found = filed(planned(rodeo.run(BROKEN)))
    passing = rodeo.run({})
    closes = planned(passing, found)
    assert [a.number if isinstance(a, Close) else a for a in closes] == [1, 2]
    for action in closes:
        assert isinstance(action, Close) and action.close
        state = State.decode(action.body)
        assert state is not None and state.fixed and action.body.startswith(found[action.key][0].body[:40])
        assert action.comment.startswith(fixed_marker("demo", action.key)) and "pass again" in action.comment
    assert all(isinstance(a, Close) and not a.close for a in planned(passing, found, close_on_fix=False))
    fixed = {k: [replace(o, body=a.body, state=State.decode(a.body))] for k, v in found.items() for o in v
             for a in closes if isinstance(a, Close) and a.number == o.number}
    assert planned(passing, fixed) == []                                    # marked fixed: said once
    again = planned(rodeo.run(BROKEN), fixed)                               # and when it breaks again
    assert [a.what for a in again if isinstance(a, Update)] == [("broken again",), ("broken again",)]


def test_a_cell_without_a_verdict_keeps_its_issue_open(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    found = filed(planned(rodeo.run(CARTOPY)))
    assert planned(rodeo.run({cid("pdm", "geo"): ("missing", None)}), found) == []


def test_after_and_max_per_run_hold_culprits_back_in_the_reports_order(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    report = rodeo.run(BROKEN)
    held = planned(report, after=2)
    assert held == [Hold("package:tensorflow", "failing 1 run(s) in a row, files after 2"),
                    Hold("cell:pdm/cartopy", "failing 1 run(s) in a row, files after 2")]
    one = planned(report, max_per_run=1)
    assert [type(a) for a in one] == [Hold, File]            # files go after the rest of the culprits
    assert one[0] == Hold("cell:pdm/cartopy", "max-per-run (1) reached")
    assert isinstance(one[1], File) and one[1].culprit.key == "package:tensorflow"
    assert [type(a) for a in planned(rodeo.run(BROKEN), after=2)] == [File, File]   # the second run in a row


def test_duplicates_are_closed_first_and_the_oldest_is_kept(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    found = filed(planned(rodeo.run(BROKEN)), first=10)
    tf = found["package:tensorflow"][0]
    found["package:tensorflow"] = [tf, replace(tf, number=12), replace(tf, number=13)]
    assert duplicates(found) == [CloseDuplicate(12, 10, "package:tensorflow"),
                                 CloseDuplicate(13, 10, "package:tensorflow")]
    assert duplicates(found, ["cell:pdm/cartopy"]) == []
    assert planned(rodeo.run(BROKEN), found) == duplicates(found)


def test_a_body_edited_by_hand_gets_its_state_back_without_a_comment(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    found = filed(planned(rodeo.run(CARTOPY)))
    mine = found["cell:pdm/cartopy"][0]
    found["cell:pdm/cartopy"] = [replace(mine, body=issue_marker("demo", mine.key) + "\nrewritten", state=None)]
    [restore] = planned(rodeo.run(CARTOPY), found)
    assert isinstance(restore, Restore) and restore.number == mine.number
    assert State.decode(restore.body) is not None and restore.title.startswith("rodeo demo: ")


def test_upstream_is_planned_for_a_github_tracker_only_and_never_here(tmp_path: Path) -> None:
    rodeo = Rodeo(tmp_path, cfg())
    report = rodeo.run(BROKEN)
    tf, cartopy = planned(report, upstream=True)
    assert isinstance(tf, File) and tf.upstream == Upstream(None)           # no tracker: said, not filed
    assert isinstance(cartopy, File) and cartopy.upstream is not None and cartopy.upstream.repo == "SciTools/cartopy"
    assert cartopy.upstream.title == "pdm with cartopy: build-failed — build-failed summary"
    assert cartopy.upstream.body.startswith("pdm with cartopy fails to install or import:\n\n- pdm on ubuntu-latest")
    assert "<!--" not in cartopy.upstream.body and cartopy.upstream.body.endswith("[rodeo-action](https://ci/run/1).")
    here = plan(report, {}, IssueSettings(upstream=True), OURS, "scitools/CARTOPY")
    assert [a.upstream for a in here if isinstance(a, File)] == [Upstream(None), None]
    state, body = linked(report, cartopy.culprit, OURS, cartopy.state, ("SciTools/cartopy#7", "https://gh/7"))
    assert state.upstream == ("SciTools/cartopy#7", "https://gh/7") and State.decode(body) == state
    assert "Reported upstream: [SciTools/cartopy\\#\u200b7](https://gh/7)." in body


def test_a_failure_of_where_it_ran_is_never_filed_upstream(tmp_path: Path) -> None:
    """A DNS failure, the OOM killer, a timeout, a full disk: the runner's, not the tracker's."""
    rodeo = Rodeo(tmp_path, cfg())
    for kind in ("network", "killed", "timeout", "disk-full"):
        report = rodeo.run({cid("pdm", "geo"): fail(kind, "cartopy")})
        (action,) = planned(report, upstream=True)
        assert isinstance(action, File) and action.culprit.tracker == "SciTools/cartopy", kind
        assert action.upstream is None and "Report upstream" not in action.body, kind
        assert f"Not reported upstream: {kind} is a problem of where the cells ran" in action.body, kind
    (built,) = planned(rodeo.run(CARTOPY), upstream=True)
    assert isinstance(built, File) and built.upstream is not None and built.upstream.repo == "SciTools/cartopy"
