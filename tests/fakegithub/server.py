"""A stateful fake GitHub REST API over real HTTP on 127.0.0.1, checked against GitHub's OpenAPI description.

rodeo-action publishes through PyGithub; testing it against mocks of PyGithub would test our idea of
GitHub.  This server speaks HTTP to the real PyGithub (retries, pagination, lazy objects and all),
keeps state like GitHub (issue numbers shared with pulls, blob shas, compare-and-swap on contents),
and validates every request and response body against the operation's schema, so a payload GitHub
would never send (or accept) fails the test.  Only the endpoints PyGithub calls for rodeo are served;
anything else is recorded as a violation rather than silently answered.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import http
import json
import re
import socket
import struct
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from . import faults, openapi
from .state import (
    BOT,
    USER,
    ApiError,
    Clock,
    Comment,
    Commit,
    Issue,
    Label,
    Pull,
    Render,
    Repo,
    blob_sha,
    not_found,
)

MAX_BODY = 5 * 1024 * 1024  # bytes accepted in one request
MAX_PER_PAGE = 100  # GitHub clamps per_page to 100
DEFAULT_PER_PAGE = 30
NOT_ACCESSIBLE = "Resource not accessible by integration"
SECONDARY = faults.SECONDARY
Handler = Callable[["Call"], "Answer"]


@dataclass
class Logged:
    """One request as the server saw it, with the status it answered."""

    method: str
    path: str  # without the API prefix and the query string, percent-decoded
    query: dict[str, list[str]]
    body: Any
    status: int = 0
    op: str | None = None  # the OpenAPI operationId, None for an unserved endpoint
    headers: dict[str, str] = field(default_factory=dict)
    fault: bool = False  # answered by a fault (fail() or inject())
    target: str = ""  # the request line's target as sent (a Link URL may say /repositories/{id}/...)
    fault_kind: str = ""  # which kind, when ``fault``


@dataclass
class Fault:
    """A planned fault: a kind, where it strikes (every given condition must hold), how many times."""

    kind: faults.Kind
    times: int
    at: int | None = None  # the request's index in ``requests``
    op: str | None = None  # the OpenAPI operationId
    method: str | None = None  # None or "*": any
    pattern: re.Pattern[str] | None = None  # searched in the path

    def matches(self, index: int, entry: Logged, op: str) -> bool:
        """Every condition given holds, and the kind applies to the request (no 409 on a GET)."""
        if entry.method not in self.kind.methods or (self.kind.ops is not None and op not in self.kind.ops):
            return False
        return ((self.at is None or self.at == index) and (self.op is None or self.op == op)
                and (self.method in (None, "*", entry.method)) and (self.pattern is None
                                                                     or bool(self.pattern.search(entry.path))))


@dataclass
class Checkpoint:
    """The fake's whole state at one moment (``checkpoint()`` / ``restore()``): repositories, clock, ids."""

    repos: dict[str, Repo]
    owners: dict[str, dict[str, Any]]
    clock: Clock
    created: str
    ids: int
    autocreated_labels: list[str]


@dataclass
class Call:
    repo: Repo | None
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    path: str


@dataclass
class Answer:
    status: int
    body: Any  # JSON, or bytes sent as they are (text/html: the load balancer's error page)
    headers: dict[str, str] = field(default_factory=dict)
    transport: str = ""  # "reset": no answer, the connection is reset; "slow": sent after ``slow_seconds``


@dataclass
class Route:
    method: str
    pattern: re.Pattern[str]
    op: str
    handler: Handler
    template: str


