"""One GitHub issue per culprit, through its whole life: filed, commented when it changes, closed when fixed.

Where the state lives: in the issue's own body, as a trailing ``<!-- rodeo:state {json} -->`` (the
cells, the cause's kind and package, hashes of its summary, cells and version diff, and whether the
"fixed" comment was posted). The one listing of open issues with the label already returns every
body, so knowing what an issue last said costs no request; comments are read only to check
whether a comment that failed did land. The JSON has ``<``, ``>`` and ``&`` escaped, and the
renderer lets no log text make an HTML comment, so the state cannot be forged by what a build
printed; a marker quoted in a comment counts for nothing (only bodies are read).

Why writes go state first: a change is one PATCH (body and state, and closing) then one comment.
A comment whose POST failed is looked for (``since`` the PATCH) when the error may hide a success
(5xx, or no answer), and re-posted once when absent; if it still failed it is reported and the
PATCH is undone (the body's state, and the issue reopened if it was closing), so the next run does
both again — else no run would ever post that comment, the state having moved on. The other order
would post the comment again after a failed PATCH: a duplicate. A failed write is always looked
for before it is reported (a POST that answered 502 may have happened).

Requests (``per_page`` 100): ⌈open rodeo issues / 100⌉ list pages, then per issue touched: filed
1 (POST; +2 with ``upstream: true``: the upstream POST and the PATCH naming it), changed 2
(PATCH + comment), fixed 2 (PATCH + comment), duplicate 1 (PATCH); plus, only in a run that files
and whose listing did not show a label, ``get_label`` (+ ``create_label``) per such label, and one
``since`` listing after filing when the client may repeat a POST that reached GitHub (GithubRetry's
default; rodeo's own client does not). Failures add one look-up each.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from github import GithubException
from requests import RequestException

from rodeo_action.report import issuetext
from rodeo_action.report.escape import md, md_link, url
from rodeo_action.report.markers import issue_marker
from rodeo_action.report.model import Culprit, Report
from rodeo_action.report.templates import Settings
from rodeo_action.report.view import version_text

if TYPE_CHECKING:
    from github.Issue import Issue
    from github.Repository import Repository

    from rodeo_action.config import IssueSettings

LABEL_COLOR = "d93f0b"
LABEL_DESCRIPTION = "Filed by rodeo-action: a package or manager failing in the rodeo"
STATE_CELLS_CHARS = 24_000       # beyond this the state keeps the managers, not each cell
GZIP_FROM = 2_000                # cell lists longer than this (as JSON) are stored gzip + base64
REPEAT_WINDOW = dt.timedelta(hours=1)   # how far back a repeated POST can have created an issue
_ERRORS = (GithubException, RequestException)
_STATE = re.compile(r"<!-- rodeo:state (\{[^<>]*\}) -->")


@dataclass(frozen=True)
class IssueOutcome:
    """What was done (never what was only tried): the publisher's summary and exit code come from it."""

    filed: tuple[int, ...] = ()        # new issue numbers
    updated: tuple[int, ...] = ()      # commented because the culprit changed
    closed: tuple[int, ...] = ()       # fixed-comment + closed
    held: tuple[str, ...] = ()         # culprit keys not filed: below `after:` or over `max-per-run`
    failed: tuple[str, ...] = ()       # what could not be done, one line each


# -- the hidden state -------------------------------------------------------------------------

