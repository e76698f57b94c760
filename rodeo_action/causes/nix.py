"""nix (and mach-nix, poetry2nix, uv2nix): evaluation errors name the missing attribute; a failed
build names its derivation, whose store name carries the package."""

from __future__ import annotations

import re

from rodeo_action.causes.base import OVERRIDE, RESOLVER, Evidence, Finding, Rule, nix_name, rule


def missing_attr(m: re.Match[str], ev: Evidence) -> Finding:
    attr = m.group("a")
    return Finding(f"nixpkgs has no attribute {attr}", attr.rsplit(".", 1)[-1])


def mach_nix(m: re.Match[str], ev: Evidence) -> Finding:
    """mach-nix's resolver: one requirement alone is not in its DB; several are a conflict."""
    reqs = [" ".join(r.split()) for r in m.group("reqs").splitlines() if r.strip()]
    parent = next((p.group(1) for r in reqs if (p := re.search(r"parent: ([^:\s]+)", r))), None)
    if len(reqs) == 1:
        name = re.split(r"[=<>!~ ]", reqs[0])[0]
        return Finding(f"mach-nix's PyPI database has no {reqs[0]}", name, "no-matching-distribution")
    first = re.split(r"[=<>!~ ]", reqs[0])[0]
    return Finding("conflict: " + "; ".join(reqs), parent or first)


def daemon(m: re.Match[str], ev: Evidence) -> Finding:
    return Finding(f"nix cannot reach its daemon ({m.group('s')})", "nix")


def marked(m: re.Match[str], ev: Evidence) -> Finding:
    name = nix_name(m.group("drv"))
    return Finding(f"nixpkgs marks {m.group('drv')} as {m.group('why')}", name)


RULES: tuple[Rule, ...] = (
    rule("manager-broken", OVERRIDE, r"cannot connect to socket at '(?P<s>[^']+)'", daemon),
    rule("manager-broken", OVERRIDE, r"error: syntax error, unexpected[^\n]*",
         lambda m, ev: Finding(f"this nix cannot parse the expression (too old?): {m.group(0)[7:]}")),
    rule("conflict", RESOLVER, r"The requirements which caused the error:\n(?P<reqs>(?:[ \t]+\S.*\n?)+)", mach_nix),
    rule("not-packaged", RESOLVER, r"attribute '(?P<a>[^']+)' missing", missing_attr),
    rule("not-packaged", RESOLVER, r"undefined variable '(?P<a>[^']+)'", missing_attr),
    rule("build-failed", RESOLVER, r"Package ‘(?P<drv>[^’]+)’ in \S+ is marked as (?P<why>broken|insecure)", marked),
    rule("no-matching-distribution", RESOLVER,
         r"Package ‘(?P<drv>[^’]+)’ in \S+ is (?P<why>not available on the requested hostPlatform)", marked),
)
