"""The pieces every rule module shares: the evidence a log offers, a rule, and helpers.

A rule reads only *evidence*: the output of the tools. The lines rodeo writes itself (``$ ``
commands, ``# `` notes, a corpus file's ``#@ `` header) name the requested packages, and a name in
a command is no proof that the package is to blame, so they are kept apart as context.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from rodeo_action.causes.culprit import plausible

MAX_SUMMARY = 120

# Tiers order the rules of every module together: the first tier that explains the log wins.
OVERRIDE = 0      # a manager's message that a shared rule would misread
DISK = 10
NETWORK = 20      # before resolver messages: pip says "no matching distribution" after a refused connection
SYSTEM = 30       # a missing header/library/tool explains the build failure it caused
RESOLVER = 40     # no-matching-distribution, not-packaged, conflict
BUILD = 50
BROKEN = 60       # a traceback in the manager's own code, once nothing above explains it
IMPORT = 70

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# an exception's line: "ValueError: ...", a probe's "mod: OSError: ...", "pkg.errors.LibraryNotFoundError: x"
EXCEPTION_LINE = re.compile(r"^[ \t|]*(?:[A-Za-z_][\w.]*: )?(?:(?:[A-Za-z_]\w*\.)*(?:[A-Za-z_]\w*)?"
                             r"(?:Error|Exception|Exit)\b(?::|$)|(?:[a-z_]\w*\.)+(?:[A-Z]\w*|error): )", re.M)
NAME = r"[A-Za-z0-9][A-Za-z0-9._+-]*"
# the runner's note of the distribution each module of the set was imported for ("cf2cdm (cfgrib), ...")
MODULES_NOTE = "# rodeo: modules imported for the set: "


class Finding(NamedTuple):
    summary: str
    package: str | None = None
    kind: str | None = None     # overrides the rule's kind when the log decides (e.g. name vs version)


@dataclass(frozen=True)
class Evidence:
    """A log split into the tools' output (``text``) and rodeo's own lines (``context``)."""

    text: str
    context: str
    phase: str | None
    manager: str | None

    @classmethod
    def of(cls, log: str, phase: str | None, manager: str | None) -> Evidence:
        out: list[str] = []
        ctx: list[str] = []
        heredoc: str | None = None
        lines = [raw.rstrip("\r") for raw in _ANSI.sub("", log).replace("\r\n", "\n").split("\n")]
        last = {line: i for i, line in enumerate(lines)}    # a heredoc whose end was trimmed away is no heredoc
        for i, line in enumerate(lines):
            if heredoc is not None:        # a file rodeo wrote: its content is rodeo's, not a tool's
                ctx.append(line)
                if line == heredoc:
                    heredoc = None
                continue
            if line.startswith(("$ ", "# ", "#@ ")) or line in ("#", "#@"):
                ctx.append(line)
                here = re.search(r"<<'?(\w+)'?\s*$", line) if line.startswith("$ ") else None
                heredoc = here.group(1) if here and last.get(here.group(1), -1) > i else None
            else:
                out.append(line)
        return cls("\n".join(out), "\n".join(ctx), phase, manager)

    @cached_property
    def exception_windows(self) -> tuple[tuple[int, int], ...]:
        """Where an exception's message can be: each exception's line and the 11 after it, merged. A rule that
        reads only exceptions' messages searches these, not the whole log (its alternatives, tried at every
        position of a long build log, cost more than the rest of the classifier)."""
        windows: list[tuple[int, int]] = []
        for head in EXCEPTION_LINE.finditer(self.text):
            end = head.start()
            for _ in range(12):
                nl = self.text.find("\n", end)
                if nl < 0:
                    end = len(self.text)
                    break
                end = nl + 1
            if windows and head.start() <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
            else:
                windows.append((head.start(), end))
        return tuple(windows)

    @cached_property
    def python_tag(self) -> str | None:
        """``cp311`` for the Python the cell used, from rodeo's notes or the tools' output."""
        for source in (self.context, self.text):
            m = re.search(r"\b(?:with Python |python |Python |py|python)(3)\.(\d{1,2})\b", source)
            if m:
                return f"cp{m.group(1)}{m.group(2)}"
        return None

    def distribution(self, module: str) -> str | None:
        """The distribution rodeo's import probe imported ``module`` for (the runner's note of the probe's
        owners, else the probe's ``$ `` line), else None: the runner, which knows the owners, fills it in then."""
        note = re.search("^" + re.escape(MODULES_NOTE) + "(.*)$", self.context, re.M)
        if note:
            owner = re.search(r"(?:^|, )" + re.escape(module) + r" \(([^)]+)\)", note.group(1))
            if owner:
                return owner.group(1)
        probe = re.search(r'"packages": (\[.*?\]), "only"', self.context)
        if probe:
            entry = r'\{"name": "([^"]+)", "imports": (null|\[[^]]*\])'
            names: list[tuple[str, str]] = re.findall(entry, probe.group(1))
            for name, imports in names:
                if f'"{module}"' in imports or re.sub(r"[-.]", "_", name).lower() == module.lower():
                    return name
            if len(names) == 1:
                return names[0][0]
        return None

    def unwrapped(self) -> Evidence | None:
        """The same evidence with the lines a tool may have wrapped at its terminal's width joined again,
        or None when there are none: a message split mid-phrase must still read as itself."""
        text = unwrap(self.text)
        return None if text == self.text else Evidence(text, self.context, self.phase, self.manager)

    def building(self, before: int | None = None) -> str | None:
        """The package whose build the log shows failing (or last started, before ``before``)."""
        return building(self.text if before is None else self.text[:before])


