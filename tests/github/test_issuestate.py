"""The hidden state an issue's body carries: round trips, cannot be forged or closed by its text, stays small."""

from __future__ import annotations

from rodeo_action.github.issuestate import State, all_pass, scope, with_state
from rodeo_action.report.model import CellView, Culprit, Report
from rodeo_action.results import Cause


def test_state_round_trips_and_cannot_be_closed_by_its_text() -> None:
    s = State("package", "x --> <!-- rodeo:state {} --> &", "kind", None, "h", "c", ("a-->b",), ("uv",),
              upstream=("o/r#1", "https://x/1"))
    enc = s.encode()
    assert enc.count("-->") == 1 and enc.count("<!--") == 1 and "&" not in enc.removeprefix("<!--")
    assert State.decode(f"body\n{enc}\n") == s
    assert State.decode("<!-- rodeo:state {\"v\": 1} -->") is None and State.decode("nothing") is None


def test_large_states_are_packed_and_huge_ones_keep_the_managers() -> None:
    many = tuple(f"uv-set{i}-ubuntu-latest-py3.12" for i in range(3000))
    packed = State("manager", "uv", None, None, "", "", many, ("uv",))
    assert '"cells_gz"' in packed.encode() and State.decode(packed.encode()) == packed
    huge = tuple(f"m{i % 16}-s{i}-{i * 7919 % 10007}-os{i % 3}-py3.{i % 9}" for i in range(40_000))
    bounded = State.decode(State("manager", "m", None, None, "", "", huge, ("m1",)).encode())
    assert bounded is not None and bounded.cells is None and bounded.managers == ("m1",)


def _report(*cells: tuple[str, str, str]) -> Report:
    return Report("demo", "2025-01-01T00:00:00Z", None, ("uv", "pip"), (), tuple(
        CellView(cid, manager, "s", "ubuntu-latest", "3.12", status) for cid, manager, status in cells))


def test_the_state_of_a_culprit_and_what_changed_since() -> None:
    report = _report(("uv-a", "uv", "fail"), ("pip-a", "pip", "fail"))
    culprit = Culprit("package:x", "package", "x", ("uv-a", "pip-a"), Cause("build-failed", "why", "x"), None)
    old = State.of(report, culprit)
    assert old.cells == ("pip-a", "uv-a") and old.managers == ("pip", "uv") and old.cause == "build-failed"
    assert old.differs(State.of(report, culprit)) == []
    other = Culprit("package:x", "package", "x", ("uv-a",), Cause("missing-system-library", "why", "x"), None)
    assert old.differs(State.of(report, other)) == ["cause", "cells"]
    reworded = Culprit("package:x", "package", "x", ("uv-a", "pip-a"), Cause("build-failed", "other", "x"), None)
    assert old.differs(State.of(report, reworded)) == ["summary"]
    fixed = State("package", "x", "build-failed", "x", old.summary, old.cells_hash, old.cells, old.managers,
                  fixed=True)
    assert fixed.differs(old) == ["broken again"]


def test_with_state_replaces_the_last_trailer_or_appends_one() -> None:
    a = State("cell", "uv/x", None, None, "", "1", ("c",), ("uv",))
    b = State("cell", "uv/x", None, None, "", "2", ("c",), ("uv",), fixed=True)
    body = f"text\n{a.encode()}\nafter"
    assert with_state(body, b) == f"text\n{b.encode()}\nafter"
    assert with_state("text\n\n", b) == f"text\n{b.encode()}\n"
    assert State.decode(with_state(with_state("x", a), b)) == b


def test_a_fixed_culprit_needs_every_cell_to_pass_or_to_be_gone() -> None:
    state = State("cell", "uv/x", None, None, "", "", ("uv-a", "uv-b"), ("uv",))
    assert all_pass(_report(("uv-a", "uv", "pass")), state)                       # uv-b left the rodeo
    assert not all_pass(_report(("uv-a", "uv", "pass"), ("uv-b", "uv", "missing")), state)   # no verdict
    too_many = State("manager", "uv", None, None, "", "", None, ("uv",))          # cells not stored
    report = _report(("uv-a", "uv", "pass"), ("uv-c", "uv", "n/a"), ("pip-a", "pip", "fail"))
    assert all_pass(report, too_many) and scope(report, too_many) == ("uv-a",)
    assert not all_pass(_report(("uv-a", "uv", "timeout")), too_many)
