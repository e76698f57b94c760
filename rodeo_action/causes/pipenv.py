"""pipenv locks with pip's resolver (pip's rules apply); its own words are about installing the lock."""

from __future__ import annotations

import re

from rodeo_action.causes.base import BUILD, NAME, RESOLVER, Evidence, Finding, Rule, crashed, first, rule
from rodeo_action.causes.culprit import plausible

_INSTALLING = re.compile(r"^(?:Installing (?P<p>" + NAME + r"?)\.\.\.$|Upgrading (?P<p2>" + NAME + r") in |"
                         r"(?:\[INFO\] )?Collecting (?P<p3>" + NAME + r"?)(?:[ =<>!~\[(]|$))", re.M)


def metadata(m: re.Match[str], ev: Evidence) -> Finding:
    """pipenv's own "Metadata generation failed for a package" (pipenv/utils/resolver.py) replaces pip's build
    output: a build failed, pipenv does not say why; the package is the one it was installing."""
    installing = [first(x, "p") for x in _INSTALLING.finditer(ev.text, 0, m.start())]
    pkg = next((p for p in (*reversed(installing), ev.building()) if plausible(p, ev.text, ev.context)), None)
    return Finding(f"building {pkg or 'a package'} from source failed (pipenv shows no build output; "
                   "`pipenv lock --verbose` does)", pkg)


def python(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"pipenv cannot find Python {m.group('v')} here", "python")


RULES: tuple[Rule, ...] = (
    rule("no-matching-distribution", RESOLVER,
         r"Python (?P<v>[\d.]+) was not found on your system", python),
    rule("build-failed", BUILD, r"Metadata generation failed for a package", metadata),
    # pipenv/exceptions.py's ResolutionFailure and DependencyConflict: after pip's own words (a missing
    # version, a build) that pipenv wraps the same way, so a tier past the build rules
    rule("conflict", BUILD + 5,
         r"Your dependencies could not be resolved\. You likely have a mismatch in your sub-dependencies|"
         r"A dependency conflict was detected and could not be resolved",
         lambda m, ev: Finding("conflict: pipenv could not resolve the dependencies (a mismatch in sub-dependencies)")),
    crashed("pipenv", "pipenv"),
)
