"""pipenv locks with pip's resolver (pip's rules apply); its own words are about installing the lock."""

from __future__ import annotations

import re

from rodeo_action.causes.base import RESOLVER, Evidence, Finding, Rule, crashed, rule


def python(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"pipenv cannot find Python {m.group('v')} here", "python")


RULES: tuple[Rule, ...] = (
    rule("no-matching-distribution", RESOLVER,
         r"Python (?P<v>[\d.]+) was not found on your system", python),
    crashed("pipenv", "pipenv"),
)