def _hash(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _versions_hash(culprit: Culprit) -> str:
    return _hash([(v.name, v.before, v.after) for v in culprit.versions]) if culprit.versions else ""


@dataclass(frozen=True)
class State:
    """What an issue last said about its culprit (stored in its body)."""

    kind: str                          # the culprit's kind: package | manager | cell
    name: str
    cause: str | None                  # the cause's kind
    package: str | None
    summary: str                       # hash of the cause's summary
    cells_hash: str
    cells: tuple[str, ...] | None      # None when too many to store: then `managers` bounds them
    managers: tuple[str, ...]
    versions: str = ""                 # hash of the last version diff reported ("" none yet)
    fixed: bool = False                # the "fixed" comment was posted (the issue may be reopened by hand)
    upstream: tuple[str, str] | None = None   # ("OWNER/REPO#N", its URL) filed with `upstream: true`

    @classmethod
    def of(cls, report: Report, culprit: Culprit, previous: State | None = None) -> State:
        """The state describing ``culprit`` now; a run without a version diff keeps the last one reported."""
        cells = tuple(sorted(culprit.cells))
        by_id = {c.id: c for c in report.cells}
        managers = tuple(sorted({by_id[c].manager for c in cells if c in by_id}))
        cause = culprit.cause
        return cls(kind=culprit.kind, name=culprit.name, cause=cause.kind if cause else None,
                   package=cause.package if cause else None, summary=_hash(cause.summary if cause else None),
                   cells_hash=_hash(cells), cells=cells, managers=managers,
                   versions=_versions_hash(culprit) or (previous.versions if previous else ""),
                   upstream=previous.upstream if previous else None)

    def differs(self, other: State) -> list[str]:
        """What changed from ``self`` (stored) to ``other`` (now), in words; empty when nothing did."""
        out = []
        if (self.cause, self.package) != (other.cause, other.package):
            out.append("cause")
        elif self.summary != other.summary:
            out.append("summary")
        if self.cells_hash != other.cells_hash:
            out.append("cells")
        if other.versions and other.versions != self.versions:
            out.append("versions")
        if self.fixed and not other.fixed:
            out.append("broken again")
        return out

    def encode(self) -> str:
        """The hidden trailer: one HTML comment whose JSON cannot close it (``<``, ``>``, ``&`` escaped)."""
        data: dict[str, Any] = {"v": 1, "kind": self.kind, "name": self.name, "cause": self.cause,
                                "package": self.package, "summary": self.summary, "cells_hash": self.cells_hash,
                                "managers": list(self.managers), "versions": self.versions, "fixed": self.fixed,
                                "upstream": list(self.upstream) if self.upstream else None}
        if self.cells is not None:
            plain = json.dumps(list(self.cells), separators=(",", ":"))
            if len(plain) < GZIP_FROM:
                data["cells"] = list(self.cells)
            else:
                packed = base64.b64encode(gzip.compress(plain.encode(), 9, mtime=0)).decode()
                if len(packed) <= STATE_CELLS_CHARS:
                    data["cells_gz"] = packed
        text = json.dumps(data, separators=(",", ":"), ensure_ascii=True, sort_keys=True)
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return f"<!-- rodeo:state {text} -->"

    @classmethod
    def decode(cls, body: str) -> State | None:
        """The last state trailer in ``body``; None when absent or not what rodeo writes."""
        found = _STATE.findall(body)
        if not found:
            return None
        try:
            data = json.loads(found[-1])
            cells: tuple[str, ...] | None = None
            if "cells" in data:
                cells = _strs(data["cells"])
            elif "cells_gz" in data:
                cells = _strs(json.loads(gzip.decompress(base64.b64decode(data["cells_gz"], validate=True))))
            return cls(kind=_str(data["kind"]), name=_str(data["name"]), cause=_opt(data["cause"]),
                       package=_opt(data["package"]), summary=_str(data["summary"]),
                       cells_hash=_str(data["cells_hash"]), cells=cells, managers=_strs(data["managers"]),
                       versions=_str(data["versions"]), fixed=data["fixed"] is True, upstream=_pair(data["upstream"]))
        except (ValueError, KeyError, TypeError, OSError, EOFError):
            return None


def _str(x: Any) -> str:
    if not isinstance(x, str):
        raise TypeError(x)
    return x


def _opt(x: Any) -> str | None:
    return None if x is None else _str(x)


def _pair(x: Any) -> tuple[str, str] | None:
    if x is None:
        return None
    a, b = _strs(x)
    return a, b


def _strs(x: Any) -> tuple[str, ...]:
    if not isinstance(x, list):
        raise TypeError(x)
    return tuple(_str(i) for i in x)


# -- finding rodeo's issues -------------------------------------------------------------------

@dataclass
class Found:
    """An open issue of this rodeo: its culprit key and the state its body carries."""

    issue: Issue
    key: str
    state: State | None


def _marker_pattern(name: str | None) -> re.Pattern[str]:
    """Matches this rodeo's issue marker only (another id, or none when this one has one, does not)."""
    head, tail = issue_marker(name, "KEY").rsplit("KEY", 1)
    return re.compile(re.escape(head) + r"([^\s<>]+)" + re.escape(tail))


def _is_pull(issue: Issue) -> bool:
    """A pull request in the issues list, told by its page (``.../pull/N``): asking PyGithub for
    ``pull_request`` would fetch every plain issue again, since the list omits that key for them."""
    return issue.html_url.rstrip("/").rsplit("/", 2)[-2] == "pull"


def _error(exc: BaseException) -> str:
    if isinstance(exc, GithubException):
        data = exc.data
        message = data.get("message") if isinstance(data, dict) else None
        return f"HTTP {exc.status}" + (f": {message}" if message else "")
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:200]


