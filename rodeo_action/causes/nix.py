"""nix (and mach-nix, poetry2nix, uv2nix): evaluation errors name the missing attribute; a failed
build names its derivation, whose store name carries the package.

Two evaluation errors are not about a package at all: a fetch of one of the recipe's own pinned
sources answering 404 (the pin is wrong or gone upstream: rodeo's recipe is broken, whatever the set),
and a missing ``python3XX`` attribute (that nixpkgs has no such interpreter: no package is to blame).
"""

from __future__ import annotations

import re
from functools import cache

from rodeo_action.causes.base import OVERRIDE, RESOLVER, Evidence, Finding, Rule, nix_name, rule

NIX_FAMILY = ("nix", "mach-nix", "poetry2nix", "uv2nix")
# What mach-nix 3.5.0 fetches itself (default.nix, mach_nix/nix/nixpkgs-src.nix): its own pins, not the set's.
MACH_NIX_OWN = ("https://github.com/DavHau/pypi-deps-db/tarball/{rev}", "https://github.com/nixos/nixpkgs/tarball/{rev}")
_PLACEHOLDER = re.compile(r"\{[A-Za-z0-9_-]+\}")
_INTERPRETER = re.compile(r"^python3(?P<minor>\d+)(?P<ft>FreeThreading)?$")


@cache
def pinned_sources() -> re.Pattern[str]:
    """Every URL the nix family's recipes fetch, whatever revision a pin holds (``matrix/managers/*.yml``
    ``pins:``, each ``{key}`` any ref): a log written under an older pin still matches its shape."""
    from rodeo_action.managers.nixfamily import pins

    templates = [v for m in NIX_FAMILY for v in pins(m).values.values() if v.startswith("https://")]
    shapes = ["[^'\\s]+".join(map(re.escape, _PLACEHOLDER.split(t))) for t in [*templates, *MACH_NIX_OWN]]
    return re.compile("|".join(sorted(set(shapes))))


def pin_gone(m: re.Match[str], ev: Evidence) -> Finding | None:
    """A 404 on a source the recipe pins: the recipe is broken (the seed's poetry2nix tag never existed)."""
    url = m.group("u")
    if not pinned_sources().fullmatch(url):
        return None                  # a user's own URL: whatever else the log says explains it
    return Finding(f"pin gone (404): {url.removeprefix('https://')}")


def interpreter(attr: str, manager: str | None) -> Finding | None:
    """``python312`` missing: that nixpkgs has no such Python, which no package of the set can cause."""
    m = _INTERPRETER.match(attr)
    if m is None:
        return None
    version = f"3.{m['minor']}" + ("t" if m["ft"] else "")
    if manager == "mach-nix":
        from rodeo_action.managers import manager_info
        from rodeo_action.managers.nixfamily import pins

        provides = manager_info("mach-nix").pythons
        label = pins("mach-nix").label("mach-nix") or "mach-nix"
        span = f"{provides[0]} to {provides[-1]}" if provides else "older ones"
        return Finding(f"{label} cannot provide Python {version}: its nixpkgs (2022) has no {attr}; "
                       f"it provides Python {span}")
    return Finding(f"the pinned nixpkgs has no {attr}: it cannot provide Python {version}")


def missing_attr(m: re.Match[str], ev: Evidence) -> Finding:
    attr = m.group("a")
    return interpreter(attr, ev.manager) or Finding(f"nixpkgs has no attribute {attr}", attr.rsplit(".", 1)[-1])


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
    rule("manager-broken", OVERRIDE, r"unable to download '(?P<u>[^']+)': HTTP error 404", pin_gone),
    rule("manager-broken", OVERRIDE, r"error: syntax error, unexpected[^\n]*",
         lambda m, ev: Finding(f"this nix cannot parse the expression (too old?): {m.group(0)[7:]}")),
    rule("conflict", RESOLVER, r"The requirements which caused the error:\n(?P<reqs>(?:[ \t]+\S.*\n?)+)", mach_nix),
    rule("not-packaged", RESOLVER, r"attribute '(?P<a>[^']+)' missing", missing_attr),
    rule("not-packaged", RESOLVER, r"undefined variable '(?P<a>[^']+)'", missing_attr),
    rule("build-failed", RESOLVER, r"Package ‘(?P<drv>[^’]+)’ in \S+ is marked as (?P<why>broken|insecure)", marked),
    rule("no-matching-distribution", RESOLVER,
         r"Package ‘(?P<drv>[^’]+)’ in \S+ is (?P<why>not available on the requested hostPlatform)", marked),
)
