"""spack: ``==> Error: Package 'X' not found``, concretizer conflicts, failed installs."""

from __future__ import annotations

import re

from rodeo_action.causes.base import BUILD, NAME, NETWORK, RESOLVER, Evidence, Finding, Rule, crashed, rule, strip_spec
from rodeo_action.causes.shared import NETWORK_PATTERN


def unknown_pkg(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"spack has no package {m.group('p')}", m.group("p"))


def no_version(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"spack knows no version of {m.group('p')} satisfying {m.group('v')}", m.group("p"))


def conflict(m: re.Match[str], ev: Evidence) -> Finding:
    rest = ev.text[m.start():m.start() + 2000]
    why = re.search(r"Cannot satisfy [^\n]+", rest)
    dep = re.search(r"(?P<p>" + NAME + r") depends on (?P<d>\S+)", rest)
    names = re.findall(r"\b(" + NAME + r")@", rest)
    culprit = dep.group("p") if dep else (strip_spec(names[0]) if names else None)
    line = why.group(0) if why else rest.splitlines()[0].replace("==> Error: ", "")
    return Finding(f"conflict: {line}" + (f" ({dep.group('p')} depends on {dep.group('d')})" if dep else ""), culprit)


def fetch(m: re.Match[str], ev: Evidence) -> Finding:
    pkg = ev.building()
    return Finding(f"network: spack failed to fetch {m.group('u').rsplit('/', 1)[-1]}", pkg)


# Spack >= 0.23 (spack/spack#45714) lists each URL tried under the stage's error: `    URL: Class: why`
_TRIED = re.compile(r"^[ \t]+(?P<u>(?:https?|ftp|file|s3|gs)://\S+?): (?P<why>[^\n]+)$", re.M)
_STAGE = re.compile(r"spack-stage-(?P<p>" + NAME + r")-[0-9][^-\s]*-[a-z0-9]{32}$")


def all_fetchers(m: re.Match[str], ev: Evidence) -> Finding:
    """Every fetcher of a source failed: the network when a listed reason says so, else the source is gone."""
    tried = list(_TRIED.finditer(ev.text, m.end(), m.end() + 4000))
    stage = _STAGE.search(m.group("stage"))
    pkg = ev.building() or (stage.group("p") if stage else None)
    what = tried[0].group("u").rsplit("/", 1)[-1] if tried else m.group("stage")
    reasons = " ".join(t.group("why") for t in tried)
    if re.search(NETWORK_PATTERN + r"|urlopen error|URLError|timed out", reasons, re.I):
        return Finding(f"network: spack failed to fetch {what} ({tried[0].group('why')})", pkg)
    return Finding(f"spack could not fetch the source {what}" + (f": {reasons}" if reasons else ""), pkg,
                   "build-failed")


def failed(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"spack failed to build {m.group('p')}", m.group("p"))


RULES: tuple[Rule, ...] = (
    rule("network", NETWORK, r"Error: Failed to fetch file from URL: (?P<u>\S+)", fetch),
    rule("network", NETWORK, r"Error: (?:FetchError: )?All fetchers failed for (?P<stage>\S+)", all_fetchers),
    rule("not-packaged", RESOLVER, r"Error: (?:Package|package) '(?P<p>[^']+)' not found", unknown_pkg),
    rule("not-packaged", RESOLVER, r"UnknownPackageError: Package '(?P<p>[^']+)' not found", unknown_pkg),
    rule("no-matching-distribution", RESOLVER, r"No version for '(?P<p>[^']+)' satisfies '(?P<v>[^']+)'", no_version),
    rule("conflict", RESOLVER, r"(?:concretization failed|Cannot satisfy|UnsatisfiableSpecError|"
         r"conflicts with|Cannot select a single \"version\")[^\n]*", conflict),
    rule("build-failed", BUILD, r"Error: (?:Failed to install|Installation of) (?P<p>" + NAME + ")", failed),
    crashed("spack", "spack"),
)
