"""The GitHub Actions event a report runs in, read once from the environment.

Everything the decision needs comes from ``GITHUB_EVENT_NAME`` and the event payload
(``GITHUB_EVENT_PATH``): the PR number, whether the PR comes from a fork (its token is read-only),
and the default branch (``repository.default_branch``), which saves an API request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rodeo_action.errors import InputError

PR_EVENTS = frozenset({"pull_request", "pull_request_target"})
DEFAULT_BRANCH_EVENTS = frozenset({"push", "schedule", "workflow_dispatch"})
MAX_EVENT_BYTES = 25_000_000


@dataclass(frozen=True)
class Event:
    name: str | None                     # GITHUB_EVENT_NAME; None outside GitHub Actions (manual use)
    repository: str | None               # GITHUB_REPOSITORY
    ref: str | None = None               # GITHUB_REF, e.g. refs/heads/main
    sha: str | None = None               # GITHUB_SHA
    pr_number: int | None = None
    head_repo: str | None = None         # the PR's head repository (OWNER/REPO)
    base_repo: str | None = None
    head_sha: str | None = None          # the PR's head, or the workflow_run's
    default_branch: str | None = None    # from the payload; None: ask the API
    run_head_repo: str | None = None     # workflow_run: the repository (a fork) and branch the run built
    run_head_branch: str | None = None

    @property
    def is_pr(self) -> bool:
        return self.name in PR_EVENTS and self.pr_number is not None

    @property
    def from_fork(self) -> bool:
        """A PR whose head lives in another repository: GitHub gives its run a read-only token."""
        return (self.name == "pull_request" and self.head_repo is not None and self.base_repo is not None
                and self.head_repo.lower() != self.base_repo.lower())

    @property
    def branch(self) -> str | None:
        if self.ref and self.ref.startswith("refs/heads/"):
            return self.ref[len("refs/heads/"):]
        return None


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _str(x: Any) -> str | None:
    return x if isinstance(x, str) and x else None


def parse(name: str | None, payload: Any, environ: Mapping[str, str]) -> Event:
    """An Event from the event name, its JSON payload and the GITHUB_* variables (pure)."""
    pr = _dig(payload, "pull_request")
    number = _dig(pr, "number") if isinstance(pr, dict) else None
    if number is None and name in PR_EVENTS:
        number = _dig(payload, "number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        number = None
    head_sha = _str(_dig(pr, "head", "sha")) or _str(_dig(payload, "workflow_run", "head_sha"))
    return Event(name=name or None, repository=_str(environ.get("GITHUB_REPOSITORY")),
                 ref=_str(environ.get("GITHUB_REF")), sha=_str(environ.get("GITHUB_SHA")), pr_number=number,
                 head_repo=_str(_dig(pr, "head", "repo", "full_name")),
                 base_repo=_str(_dig(pr, "base", "repo", "full_name")), head_sha=head_sha,
                 default_branch=_str(_dig(payload, "repository", "default_branch")),
                 run_head_repo=_str(_dig(payload, "workflow_run", "head_repository", "full_name")),
                 run_head_branch=_str(_dig(payload, "workflow_run", "head_branch")))


def from_environ(environ: Mapping[str, str]) -> Event:
    """The event of this run; an unreadable event file is bad input (exit 2), a missing one is no event."""
    name = environ.get("GITHUB_EVENT_NAME") or None
    path = environ.get("GITHUB_EVENT_PATH")
    payload: Any = None
    if path:
        try:
            with open(path, "rb") as fh:
                raw = fh.read(MAX_EVENT_BYTES + 1)
        except FileNotFoundError:
            raw = b""
        except OSError as exc:
            raise InputError(f"GITHUB_EVENT_PATH {path}: cannot be read ({exc.strerror})") from None
        if len(raw) > MAX_EVENT_BYTES:
            raise InputError(f"GITHUB_EVENT_PATH {path}: larger than {MAX_EVENT_BYTES:,} bytes")
        if raw:
            try:
                payload = json.loads(raw)
            except (ValueError, RecursionError):
                raise InputError(f"GITHUB_EVENT_PATH {path}: not JSON; expected the event payload "
                                 "GitHub Actions writes") from None
    return parse(name, payload, environ)
