"""The read-only path: what `report` saves when it cannot write, and `rodeo post`'s checks on it.

A PR from a fork runs with a read-only token, and its workflow runs the fork's code, so the saved
``rodeo-publish.json`` is attacker-controlled by the time ``rodeo post`` (a ``workflow_run``
workflow holding a write token) reads it.  It is therefore treated as data only: size-capped
before parsing, schema-checked, its repository and PR checked against *this* repository and an
open PR (and, under ``workflow_run``, the commit that run built), its body posted verbatim —
never executed, never rendered as a template — and only as our own sticky comment.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rodeo_action import schemacheck
from rodeo_action.errors import InputError, Problem
from rodeo_action.github import client
from rodeo_action.github.client import ClientSettings
from rodeo_action.report import render
from rodeo_action.resources import schema_path
from rodeo_action.results import write_atomic

if TYPE_CHECKING:
    from github import Github
    from github.Repository import Repository

SCHEMA_VERSION = 1
FILENAME = "rodeo-publish.json"
MAX_PAYLOAD_BYTES = 512 * 1024


@dataclass(frozen=True)
class Payload:
    repository: str
    pr: int
    rodeo: str | None
    body: str                            # the rendered sticky comment, marker first
    digest: str
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"schema": SCHEMA_VERSION, "kind": "rodeo-publish", "repository": self.repository, "pr": self.pr,
                "rodeo": self.rodeo, "body": self.body, "digest": self.digest, "reason": self.reason[:1000]}


def make(repository: str, pr: int, rodeo: str | None, body: str, digest: str, reason: str) -> Payload:
    """The payload for a comment body; the marker is put first if a user template put it elsewhere."""
    marker = render.comment_marker(rodeo)
    if not body.startswith(marker):
        body = f"{marker}\n{body}"
    return Payload(repository=repository, pr=pr, rodeo=rodeo, body=body, digest=digest, reason=reason)


def write(path: Path, payload: Payload) -> None:
    write_atomic(path, json.dumps(payload.to_dict(), ensure_ascii=False, indent=1) + "\n")


@cache
def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(schema_path("publish.schema.json").read_text(encoding="utf-8"))
    return schema


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    return dict(pairs)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def load(path: Path, repository: str | None) -> Payload:
    """A checked payload, or InputError (exit 2) saying what is wrong; nothing is published before this."""
    where = str(path)
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            raw = b"" if size > MAX_PAYLOAD_BYTES else fh.read(MAX_PAYLOAD_BYTES + 1)
    except OSError as exc:
        raise InputError(f"--payload {where}: cannot be read ({exc.strerror})") from None
    if max(size, len(raw)) > MAX_PAYLOAD_BYTES:
        raise InputError(f"--payload {where}: {max(size, len(raw)):,} bytes; expected at most {MAX_PAYLOAD_BYTES:,}")
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(f"--payload {where}: not a JSON payload written by `rodeo report` ({exc})") from None
    errors = schemacheck.validate(data, _schema())
    if errors:
        raise InputError([_problem(where, e) for e in errors[:10]])
    payload = Payload(repository=data["repository"], pr=data["pr"], rodeo=data["rodeo"], body=data["body"],
                      digest=data["digest"], reason=data.get("reason", ""))
    if repository is None:
        raise InputError("rodeo post: GITHUB_REPOSITORY is not set; it names the only repository a payload "
                         "may publish to")
    if payload.repository.lower() != repository.lower():
        raise InputError(f"--payload {where}: repository {payload.repository!r} is not this repository "
                         f"({repository}); refusing to publish")
    marker = render.comment_marker(payload.rodeo)
    if not payload.body.startswith(marker):
        raise InputError(f"--payload {where}: body does not start with the rodeo's comment marker {marker}")
    if payload.digest and payload.digest not in payload.body:
        raise InputError(f"--payload {where}: digest is not the one inside body")
    return payload


def _problem(where: str, e: schemacheck.SchemaError) -> Problem:
    field = ".".join(str(p) for p in e.path) or "<root>"
    return Problem(file=f"--payload {where}", line=None, field=field, message=e.message)


def check_pull(repo: Repository, payload: Payload, event_head_sha: str | None) -> None:
    """The PR must be open, of this repository, and (under workflow_run) at the commit that run built."""
    from github import GithubException

    try:
        pull = repo.get_pull(payload.pr)
        state, base, head_sha = pull.state, pull.base.repo.full_name, pull.head.sha
    except GithubException as exc:
        if exc.status == 404:
            raise InputError(f"--payload: #{payload.pr} is not a pull request of {payload.repository}") from None
        raise
    if state != "open":
        raise InputError(f"--payload: pull request #{payload.pr} is {state}, not open; nothing to comment on")
    if base.lower() != payload.repository.lower():
        raise InputError(f"--payload: pull request #{payload.pr} targets {base}, not {payload.repository}")
    if event_head_sha and head_sha != event_head_sha:
        raise InputError(f"--payload: pull request #{payload.pr} is at {head_sha[:12]}, but the run that wrote the "
                         f"payload built {event_head_sha[:12]}; refusing a payload naming another PR")



def post(path: Path, environ: Mapping[str, str], out: TextIO, err: TextIO, dry_run: bool = False,
         connect: Callable[[ClientSettings], Github] | None = None) -> int:
    """``rodeo post --payload F``: check everything, then publish the sticky comment; 0, 2 or 3."""
    from github import GithubException
    from requests import RequestException

    from rodeo_action.github import comment as sticky
    from rodeo_action.github.client import describe, redact
    from rodeo_action.github.context import from_environ

    settings = ClientSettings.from_environ(environ)
    payload = load(path, environ.get("GITHUB_REPOSITORY") or None)
    if settings is None:
        raise InputError("rodeo post: GITHUB_TOKEN is not set; it needs a token that can write pull request "
                         "comments (permissions: pull-requests: write)")
    token = settings.token

    def say(line: str) -> None:
        print(redact(f"rodeo: {line}", token), file=err)

    event = from_environ(environ)
    head_sha = event.head_sha if event.name == "workflow_run" else None
    gh = (connect or client.connect)(settings)
    repo = gh.get_repo(settings.repository)
    marker = render.comment_marker(payload.rodeo)
    try:
        check_pull(repo, payload, head_sha)
        if dry_run:
            say(f"dry run: the payload is valid; would publish the comment on #{payload.pr}")
            print(payload.body, file=out)
            return 0
        gh_login = sticky.my_login(gh)
        found = sticky.find(repo, payload.pr, marker, gh_login)
        done = sticky.upsert(repo, payload.pr, payload.body, marker, gh_login, found)
    except (GithubException, RequestException) as exc:
        say(f"FAILED: comment on #{payload.pr}: {describe(exc)} (after retries); nothing else to publish")
        return 3
    say(f"published: comment on #{payload.pr} {done.action}" + (f" ({done.url})" if done.url else ""))
    return 0