class FakeGitHub:
    """The fake: start it (context manager), point ``Github(base_url=fake.url)`` at it, inspect its state.

    ``prefix="/api/v3"`` serves under a GitHub Enterprise Server-like path.
    """

    def __init__(self, repo: str = "octo/rodeo", *, prefix: str = "", mode: str = "app") -> None:
        self.prefix = prefix.rstrip("/")
        self.repo_name = repo
        self.mode = "app"
        self._rate = {"limit": 0, "remaining": 0, "reset": 0}
        self.token_mode(mode)
        self.requests: list[Logged] = []
        self.violations: list[str] = []
        self.counts: Counter[str] = Counter()
        self.autocreated_labels: list[str] = []
        self._faults: list[Fault] = []
        self.slow_seconds = 1.0  # how late a "slow" fault answers: set it above the client's timeout
        self._tamper: dict[str, Callable[[Any], Any]] = {}
        self._repos: dict[str, Repo] = {}
        self._owners: dict[str, dict[str, Any]] = {}
        self._clock = Clock()
        self._created = self._clock.now()
        self._ids = 1_000_000
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""  # the REST base URL (GITHUB_API_URL), set by start()
        self.html_url = ""  # the web base URL (GITHUB_SERVER_URL)
        self._render = Render("", "")
        self._routes = self._make_routes()
        self.add_repo(repo)

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> FakeGitHub:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _RequestHandler)
        server.daemon_threads = True
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        port = server.server_address[1]
        self.html_url = f"http://127.0.0.1:{port}"
        self.url = f"{self.html_url}{self.prefix}"
        self._render = Render(self.url, self.html_url)
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fake-github", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def env(self, token: str = "ghp_test") -> dict[str, str]:
        """The GITHUB_* variables a CLI run needs to publish here."""
        return {"GITHUB_API_URL": self.url, "GITHUB_SERVER_URL": self.html_url, "GITHUB_REPOSITORY": self.repo_name,
                "GITHUB_TOKEN": token}

    def assert_clean(self) -> None:
        """Fail if any payload broke GitHub's schema or an unserved endpoint was called."""
        if self.violations:
            raise AssertionError("fake GitHub saw payloads GitHub would not send or accept:\n  "
                                 + "\n  ".join(self.violations))

    # -- test controls -------------------------------------------------------------------------
    def token_mode(self, mode: str) -> None:
        """``app`` (GITHUB_TOKEN: /user is 403), ``user`` (a PAT), ``read-only`` (a fork's PR: writes are 403)."""
        if mode not in {"app", "user", "read-only"}:
            raise ValueError(mode)
        self.mode = mode
        limit = 5000 if mode == "user" else 1000
        self._rate = {"limit": limit, "remaining": limit, "reset": int(time.time()) + 3600}

    @property
    def actor(self) -> dict[str, Any]:
        return USER if self.mode == "user" else BOT

    def fail(self, method: str, path_regex: str, status: int, times: int = 1, headers: dict[str, str] | None = None,
             body: Any = None, *, after: bool = False) -> None:
        """Answer the next ``times`` matching requests with ``status`` (``method`` "*" matches any).

        ``path_regex`` is searched in the path without the API prefix and query.  ``after=True`` applies
        the request first (a write that happened although the client saw an error: the duplicate trap).
        A 403 with ``Retry-After`` and no body gets GitHub's secondary-rate-limit message.
        """
        if times < 1:
            raise ValueError("times must be >= 1")
        if body is None:
            if status == 403 and headers and "Retry-After" in headers:
                message = SECONDARY
            else:
                message = http.HTTPStatus(status).phrase
            body = {"message": message, "documentation_url": "https://docs.github.com/rest", "status": str(status)}
        kind = faults.Kind(f"{status}{'-after' if after else ''}", status, "fail()", applied=after, body=body,
                           headers=dict(headers or {}))
        with self._lock:
            self._faults.append(Fault(kind, times, method=method.upper(), pattern=re.compile(path_regex)))

    def inject(self, kind: str | faults.Kind, *, at: int | None = None, op: str | None = None,
               method: str | None = None, path: str | None = None, times: int = 1) -> None:
        """Plan a fault of ``kind`` (a name in ``faults.KINDS``) on the requests matching every condition given:
        ``at`` the index the request will have in ``requests``, ``op`` its operationId, ``method``, ``path``
        a regex searched in its path.  The first matching plan (in the order placed) answers a request."""
        k = faults.KINDS[kind] if isinstance(kind, str) else kind
        if op is not None:
            openapi.operation(op)  # KeyError for a typo
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            self._faults.append(Fault(k, times, at=at, op=op, method=method.upper() if method else None,
                                      pattern=re.compile(path) if path is not None else None))

    def clear_faults(self) -> list[Fault]:
        """Drop the plans not yet used up; returns them (a walk checks its faults all struck)."""
        with self._lock:
            left, self._faults = self._faults, []
            return left

    def checkpoint(self) -> Checkpoint:
        """A deep copy of the state, to ``restore()`` later (here or in another FakeGitHub)."""
        with self._lock:
            return copy.deepcopy(Checkpoint(self._repos, self._owners, self._clock, self._created, self._ids,
                                            self.autocreated_labels))

    def restore(self, cp: Checkpoint) -> None:
        """Back to ``cp``'s state; the request log, counters, violations and fault plans are emptied too."""
        fresh = copy.deepcopy(cp)
        with self._lock:
            self._repos, self._owners, self._clock = fresh.repos, fresh.owners, fresh.clock
            self._created, self._ids, self.autocreated_labels = fresh.created, fresh.ids, fresh.autocreated_labels
            self.requests.clear()
            self.counts.clear()
            self.violations.clear()
            self._faults.clear()

    def tamper(self, op_id: str, fn: Callable[[Any], Any] | None) -> None:
        """Test-only: rewrite the success body of ``op_id`` before it is validated and sent (None: stop)."""
        openapi.operation(op_id)  # KeyError for a typo
        with self._lock:
            if fn is None:
                self._tamper.pop(op_id, None)
            else:
                self._tamper[op_id] = fn

    def count(self, method: str | None = None, path_regex: str | None = None) -> int:
        """How many logged requests match (faults included)."""
        with self._lock:
            return sum(1 for r in self.requests if (method is None or r.method == method.upper())
                       and (path_regex is None or re.search(path_regex, r.path)))

    # -- seeding -------------------------------------------------------------------------------
    def _id(self) -> int:
        self._ids += 1
        return self._ids

    def add_repo(self, full_name: str, default_branch: str = "main") -> Repo:
        """A repository with one empty commit on its default branch."""
        owner, name = full_name.split("/")
        with self._lock:
            repo = Repo(owner, name, id=len(self._repos) + 100, default_branch=default_branch)
            self._owners[full_name] = {"login": owner, "id": 9000 + repo.id, "type": "Organization",
                                       "node_id": f"O_kgDO{9000 + repo.id}"}
            root = Commit(hashlib.sha1(f"root {full_name}".encode()).hexdigest(), "Initial commit", None, {},
                          self._clock.now(), {"name": owner, "email": f"{owner}@example.com"}, default_branch)
            repo.commits[root.sha] = root
            repo.refs[default_branch] = root.sha
            self._repos[full_name] = repo
            return repo

    def repo(self, full_name: str | None = None) -> Repo:
        return self._repos[full_name or self.repo_name]

    def add_file(self, path: str, text: str | bytes, branch: str | None = None, repo: str | None = None,
                 message: str = "seed") -> str:
        """Commit a file directly (not through the API, so not in ``commits``); returns its blob sha."""
        data = text.encode() if isinstance(text, str) else text
        with self._lock:
            r = self.repo(repo)
            self._commit(r, branch or r.default_branch, path, data, message, {"name": "seed", "email": "s@e.com"})
        return blob_sha(data)

    def add_branch(self, branch: str, from_branch: str | None = None, repo: str | None = None) -> None:
        with self._lock:
            r = self.repo(repo)
            r.refs[branch] = r.refs[from_branch or r.default_branch]

    def add_label(self, name: str, color: str = "ededed", description: str | None = None,
                  repo: str | None = None) -> None:
        with self._lock:
            self.repo(repo).labels[name.lower()] = Label(self._id(), name, color, description)

    def add_issue(self, title: str, body: str | None = None, labels: list[str] | tuple[str, ...] = (),
                  state: str = "open", user: dict[str, Any] | None = None, repo: str | None = None) -> int:
        """Seed an issue (e.g. 150 of them to exercise pagination); returns its number."""
        with self._lock:
            r = self.repo(repo)
            issue = self._new_issue(r, title, body, list(labels), user or USER)
            if state == "closed":
                issue.state, issue.state_reason, issue.closed_at = "closed", "completed", issue.updated_at
            return issue.number

    def add_comment(self, number: int, body: str, user: dict[str, Any] | None = None, repo: str | None = None) -> int:
        with self._lock:
            return self._new_comment(self.repo(repo), number, body, user or USER).id

    def open_pr(self, number: int | None = None, head: str | None = None, base: str | None = None,
                title: str = "A pull request", body: str | None = "", repo: str | None = None,
                head_repo: str | None = None) -> int:
        """Seed an open pull request (its head branch one commit ahead of base); returns its number.

        ``head_repo`` (OWNER/REPO, created if missing): a PR from that fork.  Its commits are kept here, as
        GitHub keeps them under refs/pull/N/head; the answers name the fork as the head repository."""
        with self._lock:
            r = self.repo(repo)
            number = number or r.next_number()
            if number in r.issues:
                raise ValueError(f"#{number} exists")
            head = head or f"feature-{number}"
            base = base or r.default_branch
            if head not in r.refs:
                r.refs[head] = r.refs[base]
                self._commit(r, head, f"feature-{number}.txt", b"change\n", "change",
                             {"name": "contributor", "email": "c@example.com"})
            now = self._clock.now()
            r.issues[number] = Issue(number, self._id(), title, body, USER, [], now, now, is_pull=True)
            r.pulls[number] = Pull(number, self._id(), head, base, r.refs[head], head_repo=head_repo)
            if head_repo is not None and head_repo not in self._repos:
                self.add_repo(head_repo, r.default_branch)
            return number

    # -- state accessors (default repository unless ``repo``) ----------------------------------
    @property
    def issues(self) -> list[Issue]:
        """Issues, not pulls, by number."""
        return [i for _, i in sorted(self.repo().issues.items()) if not i.is_pull]

    def issue(self, number: int, repo: str | None = None) -> Issue:
        return self.repo(repo).issues[number]

    def comments(self, number: int, repo: str | None = None) -> list[Comment]:
        return [c for _, c in sorted(self.repo(repo).comments.items()) if c.issue == number]

    def file(self, path: str, ref: str | None = None, repo: str | None = None) -> str | None:
        data = self.repo(repo).resolve(ref).tree.get(path)
        return None if data is None else data.decode()

    @property
    def commits(self) -> list[Commit]:
        """Commits made through the API (contents PUT), oldest first."""
        return list(self.repo().log)

    @property
    def labels(self) -> dict[str, Label]:
        return {lab.name: lab for lab in self.repo().labels.values()}

    @property
    def pulls(self) -> dict[int, Pull]:
        return dict(self.repo().pulls)

    # -- state changes -------------------------------------------------------------------------
    def _commit(self, r: Repo, branch: str, path: str, data: bytes, message: str, author: dict[str, str]) -> Commit:
        parent = r.commits[r.refs[branch]]
        tree = {**parent.tree, path: data}
        sha = hashlib.sha1(f"{parent.sha}\0{message}\0{path}\0{blob_sha(data)}\0{self._id()}".encode()).hexdigest()
        c = Commit(sha, message, parent.sha, tree, self._clock.now(), author, branch, path)
        r.commits[sha] = c
        r.refs[branch] = sha
        return c

    def _new_issue(self, r: Repo, title: str, body: str | None, labels: list[str], user: dict[str, Any]) -> Issue:
        now = self._clock.now()
        names = [self._ensure_label(r, n) for n in labels]
        issue = Issue(r.next_number(), self._id(), title, body, user, names, now, now)
        r.issues[issue.number] = issue
        return issue

    def _new_comment(self, r: Repo, number: int, body: str, user: dict[str, Any]) -> Comment:
        issue = r.issues[number]
        now = self._clock.now()
        c = Comment(self._id(), number, body, user, now, now)
        r.comments[c.id] = c
        issue.comments += 1
        issue.updated_at = now
        return c

    def _ensure_label(self, r: Repo, name: str) -> str:
        """GitHub creates a label it is asked to put on an issue (grey, no description); we record that."""
        if name.lower() not in r.labels:
            r.labels[name.lower()] = Label(self._id(), name, "ededed", None)
            self.autocreated_labels.append(name)
        return r.labels[name.lower()].name

    # -- routing -------------------------------------------------------------------------------
    def _make_routes(self) -> list[Route]:
        repo = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"
        table: list[tuple[str, str, str, Handler]] = [
            ("GET", r"/user", "users/get-authenticated", self._get_user),
            ("GET", r"/rate_limit", "rate-limit/get", self._get_rate_limit),
            ("GET", repo, "repos/get", self._get_repo),
            ("GET", repo + r"/contents/(?P<path>.*)", "repos/get-content", self._get_content),
            ("PUT", repo + r"/contents/(?P<path>.+)", "repos/create-or-update-file-contents", self._put_content),
            ("GET", repo + r"/git/ref/(?P<ref>.+)", "git/get-ref", self._get_ref),
            ("POST", repo + r"/git/refs", "git/create-ref", self._create_ref),
            ("PATCH", repo + r"/git/refs/(?P<ref>.+)", "git/update-ref", self._update_ref),
            ("GET", repo + r"/pulls", "pulls/list", self._list_pulls),
            ("POST", repo + r"/pulls", "pulls/create", self._create_pull),
            ("GET", repo + r"/pulls/(?P<number>\d+)", "pulls/get", self._get_pull),
            ("PATCH", repo + r"/pulls/(?P<number>\d+)", "pulls/update", self._update_pull),
            ("GET", repo + r"/issues", "issues/list-for-repo", self._list_issues),
            ("POST", repo + r"/issues", "issues/create", self._create_issue),
            ("GET", repo + r"/issues/(?P<number>\d+)", "issues/get", self._get_issue),
            ("PATCH", repo + r"/issues/(?P<number>\d+)", "issues/update", self._update_issue),
            ("GET", repo + r"/issues/(?P<number>\d+)/comments", "issues/list-comments", self._list_comments),
            ("POST", repo + r"/issues/(?P<number>\d+)/comments", "issues/create-comment", self._create_comment),
            ("PATCH", repo + r"/issues/comments/(?P<id>\d+)", "issues/update-comment", self._update_comment),
            ("GET", repo + r"/labels/(?P<name>[^/]+)", "issues/get-label", self._get_label),
            ("POST", repo + r"/labels", "issues/create-label", self._create_label),
        ]
        return [Route(m, re.compile(p + "$"), op, h, openapi.operation(op)["path"]) for m, p, op, h in table]

    def _canonical(self, raw_path: str) -> str:
        """GitHub's Link headers point at /repositories/{id}/...: serve those as /repos/{owner}/{repo}/..."""
        m = re.match(r"/repositories/(\d+)(/.*)?$", raw_path)
        if m:
            for name, r in self._repos.items():
                if r.id == int(m.group(1)):
                    return f"/repos/{name}{m.group(2) or ''}"
        return raw_path

    def _match(self, method: str, raw_path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self._routes:
            if route.method == method:
                rm = route.pattern.match(raw_path)
                if rm:
                    return route, {k: urllib.parse.unquote(v) for k, v in rm.groupdict().items()}
        return None

    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> tuple[Answer, str]:
        """Serve one request: log, validate, inject faults, dispatch; returns the answer and its op."""
        split = urllib.parse.urlsplit(target)
        raw_path = split.path
        outside = bool(self.prefix) and not raw_path.startswith(self.prefix + "/")
        if self.prefix and not outside:
            raw_path = raw_path[len(self.prefix):]
        query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        with self._lock:
            raw_path = self._canonical(raw_path)
            entry = Logged(method, urllib.parse.unquote(raw_path), query, None, headers=headers, target=target)
            self.requests.append(entry)
            if outside:
                self._violation(entry, f"outside the API prefix {self.prefix}")
                entry.status = 404
                return Answer(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}), ""
            answer, op = self._handle(entry, raw_path, headers, raw)
            entry.status = answer.status
            if op:
                entry.op = op
            return answer, op

    def _violation(self, entry: Logged, what: str) -> None:
        self.violations.append(f"{entry.method} {entry.path}: {what}")

    def _handle(self, entry: Logged, raw_path: str, headers: dict[str, str], raw: bytes) -> tuple[Answer, str]:
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                self._violation(entry, "request body is not JSON")
                return Answer(400, {"message": "Problems parsing JSON", "documentation_url": "https://docs.github.com/rest"
                                    }), ""
        entry.body = body
        found = self._match(entry.method, raw_path)
        if found is None:
            self.counts[f"{entry.method} ?{entry.path}"] += 1
            self._violation(entry, "endpoint not served by the fake (add it, or the code calls something unexpected)")
            return Answer(404, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}), ""
        route, params = found
        op = route.op
        self.counts[f"{route.method} {route.template}"] += 1
        for err in openapi.check_query(op, entry.query):
            self._violation(entry, f"{op} request: {err}")
        request_errors = openapi.check_request(op, body) if entry.method in {"POST", "PUT", "PATCH"} else (
            [] if body is None else ["GET with a body"])
        for err in request_errors:
            self._violation(entry, f"{op} request: {err}")

        index = len(self.requests) - 1
        fault = next((f for f in self._faults if f.matches(index, entry, op)), None)
        if fault is not None:
            fault.times -= 1
            if fault.times == 0:
                self._faults.remove(fault)
            entry.fault = True
            entry.fault_kind = fault.kind.name
            if not fault.kind.applied:
                return self._fault_answer(fault.kind, entry, op), op
        if route.op != "rate-limit/get":
            self._rate["remaining"] = max(0, self._rate["remaining"] - 1)
        try:
            if request_errors:
                # GitHub checks bodies against the same schema: it answers 422 and changes nothing.
                raise ApiError(422, f"Invalid request.\n\n{request_errors[0]}")
            answer = self._dispatch(route, params, entry, headers)
        except ApiError as e:
            answer = Answer(e.status, e.body, e.headers)
        if fault is not None and fault.kind.transport != "slow":  # applied: the change happened, the client
            return self._fault_answer(fault.kind, entry, op), op    # still sees the error
        if answer.status < 300 and op in self._tamper:
            answer.body = self._tamper[op](answer.body)
        for err in openapi.check_response(op, answer.status, answer.body):
            self._violation(entry, f"{op} response {answer.status}: {err}")
        if fault is not None:
            answer.transport = "slow"
        return answer, op

    def _fault_answer(self, kind: faults.Kind, entry: Logged, op: str) -> Answer:
        """The error a fault answers; a JSON body must be one GitHub documents (or its basic error shape)."""
        if kind.transport == "reset":
            return Answer(0, None, transport="reset")
        assert kind.status is not None
        body = kind.answer_body(entry.path)
        if kind.documented and not isinstance(body, bytes):
            for err in openapi.check_response(op, kind.status, body):
                self._violation(entry, f"{op} injected {kind.name} answer: {err}")
        return Answer(kind.status, body, dict(kind.headers))

    def _dispatch(self, route: Route, params: dict[str, str], entry: Logged, headers: dict[str, str]) -> Answer:
        auth = headers.get("authorization", "")
        authed = auth.startswith(("token ", "Bearer ")) and len(auth.split(" ", 1)[1]) > 0
        write = entry.method != "GET"
        if (write or route.op == "users/get-authenticated") and not authed:
            raise ApiError(401, "Requires authentication", "/overview/authenticating-to-the-rest-api")
        if route.op == "users/get-authenticated" and self.mode != "user":
            raise ApiError(403, NOT_ACCESSIBLE, "/users/users#get-the-authenticated-user")
        if write and self.mode == "read-only":
            raise ApiError(403, NOT_ACCESSIBLE, "", headers={"X-Accepted-GitHub-Permissions": "contents=write; "
                                                             "issues=write; pull_requests=write"})
        repo = None
        if "owner" in params:
            repo = self._repos.get(f"{params['owner']}/{params['repo']}")
            if repo is None:
                raise not_found("/repos/repos#get-a-repository")
        query = {k: v[-1] for k, v in entry.query.items()}
        return route.handler(Call(repo, params, query, entry.body, entry.path))

    # -- helpers for handlers ------------------------------------------------------------------
    def _repo_json(self, r: Repo) -> dict[str, Any]:
        return self._render.repo(r, self._owners[r.full_name], self._created)

    def _paginate(self, call: Call, items: list[Any]) -> tuple[list[Any], dict[str, str]]:
        """One page and GitHub's ``Link`` header (next/last/first/prev, absolute URLs)."""
        try:
            per_page = min(max(int(call.query.get("per_page", DEFAULT_PER_PAGE)), 1), MAX_PER_PAGE)
            page = max(int(call.query.get("page", 1)), 1)
        except ValueError as e:
            raise ApiError(422, "Validation Failed") from e
        last = max((len(items) + per_page - 1) // per_page, 1)
        chunk = items[(page - 1) * per_page: page * per_page]
        assert call.repo is not None
        base = f"{self.url}/repositories/{call.repo.id}{call.path.removeprefix(f'/repos/{call.repo.full_name}')}"

        def link(n: int) -> str:
            q = {**call.query, "page": str(n)}
            return f"{base}?{urllib.parse.urlencode(q)}"

        rels = []
        if page < last:
            rels += [f'<{link(page + 1)}>; rel="next"', f'<{link(last)}>; rel="last"']
        if page > 1:
            rels = [f'<{link(page - 1)}>; rel="prev"', *rels, f'<{link(1)}>; rel="first"']
        return chunk, ({"Link": ", ".join(rels)} if rels else {})

    @staticmethod
    def _int(call: Call, key: str) -> int:
        return int(call.params[key])

    def _unsupported(self, call: Call, what: str) -> None:
        self.violations.append(f"{call.path}: the fake does not implement {what} (results would be wrong)")

    # -- handlers ------------------------------------------------------------------------------
    def _get_user(self, call: Call) -> Answer:
        return Answer(200, self._render.private_user(self.actor, self._created))

    def _get_rate_limit(self, call: Call) -> Answer:
        return Answer(200, self._render.rate_limit(self._rate["limit"], self._rate["remaining"], self._rate["reset"]))

    def _get_repo(self, call: Call) -> Answer:
        assert call.repo is not None
        return Answer(200, self._repo_json(call.repo))

    def _get_content(self, call: Call) -> Answer:
        r = call.repo
        assert r is not None
        ref = call.query.get("ref") or r.default_branch
        tree = r.resolve(ref).tree
        path = call.params["path"].strip("/")
        if path in tree:
            return Answer(200, self._render.content_file(r, path, tree[path], ref))
        prefix = f"{path}/" if path else ""
        children: dict[str, bytes | None] = {}
        for p, data in tree.items():
            if p.startswith(prefix):
                rest = p[len(prefix):]
                children[prefix + rest.split("/")[0]] = data if "/" not in rest else None
        if not children:
            raise not_found("/repos/contents#get-repository-content")
        return Answer(200, [self._render.content_entry(r, p, d, ref) for p, d in sorted(children.items())])

    def _put_content(self, call: Call) -> Answer:
        r = call.repo
        assert r is not None
        body = call.body
        path = call.params["path"].strip("/")
        branch = body.get("branch") or r.default_branch
        if branch not in r.refs:
            raise ApiError(404, f"Branch {branch} not found", "/repos/contents#create-or-update-file-contents")
        try:
            data = base64.b64decode(body["content"], validate=True)
        except (binascii.Error, ValueError) as e:
            raise ApiError(422, "content is not valid Base64", "/repos/contents#create-or-update-file-contents") from e
        current = r.commits[r.refs[branch]].tree.get(path)
        sha = body.get("sha")
        if current is not None and sha is None:
            raise ApiError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.',
                           "/repos/contents#create-or-update-file-contents")
        if sha is not None and (current is None or sha != blob_sha(current)):
            # GitHub's answer when the file moved on since the client read it (compare-and-swap).
            raise ApiError(409, f"{path} does not match {sha}", "/repos/contents#create-or-update-file-contents")
        who = body.get("author") or body.get("committer") or {
            "name": self.actor["login"], "email": f"{self.actor['id']}+{self.actor['login']}@users.noreply.github.com"}
        commit = self._commit(r, branch, path, data, body["message"], {"name": who["name"], "email": who["email"]})
        r.log.append(commit)
        content = self._render.content_entry(r, path, data, branch)
        return Answer(201 if current is None else 200,
                      {"content": content, "commit": self._render.commit(r, commit)})

    def _get_ref(self, call: Call) -> Answer:
        r = call.repo
        assert r is not None
        ref = call.params["ref"]
        branch = ref.removeprefix("heads/")
        if not ref.startswith("heads/") or branch not in r.refs:
            raise not_found("/git/refs#get-a-reference")
        return Answer(200, self._render.git_ref(r, branch))

    def _create_ref(self, call: Call) -> Answer:
        r = call.repo
        assert r is not None
        ref, sha = call.body["ref"], call.body["sha"]
        if not ref.startswith("refs/") or ref.count("/") < 2:
            raise ApiError(422, "Reference name must start with 'refs/' and have at least two slashes.",
                           "/git/refs#create-a-reference")
        if not ref.startswith("refs/heads/"):
            self._unsupported(call, "refs other than branches")
        branch = ref.removeprefix("refs/heads/")
        if branch in r.refs:
            raise ApiError(422, "Reference already exists", "/git/refs#create-a-reference")
        if sha not in r.commits:
            raise ApiError(422, "Object does not exist", "/git/refs#create-a-reference")
        r.refs[branch] = sha
        out = self._render.git_ref(r, branch)
        return Answer(201, out, {"Location": out["url"]})

    def _update_ref(self, call: Call) -> Answer:
        r = call.repo
        assert r is not None
        branch = call.params["ref"].removeprefix("heads/")
        sha = call.body["sha"]
        if not call.params["ref"].startswith("heads/") or branch not in r.refs:
            raise ApiError(422, "Reference does not exist", "/git/refs#update-a-reference")
        if sha not in r.commits:
            raise ApiError(422, "Object does not exist", "/git/refs#update-a-reference")
        if not call.body.get("force") and not r.is_ancestor(r.refs[branch], sha):
            raise ApiError(422, "Update is not a fast forward", "/git/refs#update-a-reference")
        r.refs[branch] = sha
        return Answer(200, self._render.git_ref(r, branch))

    def _pull_json(self, r: Repo, p: Pull, full: bool) -> dict[str, Any]:
        fork = self._repo_json(self._repos[p.head_repo]) if p.head_repo else None
        return self._render.pull(r, p, self._repo_json(r), full, fork)

    def _list_pulls(self, call: Call) -> Answer:
        r = call.repo
        assert r is not None
        state = call.query.get("state", "open")
        head = call.query.get("head")
        base = call.query.get("base")
        if call.query.get("sort", "created") != "created":
            self._unsupported(call, "pulls sort other than created")
        pulls = [p for p in r.pulls.values()
                 if state in {"all", r.issues[p.number].state}
                 and (head is None or head in {f"{r.owner}:{p.head}", p.head})
                 and (base is None or p.base == base)]
        pulls.sort(key=lambda p: p.number, reverse=call.query.get("direction", "desc") == "desc")
        page, headers = self._paginate(call, pulls)
        return Answer(200, [self._pull_json(r, p, False) for p in page], headers)

    def _create_pull(self, call: Call) -> Answer:
        r = call.repo
        assert r is not None
        body = call.body
        if "issue" in body:
            self._unsupported(call, "converting an issue to a pull request")
        head = body["head"].split(":", 1)[-1]
        base = body["base"]

        def invalid(fieldname: str, code: str = "invalid", message: str | None = None) -> ApiError:
            err: dict[str, Any] = {"resource": "PullRequest", "code": code}
            if message:
                err["message"] = message
            else:
                err["field"] = fieldname
            return ApiError(422, "Validation Failed", "/pulls/pulls#create-a-pull-request", [err])

        if base not in r.refs:
            raise invalid("base")
        if head not in r.refs:
            raise invalid("head")
        if any(p.head == head and p.base == base and r.issues[p.number].state == "open" for p in r.pulls.values()):
            raise invalid("", "custom", f"A pull request already exists for {r.owner}:{head}.")
        if r.refs[head] == r.refs[base]:
            raise invalid("", "custom", f"No commits between {base} and {head}")
        now = self._clock.now()
        number = r.next_number()
        r.issues[number] = Issue(number, self._id(), body.get("title") or head, body.get("body"), self.actor, [], now,
                                 now, is_pull=True)
        r.pulls[number] = Pull(number, self._id(), head, base, r.refs[head], draft=bool(body.get("draft")),
                               maintainer_can_modify=bool(body.get("maintainer_can_modify")))
        out = self._pull_json(r, r.pulls[number], True)
        return Answer(201, out, {"Location": out["url"]})

    def _the_pull(self, call: Call) -> tuple[Repo, Pull]:
        r = call.repo
        assert r is not None
        p = r.pulls.get(self._int(call, "number"))
        if p is None:
            raise not_found("/pulls/pulls#get-a-pull-request")
        return r, p

    def _get_pull(self, call: Call) -> Answer:
        r, p = self._the_pull(call)
        return Answer(200, self._pull_json(r, p, True))

    def _update_pull(self, call: Call) -> Answer:
        r, p = self._the_pull(call)
        issue = r.issues[p.number]
        body = call.body
        if "title" in body:
            issue.title = body["title"]
        if "body" in body:
            issue.body = body["body"]
        if "base" in body:
            if body["base"] not in r.refs:
                raise ApiError(422, "Validation Failed", "/pulls/pulls#update-a-pull-request",
                               [{"resource": "PullRequest", "field": "base", "code": "invalid"}])
            p.base = body["base"]
        if "maintainer_can_modify" in body:
            p.maintainer_can_modify = body["maintainer_can_modify"]
        if "state" in body:
            self._set_state(issue, body["state"], None)
        issue.updated_at = self._clock.now()
        return Answer(200, self._pull_json(r, p, True))

    def _issue_json(self, r: Repo, i: Issue) -> dict[str, Any]:
        return self._render.issue(r, i, self._owners[r.full_name], self._created)

    def _list_issues(self, call: Call) -> Answer:
        r = call.repo
        assert r is not None
        q = call.query
        for unsupported in ("milestone", "assignee", "type", "mentioned", "issue_field_values"):
            if unsupported in q:
                self._unsupported(call, f"the issues filter {unsupported}=")
        state = q.get("state", "open")
        wanted = {n.strip().lower() for n in q.get("labels", "").split(",") if n.strip()}
        since = q.get("since")
        creator = q.get("creator")
        items = [i for i in r.issues.values()
                 if state in {"all", i.state}
                 and wanted <= {n.lower() for n in i.labels}
                 and (since is None or i.updated_at >= since)
                 and (creator is None or i.user["login"] == creator)]
        key: Callable[[Issue], Any] = {"created": lambda i: (i.created_at, i.number),
                                       "updated": lambda i: (i.updated_at, i.number),
                                       "comments": lambda i: (i.comments, i.number)}[q.get("sort", "created")]
        items.sort(key=key, reverse=q.get("direction", "desc") == "desc")
        page, headers = self._paginate(call, items)
        return Answer(200, [self._issue_json(r, i) for i in page], headers)

    def _create_issue(self, call: Call) -> Answer:
        r = call.repo
        assert r is not None
        body = call.body
        if body.get("assignees") or body.get("assignee") or body.get("milestone") is not None:
            self._unsupported(call, "assignees and milestones")
        labels = [lab if isinstance(lab, str) else lab["name"] for lab in body.get("labels") or []]
        issue = self._new_issue(r, str(body["title"]), body.get("body"), labels, self.actor)
        out = self._issue_json(r, issue)
        return Answer(201, out, {"Location": out["url"]})

    def _the_issue(self, call: Call) -> tuple[Repo, Issue]:
        r = call.repo
        assert r is not None
        issue = r.issues.get(self._int(call, "number"))
        if issue is None:
            raise not_found("/issues/issues#get-an-issue")
        return r, issue

    def _get_issue(self, call: Call) -> Answer:
        r, issue = self._the_issue(call)
        return Answer(200, self._issue_json(r, issue))

    def _set_state(self, issue: Issue, state: str, reason: str | None) -> None:
        if state == "closed" and issue.state != "closed":
            issue.closed_at = self._clock.now()
        if state == "closed":
            issue.state_reason = reason or "completed"
        elif issue.state == "closed":
            issue.closed_at, issue.state_reason = None, "reopened"
        issue.state = state

    def _update_issue(self, call: Call) -> Answer:
        r, issue = self._the_issue(call)
        body = call.body
        if body.get("assignees") or body.get("assignee") or body.get("milestone") is not None:
            self._unsupported(call, "assignees and milestones")
        if body.get("title") is not None:
            issue.title = str(body["title"])
        if "body" in body:
            issue.body = body["body"]
        if body.get("labels") is not None:
            issue.labels = [self._ensure_label(r, lab if isinstance(lab, str) else lab["name"])
                            for lab in body["labels"]]
        if body.get("state") is not None:
            self._set_state(issue, body["state"], body.get("state_reason"))
        issue.updated_at = self._clock.now()
        return Answer(200, self._issue_json(r, issue))

    def _list_comments(self, call: Call) -> Answer:
        r, issue = self._the_issue(call)
        since = call.query.get("since")
        items = [c for _, c in sorted(r.comments.items())
                 if c.issue == issue.number and (since is None or c.updated_at >= since)]
        page, headers = self._paginate(call, items)
        return Answer(200, [self._render.comment(r, c) for c in page], headers)

    def _create_comment(self, call: Call) -> Answer:
        r, issue = self._the_issue(call)
        c = self._new_comment(r, issue.number, call.body["body"], self.actor)
        out = self._render.comment(r, c)
        return Answer(201, out, {"Location": out["url"]})

    def _update_comment(self, call: Call) -> Answer:
        r = call.repo
        assert r is not None
        c = r.comments.get(self._int(call, "id"))
        if c is None:
            raise not_found("/issues/comments#update-an-issue-comment")
        c.body = call.body["body"]
        c.updated_at = self._clock.now()
        return Answer(200, self._render.comment(r, c))

    def _get_label(self, call: Call) -> Answer:
        r = call.repo
        assert r is not None
        lab = r.labels.get(call.params["name"].lower())
        if lab is None:
            raise not_found("/issues/labels#get-a-label")
        return Answer(200, self._render.label(r, lab))

    def _create_label(self, call: Call) -> Answer:
        r = call.repo
        assert r is not None
        name = call.body["name"]
        color = (call.body.get("color") or "ededed").removeprefix("#")
        if not re.fullmatch(r"[0-9a-fA-F]{6}", color):
            raise ApiError(422, "Validation Failed", "/issues/labels#create-a-label",
                           [{"resource": "Label", "code": "invalid", "field": "color"}])
        if name.lower() in r.labels:
            raise ApiError(422, "Validation Failed", "/issues/labels#create-a-label",
                           [{"resource": "Label", "code": "already_exists", "field": "name"}])
        lab = Label(self._id(), name, color.lower(), call.body.get("description"))
        r.labels[name.lower()] = lab
        out = self._render.label(r, lab)
        return Answer(201, out, {"Location": out["url"]})


