"""What to do with this rodeo's issues: a pure function of the report, the open issues and the config.

:func:`plan` returns typed actions, in the order they are carried out: close duplicates (the
oldest issue of a key stays), then per culprit (in the report's order) update its issue, restore
a hidden state edited away, or hold it back (``after:``, ``max-per-run``), then file the new ones,
then mark fixed (and close) the issues whose culprit is gone and whose cells pass. Every title,
body and comment is rendered here, from the templates (:mod:`rodeo_action.report.issuetext`);
:mod:`.issues` only sends them (or says what it would send, in a dry run), and looks again when
GitHub's answer leaves it unsure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from rodeo_action.config import IssueSettings
from rodeo_action.github.issuestate import State, all_pass, scope, with_state
from rodeo_action.report import issuetext
from rodeo_action.report.build import slower_culprits
from rodeo_action.report.model import Culprit, Report
from rodeo_action.report.templates import Settings
from rodeo_action.report.trends import FLAKY_FLIPS, flips


@dataclass(frozen=True)
class Open:
    """An open issue of this rodeo, as the listing showed it."""

    number: int
    key: str                           # the culprit key of its marker
    body: str
    state: State | None                # None: its body carries no state rodeo can read


@dataclass(frozen=True)
class CloseDuplicate:
    """A second open issue for a key (a POST GitHub did although it answered an error): closed."""

    number: int
    keep: int                          # the oldest, which stays open
    key: str


@dataclass(frozen=True)
class Hold:
    """A culprit not filed this run."""

    key: str
    why: str


@dataclass(frozen=True)
class Upstream:
    """The report to file on the culprit's own GitHub tracker once its issue is filed (``upstream: true``)."""

    repo: str | None                   # OWNER/REPO; None: the culprit has no GitHub tracker (said, not filed)
    title: str = ""
    body: str = ""


@dataclass(frozen=True)
class File:
    """A new issue for a culprit."""

    culprit: Culprit
    title: str
    body: str                          # its state trailer included
    state: State
    upstream: Upstream | None = None


@dataclass(frozen=True)
class Restore:
    """An issue whose hidden state was edited away: title and body as rodeo writes them, no comment."""

    number: int
    key: str
    title: str
    body: str


@dataclass(frozen=True)
class Update:
    """The culprit changed since its issue last said: a new title and body (its state), then one comment."""

    number: int
    key: str
    title: str
    body: str
    comment: str
    what: tuple[str, ...]              # what changed, in words


@dataclass(frozen=True)
class Close:
    """The culprit is gone and its cells pass: the state marked fixed (and the issue closed), then a comment."""

    number: int
    key: str
    body: str                          # the issue's body with its state marked fixed
    comment: str
    close: bool                        # close-on-fix: closed as completed; else marked fixed and left open


Action = CloseDuplicate | Hold | File | Restore | Update | Close


@dataclass(frozen=True)
class Tally:
    """How many of each action a plan holds: what a dry run or a preview says it would do."""

    file: int = 0
    update: int = 0
    restore: int = 0
    close: int = 0                     # closed as fixed (close-on-fix)
    mark_fixed: int = 0                # marked fixed, left open
    duplicate: int = 0
    hold: int = 0

    @classmethod
    def of(cls, actions: Iterable[Action]) -> Tally:
        got = list(actions)

        def count(kind: type) -> int:
            return sum(isinstance(a, kind) for a in got)

        closes = [a for a in got if isinstance(a, Close)]
        return cls(file=count(File), update=count(Update), restore=count(Restore), close=sum(a.close for a in closes),
                   mark_fixed=sum(not a.close for a in closes), duplicate=count(CloseDuplicate), hold=count(Hold))

    def line(self) -> str:
        """``5 filed, 0 updated, 0 closed; 1 held back``: the three counts always, the rest when there are any."""
        text = f"{self.file} filed, {self.update} updated, {self.close} closed"
        more = [f"{n} {what}" for n, what in ((self.mark_fixed, "marked fixed"), (self.restore, "restored"),
                                              (self.duplicate, "closed as duplicates"), (self.hold, "held back")) if n]
        return text + ("; " + ", ".join(more) if more else "")


def duplicates(found: Mapping[str, Sequence[Open]], keys: Iterable[str] | None = None) -> list[CloseDuplicate]:
    """Every issue of a key but its oldest (``found`` lists them oldest first)."""
    out: list[CloseDuplicate] = []
    for key in keys if keys is not None else list(found):
        issues = found.get(key, ())
        out += [CloseDuplicate(extra.number, issues[0].number, key) for extra in issues[1:]]
    return out


def plan(report: Report, found: Mapping[str, Sequence[Open]], config: IssueSettings, settings: Settings,
         repo: str) -> list[Action]:
    """Everything to do, in order, so that each current culprit has one issue, up to date, and each
    issue whose culprit is gone and whose cells pass says so. ``repo`` is this repository (OWNER/REPO):
    an upstream report is never filed on it. A slower cell is a culprit (``slower:CELL``) only with
    ``issues: {slower: true}``; it is filed at once (``after:`` counts failures) and closed when it is
    no longer slower. An issue whose cells flip (flaky) stays open when they pass: one issue, not one a flip."""
    actions: list[Action] = list(duplicates(found))
    culprits = (*report.culprits, *(slower_culprits(report) if config.slower else ()))
    current = {c.key for c in culprits}
    todo: list[File] = []
    for culprit in culprits:
        mine = found.get(culprit.key)
        if mine:
            actions.extend(_update(report, culprit, mine[0], settings))
        elif culprit.kind != "slower" and culprit.consecutive_failures < config.after:
            actions.append(Hold(culprit.key, f"failing {culprit.consecutive_failures} run(s) in a row, files after "
                                             f"{config.after}"))
        elif len(todo) >= config.max_per_run:
            actions.append(Hold(culprit.key, f"max-per-run ({config.max_per_run}) reached"))
        else:
            todo.append(_file(report, culprit, config, settings, repo))
    actions.extend(todo)
    for key, mine in found.items():
        if key not in current and mine:
            actions.extend(_close(report, mine[0], config, settings))
    return actions


def _file(report: Report, culprit: Culprit, config: IssueSettings, settings: Settings, repo: str) -> File:
    state = State.of(report, culprit)
    title, body = issuetext.issue(report, culprit, settings, trailer=state.encode())
    upstream = None
    if config.upstream and issuetext.reportable(culprit):      # a network failure is not upstream's to hear of
        where = issuetext.upstream_repo(culprit)
        if where is None:
            upstream = Upstream(None)
        elif f"{where[0]}/{where[1]}".lower() != repo.lower():
            up_title, up_body = issuetext.upstream_issue(report, culprit, settings)
            upstream = Upstream(f"{where[0]}/{where[1]}", up_title, up_body)
    return File(culprit, title, body, state, upstream)


def linked(report: Report, culprit: Culprit, settings: Settings, state: State, ref: tuple[str, str]) -> tuple[
        State, str]:
    """The state and body of a just-filed issue once its upstream report is filed: it links to it."""
    new = replace(state, upstream=ref)
    _, body = issuetext.issue(report, culprit, settings, upstream_ref=new.upstream, trailer=new.encode())
    return new, body


def _update(report: Report, culprit: Culprit, mine: Open, settings: Settings) -> list[Action]:
    old = mine.state
    new = State.of(report, culprit, old)
    what = old.differs(new) if old is not None else []
    if old is not None and not what:
        return []
    title, body = issuetext.issue(report, culprit, settings, upstream_ref=new.upstream, trailer=new.encode())
    if old is None:
        return [Restore(mine.number, mine.key, title, body)]
    changed = issuetext.Changed(what=tuple(what), cause=old.cause, package=old.package, cells=old.cells or (),
                                now_cells=new.cells or (), state=f"{new.cells_hash}{new.versions}")
    comment = issuetext.update(report, culprit, changed, settings)
    return [Update(mine.number, mine.key, title, body, comment, tuple(what))]


def _close(report: Report, mine: Open, config: IssueSettings, settings: Settings) -> list[Action]:
    state = mine.state
    if state is None or state.fixed or not all_pass(report, state) or _flaky_now(report, state):
        return []
    culprit = Culprit(key=mine.key, kind=state.kind, name=state.name, cells=state.cells or scope(report, state),
                      cause=None, tracker=None)
    return [Close(mine.number, mine.key, with_state(mine.body, replace(state, fixed=True)),
                  issuetext.fixed(report, culprit, settings), config.close_on_fix)]


def _flaky_now(report: Report, state: State) -> bool:
    """Whether the issue's cells flip: any of them (trends.flips) now, or the issue was filed as flaky and
    one of its cells still flipped in its last runs. Such an issue stays open while its cells pass."""
    cells = state.cells or scope(report, state)
    counts = [flips(report.history[c].statuses)[0] for c in cells if c in report.history]
    return any(n >= FLAKY_FLIPS for n in counts) or (state.flaky and any(counts))


__all__ = ["Action", "Close", "CloseDuplicate", "File", "Hold", "Open", "Restore", "Tally", "Update", "Upstream",
           "duplicates", "linked", "plan"]