def _status(exc: BaseException) -> int | None:
    return exc.status if isinstance(exc, GithubException) else None


def _ambiguous(exc: BaseException) -> bool:
    """The write may have been carried out all the same: GitHub answered 5xx, or no answer came."""
    status = _status(exc)
    return status is None or status >= 500


def _repeats_posts(repo: Repository) -> bool:
    """Whether the client may send a POST again after a 5xx (GitHub may have done it: a duplicate)."""
    from urllib3.util.retry import Retry

    retry = repo.requester.kwargs.get("retry")
    return isinstance(retry, Retry) and retry.total not in (0, False) and retry.is_retry("POST", 502)


# -- the sync ---------------------------------------------------------------------------------

@dataclass
class _Sync:
    repo: Repository
    report: Report
    config: IssueSettings
    settings: Settings
    dry_run: bool
    say: Callable[[str], None]
    filed: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    labels_seen: set[str] = field(default_factory=set)
    ambiguous: set[str] = field(default_factory=set)   # culprit keys whose last POST may have been carried out

    @property
    def label(self) -> str | None:
        return self.config.labels[0] if self.config.labels else None

    def outcome(self) -> IssueOutcome:
        return IssueOutcome(tuple(self.filed), tuple(self.updated), tuple(self.closed), tuple(self.held),
                            tuple(self.failed))

    def fail(self, what: str, exc: BaseException) -> None:
        line = f"{what}: {_error(exc)}"
        self.failed.append(line)
        self.say(f"issues: could not {line}")

    # reading -----------------------------------------------------------------------------------
    def scan(self, since: dt.datetime | None = None) -> dict[str, list[Found]]:
        """This rodeo's open issues (pulls skipped), by culprit key, oldest first."""
        pattern = _marker_pattern(self.report.name)
        out: dict[str, list[Found]] = {}
        kwargs: dict[str, Any] = {"state": "open", "sort": "created", "direction": "asc"}
        if self.label:
            kwargs["labels"] = [self.label]
        if since is not None:
            kwargs["since"] = since
        for issue in self.repo.get_issues(**kwargs):
            self.labels_seen.update(lab.name.lower() for lab in issue.labels)
            if _is_pull(issue) or not issue.body:
                continue
            m = pattern.search(issue.body)
            if m is None:
                continue
            key = unquote(m.group(1))
            if issue_marker(self.report.name, key) not in issue.body:
                continue
            out.setdefault(key, []).append(Found(issue, key, State.decode(issue.body)))
        for found in out.values():
            found.sort(key=lambda f: f.issue.number)
        return out

    def dedupe(self, found: dict[str, list[Found]], keys: Iterable[str] | None = None) -> None:
        """Keep the oldest issue of a key open; close the others as its duplicates (one PATCH each)."""
        for key in keys if keys is not None else list(found):
            issues = found.get(key, [])
            for extra in issues[1:]:
                n, keep = extra.issue.number, issues[0].issue.number
                if self.dry_run:
                    self.say(f"issues: would close #{n} as a duplicate of #{keep} ({key})")
                    continue
                try:
                    extra.issue.edit(state="closed", state_reason="duplicate")
                    self.say(f"issues: closed #{n} as a duplicate of #{keep} ({key})")
                except _ERRORS as exc:
                    self.fail(f"close #{n} as a duplicate of #{keep}", exc)
            del issues[1:]

    # writing -----------------------------------------------------------------------------------
    def ensure_labels(self) -> bool:
        """Create the configured labels the listing did not show (GitHub would make them grey).

        A create that failed is checked with a read (a 502 may have created it; a 422 may be a race, or
        something else), and tried once more when the label is still missing.  False: a label could not
        be made, and the caller files nothing (an issue filed with it would create it grey for good)."""
        ok = True
        for name in self.config.labels:
            if name.lower() in self.labels_seen:
                continue
            if self.dry_run:
                self.say(f"issues: would create the label {name!r} if it is missing")
                continue
            exists, why = self._label(name)
            if exists is None:
                assert why is not None
                self.fail(f"read the label {name!r}", why)
                ok = False
                continue
            for _ in range(2 if not exists else 0):
                try:
                    self.repo.create_label(name, LABEL_COLOR, LABEL_DESCRIPTION)
                    self.say(f"issues: created the label {name!r}")
                    exists = True
                    break
                except _ERRORS as exc:
                    why = exc
                exists, _ = self._label(name)
                if exists:
                    self.say(f"issues: the label {name!r} exists although creating it answered {_error(why)}")
                    break
            if not exists:
                assert why is not None
                self.fail(f"create the label {name!r}", why)
                ok = False
                continue
            self.labels_seen.add(name.lower())
        return ok

    def _label(self, name: str) -> tuple[bool | None, BaseException | None]:
        """Whether the label exists (None: the read failed, with its error)."""
        try:
            _ = self.repo.get_label(name).color     # a lazy client reads it only when asked
            return True, None
        except _ERRORS as exc:
            return (False, exc) if _status(exc) == 404 else (None, exc)

    def comment(self, issue: Issue, body: str, after: dt.datetime | None, what: str) -> bool:
        """Post once: after an error that may hide a success (5xx, no answer), look for it (``since`` the PATCH
        before it); re-post once if absent."""
        first: BaseException | None = None
        head = body.split("\n", 1)[0]
        for _ in (1, 2):
            try:
                issue.create_comment(body)
                return True
            except _ERRORS as exc:
                first = first or exc
                if not _ambiguous(exc):
                    continue
            try:
                landed = any(c.body is not None and c.body.split("\n", 1)[0] == head
                             for c in (issue.get_comments(since=after) if after else issue.get_comments()))
            except _ERRORS:
                break
            if landed:
                self.say(f"issues: #{issue.number}: GitHub answered an error but posted the {what} comment")
                return True
        assert first is not None
        self.fail(f"post the {what} comment on #{issue.number}", first)
        return False

    def undo(self, issue: Issue, what: str, **before: Any) -> None:
        """Put back what the PATCH before a comment that could not be posted changed: the state in the body then
        says what it said, and the next run does both again (else no run would post that comment)."""
        if self.edit(issue, f"undo the {what} of", **before):
            self.say(f"issues: #{issue.number}: {what} undone, for the next run to redo it with its comment")

    def edit(self, issue: Issue, what: str, **changes: Any) -> bool:
        """PATCH (retried by the client); on an error, read the issue back to see whether it happened."""
        try:
            issue.edit(**changes)
            return True
        except _ERRORS as exc:
            try:
                issue.update()
                if all(getattr(issue, k) == v for k, v in changes.items() if k in ("body", "state", "title")):
                    self.say(f"issues: #{issue.number}: GitHub answered an error but the {what} was done")
                    return True
            except _ERRORS:
                pass
            self.fail(f"{what} #{issue.number}", exc)
            return False

    def file(self, todo: list[Culprit], repeats: bool) -> None:
        """File the new issues; look again before reporting one as failed (GitHub may have filed it).

        A POST that failed ambiguously (5xx, or no answer) and that the listing then does not show is
        sent once more: the listing is GitHub's own (not search, which lags), so absent means not filed."""
        if not todo:
            return
        if not self.ensure_labels():
            keys = ", ".join(c.key for c in todo)
            self.failed.append(f"file {len(todo)} issue(s) ({keys}): not filed, as a label could not be created "
                               "(they would get GitHub's grey one); the next run files them")
            self.say(f"issues: not filing {keys}: a label could not be created")
            return
        missing: list[Culprit] = []
        filed_at: list[dt.datetime] = []
        mine: dict[str, int] = {}
        bodies: dict[str, tuple[str, str, State]] = {}
        for culprit in todo:
            state = State.of(self.report, culprit)
            title, body = issuetext.issue(self.report, culprit, self.settings, trailer=state.encode())
            bodies[culprit.key] = (title, body, state)
            if self.dry_run:
                self.say(f"issues: would file {title!r} ({culprit.key})")
                continue
            if not self._create(culprit, title, body, state, mine, filed_at):
                missing.append(culprit)
        if not missing and not (repeats and filed_at):
            return
        for attempt in (1, 2):
            try:   # after a failure the whole list (GitHub may have filed it); else only what was just touched
                again = self.scan(None if missing else min(filed_at) - REPEAT_WINDOW)
            except _ERRORS as exc:
                for culprit in missing:
                    self.fail(f"file the issue for {culprit.key} (and could not look again)", exc)
                return
            still: list[Culprit] = []
            for culprit in missing:
                got = again.get(culprit.key)
                if got:
                    n = got[0].issue.number
                    mine[culprit.key] = n
                    self.filed.append(n)
                    self.say(f"issues: GitHub filed #{n} for {culprit.key} although it answered an error")
                elif attempt == 1 and culprit.key in self.ambiguous:
                    title, body, state = bodies[culprit.key]
                    if not self._create(culprit, title, body, state, mine, filed_at):
                        still.append(culprit)
                else:
                    self.failed.append(f"file the issue for {culprit.key}: GitHub answered an error and did not "
                                       "file it")
            if not still:
                break
            missing = still
        self.dedupe(again, [k for k in mine if len(again.get(k, [])) > 1])
        for key, n in mine.items():       # the oldest is kept: report that one as filed
            got = again.get(key)
            if got and got[0].issue.number != n and n in self.filed:
                self.filed[self.filed.index(n)] = got[0].issue.number

    def _create(self, culprit: Culprit, title: str, body: str, state: State, mine: dict[str, int],
                filed_at: list[dt.datetime]) -> bool:
        """One POST; False when it failed (``ambiguous`` then says whether it may have been carried out)."""
        try:
            issue = self.repo.create_issue(title=title, body=body, labels=list(self.config.labels))
        except _ERRORS as exc:
            if _ambiguous(exc):
                self.ambiguous.add(culprit.key)
            else:
                self.ambiguous.discard(culprit.key)
            self.say(f"issues: filing {culprit.key} answered {_error(exc)}; looking again")
            return False
        mine[culprit.key] = issue.number
        filed_at.append(issue.created_at)
        self.filed.append(issue.number)
        self.say(f"issues: filed #{issue.number} for {culprit.key}")
        if self.config.upstream:
            self.upstream(issue, culprit, state)
        return True

    def upstream(self, issue: Issue, culprit: Culprit, state: State) -> None:
        """File on the culprit's own tracker, once, when rodeo files its issue; 403/404 there is a warning."""
        where = issuetext.upstream_repo(culprit)
        if where is None:
            self.say(f"issues: {culprit.key}: no GitHub tracker to file upstream on ({culprit.tracker or 'none'})")
            return
        full = f"{where[0]}/{where[1]}"
        if full.lower() == self.repo.full_name.lower():
            return
        from github.Repository import Repository

        other = Repository(self.repo.requester.withLazy(True), url=f"/repos/{full}")
        title, body = issuetext.upstream_issue(self.report, culprit)
        try:
            up = other.create_issue(title=title, body=body)
        except _ERRORS as exc:
            if _status(exc) in (403, 404):
                self.say(f"issues: warning: could not file upstream on {full} ({_error(exc)}); "
                         f"#{issue.number} keeps the prefilled link")
            else:
                self.fail(f"file upstream on {full} for {culprit.key}", exc)
            return
        ref = f"{full}#{up.number}"
        self.say(f"issues: filed {ref} upstream for {culprit.key}")
        new = replace(state, upstream=(ref, up.html_url))
        _, body = issuetext.issue(self.report, culprit, self.settings, upstream_ref=new.upstream, trailer=new.encode())
        self.edit(issue, "link to the upstream issue on", body=body)

    def update(self, found: Found, culprit: Culprit) -> None:
        """The culprit changed since the issue last said: new body and state, then one comment."""
        old = found.state
        new = State.of(self.report, culprit, old)
        issue = found.issue
        title, body = issuetext.issue(self.report, culprit, self.settings, upstream_ref=new.upstream,
                                   trailer=new.encode())
        if old is None:       # a body without rodeo's state (edited by hand): restore it, say nothing
            if self.dry_run:
                self.say(f"issues: would restore the hidden state of #{issue.number} ({found.key})")
            elif self.edit(issue, "restore the state of", title=title, body=body):
                self.say(f"issues: #{issue.number}: restored its hidden state")
            return
        what = old.differs(new)
        if not what:
            return
        if self.dry_run:
            self.say(f"issues: would comment on #{issue.number} ({found.key}: {', '.join(what)} changed)")
            return
        before = {"title": issue.title, "body": issue.body}
        if not self.edit(issue, "update", title=title, body=body):
            return
        text = _change_comment(self.report, culprit, old, new, what)
        if self.comment(issue, text, issue.updated_at, "update"):
            self.updated.append(issue.number)
            self.say(f"issues: commented on #{issue.number} ({found.key}: {', '.join(what)})")
        else:
            self.undo(issue, "update", **before)

    def close(self, found: Found) -> None:
        """The culprit is gone and its cells pass: mark it fixed (and close), then the "fixed" comment."""
        issue, state = found.issue, found.state
        if state is None or state.fixed or not _all_pass(self.report, state):
            return
        culprit = Culprit(key=found.key, kind=state.kind, name=state.name, cells=state.cells or _scope(
            self.report, state), cause=None, tracker=None)
        text = issuetext.fixed(self.report, culprit, self.settings)
        verb = "close" if self.config.close_on_fix else "mark fixed"
        if self.dry_run:
            self.say(f"issues: would {verb} #{issue.number} ({found.key}: its cells pass again)")
            return
        body = _with_state(issue.body or "", replace(state, fixed=True))
        changes: dict[str, Any] = {"body": body}
        if self.config.close_on_fix:
            changes.update(state="closed", state_reason="completed")
        before: dict[str, Any] = {"body": issue.body, **({"state": "open"} if self.config.close_on_fix else {})}
        if not self.edit(issue, verb, **changes):
            return
        if not self.comment(issue, text, issue.updated_at, "fixed"):
            self.undo(issue, "close" if self.config.close_on_fix else "fixed mark", **before)
            return
        if self.config.close_on_fix:
            self.closed.append(issue.number)
        done = "closed" if self.config.close_on_fix else "marked fixed"
        self.say(f"issues: {done} #{issue.number} ({found.key}: its cells pass again)")

    def run(self) -> IssueOutcome:
        found = self.scan()
        self.dedupe(found)
        current = {c.key for c in self.report.culprits}
        todo: list[Culprit] = []
        for culprit in self.report.culprits:
            mine = found.get(culprit.key)
            if mine:
                self.update(mine[0], culprit)
            elif culprit.consecutive_failures < self.config.after:
                self.held.append(culprit.key)
                self.say(f"issues: {culprit.key} held: failing {culprit.consecutive_failures} run(s) in a row, "
                         f"files after {self.config.after}")
            elif len(todo) >= self.config.max_per_run:
                self.held.append(culprit.key)
                self.say(f"issues: {culprit.key} held: max-per-run ({self.config.max_per_run}) reached")
            else:
                todo.append(culprit)
        self.file(todo, _repeats_posts(self.repo))
        for key, mine in found.items():
            if key not in current and mine:
                self.close(mine[0])
        return self.outcome()


