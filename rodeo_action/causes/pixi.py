"""pixi solves with rattler (resolvo): "No candidates were found for X", and a problem tree of
"cannot be installed because there are no viable options" for a conflict."""

from __future__ import annotations

import re

from rodeo_action.causes.base import RESOLVER, Evidence, Finding, Rule, requirement_kind, rule, strip_spec


def no_candidates(m: re.Match[str], ev: Evidence) -> Finding:
    spec = m.group("spec").strip().rstrip(".")
    name = strip_spec(spec)
    bare = spec == name or spec.endswith(" *")
    if bare or requirement_kind(spec) == "not-packaged":
        return Finding(f"the channels have no package {name}", name, "not-packaged")
    return Finding(f"no version of {spec} in the channels", name, "no-matching-distribution")


_TOP = re.compile(r"^[├└]─ (?P<spec>\S+(?: [^ ,]+)?) ", re.M)


def conflict(m: re.Match[str], ev: Evidence) -> Finding:
    tops = [x.group("spec") for x in _TOP.finditer(ev.text, m.start())]
    culprit = strip_spec(tops[0]) if tops else None
    return Finding("conflict: " + (" vs ".join(dict.fromkeys(tops[:3])) if tops else "no consistent set of versions"),
                   culprit)


RULES: tuple[Rule, ...] = (
    rule("not-packaged", RESOLVER, r"No candidates were found for (?P<spec>[^\n]+?)\.?$", no_candidates),
    rule("conflict", RESOLVER,
         r"The following packages are incompatible|cannot be installed because there are no viable options|"
         r"conflicts with any installable versions previously reported|Cannot solve the request", conflict),
)
