"""Poetry's solver (a pubgrub port) and installer messages, and its crashes (cleo's error format)."""

from __future__ import annotations

import re

from rodeo_action.causes.base import BROKEN, NAME, NETWORK, RESOLVER, Evidence, Finding, Rule, crashed, rule, strip_spec
from rodeo_action.causes.culprit import Constraint, contested


def no_version(m: re.Match[str], ev: Evidence) -> Finding:
    spec = f" ({m.group('spec')})" if m.group("spec") and m.group("spec") != "*" else ""
    return Finding(f"no version of {m.group('p')}{spec} on the index", m.group("p"))


def python(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"{m.group('p')} requires Python {m.group('req')}; the project is for Python {m.group('v')}",
                   m.group("p"))


def no_candidates(m: re.Match[str], ev: Evidence) -> Finding:
    py = f" for {ev.python_tag}" if ev.python_tag else ""
    return Finding(f"no installable file (wheel or sdist) of {m.group('p')} {m.group('v')}{py}", m.group("p"))


_DEP = re.compile(r"(?P<a>" + NAME + r") \((?P<av>[^)]*)\) (?:which )?depends on "
                  r"(?P<b>" + NAME + r") \((?P<bv>[^)]*)\)")
_ROOT_DEP = re.compile(r"(?:[Bb]ecause|and) (?P<root>" + NAME + r") depends on (?P<c>" + NAME + r") \((?P<cv>[^)]*)\)")


def conflict(m: re.Match[str], ev: Evidence) -> Finding:
    """Poetry's "Because X (1.0) depends on numpy (<2) and Y (2.0) depends on numpy (>=2)": the
    distribution both sides constrain, and the sides; the project itself (named without a version:
    "Because rodeo-cell depends on …") is "you"."""
    text = ev.text[max(0, ev.text.rfind("Because", 0, m.start() + 1) - 2000): m.end()]
    found: list[Constraint] = []
    flat = " ".join(text.split())
    for d in _DEP.finditer(flat):
        found.append(Constraint(f"{d.group('a')} {d.group('av')}", d.group("b"), d.group("bv")))
    for r in _ROOT_DEP.finditer(flat):
        found.append(Constraint("you", r.group("c"), r.group("cv")))
    both = contested(found)
    if both:
        return Finding("conflict: " + both[1], both[0])
    line = text.strip().splitlines()[-1] if text.strip() else "version solving failed"
    return Finding("conflict: " + line)


def not_found(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"no version of {m.group('p')} matches on the index", m.group("p"))


def cleo_crash(m: re.Match[str], ev: Evidence) -> Finding | None:
    if "poetry" not in m.group("path"):
        return None
    return Finding(f"poetry crashed in its own code: {m.group('exc')}: {m.group('msg')}", "poetry")


RULES: tuple[Rule, ...] = (
    rule("network", NETWORK, r"All attempts to connect to (?P<h>\S+) failed",
         lambda m, ev: Finding(f"network: cannot connect to {m.group('h').rstrip('.')}")),
    rule("conflict", RESOLVER,
         r"Incompatible constraints in requirements of [^\n]*:\n(?P<a>[^\n]+)\n(?P<b>[^\n]+)",
         lambda m, ev: Finding(f"conflict: {m.group('a').strip()} vs {m.group('b').strip()}",
                               strip_spec(m.group("a")))),
    rule("no-matching-distribution", RESOLVER,
         r"depends on (?P<p>" + NAME + r") \((?P<spec>[^)]*)\) which doesn't match any versions", no_version),
    rule("no-matching-distribution", RESOLVER,
         r"Because no versions of (?P<p>" + NAME + r") match (?P<spec>[^\n,]+)", no_version),
    rule("no-matching-distribution", RESOLVER,
         r"Package (?P<p>" + NAME + r") \((?P<spec>[^)]*)\) not found", no_version),
    rule("no-matching-distribution", RESOLVER,
         r"(?<![A-Za-z0-9._+-])(?P<p>" + NAME + r") requires Python (?P<req>[^\n]+?), "   # a word's start: linear
         r"so it will not be (?:satisfied|installable) "
         r"for Python (?P<v>[^\n]+)", python),
    rule("no-matching-distribution", RESOLVER,
         r"Unable to find installation candidates for (?P<p>" + NAME + r") \((?P<v>[^)]+)\)", no_candidates),
    rule("no-matching-distribution", RESOLVER, r"Could not find a matching version of package (?P<p>" + NAME + ")",
         not_found),
    rule("conflict", RESOLVER, r"version solving failed", conflict, last=True),
    rule("manager-broken", BROKEN,
         r"^\s*(?P<exc>[A-Z]\w*(?:Error|Exception))\n\s*\n\s*(?P<msg>.+)\n\s*\n\s*at (?P<path>\S+):\d+ in",
         cleo_crash),
    crashed("poetry", "poetry"),
)
