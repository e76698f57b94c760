"""One GitHub issue per culprit, through its whole life: filed, commented when it changes, closed when fixed.

What to file, update or close, with which text, is decided by :func:`.issueplan.plan` (pure);
this module lists the open issues (the state each body carries: :mod:`.issuestate`) and carries
the actions out through PyGithub, or says what it would do in a dry run. Comments are read only to
check whether a comment that failed did land; a marker quoted in a comment counts for nothing
(only bodies are read).

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

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from github import GithubException
from requests import RequestException

from rodeo_action.github import client as C
from rodeo_action.github.issueplan import (
    Action,
    Close,
    CloseDuplicate,
    File,
    Hold,
    Open,
    Restore,
    Tally,
    Update,
    duplicates,
    linked,
    plan,
)
from rodeo_action.github.issuestate import State
from rodeo_action.report.markers import issue_key
from rodeo_action.report.model import Report
from rodeo_action.report.templates import Settings

if TYPE_CHECKING:
    from github.Issue import Issue
    from github.Repository import Repository

    from rodeo_action.config import IssueSettings

LABEL_COLOR = "d93f0b"
LABEL_DESCRIPTION = "Filed by rodeo-action: a package or manager failing in the rodeo"
REPEAT_WINDOW = dt.timedelta(hours=1)   # how far back a repeated POST can have created an issue
_ERRORS = (GithubException, RequestException)


@dataclass(frozen=True)
class IssueOutcome:
    """What was done (never what was only tried): the publisher's summary and exit code come from it."""

    filed: tuple[int, ...] = ()        # new issue numbers
    updated: tuple[int, ...] = ()      # commented because the culprit changed
    closed: tuple[int, ...] = ()       # fixed-comment + closed
    held: tuple[str, ...] = ()         # culprit keys not filed: below `after:` or over `max-per-run`
    failed: tuple[str, ...] = ()       # what could not be done, one line each
    would: Tally | None = None         # a dry run: what the plan holds (nothing above was done)


def _is_pull(issue: Issue) -> bool:
    """A pull request in the issues list, told by its page (``.../pull/N``): asking PyGithub for
    ``pull_request`` would fetch every plain issue again, since the list omits that key for them."""
    return issue.html_url.rstrip("/").rsplit("/", 2)[-2] == "pull"


def _repeats_posts(repo: Repository) -> bool:
    """Whether the client may send a POST again after a 5xx (GitHub may have done it: a duplicate)."""
    from urllib3.util.retry import Retry

    retry = repo.requester.kwargs.get("retry")
    return isinstance(retry, Retry) and retry.total not in (0, False) and retry.is_retry("POST", 502)


