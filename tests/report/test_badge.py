"""The shields.io badges: the overall pass rate and one per manager, always a valid endpoint."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rodeo_action.report import badge
from rodeo_action.report.model import STATUSES
from rodeo_action.results import Cause
from tests.report.test_svg import cell, mixed, report

SCHEMA_KEYS = {"schemaVersion", "label", "message", "color", "labelColor", "isError", "namedLogo", "logoSvg",
               "logoColor", "logoWidth", "style", "cacheSeconds"}


def test_overall_badge_counts_passes_among_cells_that_ran() -> None:
    got = badge.overall(report(mixed()))
    # ran: pass, pass, fail, timeout, error (the one denominator); missing is named, n/a and unavailable are not
    assert got == {"schemaVersion": 1, "label": "rodeo", "message": "2 of 5 pass, 1 missing", "color": "orange"}
    json.dumps(got)


def test_per_manager_badges_follow_the_columns() -> None:
    got = badge.per_manager(report(mixed()))
    assert list(got) == list(report(mixed()).managers)
    assert got["uv"] == {"schemaVersion": 1, "label": "uv", "message": "1 of 1 pass", "color": "brightgreen"}
    assert got["pdm"]["message"] == "0 of 1 pass" and got["pdm"]["color"] == "red"
    assert got["hatch"]["message"] == "0 of 1 pass"          # an error ran and did not pass, as the table says
    assert got["apt"] == {"schemaVersion": 1, "label": "apt", "message": "n/a", "color": "lightgrey"}
    assert got["conda"]["message"] == "unavailable" and "isError" not in got["conda"]
    assert got["pipenv"] == {"schemaVersion": 1, "label": "pipenv", "message": "no results", "color": "lightgrey",
                             "isError": True}


def test_badge_without_any_verdict_is_an_error_badge() -> None:
    assert badge.overall(report([]))["isError"] is True
    assert badge.overall(report([cell(status="missing")]))["message"] == "no results"


@pytest.mark.parametrize(("passed", "ran", "colour"), [
    (16, 16, "brightgreen"), (15, 16, "green"), (13, 16, "yellowgreen"), (8, 16, "yellow"), (4, 16, "orange"),
    (3, 16, "red"), (0, 16, "red"), (0, 0, "lightgrey")])
def test_badge_colour_by_pass_rate(passed: int, ran: int, colour: str) -> None:
    assert badge.colour(passed, ran) == colour


@given(st.lists(st.sampled_from(STATUSES), max_size=30))
def test_badge_is_always_a_valid_endpoint(statuses: list[str]) -> None:
    cells = [cell(f"m{i % 3}", set_=f"s{i}", status=s, cause=Cause("unknown", "x") if s == "error" else None)
             for i, s in enumerate(statuses)]
    rep = report(cells)
    for got in [badge.overall(rep), *badge.per_manager(rep).values()]:
        assert set(got) <= SCHEMA_KEYS
        assert got["schemaVersion"] == 1 and got["message"] and isinstance(got["label"], str)
        assert got.get("isError", False) is (got["message"] == "no results")
