"""PDM prints its errors as ``[ExceptionName]: message``: its own (ResolutionImpossible, BuildError)
or, when PDM itself breaks, a plain Python exception raised inside its code."""

from __future__ import annotations

import re

from rodeo_action.causes.base import BROKEN, NAME, RESOLVER, Evidence, Finding, Rule, crashed, rule
from rodeo_action.causes.culprit import constraint, contested

_CONFLICT_LINES = re.compile(r"^\s+(?P<req>\S+) \(from (?P<src>[^)]+)\)$", re.M)


def resolution(m: re.Match[str], ev: Evidence) -> Finding:
    """pdm's "Unable to find a resolution for X because of the following conflicts": X is what the
    requirements (from the project, from pytest@8.0.0) disagree on."""
    pkg = m.group("p").rstrip(".")
    found = [constraint("you" if x.group("src") == "project" else x.group("src").replace("@", " "), x.group("req"))
             for x in _CONFLICT_LINES.finditer(ev.text, m.end())]
    both = contested([c for c in found if c is not None], prefer=pkg)
    if both:
        return Finding("conflict: " + both[1], both[0])
    return Finding(f"no version of {pkg} fits (is the name right?)", pkg)


def no_candidate(m: re.Match[str], ev: Evidence) -> Finding:
    """pdm says "matches the environment or hashes" both for a package with no file for this platform and,
    installing from pdm.lock, for files whose hash the lock no longer matches; nothing in its output tells
    them apart (tests/corpus/wild: windows-curses vs an altered lock), and the first is the common one.
    rodeo's own frozen installs are told apart by managers/locks.lock_mismatch instead."""
    py = f" / {ev.python_tag}" if ev.python_tag else ""
    return Finding(f"no file of {m.group('p')} matches this environment (platform{py})", m.group("p"))


def broken(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"pdm crashed in its own code: {m.group('exc')}: {m.group('msg')}", "pdm")


RULES: tuple[Rule, ...] = (
    rule("conflict", RESOLVER,
         r"(?:\[ResolutionImpossible\]: |ERROR: )Unable to find a resolution for (?P<p>" + NAME + r")\s*\n?\s*"
         r"because of the following conflicts", resolution),
    rule("no-matching-distribution", RESOLVER,
         r"(?:\[ResolutionImpossible\]: |ERROR: )Unable to find a resolution for (?P<p>" + NAME + ")", resolution),
    rule("no-matching-distribution", RESOLVER,
         r"No candidate is found for `(?P<p>[^`]+)` that\s+matches the environment", no_candidate),
    rule("no-matching-distribution", RESOLVER,
         r"Unable to find candidates for (?P<p>" + NAME + r")", resolution),
    rule("manager-broken", BROKEN,
         r"^\[(?P<exc>AttributeError|TypeError|NameError|KeyError|IndexError|ImportError|ModuleNotFoundError|"
         r"AssertionError|ValueError|RuntimeError|UnboundLocalError|RecursionError|NotImplementedError)\]: "
         r"(?P<msg>.+)", broken),
    crashed("pdm", "pdm"),
)