# A line that starts something of its own (a traceback frame, a compiler's or a tool's message, a box
# drawing, a list item, a step of a build) is never the continuation of the line before it
_STARTS_LINE = re.compile(
    r"(?:File \"|Traceback|[\^~×╰│├─|*•>+=#\[({]|-{2,}|\d+ \||(?i:error|warning|note|hint|cause|help|fatal|info|debug)"
    r"\b|In file included|from \S|\S+:\d+:|[A-Za-z]:\\|[A-Z][A-Z_]{2,}(?:[=:]|[ \t]*$)|Collecting|Downloading|Building|"
    r"Installing|Running|Successfully|Using|Resolv|Prepar|Obtaining|Requirement|checking|configure:|CMake|-- |\$ |"
    r"creating|copying|(?:\S*/)?(?:gcc|g\+\+|cc|c\+\+|x86_64\S*|ld|clang\S*):?\s)")


def unwrap(text: str) -> str:
    """Join each line a tool may have wrapped onto the one before it. uv (miette) and rich consoles wrap
    at the terminal's width word by word, the continuation at the same indentation, so a line may be
    cut anywhere: short ("AttributeError:" before a long path) or after a full stop. Two lines of the
    same indentation are joined unless the second starts something of its own (``_STARTS_LINE``). pipenv
    and pdm print a build's output through rich without a width of their own: an indented line is cut
    after a word at the console's width, its trailing space kept, and goes on at column 0 ("fatal error:
    foo.h: No such file or " / "directory"); such a long line ending in a space is joined to the next
    unindented one too. The classifier reads this only to find a rule that the unjoined text hid."""
    out: list[list[str]] = []     # each output line as its pieces: joined once (joining as it goes is quadratic)
    last_indent = -1
    for line in text.split("\n"):
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        last = out[-1][-1] if out else ""
        same = indent == last_indent
        cut = indent == 0 and len(last) >= _CUT_AT_LEAST and last.endswith(" ")
        if body and last.strip() and (same or cut) and not _STARTS_LINE.match(body):
            out[-1][-1] = last.rstrip()
            out[-1].append(body)
        else:
            out.append([line])
            last_indent = indent
    return "\n".join(" ".join(pieces) for pieces in out)


_CUT_AT_LEAST = 60    # a shorter line ending in a space is no cut: no console is that narrow


