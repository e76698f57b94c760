"""pixi solves with rattler (resolvo): "No candidates were found for X", and a problem tree of
"cannot be installed because there are no viable options" for a conflict."""

from __future__ import annotations

import re

from rodeo_action.causes import conda
from rodeo_action.causes.base import RESOLVER, Evidence, Finding, Rule, requirement_kind, rule, strip_spec


def no_candidates(m: re.Match[str], ev: Evidence) -> Finding:
    spec = m.group("spec").strip().rstrip(".")
    name = strip_spec(spec)
    bare = spec == name or spec.endswith(" *")
    if bare or requirement_kind(spec) == "not-packaged":
        return Finding(f"the channels have no package {name}", name, "not-packaged")
    return Finding(f"no version of {spec} in the channels", name, "no-matching-distribution")


def conflict(m: re.Match[str], ev: Evidence) -> Finding:
    inline = re.search(r"because of: (?P<spec>[A-Za-z0-9][\w.+-]*)(?: [^ \n]+)? cannot be installed", ev.text)
    if inline:
        need = re.search(r"would require\s*\n\s*[├└]─ (?P<d>[^,\n]+)", ev.text[inline.end():])
        why = f" requires {need.group('d').strip()}" if need else " has no viable option"
        tail = re.search(r"(?:, )?(for which no candidates were found|which conflicts with[^\n]*)",
                         ev.text[inline.end():])
        return Finding(f"conflict: {inline.group('spec')}{why}" + (f" ({tail.group(1)})" if tail else ""),
                       inline.group("spec"))
    return conda.incompatible(m, ev)


RULES: tuple[Rule, ...] = (
    rule("not-packaged", RESOLVER, r"No candidates were found for (?P<spec>[^\n]+?)\.?$", no_candidates),
    rule("conflict", RESOLVER,
         r"The following packages are incompatible|cannot be installed because there are no viable options|"
         r"conflicts with any installable versions previously reported|Cannot solve the request", conflict),
)
