"""The digest gives way before what a person reads: a comment shrinks its digest (pins first, then
history) before any level cuts log tails, rows or failure details; only the last level may drop it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import pytest

from rodeo_action.report import budget, history, render, templates
from rodeo_action.report.build import build_report
from rodeo_action.report.model import CellView, Report
from rodeo_action.results import Cause, CellInfo, Result

LOG = "\n".join(f"line {i}: error while building x " + "x" * 60 for i in range(40))


def fake_part(sizes: dict[int, str], asked: list[int]) -> Callable[[int], str]:
    """A part with a few sizes: the richest within the room, as history.digest is."""
    def part(room: int) -> str:
        asked.append(room)
        return next((p for _, p in sorted(sizes.items(), reverse=True) if len(p) <= room), "")
    return part


def test_the_part_shrinks_before_a_level_is_cut() -> None:
    seen: list[tuple[str, int]] = []

    def render_(level: budget.Level, part: str) -> str:
        seen.append((level.name, len(part)))
        return "r" * (60 if level.name == "full" else 30) + part

    asked: list[int] = []
    part = fake_part({50: "p" * 50, 20: "p" * 20, 5: "p" * 5}, asked)
    out = budget.fit_yielding(render_, budget.Budget(100), part)
    # full with the richest part (110) does not fit; the rest leaves 40: the 20-character part, still full
    assert out == "r" * 60 + "p" * 20
    assert seen == [("full", 50), ("full", 20)] and asked == [100, 40]


def test_a_part_that_cannot_shrink_enough_waits_for_the_next_level_and_goes_only_at_the_last() -> None:
    seen: list[tuple[str, int]] = []

    def render_(level: budget.Level, part: str) -> str:
        seen.append((level.name, len(part)))
        return "r" * (200 - 40 * budget.LEVELS.index(level)) + part

    part = fake_part({30: "p" * 30}, [])
    out = budget.fit_yielding(render_, budget.Budget(60), part)
    # no level but the last leaves room for the part; there it is dropped rather than cut hard
    assert out == "r" * 40
    assert seen == [(lv.name, 30) for lv in budget.LEVELS] + [("counts", 0)]
    # a level that fits with the whole part keeps it
    assert budget.fit_yielding(render_, budget.Budget(300), part) == "r" * 200 + "p" * 30


def test_nothing_fits_is_cut_hard_with_a_note() -> None:
    out = budget.fit_yielding(lambda level, part: "line\n" * 100 + part, budget.Budget(200),
                              fake_part({10: "p" * 10}, []))
    assert len(out) <= 200 and "Truncated" in out


def report(passing: int, failing: int) -> Report:
    """Passing cells of 60 pins each (a digest ~240 characters a cell with them, ~10 without) and failing
    cells whose details fill the comment."""
    cells = []
    for i in range(passing + failing):
        cid, ok = f"pip-s{i:03d}-ubuntu-latest-py3.12", i < passing
        r = Result(CellInfo(cid, "pip", f"s{i:03d}", "ubuntu-latest", "3.12", ("x",)), "pass" if ok else "fail",
                   phase=None if ok else "install", cause=None if ok else Cause("build-failed", "x failed", "x"),
                   resolved={f"dist-{i}-{j}": f"1.{j}.{i}" for j in range(60)}, started_at="2025-01-01T00:00:00Z",
                   log_tail="" if ok else LOG)
        cells.append(CellView(cid, "pip", r.cell.set, "ubuntu-latest", "3.12", r.status, result=r,
                              tool_pins={"pip": "24.3.1"}))
    return build_report(cells, None, None, "2025-01-01T00:00:00Z", None)


def test_a_comment_drops_the_digest_pins_rather_than_its_failure_details() -> None:
    rep = report(120, 15)
    ours = render.Settings()
    bare = templates.render(ours, "comment.md.j2", {**render._context(rep, ours, budget.FULL,
                                                                      cap=budget.COMMENT_CHARS), "digest": ""})
    rich = history.digest(rep, budget.COMMENT_CHARS // 2 - 1)
    rich_back = history.from_markdown(rich, None, "x")
    assert rich_back is not None and all(c.history.last_pass_pins for c in rich_back.cells.values()
                                         if c.status == "pass")
    # the case: the comment with the pins in its digest would have to cut what a person reads
    assert len(bare) + len(rich) > budget.COMMENT_CHARS
    text = render.comment(rep)
    assert len(text) <= budget.COMMENT_CHARS
    assert "GitHub's size limit" not in text and text.count('<a name="rodeo-pip') == 15  # nothing was cut
    dig = history.digest_in(text, None)
    assert dig and len(dig) < len(rich)
    back = history.from_markdown(text, None, "comment")
    assert back is not None and len(back.cells) == 135
    assert all(not c.history.last_pass_pins and c.history.last_pass_versions is not None for c in back.cells.values())
    # what the comment carries is a digest of this report at a smaller limit, byte for byte
    assert dig == history.digest(report(120, 15), len(dig))


def test_a_comment_with_room_keeps_the_pins() -> None:
    rep = report(40, 2)
    text = render.comment(rep)
    back = history.from_markdown(text, None, "comment")
    assert back is not None and history.digest_in(text, None) == history.digest(rep, budget.COMMENT_CHARS // 2 - 1)
    assert all(c.history.last_pass_pins for c in back.cells.values() if c.status == "pass")


def test_a_digest_asked_again_within_less_room_compresses_only_what_it_has_not_seen(
        monkeypatch: pytest.MonkeyPatch) -> None:
    rep = report(300, 3)
    calls: list[int] = []
    real = history._gzip_within

    def counted(chunks: Iterable[str], max_bytes: int) -> bytes | None:
        calls.append(max_bytes)
        return real(chunks, max_bytes)

    monkeypatch.setattr(history, "_gzip_within", counted)
    whole = history.digest(rep)
    assert len(calls) == 1                                  # level 1 (pins) fits 200,000 characters
    again = history.digest(rep)
    assert again == whole and len(calls) == 1              # known: not compressed again
    smaller = history.digest(rep, len(whole) - 1)
    assert len(calls) == 2 and 0 < len(smaller) < len(whole)   # level 1 known too big; level 2 compressed
    assert history.digest(rep, len(whole) - 1) == smaller and len(calls) == 2
    monkeypatch.setattr(history, "_gzip_within", real)
    fresh = report(300, 3)
    assert history.digest(fresh, len(whole) - 1) == smaller and history.digest(fresh) == whole


def test_digest_in_finds_the_rodeos_own_line_only() -> None:
    a, b = history.digest(report(2, 1)), "[rodeo-digest-other]: data:application/gzip;base64,AAAA"
    text = f"x\n{b}\n{a}\n"
    assert history.digest_in(text, None) == a and history.digest_in(text, "other") == b
    assert history.digest_in("nothing here", None) == ""
