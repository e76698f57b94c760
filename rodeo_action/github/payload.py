"""The read-only path: what `report` saves when it cannot write, and `rodeo post`'s checks on it.

A PR from a fork runs with a read-only token, and its workflow runs the fork's code, so the saved
``rodeo-publish.json`` is attacker-controlled by the time ``rodeo post`` (a ``workflow_run``
workflow holding a write token) reads it.  It is therefore treated as data only:

- the file: named ``rodeo-publish.json``, a regular file (not a symlink, FIFO or device; a relative
  path must stay under the working directory), at most :data:`MAX_PAYLOAD_BYTES` — never more is read;
- the JSON: strict (no duplicate keys, no NaN), schema-checked; a newer schema is named as such;
  every problem is one line, whatever the payload's keys hold (no newline or workflow command of
  theirs reaches the privileged job's log);
- the target: *this* repository, an open PR of it and, under ``workflow_run``, the commit, the
  head repository and branch that run built (so a fork cannot name another PR, even one at the
  same commit);
- the body: starts with the rodeo's comment marker and holds no other rodeo marker and no digest
  but its own (those could only be forged: another rodeo would take the comment for its own, or its
  baseline), no control or bidi-override character; ``@mentions`` outside code are neutralised (a
  fork's payload pings nobody) and said.  It is posted as text — never executed, never rendered as a
  template — and only as our own sticky comment; ``--dry-run`` prints it between
  ``::stop-commands::`` lines on GitHub Actions.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rodeo_action import schemacheck
from rodeo_action.errors import InputError, Problem
from rodeo_action.github import client
from rodeo_action.github.client import ClientSettings
from rodeo_action.report.markers import comment_marker
from rodeo_action.resources import schema_path
from rodeo_action.results import write_atomic

if TYPE_CHECKING:
    from github import Github
    from github.Repository import Repository

    from rodeo_action.github.context import Event

SCHEMA_VERSION = 1
FILENAME = "rodeo-publish.json"
MAX_PAYLOAD_BYTES = 512 * 1024
# C0/C1 controls but tab, newline and CR; bidi overrides and isolates ("Trojan source")
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_RODEO_MARKER = re.compile(r"<!--\s*rodeo\s*:", re.I)
_DIGEST_LINE = re.compile(r"\[\s*rodeo-digest", re.I)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_MENTION = re.compile(r"(?<![\w`@/.-])@(?=[A-Za-z0-9])")   # @user, @org/team (not an e-mail address)
ZW = "\u200b"


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
    marker = comment_marker(rodeo)
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


def _read(path: Path) -> bytes:
    """The file's bytes, at most MAX_PAYLOAD_BYTES + 1 read: a regular file under its own name only."""
    where = str(path)
    if path.name != FILENAME:
        raise InputError(f"--payload {where}: expected the {FILENAME} that `rodeo report` saves, not "
                         f"{_show(path.name)}; refusing it")
    if not path.is_absolute():
        inside = os.path.realpath(os.getcwd())
        if os.path.commonpath([inside, os.path.realpath(path)]) != inside:
            raise InputError(f"--payload {where}: leads outside the working directory (a symbolic link on the "
                             "way); refusing it")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        if path.is_symlink():
            raise InputError(f"--payload {where}: is a symbolic link; the payload must be a plain file")
        fd = os.open(path, flags)
    except InputError:
        raise
    except OSError as exc:
        why = "is a symbolic link; the payload must be a plain file" if exc.errno == 40 else \
            f"cannot be read ({exc.strerror})"
        raise InputError(f"--payload {where}: {why}") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise InputError(f"--payload {where}: not a regular file (a FIFO, device or folder); refusing it")
        if st.st_size > MAX_PAYLOAD_BYTES:
            raise InputError(f"--payload {where}: {st.st_size:,} bytes; expected at most {MAX_PAYLOAD_BYTES:,}")
        chunks: list[bytes] = []
        left = MAX_PAYLOAD_BYTES + 1
        while left > 0 and (chunk := os.read(fd, min(left, 65536))):
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise InputError(f"--payload {where}: cannot be read ({exc.strerror})") from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > MAX_PAYLOAD_BYTES:     # it grew after the fstat
        raise InputError(f"--payload {where}: more than {MAX_PAYLOAD_BYTES:,} bytes")
    return raw


def _show(text: str, limit: int = 80) -> str:
    """Text from the payload as one printable line: quoted, controls and non-ASCII escaped, capped."""
    shown = ascii(text)
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def load(path: Path, repository: str | None) -> Payload:
    """A checked payload, or InputError (exit 2) saying what is wrong; nothing is published before this."""
    where = str(path)
    raw = _read(path)
    try:
        data = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(f"--payload {where}: not a JSON payload written by `rodeo report` "
                         f"({_show(str(exc), 120)[1:-1]})") from None
    version = data.get("schema") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise InputError(f"--payload {where}: schema {version} is newer than this rodeo-action reads "
                         f"({SCHEMA_VERSION}); run `rodeo post` with the version of the action that wrote it")
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
    marker = comment_marker(payload.rodeo)
    if not payload.body.startswith(marker):
        raise InputError(f"--payload {where}: body does not start with the rodeo's comment marker {marker}")
    if payload.digest and payload.digest not in payload.body:
        raise InputError(f"--payload {where}: digest is not the one inside body")
    _check_body(where, payload.body[len(marker):], payload.digest)
    return payload