def _with_state(body: str, state: State) -> str:
    """``body`` with its last state trailer replaced (appended when it has none)."""
    spans = list(_STATE.finditer(body))
    if not spans:
        return body.rstrip("\n") + "\n" + state.encode() + "\n"
    m = spans[-1]
    return body[:m.start()] + state.encode() + body[m.end():]


def _all_pass(report: Report, state: State) -> bool:
    """Every stored cell passes now or left the rodeo (missing, n/a, error… are no verdict: keep open)."""
    by_id = {c.id: c for c in report.cells}
    if state.cells is not None:
        return all(c not in by_id or by_id[c].status == "pass" for c in state.cells)
    managers = set(state.managers)     # too many cells to store: every cell of those managers must pass
    return all(c.status in ("pass", "n/a") for c in report.cells if c.manager in managers)


def _scope(report: Report, state: State) -> tuple[str, ...]:
    managers = set(state.managers)
    return tuple(c.id for c in report.cells if c.manager in managers and c.status == "pass")


def _change_comment(report: Report, culprit: Culprit, old: State, new: State, what: list[str]) -> str:
    """The comment saying what changed (the body above now shows the whole current story)."""
    marker = issue_marker(report.name, culprit.key).replace("rodeo:issue", "rodeo:update", 1)
    when = md(report.generated_at, 40)
    run = md_link("this run", report.run_url) + ", " + when if url(report.run_url) else when
    lines = [marker.replace(" -->", f" state={new.cells_hash}{new.versions} -->"),
             f"🔁 **Changed** ({md(', '.join(what), 80)}) — {run}:", ""]
    cause = culprit.cause
    if "broken again" in what:
        lines.append("- It fails again after rodeo marked it fixed.")
    if "cause" in what or "summary" in what:
        before = md(f"{old.cause} ({old.package})" if old.package else old.cause or "unknown", 200)
        now = md(f"{cause.kind} ({cause.package})" if cause and cause.package else cause.kind if cause else "unknown",
                 200)
        lines.append(f"- Cause: {before} → **{now}**" + (f": {md(cause.summary, 300)}" if cause else ""))
    if "cells" in what:
        was, now_cells = set(old.cells or ()), set(new.cells or ())
        added, gone = sorted(now_cells - was), sorted(was - now_cells)
        lines.append(f"- Failing cells: {len(now_cells)}"
                     + (f"; newly failing: {md(_some(added), 600)}" if added else "")
                     + (f"; no longer part of it: {md(_some(gone), 600)}" if gone else ""))
    if "versions" in what:
        lines.append("- What changed since these cells last passed: "
                     + ", ".join(version_text(v) for v in culprit.versions[:20]))
    lines += ["", "The description above is updated to match."]
    return "\n".join(lines) + "\n"


def _some(items: list[str], limit: int = 8) -> str:
    return ", ".join(items[:limit]) + (f" … and {len(items) - limit} more" if len(items) > limit else "")


def sync_issues(repo: Repository, report: Report, config_issues: IssueSettings, render_settings: Settings,
                *, dry_run: bool, say: Callable[[str], None]) -> IssueOutcome:
    """File, update and close this rodeo's issues so that each open culprit has exactly one, up to date.

    Never raises for GitHub's errors: what could not be done is in ``failed`` (the publisher exits 3).
    """
    if not config_issues.enabled:
        return IssueOutcome()
    sync = _Sync(repo, report, config_issues, render_settings, dry_run, say)
    try:
        return sync.run()
    except _ERRORS as exc:            # the listing itself failed: nothing can be known, nothing is done
        sync.fail("list the open issues", exc)
        return sync.outcome()


__all__ = ["IssueOutcome", "State", "sync_issues"]
