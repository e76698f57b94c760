"""The one vocabulary: plurals, timestamps, durations, the denominator and the status words."""

from __future__ import annotations

import json
import re

import pytest

from rodeo_action.report.words import (
    NBSP,
    RAN,
    Tally,
    cause_change,
    cause_text,
    duration,
    plural,
    status_text,
    when,
)


@pytest.mark.parametrize(("n", "word", "want"), [
    (1, "run", "1 run"), (2, "run", "2 runs"), (0, "run", "0 runs"), (1, "fix", "1 fix"), (3, "fix", "3 fixes"),
    (2, "regression", "2 regressions"), (2, "set", "2 sets"), (2, "package", "2 packages"),
    (2, "dependency", "2 dependencies"), (2, "day", "2 days"), (2, "changed", "2 changed"), (1, "cell", "1 cell"),
])
def test_plural(n: int, word: str, want: str) -> None:
    assert plural(n, word) == want


def test_plural_irregular_given() -> None:
    assert plural(2, "child", "children") == "2 children"
    assert plural(1, "child", "children") == "1 child"


@pytest.mark.parametrize(("raw", "want"), [
    ("2026-11-25T13:09:55Z", "2026-11-25 13:09 UTC"),
    ("2026-11-25T14:09:00+01:00", "2026-11-25 13:09 UTC"),
    ("2026-11-25T13:09:00", "2026-11-25 13:09 UTC"),
    ("2026-11-25 13:09 UTC", "2026-11-25 13:09 UTC"),
    ("yesterday", "yesterday"),
    ("", ""),
    (None, ""),
])
def test_one_timestamp_format(raw: str | None, want: str) -> None:
    assert when(raw) == want


@pytest.mark.parametrize(("seconds", "want"), [
    (0.4, "0 s"), (75.2, "75 s"), (99.4, "99 s"), (100, "2 min"), (720, "12 min"), (5900, "98 min"),
    (6000, "1.7 h"), (36000, "10.0 h"),
])
def test_duration(seconds: float, want: str) -> None:
    assert duration(seconds) == want
    assert len(duration(seconds)) <= 6


def test_duration_joined_by_nbsp() -> None:
    assert duration(75, NBSP) == "75\u00a0s"


def test_the_one_denominator_is_the_cells_that_ran() -> None:
    statuses = ["pass"] * 5 + ["fail"] * 6 + ["unavailable"] * 5
    t = Tally.of(statuses)
    assert (t.passed, t.ran, t.not_run, t.total) == (5, 11, 5, 16)
    assert t.rate() == "5 of 11 pass"
    assert t.summary() == "5 of 11 cells pass (6 ❌ fail) · not run: 5 unavailable"
    assert t.summary(icons=False) == "5 of 11 cells pass · not run: 5 unavailable"


def test_error_counts_as_ran_and_is_called_error() -> None:
    t = Tally.of(["pass", "error", "missing", "n/a", "timeout"])
    assert t.ran == 3
    assert t.summary() == "1 of 3 cells passes (1 ⏱ timeout, 1 💥 error) · not run: 1 missing, 1 n/a"
    assert "unreadable" not in t.summary()


def test_nothing_ran() -> None:
    t = Tally.of(["unavailable", "unavailable"])
    assert t.rate() == "nothing ran"
    assert t.percent() == ""
    assert t.summary() == "No cell ran · not run: 2 unavailable"


def test_ran_statuses() -> None:
    assert frozenset({"pass", "fail", "timeout", "error"}) == RAN


def test_status_words() -> None:
    assert status_text("error") == "💥 error"
    assert status_text("pass", NBSP) == "✅\u00a0pass"
    assert status_text("unavailable") == "unavailable"
    assert status_text("weird") == "weird"


def test_causes() -> None:
    assert cause_text("not-packaged", "python3-tensorflow") == "not-packaged (python3-tensorflow)"
    assert cause_text("network") == "network"
    assert cause_text(None) == ""
    assert cause_change("network", "conflict (numpy)") == "network → conflict (numpy)"
    assert cause_change("", "network") == "— → network"


def test_every_output_counts_and_words_the_same() -> None:
    """The default rodeo's markdown, terminal, badge and SVG: one denominator, one set of words, one time."""
    import xml.etree.ElementTree as ET

    from rodeo_action.report import badge, render, svg
    from tests.test_browser import default_report

    report = default_report()
    markdown, terminal = render.markdown(report), render.terminal(report)
    picture = " ".join(t.text or "" for t in ET.fromstring(svg.render(report)).iter("{http://www.w3.org/2000/svg}text"))
    assert "5 of 11 cells pass (6 ❌ fail) · not run: 5 unavailable — 2026-11-25 13:09 UTC" in markdown
    assert terminal.rstrip().endswith("5 of 11 cells pass (6 ❌ fail) · not run: 5 unavailable")
    assert "2026-11-25 13:09 UTC · 5 of 11 cells pass · not run: 5 unavailable" in picture
    assert badge.overall(report)["message"] == "5 of 11 pass"
    for text in (markdown, terminal, picture, json.dumps(badge.per_manager(report))):
        assert "unreadable" not in text and "5/11" not in text and "of 16" not in text
        assert not re.search(r"\b1 runs\b|\b1 cells\b|\b2 run\b", text)
        assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:", text)          # one timestamp format
