"""Why a cell failed: classify a log into ``Cause(kind, package, summary)``.

Each manager module knows its own messages; ``shared`` knows what every manager's log can show
(compilers, linkers, the loader, the network, a full disk). All rules carry a tier, and the rules
of the cell's manager (and of the tools it runs inside, e.g. pip inside pipenv) are tried with the
shared ones in tier order: a refused connection explains pip's later "no matching distribution",
a missing header explains the build failure it caused. No match: ``unknown`` with the most
informative line of the log, never empty.
"""

from __future__ import annotations

import re

from rodeo_action.causes import apt, conda, hatch, indexnote, nix, pdm, pip, pipenv, pixi, poetry, shared, spack, uv
from rodeo_action.causes.base import MAX_SUMMARY, Evidence, Finding, Rule, clip, crashed, informative_line
from rodeo_action.causes.culprit import plausible
from rodeo_action.managers.registry import MODULES, RuleSet
from rodeo_action.results import Cause

# Each rule set by the name the manager registry gives it (one module each here)
RULE_SETS: dict[RuleSet, tuple[Rule, ...]] = {
    "pip": pip.RULES, "uv": uv.RULES, "poetry": poetry.RULES, "pdm": pdm.RULES, "pipenv": pipenv.RULES,
    "hatch": hatch.RULES, "conda": conda.RULES, "pixi": pixi.RULES, "nix": nix.RULES, "spack": spack.RULES,
    "apt": apt.RULES,
}
# One entry per manager, from the registry: its own rules, then those of the tools it drives.
MANAGER_RULES: dict[str, tuple[Rule, ...]] = {
    name: tuple(rule for ruleset in registration.log_rules for rule in RULE_SETS[ruleset])
    for name, registration in MODULES.items()
}
ALL_RULES: tuple[Rule, ...] = tuple(dict.fromkeys(r for rules in MANAGER_RULES.values() for r in rules))


def _ordered(manager: str | None) -> tuple[Rule, ...]:
    own = MANAGER_RULES.get(manager or "", ALL_RULES)
    if manager and manager not in MANAGER_RULES:
        own = ALL_RULES
    return tuple(sorted(own + shared.RULES, key=lambda r: r.tier))   # stable: a manager's rule first


_ORDER = {m: _ordered(m) for m in MANAGER_RULES}
_ANY = _ordered(None)

# The words of a ``$ `` line that name a manager: every manager's own name, and the executables it runs as
_EXECUTABLES = {"nix-build": "nix", "nix-shell": "nix", "apt-get": "apt"}
_TOOLS: dict[str, str] = {**{name: name for name in MANAGER_RULES}, **_EXECUTABLES}


def guess_manager(log: str) -> str | None:
    """The manager a log came from: rodeo's ``# rodeo cell …: M installing`` note, else its ``$ `` lines."""
    note = re.search(r"^# rodeo cell \S+: (?P<m>[\w-]+) installing", log, re.M)
    if note and note.group("m") in MANAGER_RULES:
        return note.group("m")
    header = re.search(r"^#@ manager: (?P<m>[\w-]+)", log, re.M)
    if header and header.group("m") in MANAGER_RULES:
        return header.group("m")
    for line in log.splitlines():
        if not line.startswith("$ "):
            continue
        words: list[str] = re.findall(r"[^\s()'\"&;|]+", line[2:])
        for i, word in enumerate(words):
            base = word.rsplit("/", 1)[-1]
            if base in ("python", "python3") or re.fullmatch(r"python3\.\d+", base):
                if words[i + 1: i + 3] == ["-m", "pip"]:
                    return "pip"
                continue
            if base in _TOOLS:
                return _TOOLS[base]
    return None


_TIMEOUT = re.compile(r"^# rodeo: the cell exceeded its timeout of (?P<t>\S+?)s during (?P<phase>\w+)", re.M)
_MEMORY = re.compile(r"^# rodeo: the cell's processes held .* of memory during (?P<phase>\w+), more than the limit "
                     r"of (?P<limit>.+?) \(", re.M)


def _rodeo_verdict(context: str) -> Cause | None:
    """rodeo's own note that it stopped the cell (its clock, its memory limit): that, not what the tools
    printed before they were stopped, is why the cell failed."""
    timeout = _TIMEOUT.search(context)
    if timeout:
        return Cause("timeout", clip(f"no result after {timeout.group('t')}s (during {timeout.group('phase')})"))
    memory = _MEMORY.search(context)
    if memory:
        return Cause("killed", clip(f"used more than {memory.group('limit')} of memory during "
                                    f"{memory.group('phase')}; killed"))
    return None


def _not_on_index(package: str | None, context: str) -> str:
    """A first clause when rodeo's probe found no such project on any index: a misspelt or private name,
    not a version or a platform, is then what to fix (and it must survive the summary's clipping)."""
    from rodeo_action.pep508 import canonical_name

    missing = indexnote.missing_projects(context)
    if package and canonical_name(package) in {canonical_name(p) for p in missing}:
        return f"{package} is not on the index at all; "
    return ""


def classify(log: str, phase: str | None, manager: str | None = None, returncode: int | None = None) -> Cause:
    """The root cause of a failed phase, from its log; never raises, never an empty summary."""
    try:
        return _classify(log, phase, manager, returncode)
    except Exception as exc:  # a rule's bug must not lose the cell's result
        return Cause("unknown", clip(f"the classifier failed ({type(exc).__name__}); see the log"))


def _first(rules: tuple[Rule, ...], ev: Evidence) -> tuple[int, Rule, Finding] | None:
    """The first rule (in tier order) that explains the evidence, with its place and finding."""
    for i, rule in enumerate(rules):
        hit = rule.explained(ev)
        if hit is not None:
            return i, rule, hit[1]
    return None


def _classify(log: str, phase: str | None, manager: str | None, returncode: int | None) -> Cause:
    if returncode is not None and returncode < 0:
        return Cause("killed", clip(f"killed by signal {-returncode} during {phase}"), None)
    ev = Evidence.of(log, phase, manager)
    verdict = _rodeo_verdict(ev.context) or indexnote.verdict(ev.context)
    if verdict is not None:
        return verdict
    rules = _ORDER.get(manager or "", _ANY)
    hit = _first(rules, ev)
    # a rule before the one that fired, on the lines a tool wrapped, is the better reading (none before the first)
    wrapped = ev.unwrapped() if hit is None or hit[0] > 0 else None
    if wrapped is not None:
        better = _first(rules[: hit[0] if hit else len(rules)], wrapped)
        hit, ev = (better, wrapped) if better else (hit, ev)
    if hit is not None:
        _, rule, found = hit
        kind = found.kind or rule.kind
        # the kind is shown next to the summary everywhere: "conflict: conflict: ..." says nothing twice
        summary = found.summary.removeprefix(f"{kind}: ").removeprefix("conflict: ").removeprefix("network: ")
        package = plausible(found.package, ev.text, ev.context)
        if kind == "no-matching-distribution" and "no project named" not in summary:   # uv says so itself
            summary = _not_on_index(package, ev.context) + summary
        return Cause(kind, clip(summary), package)
    line = clip(informative_line(ev.text))
    if phase == "test":
        return Cause("test-failed", line, None)
    if phase == "setup" and manager:
        return Cause("manager-broken", clip(f"{manager} could not be set up: {line}"), manager)
    return Cause("unknown", line, None)


__all__ = ["ALL_RULES", "MANAGER_RULES", "MAX_SUMMARY", "RULE_SETS", "classify", "clip", "crashed", "guess_manager",
           "informative_line"]