def _check_body(where: str, rest: str, digest: str) -> None:
    """What ``rodeo report`` never writes into a comment after its marker: only a forgery holds it."""
    bad = _CONTROLS.search(rest)
    if bad:
        raise InputError(f"--payload {where}: body holds a control or bidi-override character "
                         f"(U+{ord(bad.group()):04X}), which `rodeo report` never writes; refusing it")
    if _RODEO_MARKER.search(rest):
        raise InputError(f"--payload {where}: body holds a second rodeo marker (only its own comment marker, "
                         "first, is rodeo's); refusing a forged one")
    if len(_DIGEST_LINE.findall(rest)) > (1 if digest else 0):
        raise InputError(f"--payload {where}: body holds a rodeo digest besides its own; refusing a forged one")


def quiet_mentions(body: str) -> tuple[str, int]:
    """``body`` with each ``@mention`` outside fenced code broken by a zero-width space, and how many."""
    out: list[str] = []
    count = 0
    fence: str | None = None
    for line in body.splitlines(keepends=True):
        m = _FENCE.match(line)
        if fence is not None:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not line.strip()[
                    len(m.group(1)):]:
                fence = None
        elif m:
            fence = m.group(1)
        else:
            line, n = _MENTION.subn("@" + ZW, line)
            count += n
        out.append(line)
    return "".join(out), count


def _problem(where: str, e: schemacheck.SchemaError) -> Problem:
    """One line whatever the payload holds: its keys and values are shown escaped (a key with a newline
    and ``::error::`` in it would otherwise write its own line into the privileged job's log)."""
    field = ".".join(str(p) if isinstance(p, int) else _plain_key(p) for p in e.path) or "<root>"
    return Problem(file=f"--payload {where}", line=None, field=field, message=_one_line(e.message))


def _plain_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", key) else _show(key, 60)


def _one_line(text: str) -> str:
    return text if text.isprintable() and len(text) <= 300 else _show(text, 300)[1:-1]


def check_pull(repo: Repository, payload: Payload, event: Event | None) -> None:
    """The PR must be open, of this repository, and under ``workflow_run`` the one that run built: its
    commit, and its head repository and branch (a fork may open a PR at another PR's commit)."""
    from github import GithubException

    try:
        pull = repo.get_pull(payload.pr)
        state, base, head_sha = pull.state, pull.base.repo.full_name, pull.head.sha
        head_repo = pull.head.repo.full_name if pull.head.repo is not None else None
        head_ref = pull.head.ref
    except GithubException as exc:
        if exc.status == 404:
            raise InputError(f"--payload: #{payload.pr} is not a pull request of {payload.repository}") from None
        raise
    if state != "open":
        raise InputError(f"--payload: pull request #{payload.pr} is {state}, not open; nothing to comment on")
    if base.lower() != payload.repository.lower():
        raise InputError(f"--payload: pull request #{payload.pr} targets {base}, not {payload.repository}")
    if event is None or event.name != "workflow_run":
        return
    if event.head_sha and head_sha != event.head_sha:
        raise InputError(f"--payload: pull request #{payload.pr} is at {head_sha[:12]}, but the run that wrote the "
                         f"payload built {event.head_sha[:12]}; refusing a payload naming another PR")
    if event.run_head_repo and (head_repo or "").lower() != event.run_head_repo.lower():
        raise InputError(f"--payload: pull request #{payload.pr} comes from {head_repo or 'a deleted repository'}, "
                         f"but the run that wrote the payload built {event.run_head_repo}; refusing a payload "
                         "naming another PR")
    if event.run_head_branch and head_ref != event.run_head_branch:
        raise InputError(f"--payload: pull request #{payload.pr} is the branch {head_ref!r}, but the run that wrote "
                         f"the payload built {event.run_head_branch!r}; refusing a payload naming another PR")


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
    gh = (connect or client.connect)(settings)
    repo = gh.get_repo(settings.repository)
    marker = comment_marker(payload.rodeo)
    body, mentions = quiet_mentions(payload.body)
    if mentions:
        say(f"post: {mentions} @mention(s) in the payload's body neutralised: a payload from a fork pings nobody")
    try:
        check_pull(repo, payload, event)
        if dry_run:
            say(f"dry run: the payload is valid; would publish the comment on #{payload.pr}")
            _print_untrusted(body, out, environ)
            return 0
        gh_login = sticky.my_login(gh)
        found = sticky.find(repo, payload.pr, marker, gh_login)
        done = sticky.upsert(repo, payload.pr, body, marker, gh_login, found)
    except (GithubException, RequestException) as exc:
        say(f"FAILED: comment on #{payload.pr}: {describe(exc)} (after retries); nothing else to publish")
        return 3
    say(f"published: comment on #{payload.pr} {done.action}" + (f" ({done.url})" if done.url else ""))
    return 0


def _print_untrusted(text: str, out: TextIO, environ: Mapping[str, str]) -> None:
    """Print text a fork wrote; on GitHub Actions between ``::stop-commands::`` lines (with a token it cannot
    guess), so no line of it is taken for a workflow command."""
    if environ.get("GITHUB_ACTIONS") != "true":
        print(text, file=out)
        return
    token = secrets.token_hex(16)
    print(f"::stop-commands::{token}\n{text}\n::{token}::", file=out)
