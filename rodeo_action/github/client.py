"""The one place a PyGithub client is built: API base URL (GHES, tests), token, retries, pacing.

Retries are GitHub's own (:class:`GithubRetry`: 5xx, secondary rate limits with ``Retry-After``), with
PATCH added (PyGithub leaves it out, yet editing a comment or an issue is idempotent).  A POST that
answered 5xx is *not* retried blindly: GitHub may have created the comment or issue anyway, so the
callers look again by the hidden marker before posting twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from github import Github

API_URL = "https://api.github.com"
ACTIONS_LOGIN = "github-actions[bot]"    # who a GITHUB_TOKEN writes as; /user is forbidden to it
PER_PAGE = 100                           # fewer pages: the API budget counts requests, not items


@dataclass(frozen=True)
class ClientSettings:
    """How to reach GitHub; ``repr`` never shows the token."""

    api_url: str
    token: str
    repository: str                      # OWNER/REPO: GITHUB_REPOSITORY
    server_url: str = "https://github.com"
    throttle: bool = True                # PyGithub's pacing between requests and writes; off for tests
    retries: int = 3

    def __repr__(self) -> str:
        return f"ClientSettings(api_url={self.api_url!r}, repository={self.repository!r}, token=***)"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ClientSettings | None:
        """None without a token or a repository (then nothing can be published)."""
        token = environ.get("GITHUB_TOKEN", "").strip()
        repository = environ.get("GITHUB_REPOSITORY", "").strip()
        if not token or not repository:
            return None
        return cls(api_url=(environ.get("GITHUB_API_URL") or API_URL).rstrip("/"), token=token,
                   repository=repository,
                   server_url=(environ.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
                   throttle=environ.get("RODEO_GITHUB_THROTTLE", "1") != "0")


def _retry(settings: ClientSettings) -> Any:
    from github import GithubRetry

    class Retry(GithubRetry):
        """GithubRetry that never repeats a POST which reached GitHub (5xx): see the module docstring."""

        def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
            if method.upper() == "POST" and status_code >= 500:
                return False
            return bool(super().is_retry(method, status_code, has_retry_after))

    fast = not settings.throttle
    return Retry(total=settings.retries, backoff_factor=0.001 if fast else 1.0,
                 secondary_rate_wait=0.01 if fast else 60.0,
                 allowed_methods={"GET", "PUT", "PATCH", "POST", "DELETE", "HEAD"},
                 raise_on_status=False)   # the last answer reaches PyGithub: "HTTP 502", not "RetryError"


def connect(settings: ClientSettings) -> Github:
    """A lazy client: ``get_repo``/``get_issue`` cost no request until a value is needed."""
    import logging

    from github import Auth, Github

    # PyGithub logs each retried 403 (e.g. the expected one on /user) at INFO to stderr; our log says what matters
    logging.getLogger("github").setLevel(logging.WARNING)
    pace: dict[str, Any] = {} if settings.throttle else {"seconds_between_requests": None,
                                                         "seconds_between_writes": None}
    return Github(base_url=settings.api_url, auth=Auth.Token(settings.token), retry=_retry(settings),
                  per_page=PER_PAGE, timeout=30, lazy=True, **pace)


def redact(text: str, token: str | None) -> str:
    """``text`` without the token, whatever printed it (an exception can echo a request)."""
    return text.replace(token, "***") if token else text


def describe(exc: BaseException) -> str:
    """A GitHub error as one short line: status and GitHub's message, no headers."""
    from github import GithubException

    if isinstance(exc, GithubException):
        data = exc.data
        message = data.get("message") if isinstance(data, dict) else None
        return f"HTTP {exc.status}" + (f": {message}" if message else "")
    return f"{type(exc).__name__}: {exc}"


def is_read_only(exc: BaseException) -> bool:
    """The token may read but not write here (a PR from a fork, or missing ``permissions:``)."""
    from github import GithubException

    if not isinstance(exc, GithubException) or exc.status != 403:
        return False
    data = exc.data
    message = data.get("message", "") if isinstance(data, dict) else str(data)
    return "Resource not accessible by" in str(message)   # "... by integration" or "... by personal access token"
