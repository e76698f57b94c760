"""uv's resolver (pubgrub) explains itself in "Because …" sentences; the first sentence names the culprit."""

from __future__ import annotations

import re

from rodeo_action.causes.base import BROKEN, NAME, RESOLVER, Evidence, Finding, first, rule, strip_spec
from rodeo_action.causes.culprit import Constraint, canonical, constraint, contested


def not_found(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"no project named {m.group('p')} on the index", m.group("p"))


def no_version(m: re.Match[str], ev: Evidence) -> Finding:
    req = first(m, "req")
    if m.groupdict().get("req4"):
        req = m.group("req4")
    py = f" for {ev.python_tag}" if ev.python_tag else ""
    only = m.group("avail")
    return Finding(f"no version of {req} on the index{py}" + (f" (only {only})" if only else ""), strip_spec(req))


_HINTS = {"platform": re.compile(r"Wheels are available for `[^`]+` \(v[^)]+\) on the following platforms: (?P<t>.+)"),
          "abi": re.compile(r"wheels for `[^`]+` \(v[^)]+\) with the following Python ABI tags: (?P<t>.+)")}


def no_wheel(m: re.Match[str], ev: Evidence) -> Finding:
    pkg, ver = m.group("p"), m.group("v")
    version = f" {ver[2:]}" if ver.startswith("==") else ver
    what = m.group("what")
    tag = m.group("tag") or (ev.python_tag if "Python" in what else None) or what
    hint = _HINTS["platform" if "platform" in what else "abi"].search(ev.text)
    tags = re.findall(r"`([^`]+)`", hint.group("t")) if hint else []
    only = f" (wheels only for {tags[0]}…{tags[-1]})" if len(tags) > 1 else (
        f" (wheels only for {tags[0]})" if tags else "")
    return Finding(f"no wheel of {pkg}{version} for {tag}{only}", pkg)


def python(m: re.Match[str], ev: Evidence) -> Finding:
    pkg = strip_spec(m.group("p"))
    return Finding(f"{m.group('p')} requires Python{m.group('req')}; this is {m.group('v')}", pkg)


_DEPENDS = re.compile(r"(?:all versions of )?(?P<a>" + NAME + r"[^ ,]*) depends? on "
                      r"(?:one of: (?P<alts>[^ ]+(?: (?!and\b|we\b)[^ ]+)*)|(?P<b>[^ ]+))")
_REQUIRE = re.compile(r"you require (?P<c>[^ ]+)")


def _depends(d: re.Match[str]) -> Constraint | None:
    """One "X depends on Y" (or "on one of: Y<1 Y>2") as a constraint."""
    if not d.group("alts"):
        return constraint(d.group("a"), d.group("b").rstrip(".,"))
    alts = [c for c in (constraint(d.group("a"), r.rstrip(".,")) for r in d.group("alts").split()) if c]
    return Constraint(d.group("a"), alts[0].name, " or ".join(c.spec for c in alts)) if alts else None


def conflict(m: re.Match[str], ev: Evidence) -> Finding:
    """uv's "Because X depends on numpy<2 and you require numpy>=2": the distribution the sentences
    constrain from two sides (numpy), and the sides."""
    text = " ".join(ev.text[m.start():].split())
    found = [_depends(d) for d in _DEPENDS.finditer(text)]
    found += [constraint("you", r.group("c").rstrip(".,")) for r in _REQUIRE.finditer(text)]
    both = contested([c for c in found if c is not None])
    if both:
        return Finding("conflict: " + both[1], both[0])
    dep = _DEPENDS.search(text)
    if dep:
        return Finding(f"conflict: {dep.group('a')} depends on {(dep.group('b') or dep.group('alts')).rstrip('.,')}")
    cause = re.search(r"cause: (?P<c>.+)", ev.text[m.start():])
    return Finding("conflict: " + (cause.group("c") if cause else "no solution found when resolving"))


def unavailable(m: re.Match[str], ev: Evidence) -> Finding | None:
    """pubgrub's one-package dead end: "Because all versions of X have a non-PEP 625-compliant source
    distribution filename and you require X" (uv's UnavailablePackage/UnavailableVersion reasons): no
    other package constrains X, so it is no conflict, whatever the reason uv gives."""
    pkg, wanted = m.group("p"), strip_spec(m.group("r"))
    if canonical(pkg) != canonical(wanted):
        return None
    return Finding(f"{'all versions of ' if m.group('all') else ''}{pkg}{m.group('v') or ''} "
                   f"{m.group('verb')} {' '.join(m.group('why').split())}", pkg)


def yanked(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"{m.group('p')}=={m.group('v')} was yanked and no other version fits", m.group("p"))


