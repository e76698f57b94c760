"""conda, mamba and micromamba: conda's PackagesNotFoundError/UnsatisfiableError and libmamba's
problem tree ("does not exist (perhaps a typo or a missing channel)", "nothing provides …")."""

from __future__ import annotations

import re

from rodeo_action.causes.base import (
    OVERRIDE,
    RESOLVER,
    Evidence,
    Finding,
    Rule,
    crashed,
    requirement_kind,
    rule,
    strip_spec,
)


def missing(m: re.Match[str], ev: Evidence) -> Finding:
    spec = _tidy(m.group("spec").strip().rstrip(";,."))
    name = strip_spec(spec)
    if requirement_kind(spec) == "not-packaged":
        return Finding(f"the channels have no package {name}", name, "not-packaged")
    return Finding(f"no version of {spec} in the channels", name, "no-matching-distribution")


def missing_rule(pattern: str) -> Rule:
    """Not packaged for a bare name, no match for a name with a version (see ``missing``)."""
    return rule("not-packaged", RESOLVER, pattern, missing)


_TREE_ITEM = re.compile(r"^(?P<indent>[ │]*)[├└]─ (?P<spec>[A-Za-z0-9][\w.+-]*(?: [^ \n]+?)*?) "
                        r"(?P<rest>(?:is|does|cannot|would|, )[^\n]*)$", re.M)
_CHILD = re.compile(r"^[ │]*[├└]─ (?P<spec>[A-Za-z0-9][\w.+-]*(?: [^ ,\n]+?)*?) ?,", re.M)


def incompatible(m: re.Match[str], ev: Evidence) -> Finding:
    """libmamba's and rattler's problem tree: the top-level item that *requires* something is the culprit."""
    items = list(_TREE_ITEM.finditer(ev.text, m.start()))
    if not items:
        return Finding("conflict: the requested packages are incompatible")
    top = min(len(x.group("indent")) for x in items)
    tops = [x for x in items if len(x.group("indent")) == top]
    culprit = next((x for x in tops if "requires" in x.group("rest")), None) or next(
        (x for x in tops if "no viable options" in x.group("rest")), tops[0])
    child = _CHILD.search(ev.text, culprit.end())
    needs = f" requires {_tidy(child.group('spec'))}" if child else ""
    others = [_tidy(x.group("spec")) for x in tops if x is not culprit and "requested" not in x.group("rest")]
    text = f"conflict: {_tidy(culprit.group('spec'))}{needs}" + (f" vs {', '.join(others)}" if others else "")
    return Finding(text, strip_spec(culprit.group("spec")))


def _tidy(spec: str) -> str:
    return re.sub(r"\s+\*$|\s*=\*", "", spec).strip()


_CONFLICTS_FOR = re.compile(r"^Package (?P<p>\S+) conflicts for:\n(?P<lines>(?:.+\n?)+?)(?:\n|$)", re.M)
_SPEC_LINE = re.compile(r"^\s*-\s*(?P<spec>\S+)", re.M)


def unsatisfiable(m: re.Match[str], ev: Evidence) -> Finding:
    rest = ev.text[m.end():]
    if m.group("python"):
        spec = _SPEC_LINE.search(rest)
        your = re.search(r"Your python: (?P<v>\S+)", rest)
        name = strip_spec(spec.group("spec")) if spec else None
        return Finding(f"{name or 'a package'} has no build for {your.group('v') if your else 'this Python'}", name)
    conflicts = _CONFLICTS_FOR.search(rest)
    specs = [x.group("spec") for x in _SPEC_LINE.finditer(rest[:800])]
    if conflicts:
        lines = [" ".join(ln.split()) for ln in conflicts.group("lines").splitlines()[:2]]
        return Finding(f"conflict over {conflicts.group('p')}: " + "; ".join(lines),
                       strip_spec(specs[0]) if specs else conflicts.group("p"))
    return Finding("conflict: " + (" vs ".join(specs[:3]) or "incompatible specifications"),
                   strip_spec(specs[0]) if specs else None)


def needed_by(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"nothing provides {m.group('dep')} needed by {m.group('by')}", strip_spec(m.group("by")))


def corrupt_cache(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"the package cache is corrupt ({m.group('f').rsplit('/pkgs/', 1)[-1]} is missing); clean it")


def report(m: re.Match[str], ev: Evidence) -> Finding:
    exc = re.search(r"^\s*(\w+(?:Error|Exception): .+)$", ev.text[m.end():], re.M)
    return Finding("conda crashed in its own code" + (f": {exc.group(1)}" if exc else ""), "conda")


RULES: tuple[Rule, ...] = (
    rule("manager-broken", OVERRIDE, r"An unexpected error has occurred\. Conda has prepared", report),
    rule("manager-broken", OVERRIDE, r"Invalid package cache, file '(?P<f>[^']+)' is missing", corrupt_cache),
    missing_rule(r"PackagesNotFoundError: The following packages are (?:not available from current channels|"
                 r"missing from the target environment):\s*(?:\n\s*)*-\s*(?P<spec>[^\n]+)"),
    missing_rule(r"ResolvePackageNotFound:\s*(?:\n\s*)*-\s*(?P<spec>[^\n]+)"),
    missing_rule(r"(?:^|─ )(?P<spec>[A-Za-z0-9][\w.+-]*(?: [^ \n]+)*?) does not exist \(perhaps a typo or a missing"
                 r" channel\)"),
    missing_rule(r"nothing provides requested (?P<spec>[^\n]+)"),
    rule("no-matching-distribution", RESOLVER,
         r"nothing provides (?P<dep>\S+(?: [^ \n]+)?) needed by (?P<by>\S+)", needed_by),
    rule("no-matching-distribution", RESOLVER,
         r"UnsatisfiableError: The following specifications were found\s+to be incompatible with "
         r"(?P<python>the existing python installation)", unsatisfiable),
    rule("conflict", RESOLVER,
         r"UnsatisfiableError: The following specifications were found\s+to be incompatible with each other"
         r"(?P<python>)?", unsatisfiable),
    rule("conflict", RESOLVER, r"The following packages are incompatible", incompatible),
    rule("conflict", RESOLVER, r"Could not solve for environment specs", incompatible),
    crashed("conda", "conda", "conda_libmamba_solver", "mamba"),
)