# -- carrying out the plan --------------------------------------------------------------------

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
    issues: dict[int, Issue] = field(default_factory=dict)   # what the listings returned, by number

    @property
    def label(self) -> str | None:
        return self.config.labels[0] if self.config.labels else None

    would: Tally | None = None

    def outcome(self) -> IssueOutcome:
        return IssueOutcome(tuple(self.filed), tuple(self.updated), tuple(self.closed), tuple(self.held),
                            tuple(self.failed), self.would)

    def fail(self, what: str, exc: BaseException) -> None:
        line = f"{what}: {C.describe(exc)}"
        self.failed.append(line)
        self.say(f"issues: could not {line}")

    def run(self) -> IssueOutcome:
        actions = plan(self.report, self.scan(), self.config, self.settings, self.repo.full_name)
        if self.dry_run:
            self.would = Tally.of(actions)
        files = [a for a in actions if isinstance(a, File)]
        for action in actions:
            if not isinstance(action, File):
                self.do(action)
            elif action is files[0]:       # filed together: labels first, one look again for them all
                self.file(files, _repeats_posts(self.repo))
        return self.outcome()

    def do(self, action: Action) -> None:
        if isinstance(action, CloseDuplicate):
            self.close_duplicate(action)
        elif isinstance(action, Hold):
            self.held.append(action.key)
            self.say(f"issues: {action.key} held: {action.why}")
        elif isinstance(action, Restore):
            self.restore(action)
        elif isinstance(action, Update):
            self.update(action)
        elif isinstance(action, Close):
            self.close(action)

    # reading -----------------------------------------------------------------------------------
    def scan(self, since: dt.datetime | None = None) -> dict[str, list[Open]]:
        """This rodeo's open issues (pulls skipped), by culprit key, oldest first."""
        out: dict[str, list[Open]] = {}
        kwargs: dict[str, Any] = {"state": "open", "sort": "created", "direction": "asc"}
        if self.label:
            kwargs["labels"] = [self.label]
        if since is not None:
            kwargs["since"] = since
        for issue in self.repo.get_issues(**kwargs):
            self.labels_seen.update(lab.name.lower() for lab in issue.labels)
            if _is_pull(issue) or not issue.body:
                continue
            key = issue_key(issue.body, self.report.name)
            if key is None:
                continue
            self.issues[issue.number] = issue
            out.setdefault(key, []).append(Open(issue.number, key, issue.body, State.decode(issue.body)))
        for found in out.values():
            found.sort(key=lambda f: f.number)
        return out

    # writing -----------------------------------------------------------------------------------
    def close_duplicate(self, action: CloseDuplicate) -> None:
        """Close a second issue of a key as a duplicate of the oldest (one PATCH)."""
        n, keep, key = action.number, action.keep, action.key
        if self.dry_run:
            self.say(f"issues: would close #{n} as a duplicate of #{keep} ({key})")
            return
        try:
            self.issues[n].edit(state="closed", state_reason="duplicate")
            self.say(f"issues: closed #{n} as a duplicate of #{keep} ({key})")
        except _ERRORS as exc:
            self.fail(f"close #{n} as a duplicate of #{keep}", exc)

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
                    self.say(f"issues: the label {name!r} exists although creating it answered {C.describe(why)}")
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
            return (False, exc) if C.status(exc) == 404 else (None, exc)

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
                if not C.ambiguous(exc):
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

    def file(self, todo: list[File], repeats: bool) -> None:
        """File the new issues; look again before reporting one as failed (GitHub may have filed it).

        A POST that failed ambiguously (5xx, or no answer) and that the listing then does not show is
        sent once more: the listing is GitHub's own (not search, which lags), so absent means not filed."""
        if not todo:
            return
        if not self.ensure_labels():
            keys = ", ".join(a.culprit.key for a in todo)
            self.failed.append(f"file {len(todo)} issue(s) ({keys}): not filed, as a label could not be created "
                               "(they would get GitHub's grey one); the next run files them")
            self.say(f"issues: not filing {keys}: a label could not be created")
            return
        if self.dry_run:
            for action in todo:
                self.say(f"issues: would file {action.title!r} ({action.culprit.key})")
            return
        mine: dict[str, int] = {}
        filed_at: list[dt.datetime] = []
        missing = [a for a in todo if not self._create(a, mine, filed_at)]
        if missing or (repeats and filed_at):
            self._look_again(missing, mine, filed_at)

    def _look_again(self, missing: list[File], mine: dict[str, int], filed_at: list[dt.datetime]) -> None:
        """After a failed POST, or one the client may have repeated: whether GitHub filed it (then it is
        filed), else send it once more if the error may hide a success; then close what is twice there."""
        for attempt in (1, 2):
            try:   # after a failure the whole list (GitHub may have filed it); else only what was just touched
                again = self.scan(None if missing else min(filed_at) - REPEAT_WINDOW)
            except _ERRORS as exc:
                for action in missing:
                    self.fail(f"file the issue for {action.culprit.key} (and could not look again)", exc)
                return
            still: list[File] = []
            for action in missing:
                key = action.culprit.key
                got = again.get(key)
                if got:
                    n = got[0].number
                    mine[key] = n
                    self.filed.append(n)
                    self.say(f"issues: GitHub filed #{n} for {key} although it answered an error")
                elif attempt == 1 and key in self.ambiguous:
                    if not self._create(action, mine, filed_at):
                        still.append(action)
                else:
                    self.failed.append(f"file the issue for {key}: GitHub answered an error and did not file it")
            if not still:
                break
            missing = still
        for dup in duplicates(again, [k for k in mine if len(again.get(k, [])) > 1]):
            self.close_duplicate(dup)
        for key, n in mine.items():       # the oldest is kept: report that one as filed
            got = again.get(key)
            if got and got[0].number != n and n in self.filed:
                self.filed[self.filed.index(n)] = got[0].number

    def _create(self, action: File, mine: dict[str, int], filed_at: list[dt.datetime]) -> bool:
        """One POST; False when it failed (``ambiguous`` then says whether it may have been carried out)."""
        key = action.culprit.key
        try:
            issue = self.repo.create_issue(title=action.title, body=action.body, labels=list(self.config.labels))
        except _ERRORS as exc:
            if C.ambiguous(exc):
                self.ambiguous.add(key)
            else:
                self.ambiguous.discard(key)
            self.say(f"issues: filing {key} answered {C.describe(exc)}; looking again")
            return False
        mine[key] = issue.number
        filed_at.append(issue.created_at)
        self.filed.append(issue.number)
        self.say(f"issues: filed #{issue.number} for {key}")
        if action.upstream is not None:
            self.upstream(issue, action)
        return True

    def upstream(self, issue: Issue, action: File) -> None:
        """File on the culprit's own tracker, once, when rodeo files its issue; 403/404 there is a warning."""
        culprit, up = action.culprit, action.upstream
        assert up is not None
        if up.repo is None:
            self.say(f"issues: {culprit.key}: no GitHub tracker to file upstream on ({culprit.tracker or 'none'})")
            return
        from github.Repository import Repository

        other = Repository(self.repo.requester.withLazy(True), url=f"/repos/{up.repo}")
        try:
            created = other.create_issue(title=up.title, body=up.body)
        except _ERRORS as exc:
            if C.status(exc) in (403, 404):
                self.say(f"issues: warning: could not file upstream on {up.repo} ({C.describe(exc)}); "
                         f"#{issue.number} keeps the prefilled link")
            else:
                self.fail(f"file upstream on {up.repo} for {culprit.key}", exc)
            return
        ref = f"{up.repo}#{created.number}"
        self.say(f"issues: filed {ref} upstream for {culprit.key}")
        _, body = linked(self.report, culprit, self.settings, action.state, (ref, created.html_url))
        self.edit(issue, "link to the upstream issue on", body=body)

    def restore(self, action: Restore) -> None:
        """A body without rodeo's state (edited by hand): restore it, say nothing on the issue."""
        if self.dry_run:
            self.say(f"issues: would restore the hidden state of #{action.number} ({action.key})")
        elif self.edit(self.issues[action.number], "restore the state of", title=action.title, body=action.body):
            self.say(f"issues: #{action.number}: restored its hidden state")

    def update(self, action: Update) -> None:
        """The culprit changed since the issue last said: new body and state, then one comment."""
        what = ", ".join(action.what)
        if self.dry_run:
            self.say(f"issues: would comment on #{action.number} ({action.key}: {what} changed)")
            return
        issue = self.issues[action.number]
        before = {"title": issue.title, "body": issue.body}
        if not self.edit(issue, "update", title=action.title, body=action.body):
            return
        if self.comment(issue, action.comment, issue.updated_at, "update"):
            self.updated.append(issue.number)
            self.say(f"issues: commented on #{issue.number} ({action.key}: {what})")
        else:
            self.undo(issue, "update", **before)

    def close(self, action: Close) -> None:
        """The culprit is gone and its cells pass: mark it fixed (and close), then the "fixed" comment."""
        verb = "close" if action.close else "mark fixed"
        if self.dry_run:
            self.say(f"issues: would {verb} #{action.number} ({action.key}: its cells pass again)")
            return
        issue = self.issues[action.number]
        changes: dict[str, Any] = {"body": action.body}
        before: dict[str, Any] = {"body": issue.body}
        if action.close:
            changes.update(state="closed", state_reason="completed")
            before["state"] = "open"
        if not self.edit(issue, verb, **changes):
            return
        if not self.comment(issue, action.comment, issue.updated_at, "fixed"):
            self.undo(issue, "close" if action.close else "fixed mark", **before)
            return
        if action.close:
            self.closed.append(issue.number)
        done = "closed" if action.close else "marked fixed"
        self.say(f"issues: {done} #{issue.number} ({action.key}: its cells pass again)")


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


__all__ = ["IssueOutcome", "sync_issues"]