# What each manager prints about the package it is building, most specific first.
_FAILED_BUILD = (
    re.compile(r"Failed to build `(?P<p>" + NAME + r")"),                                  # uv
    re.compile(r"Failed to (?:build|download and build|prepare)[^`\n]*`(?P<p>" + NAME + r")"),
    re.compile(r"Failed building wheel for (?P<p>" + NAME + ")"),                          # pip
    re.compile(r"Building wheel for (?P<p>" + NAME + r") \([^)]*\)(?:: finished with status 'error'| did not run)"),
    re.compile(r"Failed to build installable wheels for some pyproject\.toml based projects \((?P<p>" + NAME + r")"),
    re.compile(r"Encountered error while generating package metadata\.\s*\n\s*╰─> (?P<p>" + NAME + r")"),   # pip
    re.compile(r"one of the following issues with (?P<p>" + NAME + r") \("),               # poetry
    re.compile(r"Installing (?P<p>" + NAME + r") \([^)]*\): Failed"),                       # poetry
    re.compile(r"Failed to build (?P<p>" + NAME + r")(?: |$)", re.M),                       # pdm, pip
    re.compile(r"Failed to build '(?P<p>" + NAME + r")' when"),                              # pip 25
    re.compile(r"✖ Install (?P<p>" + NAME + r") \S+ failed"),                               # pdm
    re.compile(r"builder for '/nix/store/[a-z0-9]{32}-(?P<p>[^']+?)\.drv' failed"),         # nix
    re.compile(r"Error: (?P<p>" + NAME + r")-[0-9][^ ]* build failed", re.I),               # spack-ish
)
_STARTED_BUILD = re.compile(
    r"(?:Collecting|Processing|Building wheel for|Building|Preparing metadata for|Downloading|Using cached)"
    r" (?:\S*/)?(?P<p>[A-Za-z][A-Za-z0-9._-]*?)(?:-\d[^ /]*\.(?:tar\.gz|zip|whl)|[=<>!~ (@\[]|$)", re.M)

# what follows "Building" in a build's own prose ("Building without Cython.", "Building wheels for collected
# packages"), never a distribution that started building
_PROSE = frozenset(("without", "against", "using", "wheels", "extension", "extensions", "module", "modules", "docs",
                    "sources", "cython", "c", "cpp", "ext", "lib", "library", "libraries", "bundled", "static",
                    "shared", "wheel"))

# setuptools' egg_info step names the project it builds ("writing src/greenlet.egg-info/PKG-INFO"): all a
# log may keep of the name when its head, where the manager said what it was building, was cut
_EGG_INFO = re.compile(r"^\s*writing (?:\S*/)?(?P<p>[A-Za-z][A-Za-z0-9._]*)\.egg-info/PKG-INFO$", re.M)


def building(text: str) -> str | None:
    """The first build the log shows failing (a nested build fails before the one that needed it: pip's
    "Failed to build 'pygobject' when installing build dependencies" follows pycairo's failure), else
    the last build it shows starting, else the last project setuptools wrote metadata for."""
    failed = [(m.start(), pattern, m) for pattern in _FAILED_BUILD   # maturin: "Failed to build a native library"
              for m in [next((x for x in pattern.finditer(text) if plausible(x.group("p"))), None)] if m]
    if failed:
        _, pattern, m = min(failed, key=lambda f: f[0])
        return nix_name(m.group("p")) if pattern.pattern.startswith("builder") else m.group("p")
    found = None
    for m in _STARTED_BUILD.finditer(text):
        if plausible(m.group("p")) and m.group("p").lower() not in _PROSE:
            found = m.group("p")
    spack = re.findall(r"^==> Installing (" + NAME + r"?)-\d", text, re.M)
    if spack or found:
        return spack[-1] if spack else found
    eggs = _EGG_INFO.findall(text)
    return eggs[-1] if eggs else None


def first(m: re.Match[str], base: str) -> str:
    """The first non-empty group among the alternatives ``base``, ``base2``, ``base3``…"""
    for key, value in m.groupdict().items():
        if value and re.fullmatch(re.escape(base) + r"\d*", key):
            return value
    return ""


def nix_name(drv: str) -> str:
    """``python3.11-shapely-1.8.0`` -> ``shapely``: the store name without interpreter and version."""
    name = re.sub(r"^python3\.?\d*-", "", drv)
    return re.sub(r"-\d[^-]*$", "", name) or drv


def strip_spec(req: str) -> str:
    """The bare project name of ``numpy ==1.0``, ``numpy[version='>=2']`` or ``numpy=1.0``."""
    m = re.match(NAME, req.strip().strip("'\"`"))
    name = m.group(0) if m else req.strip()
    return re.split(r"[=<>!~\[]", name)[0].rstrip(".")


def clip(text: str, limit: int = MAX_SUMMARY) -> str:
    """One line of at most ``limit`` characters, never empty."""
    text = " ".join(text.split())
    if not text:
        return "no output"
    return text if len(text) <= limit else text[: limit - 1] + "…"


