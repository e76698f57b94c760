"""apt: ``E: Unable to locate package X``, held/unmet dependencies, and apt unable to run at all."""

from __future__ import annotations

import re

from rodeo_action.causes.base import OVERRIDE, RESOLVER, Evidence, Finding, Rule, rule

_MISSING = re.compile(r"E: Unable to locate package (\S+)|E: Package '([^']+)' has no installation candidate|"
                      r"E: Couldn't find any package by (?:glob|regex) '([^']+)'")


def not_found(m: re.Match[str], ev: Evidence) -> Finding:
    """Every package apt could not find is named (it reports each on its own line); the first is the
    cause's package, so the culprit stays the same whatever else is missing."""
    names = list(dict.fromkeys(a or b or c for a, b, c in _MISSING.findall(ev.text))) or [m.group("p")]
    return Finding(f"apt has no package {', '.join(names)}", m.group("p"))


def no_version(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"apt has no version {m.group('v')} of {m.group('p')}", m.group("p"))


def unmet(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"conflict: {m.group('p')} {m.group('rel')}: {m.group('d').strip()}", m.group("p"))


def locked(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"apt cannot run: {m.group(0).replace('E: ', '')}", "apt")


RULES: tuple[Rule, ...] = (
    rule("manager-broken", OVERRIDE,
         r"E: Could not (?:get lock|open lock file)[^\n]*|E: Unable to acquire the dpkg frontend lock[^\n]*|"
         r"E: dpkg was interrupted[^\n]*|E: This command can only be used by root[^\n]*|"
         r"E: Unable to lock the administration directory[^\n]*", locked),
    rule("not-packaged", RESOLVER, r"E: Couldn't find any package by (?:glob|regex) '(?P<p>[^']+)'", not_found),
    rule("not-packaged", RESOLVER, r"E: Unable to locate package (?P<p>\S+)", not_found),
    rule("not-packaged", RESOLVER, r"E: Package '(?P<p>[^']+)' has no installation candidate", not_found),
    rule("no-matching-distribution", RESOLVER, r"E: Version '(?P<v>[^']+)' for '(?P<p>[^']+)' was not found",
         no_version),
    rule("conflict", RESOLVER,
         r"following packages have unmet dependencies:\s*\n\s*(?P<p>\S+) : "
         r"(?P<rel>Depends|Breaks|Conflicts|PreDepends):(?P<d>[^\n]+)", unmet),
)
