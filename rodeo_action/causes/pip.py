"""pip's own messages (pipenv runs pip's resolver and prints the same ones)."""

from __future__ import annotations

import re

from rodeo_action.causes.base import BROKEN, NAME, RESOLVER, Evidence, Finding, crashed, rule, strip_spec
from rodeo_action.causes.culprit import Constraint, constraint, contested

_FROM_VERSIONS = re.compile(r"Could not find a version that satisfies the requirement (?P<req>\S+)"
                            r" \(from versions: (?P<versions>[^)]*)\)")
_IGNORED_PY = re.compile(r"Ignored the following versions that require a different python version: "
                         r"(?P<v>\S+) Requires-Python (?P<req>[^;\n]+)")


def no_match(m: re.Match[str], ev: Evidence) -> Finding:
    req = m.group("req").rstrip(".")
    name = strip_spec(req)
    py = f" for {ev.python_tag}" if ev.python_tag else " for this Python/platform"
    seen = [x for x in _FROM_VERSIONS.finditer(ev.text) if strip_spec(x.group("req")) == name]
    versions = seen[-1].group("versions").split(", ") if seen else []
    if versions == ["none"]:
        return Finding(f"no distribution of {name} on the index (from versions: none)", name)
    ignored = _IGNORED_PY.search(ev.text)
    if ignored:
        return Finding(f"no version of {req}{py}: {ignored.group('v')} requires Python {ignored.group('req')}", name)
    tail = f" (index has {versions[0]} … {versions[-1]})" if len(versions) > 1 else ""
    return Finding(f"no version of {req}{py}{tail}", name)


_CAUSED_BY = re.compile(r"The conflict is caused by:\n(?P<block>(?:[ \t]+\S.*\n?)+)")
_SIDE = re.compile(r"^(?:The user requested (?P<req>\S.*)|(?P<who>" + NAME + r" \S+) depends on (?P<dep>\S.*))$")


def sides(lines: list[str]) -> list[Constraint]:
    """pip's "The conflict is caused by:" lines as constraints: who needs what."""
    found: list[Constraint] = []
    for line in lines:
        m = _SIDE.match(line)
        if m is None:
            continue
        said = constraint("you", m.group("req")) if m.group("req") else constraint(m.group("who"), m.group("dep"))
        if said:
            found.append(said)
    return found


def conflict(m: re.Match[str], ev: Evidence) -> Finding:
    """The distribution pip's requirements disagree on, and both sides; pip's "Cannot install A and B"
    alone (hatch shows no more) does not say which, so it names none."""
    block = _CAUSED_BY.search(ev.text)
    if block:
        lines = [" ".join(ln.split()) for ln in block.group("block").splitlines() if ln.strip()]
        both = contested(sides(lines))
        if both:
            return Finding("conflict: " + both[1], both[0])
        lines = [re.sub(r"^The user requested ", "you require ", ln) for ln in lines]
        return Finding("conflict: " + "; ".join(lines))
    return Finding("conflict: cannot install " + (m.group("what") or "these requirements") + " together")


def python_mismatch(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"{m.group('p')} requires Python {m.group('req')}; this is {m.group('v')}", strip_spec(m.group("p")))


RULES = (
    rule("no-matching-distribution", RESOLVER,
         r"Package '(?P<p>[^']+)' requires a different Python: (?P<v>\S+) not in '(?P<req>[^']+)'", python_mismatch),
    rule("no-matching-distribution", RESOLVER, r"No matching distribution found for (?P<req>\S+)", no_match),
    rule("conflict", RESOLVER,
         r"Cannot install (?P<what>.+?) because these package versions have conflicting dependencies", conflict),
    rule("conflict", RESOLVER, r"ResolutionImpossible(?P<what>)|The conflict is caused by:(?P<what2>)", conflict),
    rule("no-matching-distribution", RESOLVER,
         r"Could not find a version that satisfies the requirement (?P<req>\S+)", no_match),
    # a wheel file for another interpreter or platform, named directly
    rule("no-matching-distribution", RESOLVER,
         r"ERROR: (?P<p>[A-Za-z0-9][A-Za-z0-9._]*)-(?P<v>[^-\s]+)-[^\s]*\.whl is not a supported wheel "
         r"on this platform",
         lambda m, ev: Finding(f"the wheel of {m.group('p')} {m.group('v')} is not for this Python/platform",
                               m.group("p"))),
    # pip itself absent from the environment it was to run in
    rule("manager-broken", BROKEN, r"No module named '?pip'?$|No module named pip\b",
         lambda m, ev: Finding("pip is not installed in the environment it was run with (No module named pip)", "pip"),
         phases=("setup", "create", "install")),
    crashed("pip", "pip"),
)
