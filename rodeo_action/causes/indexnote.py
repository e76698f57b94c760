"""rodeo's note of what the package index answered, written to a cell's log and read back by the classifier.

pip, pipenv, pdm and hatch hide an index that is down: a 503 or a refused connection is logged at debug
level, and what the user sees is "no matching distribution found for click" (pip 23.2, pipenv),
"Unable to find candidates" (pdm). No rule can tell that from a misspelt name. So when a cell's
resolver finds no version at all, rodeo asks the index itself for the project's page and writes the
answer as one ``# rodeo: index probe:`` line. The line is the evidence: `rodeo explain` on the log later
reaches the same verdict without asking again.

The writer (:func:`note`) and the reader (:func:`parse`, :func:`verdict`) are here together, so the
format is written once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from rodeo_action.causes.base import clip
from rodeo_action.results import Cause

Outcome = Literal["down", "missing", "listed"]
PREFIX = "# rodeo: index probe: "
CACHE_PREFIX = "# rodeo: caching index: "
_CACHE_LINE = re.compile(r"^# rodeo: caching index: (?P<kind>disk-full|stopped) \((?P<detail>[^\n]*)\)$", re.M)
_LINE = re.compile(r"^# rodeo: index probe: (?P<project>\S+) on (?P<url>\S+): (?P<outcome>down|missing|listed)"
                   r"(?: \((?P<detail>[^\n]*)\))?$", re.M)


@dataclass(frozen=True)
class IndexAnswer:
    """What an index said when asked for one project's page.

    ``down``: it could not be read (refused, unresolvable, TLS, timeout, 5xx, 401/403); ``missing``:
    it has no such project (404/410); ``listed``: it has the project, with ``detail`` saying how many files.
    """

    project: str
    url: str            # the index's URL, credentials removed
    outcome: Outcome
    detail: str = ""


def shown_url(url: str) -> str:
    """``url`` as a log may show it: no user or password (an index URL can carry a token)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host + (f":{port}" if port is not None else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def note(answer: IndexAnswer) -> str:
    """The one log line for ``answer`` (without a newline)."""
    detail = " ".join(answer.detail.replace(")", "]").replace("(", "[").split())
    tail = f" ({detail})" if detail else ""
    return f"{PREFIX}{answer.project} on {shown_url(answer.url).replace(' ', '%20')}: {answer.outcome}{tail}"


def parse(log: str) -> list[IndexAnswer]:
    """Every probe note of ``log``, in order."""
    out: list[IndexAnswer] = []
    for m in _LINE.finditer(log):
        outcome: Outcome = "down" if m.group("outcome") == "down" else (
            "missing" if m.group("outcome") == "missing" else "listed")
        out.append(IndexAnswer(m.group("project"), m.group("url"), outcome, m.group("detail") or ""))
    return out


def cache_note(kind: str, detail: str) -> str:
    """The log line for what happened to rodeo's caching index during a step (see cacheindex.service)."""
    return f"{CACHE_PREFIX}{kind} ({' '.join(detail.split())})"


def verdict(context: str) -> Cause | None:
    """What rodeo's notes prove, before any tool's words are read: the caching index's disk was full
    (``disk-full``) or it stopped mid-step (``network``, so the attempt is retried on its restart); an
    index the resolver read was down (``network``: the tools' "no version found" was the index's fault,
    not the project's). None when the notes prove nothing (the tools' rules decide)."""
    events = {m.group("kind"): m.group("detail") for m in _CACHE_LINE.finditer(context)}
    if "disk-full" in events:
        return Cause("disk-full", clip(f"rodeo's caching index: {events['disk-full']}"))
    if "stopped" in events:
        return Cause("network", clip(f"rodeo's caching index stopped during the step ({events['stopped']})"))
    down = next((a for a in parse(context) if a.outcome == "down"), None)
    if down is None:
        return None
    host = urlsplit(down.url).netloc or down.url
    return Cause("network", clip(f"the index {host} was down for {down.project} ({down.detail or 'no answer'}); "
                                 "the resolver reported no version"))


def missing_projects(context: str) -> list[str]:
    """The projects that no index probed has at all (a misspelt or private name?)."""
    answers = parse(context)
    listed = {a.project for a in answers if a.outcome != "missing"}
    return list(dict.fromkeys(a.project for a in answers if a.outcome == "missing" and a.project not in listed))
