"""The one place a PyGithub client is built: API base URL (GHES, tests), token, retries, pacing, timeout.

Retries are GitHub's own (:class:`GithubRetry`: 5xx, secondary rate limits with ``Retry-After``), with
PATCH added (PyGithub leaves it out, yet editing a comment or an issue is idempotent).  A POST that
reached GitHub is *not* sent again blindly — neither after a 5xx nor after the connection broke or
timed out once the request was sent (urllib3 would resend it: its "read error" retry): GitHub may have
created the comment or issue anyway, so the callers look again by the hidden marker before posting
twice.  A contents PUT is treated the same way: it is a compare-and-swap on the file's sha, so a
resent PUT whose first copy landed meets 409, and only the caller (which re-reads the file) can tell
that from a real conflict.  A request refused before it was processed (a secondary rate limit: 403/429
with ``Retry-After``, or a connection that could not be opened) is retried, whatever its method.
``Retry-After`` is honoured up to :data:`MAX_WAIT` seconds.
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
TIMEOUT = 30                             # seconds per request (connect, then each read); GitHub gives up at 10
MAX_WAIT = 120.0                         # the longest Retry-After honoured (GitHub asks 60 s on a secondary limit)
NOT_RESENT = frozenset({"POST", "PUT"})  # once GitHub may have carried them out: the callers look first


@dataclass(frozen=True)
class ClientSettings:
    """How to reach GitHub; ``repr`` never shows the token."""

    api_url: str
    token: str
    repository: str                      # OWNER/REPO: GITHUB_REPOSITORY
    server_url: str = "https://github.com"
    throttle: bool = True                # PyGithub's pacing between requests and writes; off for tests
    retries: int = 3
    timeout: int = TIMEOUT               # RODEO_GITHUB_TIMEOUT, whole seconds (PyGithub asserts an int)

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
                   throttle=environ.get("RODEO_GITHUB_THROTTLE", "1") != "0",
                   timeout=_seconds(environ.get("RODEO_GITHUB_TIMEOUT"), TIMEOUT))


def _seconds(text: str | None, default: int) -> int:
    """A whole number of seconds (1 to 3599) from the environment; anything else is the default."""
    try:
        value = int(text) if text else default
    except ValueError:
        return default
    return value if 0 < value < 3600 else default


def _retry(settings: ClientSettings) -> Any:
    from github import GithubRetry
    from urllib3.util.util import reraise

    class Retry(GithubRetry):
        """GithubRetry that never repeats a POST or PUT which reached GitHub: see the module docstring."""

        def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
            if method.upper() in NOT_RESENT and status_code >= 500:
                return False
            return bool(super().is_retry(method, status_code, has_retry_after))

        def increment(self, method: str | None = None, url: str | None = None, response: Any = None,
                      error: Exception | None = None, _pool: Any = None, _stacktrace: Any = None) -> Any:
            # sent, then no answer (reset, timeout): it may have been carried out — do not resend it
            if error is not None and (method or "").upper() in NOT_RESENT and self._is_read_error(error):
                reraise(type(error), error, _stacktrace)
            return super().increment(method, url, response, error, _pool, _stacktrace)

    fast = not settings.throttle
    return Retry(total=settings.retries, backoff_factor=0.001 if fast else 1.0,
                 secondary_rate_wait=0.01 if fast else 60.0,
                 allowed_methods={"GET", "PUT", "PATCH", "POST", "DELETE", "HEAD"},
                 retry_after_max=0.01 if fast else MAX_WAIT,
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
                  per_page=PER_PAGE, timeout=settings.timeout, lazy=True, **pace)


def redact(text: str, token: str | None) -> str:
    """``text`` without the token, whatever printed it (an exception can echo a request)."""
    return text.replace(token, "***") if token else text


def describe(exc: BaseException) -> str:
    """A GitHub error as one short line: status and GitHub's message, no headers; anything else (a
    reset, a timeout) as its type and message, on one line, at most 200 characters."""
    from github import GithubException

    if isinstance(exc, GithubException):
        data = exc.data
        message = data.get("message") if isinstance(data, dict) else None
        return f"HTTP {exc.status}" + (f": {message}" if message else "")
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:200]


def status(exc: BaseException) -> int | None:
    """GitHub's HTTP status; None when no answer came."""
    from github import GithubException

    return exc.status if isinstance(exc, GithubException) else None


def ambiguous(exc: BaseException) -> bool:
    """A write that raised may have been carried out all the same: GitHub answered 5xx, or no answer
    came (reset, timeout). The callers look again before they write twice or report a failure."""
    code = status(exc)
    return code is None or code >= 500


def is_read_only(exc: BaseException) -> bool:
    """The token may read but not write here (a PR from a fork, or missing ``permissions:``)."""
    from github import GithubException

    if not isinstance(exc, GithubException) or exc.status != 403:
        return False
    data = exc.data
    message = data.get("message", "") if isinstance(data, dict) else str(data)
    return "Resource not accessible by" in str(message)   # "... by integration" or "... by personal access token"
