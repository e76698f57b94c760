"""The sticky PR comment: one per rodeo per pull request, found again and edited in place.

Ours is the comment that carries the rodeo's hidden marker *and* was written by the token's own
identity — a contributor quoting the marker must not have their comment overwritten.  A create
that failed with 5xx, or whose connection broke or timed out after it was sent, may have happened
anyway, so it is followed by another look, never by a blind second POST; found then, it is reported
as created (this run made it), not as "unchanged".  An edit that failed (after the client's retries)
is looked at again too: the first PATCH may have landed before its answer was lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rodeo_action.github.client import ACTIONS_LOGIN, ambiguous

if TYPE_CHECKING:
    from github import Github
    from github.IssueComment import IssueComment
    from github.Repository import Repository

CREATE_ATTEMPTS = 3


@dataclass(frozen=True)
class Posted:
    action: str                          # created | edited | unchanged
    url: str


def my_login(gh: Github) -> str:
    """The token's login; a GITHUB_TOKEN may not read ``/user``: it writes as github-actions[bot]."""
    from github import GithubException

    try:
        login: str = gh.get_user().login
        return login
    except GithubException as exc:
        if exc.status in (401, 403, 404):
            return ACTIONS_LOGIN
        raise


def find(repo: Repository, number: int, marker: str, login: str) -> IssueComment | None:
    """Our comment on PR ``number`` (every page read; the first match wins, as it is the oldest)."""
    for c in repo.get_issue(number).get_comments():
        if marker in (c.body or "") and c.user is not None and c.user.login == login:
            return c
    return None


def _url(c: Any) -> str:
    return str(getattr(c, "html_url", "") or "")


def upsert(repo: Repository, number: int, body: str, marker: str, login: str,
           found: IssueComment | None) -> Posted:
    """Edit ``found`` (PATCH is retried by the client), or create once (POST followed by a look)."""
    from github import GithubException
    from requests import RequestException

    if found is not None:
        if found.body == body:
            return Posted("unchanged", _url(found))
        try:
            found.edit(body)
        except (GithubException, RequestException):
            again = find(repo, number, marker, login)   # an edit whose retry failed may have landed the first time
            if again is None or again.body != body:
                raise
        return Posted("edited", _url(found))
    issue = repo.get_issue(number)
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        try:
            return Posted("created", _url(issue.create_comment(body)))
        except (GithubException, RequestException) as exc:
            if not ambiguous(exc) or attempt == CREATE_ATTEMPTS:
                raise
            again = find(repo, number, marker, login)   # it may exist although GitHub said 5xx
            if again is not None:
                done = upsert(repo, number, body, marker, login, again)
                return Posted("created" if done.action == "unchanged" else done.action, done.url)
    raise AssertionError("unreachable")
