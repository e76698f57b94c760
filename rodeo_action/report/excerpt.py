"""The part of a failed cell's log worth reading: the lines that carry its cause, in context.

A stored log tail holds up to 80 lines, often two network attempts and the files rodeo wrote
(a default.nix, a pyproject.toml) printed as heredocs that the repro shows again. A reader wants
the few lines that say what went wrong, so the excerpt

1. keeps the last attempt only (the lines after the runner's last ``# network failure: retrying``);
2. folds each file rodeo wrote into one line naming it (the repro above holds it whole);
3. finds the line the cause came from by running the classifier's rules again on the same text
   (:func:`cause_line`: the first rule, in the classifier's own order, that explains the log as
   the cause's kind), else the most informative line, else the end;
4. shows at most ``lines`` lines around it (more before it than after), with a note of what
   was left out. The whole log stays in the results artifact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rodeo_action.results import Cause

CONTEXT_LINES = 30
AFTER = 8                     # lines shown after the cause's line (the rest of the window is before it)
_RETRY = re.compile(r"^# .*\bretrying \(\d+/\d+\)\s*$")
_HEREDOC = re.compile(r"<<-?\s*'?\"?(?P<end>[A-Za-z_]\w*)'?\"?\s*$")
_TARGET = re.compile(r"cat\s+>\s*(?P<path>\S+)")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


@dataclass(frozen=True)
class Excerpt:
    """What :func:`excerpt` keeps of a log, and what it left out."""

    text: str
    attempts_dropped: int          # earlier attempts not shown (0: one attempt, or none recorded)
    files_folded: tuple[str, ...]  # files rodeo wrote whose content was folded
    omitted_before: int            # lines of the last attempt above the window
    omitted_after: int             # and below it
    found: bool                    # the cause's own line was located


def last_attempt(lines: list[str]) -> tuple[list[str], int]:
    """The lines after the last retry note, and how many earlier attempts the tail showed."""
    marks = [i for i, line in enumerate(lines) if _RETRY.match(line)]
    if not marks:
        return lines, 0
    return lines[marks[-1] + 1:], len(marks)


def fold_files(lines: list[str]) -> tuple[list[str], tuple[str, ...]]:
    """Each heredoc rodeo printed (``$ cat > F <<'EOF'`` … ``EOF``) as its command and one line
    saying how long it was; a heredoc cut off at the top of the tail is folded too."""
    out: list[str] = []
    files: list[str] = []
    i = 0
    if lines and "EOF" in lines and not any(line.startswith("$ ") for line in lines[: lines.index("EOF")]):
        end = lines.index("EOF")                      # the tail starts inside a file rodeo wrote
        out.append(f"⋯ [the end of a file rodeo wrote: {end} lines, in the repro]")
        files.append("")
        i = end + 1
    while i < len(lines):
        line = lines[i]
        here = _HEREDOC.search(line) if line.startswith("$ ") else None
        if here is None:
            out.append(line)
            i += 1
            continue
        end = next((k for k in range(i + 1, len(lines)) if lines[k] == here.group("end")), len(lines))
        target = _TARGET.search(line)
        name = target.group("path").rsplit("/", 1)[-1] if target else "a file"
        files.append(name)
        out += [line, f"⋯ [{end - i - 1} lines of {name}, as in the repro]"]
        if end < len(lines):
            out.append(lines[end])
        i = end + 1
    return out, tuple(files)


def cause_line(lines: list[str], cause: Cause | None, phase: str | None, manager: str | None) -> int | None:
    """The index of the line the cause was read from, by matching the classifier's rules again."""
    from rodeo_action.causes import ALL_RULES, MANAGER_RULES, shared
    from rodeo_action.causes.base import Evidence, informative_line

    if cause is None or cause.kind == "timeout":     # no line says it timed out: the log's end shows where
        return None
    text = "\n".join(lines)
    ev = Evidence.of(text, phase, manager)
    if not ev.text.strip():
        return None
    found: str | None = None
    occurrence = 0
    rules = sorted((*MANAGER_RULES.get(manager or "", ALL_RULES), *shared.RULES), key=lambda r: r.tier)
    for rule in rules:
        try:
            hit = rule.explained(ev)
        except Exception:       # a rule's bug costs the excerpt its focus, nothing more
            continue
        if hit is None:
            continue
        match, finding = hit
        if (finding.kind or rule.kind) == cause.kind:
            start = ev.text.rfind("\n", 0, match.start()) + 1
            end = ev.text.find("\n", start)
            found = ev.text[start: end if end >= 0 else len(ev.text)]
            occurrence = ev.text[:start].split("\n").count(found)
            break
    if found is None:
        found = informative_line(ev.text)
        stripped = [_clean(line).strip() for line in lines]
        hits = [i for i, line in enumerate(stripped) if line == found]
        return hits[-1] if hits else None
    hits = [i for i, line in enumerate(lines) if _clean(line) == found]
    if not hits:
        return None
    return hits[min(occurrence, len(hits) - 1)]


def _clean(line: str) -> str:
    return _ANSI.sub("", line).rstrip("\r")


def excerpt(log: str, cause: Cause | None, phase: str | None, manager: str | None,
            lines: int = CONTEXT_LINES) -> Excerpt:
    """The last attempt's lines around the cause, at most ``lines`` of them (``lines`` >= 1)."""
    raw = log.replace("\r\n", "\n").split("\n")
    while raw and not raw[-1].strip():
        raw.pop()
    attempt, dropped = last_attempt(raw)
    folded, files = fold_files(attempt)
    at = cause_line(folded, cause, phase, manager)
    lines = max(1, lines)
    if at is None:
        start = max(0, len(folded) - lines)
    else:
        after = min(AFTER, max(0, lines - 1) // 3)
        start = max(0, min(at - (lines - 1 - after), len(folded) - lines))
    end = min(len(folded), start + lines)
    return Excerpt("\n".join(folded[start:end]), dropped, files, start, len(folded) - end, at is not None)


def describe(ex: Excerpt) -> str:
    """What the excerpt is, for the line above it: ``log, around the cause (12 lines above left out; …)``."""
    parts = []
    if ex.omitted_before:
        parts.append(f"{ex.omitted_before} lines above")
    if ex.omitted_after:
        parts.append(f"{ex.omitted_after} below")
    head = "log, around the cause" if ex.found else "log, its end"
    notes = []
    if parts:
        notes.append(" and ".join(parts) + " left out")
    if ex.attempts_dropped:
        notes.append("the last attempt only" if ex.attempts_dropped == 1 else
                     f"the last of {ex.attempts_dropped + 1} attempts only")
    return head + (f" ({'; '.join(notes)})" if notes else "")


__all__ = ["CONTEXT_LINES", "Excerpt", "cause_line", "describe", "excerpt", "fold_files", "last_attempt"]