def no_platform(m: re.Match[str], ev: Evidence) -> Finding:
    hint = re.search(r"only has wheels for the following platforms: (?P<t>[^;\n]+)", ev.text)
    only = f" (wheels only for {hint.group('t').strip()})" if hint else ""
    return Finding(f"no wheel or sdist of {m.group('p')} {m.group('v')} for this platform{only}", m.group("p"))


# uv's fork marker after a name, as in "kivy-deps-sdl2{sys_platform == 'win32'}"
_MARKER = r"(?:\{[^{}\n]{1,200}\})?"

RULES = (
    rule("no-matching-distribution", RESOLVER,
         r"Because (?P<p>" + NAME + r") was not found in the (?:package registry|provided package locations)",
         not_found),
    rule("no-matching-distribution", RESOLVER,
         r"Because (?:there (?:is no version|are no versions) of (?P<req>[^ ,]+)|only (?P<avail>\S+) (?:is|are) "
         r"available and you require (?P<req2>[^ ,]+)|"
         r"only the following versions of (?P<req3>" + NAME + r") (?:is|are) available:(?P<list>(?:\s+\S+)*?)\s+"
         r"and you require (?P<req4>[^ ,]+))",
         no_version),
    rule("no-matching-distribution", RESOLVER,
         # a universal resolution names a fork's package with its marker: "kivy-deps-sdl2{sys_platform == 'win32'}"
         r"(?:Because |because |and )(?P<p>" + NAME + r"?)" + _MARKER + r"(?P<v>(?:[=<>!~]=?[^ ]+)?) has no wheels "
         r"with a matching "
         r"(?P<what>[^(,\n]+?)(?:\s+\(e\.g\.,\s+`(?P<tag>[^`]+)`\))?(?: and|,|$)", no_wheel, last=True),
    rule("no-matching-distribution", RESOLVER,
         r"(?:current|requested) Python version \((?P<v>[^)]+)\) does not satisfy Python(?P<req>\S+) and "
         r"(?:all (?:of the )?versions of )?(?P<p>" + NAME + r"\S*) depends? on", python),
    rule("no-matching-distribution", RESOLVER,
         r"(?:Because |because |and )(?P<p>" + NAME + r"?)" + _MARKER + r"(?P<v>(?:[=<>!~]=?[^ ]+)?) has no usable "
         r"wheels",
         lambda m, ev: Finding(f"no usable wheel of {m.group('p')}{m.group('v')} (and no build from source)",
                               m.group("p"))),
    rule("no-matching-distribution", RESOLVER,
         r"Because (?P<p>" + NAME + r")==(?P<v>\S+) was yanked \(", yanked),
    rule("no-matching-distribution", RESOLVER,
         r"Distribution `(?P<p>" + NAME + r")==(?P<v>\S+) @ [^`]*` can't be installed because it doesn't\s+have a "
         r"source distribution or wheel for the current platform", no_platform),
    # uv's own errors outside the resolver's sentences (crates/uv-distribution-types, uv-resolver)
    rule("no-matching-distribution", RESOLVER,
         r"Package `(?P<p>" + NAME + r")` was not found in the (?:registry|local index)", not_found),
    rule("no-matching-distribution", RESOLVER,
         r"Package `(?P<p>" + NAME + r")` does not include a compatible wheel for the current platform",
         lambda m, ev: Finding(f"no wheel of {m.group('p')} for this platform", m.group("p"))),
    rule("no-matching-distribution", RESOLVER,
         r"Package `(?P<p>" + NAME + r")` requires Python (?P<req>[^,\n]+), but the target Python version is "
         r"(?P<v>\S+)",
         lambda m, ev: Finding(f"{m.group('p')} requires Python {m.group('req')}; this is {m.group('v')}",
                               m.group("p"))),
    rule("no-matching-distribution", RESOLVER,
         r"Because (?P<all>all (?:of the )?versions of )?(?P<p>" + NAME + r"?)(?P<v>[=<>!~]=?[^ ,]+)? "
         r"(?P<verb>has|have|is|are|was|were) (?P<why>(?:(?!depends? on|\bBecause\b)(?:[^,.()]|\([^()\n]*\)))+?),?\s+"
         r"and\s+you\s+"
         r"require\s+(?P<r>[^ ,]+)", unavailable),
    rule("conflict", RESOLVER, r"No solution found when resolving", conflict),
    rule("manager-broken", BROKEN, r"^(?:thread '[^'\n]*' panicked at|error: uv panicked)[^\n]*",
         lambda m, ev: Finding(f"uv crashed in its own code: {m.group(0).strip()}", "uv")),
)

