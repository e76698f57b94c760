"""The README block, committed through the contents API only when it changed.

The file's blob sha is the compare-and-swap: if someone pushed in between, GitHub answers 409/422;
we read the file again and redo the replacement (never a blind overwrite of their change).  A PUT
that answered 5xx or no answer at all may have been carried out (GitHub's 502 after its own timeout):
the client does not resend it (its copy would meet 409 and look like a conflict); we read the file
again, and if it holds exactly the text we sent the commit landed — reported as committed, not as
"already up to date" — else the PUT is sent again with the sha just read.
``readme-mode: pull-request`` (protected default branches) puts the same commit on ``rodeo/readme``,
reset to the commit just read, and keeps one pull request open for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rodeo_action.errors import InputError
from rodeo_action.github.client import ambiguous, describe
from rodeo_action.report import history
from rodeo_action.report.history import Baseline
from rodeo_action.report.markers import replace_block

if TYPE_CHECKING:
    from github.Repository import Repository

CAS_RETRIES = 3
BRANCH = "rodeo/readme"


@dataclass(frozen=True)
class ReadmeFile:
    path: str
    text: str
    sha: str                             # the blob sha: the compare-and-swap token
    ref: str                             # the branch or commit it was read at


@dataclass(frozen=True)
class Written:
    action: str                          # committed | unchanged | pull-request
    detail: str


def read(repo: Repository, path: str, ref: str) -> ReadmeFile:
    """The file at ``ref``; missing or not text is bad input naming the file."""
    from github import GithubException

    try:
        got = repo.get_contents(path, ref=ref)
    except GithubException as exc:
        if exc.status == 404:
            raise InputError(f"{path}: not found on {ref} in {repo.full_name}; report.readme names the file "
                             "whose block rodeo updates") from None
        raise
    if isinstance(got, list):
        raise InputError(f"{path}: is a folder on {ref}; report.readme must name a file")
    try:
        text = got.decoded_content.decode("utf-8")
    except (UnicodeDecodeError, AssertionError):
        raise InputError(f"{path}: not UTF-8 text (or too large for the contents API)") from None
    return ReadmeFile(path=path, text=text, sha=got.sha, ref=ref)


def _substance(base: Baseline | None, after: int) -> dict[str, tuple[object, ...]] | None:
    """What a reader or the next run cares about: per cell its verdict, cause, culprit, the versions of its
    last pass, and consecutive failures counted only up to ``after`` (beyond it they change nothing)."""
    if base is None:
        return None
    return {cid: (c.status, c.phase, c.cause_kind, c.cause_package, c.culprit,
                  min(c.history.consecutive_failures, max(after, 1)),
                  tuple(sorted(c.history.last_pass_versions.items())))
            for cid, c in base.cells.items()}


def same_results(old_text: str, new_text: str, name: str | None, after: int) -> bool:
    """The two README texts' digests say the same thing (durations, run links and timestamps aside).

    A scheduled rodeo whose results did not change then makes no commit: the default branch's
    history is not a log of timings.
    """
    old = _substance(history.from_markdown(old_text, name, "README"), after)
    return old is not None and old == _substance(history.from_markdown(new_text, name, "README"), after)


def _conflict(exc: Exception) -> bool:
    from github import GithubException

    return isinstance(exc, GithubException) and exc.status in (409, 422)


def _unchanged(current: ReadmeFile, new: str, name: str | None, after: int) -> Written | None:
    if new == current.text:
        return Written("unchanged", f"{current.path}: the block is already up to date on {current.ref}")
    if same_results(current.text, new, name, after):
        return Written("unchanged", f"{current.path}: same results as the block on {current.ref} "
                                    "(only timings and timestamps differ); not committed")
    return None


def commit(repo: Repository, current: ReadmeFile, block: str, name: str | None, branch: str,
           message: str, after: int = 1) -> Written:
    """Replace the block in ``current`` and write it to ``branch`` if it changed; retry a lost race."""
    from github import GithubException
    from requests import RequestException

    for attempt in range(CAS_RETRIES + 1):
        new = replace_block(current.text, block, name, current.path)
        same = _unchanged(current, new, name, after)
        if same is not None:
            return same
        try:
            out = repo.update_file(current.path, message, new, current.sha, branch=branch)
        except (GithubException, RequestException) as exc:
            conflict = _conflict(exc)
            if not conflict and not ambiguous(exc):
                raise
            if conflict and attempt == CAS_RETRIES:
                raise
            try:
                current = read(repo, current.path, branch)
            except (GithubException, RequestException, InputError):
                raise exc from None
            if not conflict and current.text == new:
                return Written("committed", f"{current.path}: committed to {branch} (GitHub answered "
                                            f"{describe(exc)}, but the commit landed)")
            if attempt == CAS_RETRIES:
                raise
            continue
        sha = out["commit"].sha
        return Written("committed", f"{current.path}: committed {sha[:12]} to {branch}")
    raise AssertionError("unreachable")


def propose(repo: Repository, current: ReadmeFile, block: str, name: str | None, base: str, base_sha: str,
            message: str, after: int = 1) -> Written:
    """The change as a commit on ``rodeo/readme`` (reset to ``base_sha``) and one open PR into ``base``."""
    from github import GithubException

    new = replace_block(current.text, block, name, current.path)
    same = _unchanged(current, new, name, after)
    if same is not None:
        return same
    try:   # PyGithub's lazy GitRef would PATCH .../git/ref/... (singular): name the endpoint ourselves
        repo.requester.requestJsonAndCheck("PATCH", f"{repo.url}/git/refs/heads/{BRANCH}",
                                           input={"sha": base_sha, "force": True})
    except GithubException as exc:
        if exc.status not in (404, 422):
            raise
        repo.create_git_ref(f"refs/heads/{BRANCH}", base_sha)
    out = repo.update_file(current.path, message, new, current.sha, branch=BRANCH)
    sha = out["commit"].sha[:12]
    try:   # one request either way: GitHub refuses a second open PR for the same head (422)
        pr = repo.create_pull(base=base, head=BRANCH, title=message.replace(" [skip ci]", ""),
                              body="The rodeo's README block, refreshed by `rodeo report` (readme-mode: "
                                   "pull-request). This branch is reset on each run; merge when convenient.")
    except GithubException as exc:
        if exc.status != 422 or "already exists" not in str(exc.data):
            raise
        return Written("pull-request", f"{current.path}: {sha} on {BRANCH}; its open pull request is updated")
    return Written("pull-request", f"{current.path}: {sha} on {BRANCH}; pull request #{pr.number} opened")
