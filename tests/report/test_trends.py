"""trends: per-manager pass rate and time over the kept runs, and the slower and flaky cells."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rodeo_action.report.history import HISTORY_LENGTH
from rodeo_action.report.model import CellHistory, CellView, Report
from rodeo_action.report.trends import (
    FLAKY_WINDOW,
    RunPoint,
    cell_points,
    flaky,
    flips,
    points_of,
    slower,
    slower_than,
    trends,
)
from rodeo_action.results import CellInfo, Result


def cell(cid: str, status: str = "pass", install: float = 1.0, manager: str | None = None) -> CellView:
    manager = manager or cid.split("-")[0]
    res = Result(CellInfo(cid, manager, "s", "ubuntu-latest", "3.12", ("x",)), status,
                 durations={"setup": 30.0, "install": install, "import": 0.5, "test": 4.0})
    return CellView(cid, manager, "s", "ubuntu-latest", "3.12", status, result=res)


def report(cells: list[CellView], history: dict[str, CellHistory], managers: tuple[str, ...] = ()) -> Report:
    return Report(name=None, generated_at="2026-01-01T00:00:00Z", run_url=None,
                  managers=managers or tuple(dict.fromkeys(c.manager for c in cells)), rows=(),
                  cells=tuple(cells), history=history)


def test_timed_seconds_is_install_plus_import() -> None:
    c = cell("uv-a", install=12.0)
    assert c.timed_seconds == 12.5 and c.seconds == 46.5


def test_points_align_seconds_with_statuses_at_their_end() -> None:
    h = CellHistory(statuses=("fail", "pass", "pass"), seconds=(4.0, 5.0))
    assert points_of(h) == (("fail", None), ("pass", 4.0), ("pass", 5.0))
    assert points_of(CellHistory(statuses=("pass",), seconds=(1.0, 2.0, 3.0))) == (("pass", 3.0),)


def test_cell_points_without_history_is_this_run() -> None:
    c = cell("uv-a", install=3.0)
    assert cell_points(c, report([c], {})) == (("pass", 3.5),)


def test_trends_align_managers_on_the_same_runs() -> None:
    a, b, c = cell("uv-a"), cell("uv-b", "fail"), cell("pip-a")
    hist = {
        "uv-a": CellHistory(("pass", "pass", "fail", "pass"), (10.0, 20.0, 1.0, 30.0)),
        "uv-b": CellHistory(("fail", "fail"), (1.0, 1.0)),        # added two runs ago
        "pip-a": CellHistory(("missing", "pass", "pass", "pass"), (0.0, 5.0, 7.0, 6.0)),
    }
    uv, pip = trends(report([a, b, c], hist, ("uv", "pip")))
    assert uv.manager == "uv" and pip.manager == "pip"
    assert [p.index for p in uv.points] == [0, 1, 2, 3]
    assert [(p.passed, p.verdicts) for p in uv.points] == [(1, 1), (1, 1), (0, 2), (1, 2)]
    assert [p.median_seconds for p in uv.points] == [10.0, 20.0, None, 30.0]
    assert uv.gaps == 2 and pip.gaps == 0
    assert pip.points[0] == RunPoint(0, 0, 0, None) and pip.points[0].pass_rate is None
    assert uv.points[3].pass_rate == 0.5


def test_twenty_failing_runs() -> None:
    c = cell("uv-a", "fail")
    (t,) = trends(report([c], {"uv-a": CellHistory(("fail",) * HISTORY_LENGTH, (3.0,) * HISTORY_LENGTH)}))
    assert len(t.points) == HISTORY_LENGTH and all(p.pass_rate == 0 and p.median_seconds is None for p in t.points)


def test_slower_needs_twice_the_median_and_ten_seconds_more() -> None:
    base = [("pass", 12.0), ("fail", 1.0), ("pass", 11.0), ("pass", 14.0), ("pass", 12.0), ("pass", 13.0)]
    got = slower_than("c", [*base, ("pass", 41.0)])
    assert got is not None and (got.seconds, got.median_before, got.passes) == (41.0, 12.0, 5)
    assert slower_than("c", [*base, ("pass", 23.0)]) is None                  # not twice
    small = [("pass", 2.0)] * 4
    assert slower_than("c", [*small, ("pass", 9.0)]) is None                  # twice, but not 10 s more
    assert slower_than("c", [("pass", 2.0), ("pass", 2.0), ("pass", 40.0)]) is None   # 2 passes only
    assert slower_than("c", [*base, ("fail", 99.0)]) is None                  # fails now


def test_slower_on_a_report() -> None:
    c = cell("uv-a", install=40.5)
    hist = {"uv-a": CellHistory(("pass",) * 4, (10.0, 11.0, 12.0, 41.0))}
    got = slower(c, report([c], hist))
    assert got is not None and got.median_before == 11.0


def test_flips_skip_runs_without_a_verdict() -> None:
    assert flips(("pass", "missing", "fail", "n/a", "pass")) == (2, 5)
    assert flips(("pass", "fail", "timeout", "error", "fail")) == (1, 5)
    assert flips(("pass", "fail") * 5 + ("fail",) * 9 + ("pass",)) == (1, 10)    # the window is the last 10
    c = cell("uv-a", "fail")
    got = flaky(c, report([c], {"uv-a": CellHistory(("pass", "fail", "pass", "fail"), ())}))
    assert got is not None and (got.flips, got.runs) == (3, 4)
    assert flaky(c, report([c], {"uv-a": CellHistory(("pass", "fail", "fail", "pass", "fail"), ())})) is not None
    # a break and its fix (two flips) is a regression's ordinary story, not flakiness
    assert flaky(c, report([c], {"uv-a": CellHistory(("pass", "fail", "pass"), ())})) is None
    assert flaky(c, report([c], {"uv-a": CellHistory(("fail", "pass", "fail"), ())})) is None


STATUS = st.sampled_from(["pass", "fail", "timeout", "error", "missing", "unavailable", "n/a"])
HIST = st.builds(CellHistory, st.lists(STATUS, max_size=HISTORY_LENGTH).map(tuple),
                 st.lists(st.floats(0, 1e5), max_size=HISTORY_LENGTH).map(tuple))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["uv", "pip", "pdm"]), HIST), max_size=8))
def test_trends_hold_for_any_histories(cells: list[tuple[str, CellHistory]]) -> None:
    views = [cell(f"{m}-{i}", manager=m) for i, (m, _) in enumerate(cells)]
    hist = {v.id: h for v, (_, h) in zip(views, cells, strict=True)}
    r = report(views, hist)
    got = trends(r)
    n = max((len(h.statuses) or 1 for h in hist.values()), default=1)
    assert [t.manager for t in got] == list(r.managers)
    for t in got:
        mine = [hist[v.id] for v in views if v.manager == t.manager]
        assert len(t.points) == n and [p.index for p in t.points] == list(range(n))
        assert 0 <= t.gaps <= n
        for p in t.points:
            assert 0 <= p.passed <= p.verdicts <= len(mine)
            assert (p.median_seconds is None) or p.passed > 0
        # every verdict a history keeps is counted once
        kept = sum(1 for h in mine for s in (h.statuses or ("pass",)) if s in ("pass", "fail", "timeout", "error"))
        assert sum(p.verdicts for p in t.points) == kept


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(STATUS, st.one_of(st.none(), st.floats(0, 1e5))), min_size=1, max_size=HISTORY_LENGTH))
def test_slower_and_flips_hold_for_any_points(pts: list[tuple[str, float | None]]) -> None:
    got = slower_than("c", pts)
    if got is not None:
        assert pts[-1][0] == "pass" and got.seconds == pts[-1][1]
        assert got.seconds >= 2 * got.median_before and got.seconds - got.median_before >= 10
        assert 3 <= got.passes <= 10
    n, runs = flips(tuple(s for s, _ in pts))
    assert 0 <= n < max(runs, 1) and runs == min(len(pts), FLAKY_WINDOW)
