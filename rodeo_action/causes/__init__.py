"""Why a cell failed: classify a log into ``Cause(kind, package, summary)``.

Shared rules cover what every manager prints (resolver messages from pip's family, compilers,
``ImportError: libX.so``, DNS/TLS/HTTP errors, a full disk). The first rule that matches, in
order of specificity, wins; when none does the cause is ``unknown`` with the most informative
line of the log, never empty.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rodeo_action.results import Cause

MAX_SUMMARY = 120


@dataclass(frozen=True)
class Rule:
    kind: str
    pattern: re.Pattern[str]
    summary: Callable[[re.Match[str]], str]
    package: Callable[[re.Match[str]], str | None] = lambda m: None
    phases: tuple[str, ...] = ()       # empty: any phase


def _g(name: str) -> Callable[[re.Match[str]], str | None]:
    return lambda m: m.group(name) if m.group(name) else None


RULES: tuple[Rule, ...] = (
    Rule("disk-full", re.compile(r"No space left on device|\[Errno 28\]|Disk quota exceeded"),
         lambda m: "the disk is full (No space left on device)"),
    Rule("network", re.compile(
        r"(?:Temporary failure in name resolution|Name or service not known|nodename nor servname"
        r"|Failed to establish a new connection|Connection refused|Connection reset by peer"
        r"|Could not resolve host|dns error|failed to lookup address|tcp connect error"
        r"|ConnectTimeoutError|Read timed out|SSLError|CERTIFICATE_VERIFY_FAILED|Network is unreachable"
        r"|HTTP status server error \(5\d\d|Failed to fetch)[^\n]*"),
         lambda m: "network: " + m.group(0).strip()),
    Rule("no-matching-distribution", re.compile(
        r"No matching distribution found for (?P<pkg>[A-Za-z0-9._-]+)(?P<spec>[^\n]*)"),
         lambda m: f"no version of {m.group('pkg')}{m.group('spec').strip()} fits this Python/platform",
         _g("pkg")),
    Rule("no-matching-distribution", re.compile(
        r"Because there (?:is|are) no versions? of (?P<pkg>[A-Za-z0-9._-]+)(?P<spec>[^\n,]*)"),
         lambda m: f"no version of {m.group('pkg')}{m.group('spec').strip()} exists for this Python/platform",
         _g("pkg")),
    Rule("no-matching-distribution", re.compile(
        r"Because (?P<pkg>[A-Za-z0-9._-]+)(?P<spec>[^\n]*?) has no wheels? with a matching (?P<what>[^\n]*)"),
         lambda m: f"no wheel of {m.group('pkg')} for this {m.group('what').strip()}", _g("pkg")),
    Rule("conflict", re.compile(
        r"(?:Cannot install|conflict is caused by|ResolutionImpossible|No solution found when resolving"
        r"|version solving failed|Unable to find a resolution|Could not find a version that matches)[^\n]*"),
         lambda m: "no consistent set of versions: " + m.group(0).strip()),
    Rule("not-packaged", re.compile(r"E: Unable to locate package (?P<pkg>\S+)"),
         lambda m: f"apt has no package {m.group('pkg')}", _g("pkg")),
    Rule("missing-system-library", re.compile(
        r"(?P<lib>lib[A-Za-z0-9_+.-]+\.so[.0-9]*): cannot open shared object file"),
         lambda m: f"needs the system library {m.group('lib')}"),
    Rule("missing-system-library", re.compile(
        r"fatal error: (?P<hdr>[A-Za-z0-9_./+-]+\.h): No such file or directory"),
         lambda m: f"a build needs the header {m.group('hdr')} (install its -dev package)"),
    Rule("missing-system-library", re.compile(r"cannot find -l(?P<lib>[A-Za-z0-9_+.-]+)"),
         lambda m: f"the linker cannot find the library lib{m.group('lib')}"),
    Rule("missing-system-library", re.compile(
        r"(?P<tool>[A-Za-z0-9_.+-]+(?:-config)?): (?:command )?not found"),
         lambda m: f"a build needs the tool {m.group('tool')}", phases=("install",)),
    Rule("build-failed", re.compile(
        r"(?:Failed to build|Failed building wheel for|error: subprocess-exited-with-error|Build backend failed)"
        r"[^\n]*?(?P<pkg>[A-Za-z0-9._-]+)?(?:\n|$)"),
         lambda m: "building from source failed" + (f": {m.group('pkg')}" if m.group("pkg") else "")),
    Rule("import-error", re.compile(
        r"(?P<exc>ModuleNotFoundError|ImportError): (?P<msg>[^\n]+)"),
         lambda m: f"{m.group('exc')}: {m.group('msg')}", phases=("import",)),
)

_INFORMATIVE = re.compile(r"\b(?:error|failed|failure|cannot|could not|unable|not found|exception)\b", re.I)


def informative_line(log: str) -> str:
    """The last line that reads like an error, else the last non-empty line."""
    lines = [ln.strip() for ln in log.splitlines() if ln.strip() and not ln.startswith("$ ")]
    for line in reversed(lines):
        if _INFORMATIVE.search(line):
            return line
    return lines[-1] if lines else "no output"


def clip(text: str, limit: int = MAX_SUMMARY) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def classify(log: str, phase: str | None, manager: str | None = None, returncode: int | None = None) -> Cause:
    """The root cause of a failed phase, from its log."""
    if returncode is not None and returncode < 0:
        return Cause("killed", clip(f"killed by signal {-returncode} during {phase}"), None)
    for rule in RULES:
        if rule.phases and phase not in rule.phases:
            continue
        match = rule.pattern.search(log)
        if match:
            return Cause(rule.kind, clip(rule.summary(match)), rule.package(match))
    if phase == "test":
        return Cause("test-failed", clip(informative_line(log)), None)
    return Cause("unknown", clip(informative_line(log)), None)