Explain = Callable[[re.Match[str], Evidence], Finding | None]


@dataclass(frozen=True)
class Rule:
    """When ``pattern`` is found in the evidence, ``explain`` says why (None: not this rule after all)."""

    kind: str
    tier: int
    pattern: re.Pattern[str]
    explain: Explain
    phases: frozenset[str] = field(default_factory=frozenset)   # empty: any phase
    last: bool = False    # use the last match (resolver messages repeat; the final one is the verdict)
    once: bool = False    # ``explain`` reads every later match itself: call it on the first one only
    in_exceptions: bool = False   # ``explain`` accepts a match only in an exception's message: search only there

    def finditer(self, ev: Evidence) -> Iterator[re.Match[str]]:
        if not self.in_exceptions:
            yield from self.pattern.finditer(ev.text)
            return
        for start, end in ev.exception_windows:     # lookbehinds, ^ and \b still see the whole text
            yield from self.pattern.finditer(ev.text, start, end)

    def match(self, ev: Evidence) -> re.Match[str] | None:
        if self.phases and ev.phase not in self.phases:
            return None
        if not self.last:
            return next(self.finditer(ev), None)
        matches = list(self.finditer(ev))
        return matches[-1] if matches else None

    def explained(self, ev: Evidence, tries: int = 40) -> tuple[re.Match[str], Finding] | None:
        """The first match (the last, for a ``last`` rule) that ``explain`` accepts, with its finding: a match
        the rule turns down (a probe's header, a Python name) must not hide a later one of the same pattern."""
        if self.phases and ev.phase not in self.phases:
            return None
        matches: Iterable[re.Match[str]] = self.finditer(ev)
        if self.last:
            matches = reversed(list(matches))
        for m in itertools.islice(matches, 1 if self.once else tries):
            found = self.explain(m, ev)
            if found is not None:
                return m, found
        return None


def rule(kind: str, tier: int, pattern: str, explain: Explain, *, flags: int = re.M,
         phases: tuple[str, ...] = (), last: bool = False, once: bool = False, in_exceptions: bool = False) -> Rule:
    return Rule(kind, tier, re.compile(pattern, flags), explain, frozenset(phases), last, once, in_exceptions)


_INFORMATIVE = re.compile(r"\b(?:error|failed|failure|cannot|can't|could not|unable|not found|exception|"
                          r"denied|missing|conflict)\b", re.I)
_NOISE = re.compile(r"^(?:WARNING: Add '-v'|See .* for detailed debug log|note: This (?:error|is an issue)|"
                    r"hint: |╰─> See above)", re.I)


def informative_line(text: str) -> str:
    """The last line that reads like an error, else the last non-empty line."""
    lines = [ln.strip() for ln in text.splitlines()
             if ln.strip() and not ln.startswith(("$ ", "# ", "#@ ")) and not _NOISE.match(ln.strip())]
    for line in reversed(lines):
        if _INFORMATIVE.search(line) and not line.startswith(("File ", "^", "~")):
            return line
    return lines[-1] if lines else "the log is empty"


_TRACEBACK = re.compile(r"Traceback \(most recent call last\):\n(?P<body>(?:[ \t|].*\n|\S[^\n]*\n(?=[ \t]))*)"
                        r"(?P<exc>[^\n]*)")


def crashed(manager: str, *modules: str) -> Rule:
    """A Python traceback whose frames run through the manager's own package: the manager is broken."""
    inside = re.compile(r"(?:site-packages|lib/python3[\d.]*|lib/spack)/(?:" + "|".join(map(re.escape, modules))
                        + r")/")

    def explain(m: re.Match[str], ev: Evidence) -> Finding | None:
        frames = m.group("body").replace("\n", "")
        if not inside.search(frames):
            return None
        exc = m.group("exc").strip() or "a Python traceback"
        return Finding(f"{manager} crashed in its own code: {exc}", manager)

    return Rule("manager-broken", BROKEN, _TRACEBACK, explain, last=True)


def requirement_kind(spec: str) -> str:
    """A name alone that does not exist is not packaged; a name with a version that does not is no match."""
    spec = re.sub(r"\s*=?\*", "", spec.strip().rstrip("."))      # libmamba's "name =* *": no version asked
    return "no-matching-distribution" if re.search(r"[=<>!~@]|\s\d", spec) else "not-packaged"
