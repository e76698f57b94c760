"""pipenv locks with pip's resolver (pip's rules apply); its own words are about installing the lock."""

from __future__ import annotations

import re

from rodeo_action.causes.base import BUILD, RESOLVER, Evidence, Finding, Rule, crashed, rule


def python(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"pipenv cannot find Python {m.group('v')} here", "python")


RULES: tuple[Rule, ...] = (
    rule("no-matching-distribution", RESOLVER,
         r"Python (?P<v>[\d.]+) was not found on your system", python),
    # pipenv/exceptions.py's ResolutionFailure and DependencyConflict: after pip's own words (a missing
    # version, a build) that pipenv wraps the same way, so a tier past the build rules
    rule("conflict", BUILD + 5,
         r"Your dependencies could not be resolved\. You likely have a mismatch in your sub-dependencies|"
         r"A dependency conflict was detected and could not be resolved",
         lambda m, ev: Finding("conflict: pipenv could not resolve the dependencies (a mismatch in sub-dependencies)")),
    crashed("pipenv", "pipenv"),
)