class _RequestHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive (as PyGithub's requests session uses it); idle sockets time out."""

    protocol_version = "HTTP/1.1"
    timeout = 10  # seconds an idle keep-alive connection may hold a thread
    wbufsize = -1  # headers and body leave in one write (flushed per request): no Nagle/delayed-ACK stall
    disable_nagle_algorithm = True
    server_version = "GitHub.com"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the fake's own request log is the record."""

    def _serve(self) -> None:
        fake: FakeGitHub = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(Answer(413, {"message": "Request body too large"}))
            self.close_connection = True
            return
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        answer, op = fake.handle(self.command, self.path, headers, raw)
        if answer.transport == "reset":
            # No status line at all: an RST (SO_LINGER 0) as a dropped connection or a killed backend gives.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        if answer.transport == "slow":
            time.sleep(fake.slow_seconds)  # the client has given up by now: it never reads this answer
            self.close_connection = True
        rate = fake._rate
        answer.headers.setdefault("X-RateLimit-Limit", str(rate["limit"]))
        answer.headers.setdefault("X-RateLimit-Remaining", str(rate["remaining"]))
        answer.headers.setdefault("X-RateLimit-Reset", str(rate["reset"]))
        answer.headers.setdefault("X-RateLimit-Used", str(rate["limit"] - rate["remaining"]))
        answer.headers.setdefault("X-RateLimit-Resource", "core")
        try:
            self._send(answer)
        except OSError:  # the client hung up (after its timeout): nobody to answer
            self.close_connection = True

    def _send(self, answer: Answer) -> None:
        if isinstance(answer.body, bytes):
            data, kind = answer.body, "text/html"
        else:
            data, kind = (b"", "") if answer.body is None else (json.dumps(answer.body).encode(),
                                                                "application/json; charset=utf-8")
        self.send_response(answer.status)
        if kind:
            self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-GitHub-Media-Type", "github.v3; format=json")
        self.send_header("X-GitHub-Api-Version-Selected", "2022-11-28")
        self.send_header("X-GitHub-Request-Id", f"FAKE:{id(answer):x}")
        for k, v in answer.headers.items():
            self.send_header(k, v)
        self.end_headers()
        if data and self.command != "HEAD":
            self.wfile.write(data)
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve
