"""The fake GitHub, driven by the real PyGithub over HTTP: each endpoint, pagination, compare-and-swap,
faults and retries, and proof that the OpenAPI check fails a test when a payload is wrong."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import requests
from github import Auth, Github, GithubException, GithubRetry, UnknownObjectException

from tests import fakegithub
from tests.fakegithub import BOT, FakeGitHub, faults, openapi
from tests.fakegithub.extract_schemas import OPERATIONS
from tests.fakegithub.server import SECONDARY

fake_github = fakegithub.fake_github  # the fixtures, assigned (an import would shadow-warn as F811)
fake_github_ghes = fakegithub.fake_github_ghes
ROOT = Path(__file__).resolve().parents[2]
README = "# Demo\n\n<!-- rodeo:start id=x -->\nold\n<!-- rodeo:end id=x -->\n\ntail\n"


def gh(fake: FakeGitHub, retry: Any = None, per_page: int = 30) -> Github:
    return Github(base_url=fake.url, auth=Auth.Token("ghp_test"), retry=retry, per_page=per_page,
                  seconds_between_requests=None, seconds_between_writes=None)


def tiny_retry(total: int = 3) -> GithubRetry:
    return GithubRetry(total=total, backoff_factor=0.001, secondary_rate_wait=0.01)


# -- the committed schemas ------------------------------------------------------------------------
def test_schemas_record_their_source_and_cover_every_served_operation() -> None:
    src = openapi.source()
    assert src["package"] == "@octokit/openapi" and src["version"].count(".") == 2
    assert src["extracted"] and src["openapi"].startswith("3.")
    ops = openapi.spec()["operations"]
    assert {(o["method"].lower(), o["path"]) for o in ops.values()} == set(OPERATIONS)
    # every $ref resolves inside the file: nothing was left behind by the extraction
    text = json.dumps(openapi.spec())
    defs = openapi.spec()["$defs"]
    for ref in set(__import__("re").findall(r'"#/\$defs/([^"]+)"', text)):
        assert ref in defs, ref
    assert '"nullable"' not in text  # converted to JSON Schema's type: [..., "null"]
    schemas: list[Any] = [o[k] for o in ops.values() for k in ("request",) if o[k]]
    schemas += [s for o in ops.values() for s in o["responses"].values() if s]
    schemas += [p["schema"] for o in ops.values() for p in o["query"].values()]
    openapi.check_metaschema({"$defs": {**defs, **{f"op{i}": s for i, s in enumerate(schemas)}}})


def test_extractor_is_reproducible_from_the_spec(tmp_path: Path) -> None:
    """The converter on a tiny OpenAPI 3.0 document: nullable, $ref, dropped OpenAPI-only keywords."""
    from tests.fakegithub.extract_schemas import Extractor

    props = {"description": {"type": "string", "nullable": True},  # a property named like a keyword: kept
             "b": {"allOf": [{"$ref": "#/components/schemas/b"}], "nullable": True}}
    spec = {"components": {"schemas": {
        "a": {"type": "object", "description": "x", "properties": props},
        "b": {"type": "string", "enum": ["x"], "nullable": True, "example": "x", "x-github": {}}}}}
    ex = Extractor(spec)
    out = ex.schema({"$ref": "#/components/schemas/a"})
    ex.drain()
    assert out == {"$ref": "#/$defs/a"}
    assert ex.defs["a"]["properties"]["description"] == {"type": ["string", "null"]}
    assert ex.defs["a"]["properties"]["b"] == {"anyOf": [{"allOf": [{"$ref": "#/$defs/b"}]}, {"type": "null"}]}
    assert ex.defs["b"] == {"type": ["string", "null"], "enum": ["x", None]}


# -- endpoints ------------------------------------------------------------------------------------
def test_user_answers_403_for_an_actions_token_and_200_for_a_user_token(fake_github: FakeGitHub) -> None:
    g = gh(fake_github)
    with pytest.raises(GithubException) as e:
        _ = g.get_user().login
    assert e.value.status == 403 and e.value.data["message"] == "Resource not accessible by integration"
    fake_github.token_mode("user")
    assert g.get_user().login == "rodeo-user"
    assert fake_github.requests[-1].headers["authorization"] == "token ghp_test"


def test_repo_rate_limit_and_unknown_repo(fake_github: FakeGitHub) -> None:
    g = gh(fake_github)
    repo = g.get_repo("octo/rodeo")
    assert repo.default_branch == "main" and repo.full_name == "octo/rodeo"
    assert g.get_rate_limit().resources.core.limit == 1000
    with pytest.raises(UnknownObjectException):
        g.get_repo("someone/else")


def test_contents_read_update_create_and_compare_and_swap(fake_github: FakeGitHub) -> None:
    fake_github.add_file("README.md", README)
    repo = gh(fake_github).get_repo("octo/rodeo")
    f = repo.get_contents("README.md", ref="main")
    assert not isinstance(f, list) and f.decoded_content.decode() == README
    stale = f.sha
    out = repo.update_file("README.md", "rodeo: update", README.replace("old", "new"), f.sha, branch="main")
    assert fake_github.file("README.md") == README.replace("old", "new")
    assert out["content"].sha != stale
    with pytest.raises(GithubException) as e:  # someone pushed in between: GitHub's 409
        repo.update_file("README.md", "rodeo: again", "x", stale, branch="main")
    assert e.value.status == 409 and "does not match" in e.value.data["message"]
    with pytest.raises(GithubException) as e:  # updating without a sha
        repo.create_file("README.md", "clobber", "x", branch="main")
    assert e.value.status == 422
    created = repo.create_file("docs/badge.json", "badge", '{"a": 1}', branch="main")
    assert created["commit"].sha == fake_github.commits[-1].sha
    assert [c.message for c in fake_github.commits] == ["rodeo: update", "badge"]
    assert fake_github.requests[-1].status == 201
    listing = repo.get_contents("")
    assert isinstance(listing, list) and sorted(c.path for c in listing) == ["README.md", "docs"]
    with pytest.raises(UnknownObjectException):
        repo.get_contents("nope.md")
    # paths with spaces and unicode are percent-encoded by PyGithub and decoded by the fake
    repo.create_file("dir/ä b.md", "odd name", "x")
    assert fake_github.file("dir/ä b.md") == "x"


def test_readme_pull_request_flow_branch_commit_pr(fake_github: FakeGitHub) -> None:
    """readme-mode: pull-request — a rodeo/readme branch, a commit on it, one PR kept up to date."""
    fake_github.add_file("README.md", README)
    repo = gh(fake_github).get_repo("octo/rodeo")
    main = repo.get_git_ref("heads/main")
    assert main.object.sha == fake_github.repo().refs["main"]
    with pytest.raises(UnknownObjectException):
        _ = repo.get_git_ref("heads/rodeo/readme").object  # lazy: the 404 comes on first attribute use
    ref = repo.create_git_ref("refs/heads/rodeo/readme", main.object.sha)
    with pytest.raises(GithubException) as e:
        repo.create_git_ref("refs/heads/rodeo/readme", main.object.sha)
    assert e.value.status == 422
    with pytest.raises(GithubException) as e:  # GitHub refuses a PR without commits
        repo.create_pull(base="main", head="rodeo/readme", title="rodeo", body="b")
    assert e.value.status == 422
    f = repo.get_contents("README.md", ref="rodeo/readme")
    assert not isinstance(f, list)
    repo.update_file("README.md", "rodeo: readme", "new", f.sha, branch="rodeo/readme")
    assert fake_github.file("README.md") == README and fake_github.file("README.md", "rodeo/readme") == "new"
    pr = repo.create_pull(base="main", head="rodeo/readme", title="rodeo: update README", body="b")
    with pytest.raises(GithubException) as e:
        repo.create_pull(base="main", head="rodeo/readme", title="again", body="b")
    assert e.value.status == 422 and "already exists" in e.value.data["errors"][0]["message"]
    found = list(repo.get_pulls(state="open", head="octo:rodeo/readme", base="main"))
    assert [p.number for p in found] == [pr.number]
    pr.edit(body="b2")
    assert repo.get_pull(pr.number).body == "b2"
    # reset the branch to main (force) and fast-forward it again
    ref.edit(main.object.sha, force=True)
    with pytest.raises(GithubException) as e:
        ref.edit(fake_github.commits[-1].sha)  # fine: fast-forward
        ref.edit(main.object.sha)  # not a fast-forward without force
    assert e.value.status == 422 and fake_github.repo().refs["rodeo/readme"] == fake_github.commits[-1].sha
    assert repo.get_pull(pr.number).head.ref == "rodeo/readme"


def test_issue_lifecycle_labels_comments_close(fake_github: FakeGitHub) -> None:
    repo = gh(fake_github).get_repo("octo/rodeo")
    with pytest.raises(UnknownObjectException):
        _ = repo.get_label("rodeo").color  # lazy, like get_git_ref
    repo.create_label("rodeo", "d73a4a", "Install failures found by rodeo")
    with pytest.raises(GithubException) as e:
        repo.create_label("Rodeo", "d73a4a")
    assert e.value.status == 422 and e.value.data["errors"][0]["code"] == "already_exists"
    assert repo.get_label("rodeo").description == "Install failures found by rodeo"
    issue = repo.create_issue("tensorflow fails", body="<!-- rodeo:issue id=x key=tensorflow -->", labels=["rodeo"])
    assert issue.user.login == BOT["login"] and issue.user.type == "Bot"
    c = issue.create_comment("changed")
    c.edit("changed again")
    issue.create_comment("fixed")
    issue.edit(state="closed")
    assert [x.body for x in fake_github.comments(issue.number)] == ["changed again", "fixed"]
    closed = fake_github.issue(issue.number)
    assert closed.state == "closed" and closed.state_reason == "completed" and closed.closed_at
    assert repo.get_issue(issue.number).comments == 2
    assert list(repo.get_issues(state="open", labels=["rodeo"])) == []
    repo.create_issue("auto", labels=["new-label"])  # GitHub creates a missing label on the fly
    assert fake_github.autocreated_labels == ["new-label"] and fake_github.labels["new-label"].color == "ededed"


def test_issues_list_paginates_with_link_headers_and_includes_pulls(fake_github: FakeGitHub) -> None:
    for n in range(150):
        fake_github.add_issue(f"culprit {n}", f"<!-- rodeo:issue id=x key=k{n} -->", labels=["rodeo", "bug"])
    for n in range(5):
        fake_github.add_issue(f"other {n}", labels=["bug"])
    fake_github.add_issue("closed", labels=["rodeo"], state="closed")
    pr = fake_github.open_pr()
    fake_github.add_label("rodeo")  # exists already (created by add_issue): idempotent overwrite is fine
    repo = gh(fake_github, per_page=100).get_repo("octo/rodeo")
    before = len(fake_github.requests)
    got = list(repo.get_issues(state="open", labels=["rodeo"]))
    assert len(got) == 150 and len({i.number for i in got}) == 150
    pages = fake_github.requests[before:]
    assert [r.query.get("page", ["1"])[0] for r in pages] == ["1", "2"]
    assert pages[1].target.startswith("/repositories/")  # followed GitHub's Link URL
    everything = list(repo.get_issues(state="all"))
    assert len(everything) == 157 and [i.number for i in everything if i.pull_request] == [pr]
    g30 = gh(fake_github)  # PyGithub's default per_page (30) is not sent: the server's default applies
    before = len(fake_github.requests)
    assert len(list(g30.get_repo("octo/rodeo").get_issues(state="open", labels=["rodeo"]))) == 150
    assert len(fake_github.requests) - before == 1 + 5
    assert fake_github.counts["GET /repos/{owner}/{repo}/issues"] == 2 + 2 + 5


def test_pr_comments_paginate_for_the_sticky_comment(fake_github: FakeGitHub) -> None:
    pr_number = fake_github.open_pr(7)
    for n in range(45):
        fake_github.add_comment(pr_number, f"chatter {n}")
    repo = gh(fake_github).get_repo("octo/rodeo")
    pr = repo.get_pull(pr_number)
    comments = list(pr.get_issue_comments())
    assert len(comments) == 45 and comments[0].body == "chatter 0"
    pr.as_issue().create_comment("<!-- rodeo:comment id=x -->\nreport")
    assert fake_github.comments(7)[-1].body.startswith("<!-- rodeo:comment")


def test_ghes_prefix(fake_github_ghes: FakeGitHub) -> None:
    assert fake_github_ghes.url.endswith("/api/v3")
    for n in range(35):
        fake_github_ghes.add_issue(f"i{n}", labels=["rodeo"])
    repo = gh(fake_github_ghes).get_repo("octo/rodeo")
    assert len(list(repo.get_issues(labels=["rodeo"]))) == 35
    assert fake_github_ghes.env()["GITHUB_API_URL"] == fake_github_ghes.url


# -- tokens, faults, retries ----------------------------------------------------------------------
def test_read_only_token_reads_but_cannot_write(fake_github: FakeGitHub) -> None:
    fake_github.token_mode("read-only")
    repo = gh(fake_github).get_repo("octo/rodeo")
    with pytest.raises(GithubException) as e:
        repo.create_issue("x")
    assert e.value.status == 403 and e.value.data["message"] == "Resource not accessible by integration"
    assert fake_github.issues == []


def test_5xx_on_a_post_is_retried_and_files_once(fake_github: FakeGitHub) -> None:
    fake_github.fail("POST", r"/issues$", 502, times=2)
    repo = gh(fake_github, retry=tiny_retry()).get_repo("octo/rodeo")
    repo.create_issue("once")
    assert [i.title for i in fake_github.issues] == ["once"]
    assert [r.status for r in fake_github.requests if r.method == "POST"] == [502, 502, 201]


def test_5xx_after_the_write_happened_is_the_duplicate_trap(fake_github: FakeGitHub) -> None:
    """``after=True``: GitHub created the comment but the client saw 502; a blind retry duplicates it."""
    n = fake_github.add_issue("i")
    fake_github.fail("POST", r"/comments$", 502, after=True)
    issue = gh(fake_github, retry=tiny_retry()).get_repo("octo/rodeo").get_issue(n)
    issue.create_comment("hello")
    assert [c.body for c in fake_github.comments(n)] == ["hello", "hello"]


def test_patch_is_not_retried_by_githubretry_by_default(fake_github: FakeGitHub) -> None:
    """A finding for the publisher: GithubRetry retries GET/POST/PUT (urllib3 defaults + GET/POST), not PATCH."""
    n = fake_github.add_issue("i")
    fake_github.fail("PATCH", rf"/issues/{n}$", 503)
    issue = gh(fake_github, retry=tiny_retry()).get_repo("octo/rodeo").get_issue(n)
    with pytest.raises(GithubException) as e:
        issue.edit(state="closed")
    assert e.value.status == 503
    patchable = tiny_retry()
    patchable = GithubRetry(total=3, backoff_factor=0.001, allowed_methods={"GET", "POST", "PUT", "PATCH"})
    gh(fake_github, retry=patchable).get_repo("octo/rodeo").get_issue(n).edit(state="closed")
    fake_github.fail("PATCH", rf"/issues/{n}$", 503)
    assert fake_github.issue(n).state == "closed"


def test_secondary_rate_limit_with_retry_after_is_retried(fake_github: FakeGitHub) -> None:
    fake_github.fail("GET", r"^/repos/octo/rodeo$", 403, headers={"Retry-After": "1"})
    repo = gh(fake_github, retry=tiny_retry()).get_repo("octo/rodeo")
    assert repo.default_branch == "main"
    first = fake_github.requests[0]
    assert first.status == 403 and first.fault
    fake_github.fail("GET", r"^/repos/octo/rodeo$", 403, headers={"Retry-After": "1"})
    with pytest.raises(GithubException) as e:  # without retries the client sees GitHub's message
        gh(fake_github).get_repo("octo/rodeo")
    assert e.value.status == 403 and "secondary rate limit" in e.value.data["message"]
    # without Retry-After GithubRetry recognises the message and waits secondary_rate_wait
    fake_github.fail("POST", r"/issues$", 403, body={"message": SECONDARY, "documentation_url": "https://docs"})
    gh(fake_github, retry=tiny_retry()).get_repo("octo/rodeo").create_issue("after a secondary limit")
    assert [r.status for r in fake_github.requests if r.method == "POST"] == [403, 201]


def test_writes_need_a_token(fake_github: FakeGitHub) -> None:
    anonymous = Github(base_url=fake_github.url, retry=None, seconds_between_requests=None,
                       seconds_between_writes=None)
    repo = anonymous.get_repo("octo/rodeo")  # public reads work without a token
    with pytest.raises(GithubException) as e:
        repo.create_issue("x")
    assert e.value.status == 401


def test_contents_409_and_422_faults(fake_github: FakeGitHub) -> None:
    sha = fake_github.add_file("README.md", README)
    repo = gh(fake_github, retry=tiny_retry()).get_repo("octo/rodeo")
    for status in (409, 422):
        fake_github.fail("PUT", r"/contents/README\.md$", status)
        with pytest.raises(GithubException) as e:
            repo.update_file("README.md", "m", "x", sha)
        assert e.value.status == status
    repo.update_file("README.md", "m", "x", sha)
    assert fake_github.file("README.md") == "x"
    assert fake_github.count("PUT", r"/contents/") == 3


# -- the check has teeth ----------------------------------------------------------------------------
def test_a_response_missing_a_required_field_is_a_violation() -> None:
    with FakeGitHub() as fake:
        fake.tamper("issues/create", lambda body: {k: v for k, v in body.items() if k != "node_id"})
        fake.tamper("repos/get", lambda body: {**body, "default_branch": None})
        repo = gh(fake).get_repo("octo/rodeo")
        repo.create_issue("x")
    assert any("issues/create response 201: (root): 'node_id' is a required property" in v
               for v in fake.violations), fake.violations
    assert any("repos/get response 200: default_branch: None is not of type 'string'" in v for v in fake.violations)
    with pytest.raises(AssertionError, match="GitHub would not send or accept"):
        fake.assert_clean()


def test_bad_requests_and_unserved_endpoints_are_violations() -> None:
    with FakeGitHub() as fake:
        s = requests.Session()
        s.headers["Authorization"] = "token t"
        r = s.post(f"{fake.url}/repos/octo/rodeo/issues", json={"body": "no title"}, timeout=10)
        assert r.status_code == 422 and fake.issues == []  # GitHub rejects it, and so does the fake
        r = s.get(f"{fake.url}/repos/octo/rodeo/issues", params={"state": "opened", "bogus": "1"}, timeout=10)
        r = s.get(f"{fake.url}/search/issues", params={"q": "label:rodeo"}, timeout=10)
        assert r.status_code == 404
    text = "\n".join(fake.violations)
    assert "'title' is a required property" in text
    assert "'opened' is not one of ['open', 'closed', 'all']" in text
    assert "'bogus' is not documented" in text
    assert "GET /search/issues: endpoint not served" in text


def test_the_fixture_fails_the_test_on_a_bad_payload(tmp_path: Path) -> None:
    """Run a test using the fixture in a child pytest: a tampered response must turn it red."""
    test = tmp_path / "test_child.py"
    test.write_text(textwrap.dedent("""
        from github import Auth, Github
        from tests import fakegithub
        from tests.fakegithub import FakeGitHub

        fake_github = fakegithub.fake_github

        def test_child(fake_github: FakeGitHub) -> None:
            fake_github.tamper("issues/get", lambda b: {k: v for k, v in b.items() if k != "user"})
            n = fake_github.add_issue("x")
            g = Github(base_url=fake_github.url, auth=Auth.Token("t"), retry=None)
            assert g.get_repo("octo/rodeo").get_issue(n).title == "x"  # PyGithub itself does not notice
    """))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path),
                           str(test)], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 passed, 1 error" in proc.stdout and "'user' is a required property" in proc.stdout


def test_request_log_and_counters(fake_github: FakeGitHub) -> None:
    repo = gh(fake_github).get_repo("octo/rodeo")
    repo.create_issue("t", body="b")
    log = fake_github.requests
    assert [(r.method, r.path, r.status, r.op) for r in log] == [
        ("GET", "/repos/octo/rodeo", 200, "repos/get"), ("POST", "/repos/octo/rodeo/issues", 201, "issues/create")]
    assert log[1].body == {"title": "t", "body": "b"}
    assert fake_github.counts == {"GET /repos/{owner}/{repo}": 1, "POST /repos/{owner}/{repo}/issues": 1}
    assert fake_github.count("POST") == 1


# -- the fault plan --------------------------------------------------------------------------------
def test_faults_by_request_index_and_operation(fake_github: FakeGitHub) -> None:
    n = fake_github.add_issue("i")
    repo = gh(fake_github, retry=tiny_retry()).get_repo("octo/rodeo")
    fake_github.inject("500", at=len(fake_github.requests))               # the next request
    fake_github.inject("404", op="issues/get-label")
    issue = repo.get_issue(n)
    assert issue.title == "i"
    with pytest.raises(UnknownObjectException):
        _ = repo.get_label("bug").color
    assert [(r.op, r.status, r.fault_kind) for r in fake_github.requests] == [
        ("repos/get", 200, ""), ("issues/get", 500, "500"), ("issues/get", 200, ""),
        ("issues/get-label", 404, "404")]
    assert fake_github.clear_faults() == []
    with pytest.raises(KeyError):
        fake_github.inject("500", op="issues/no-such-op")


def test_a_kind_strikes_only_where_it_applies(fake_github: FakeGitHub) -> None:
    fake_github.add_file("README.md", README)
    repo = gh(fake_github).get_repo("octo/rodeo")
    fake_github.inject("409", at=len(fake_github.requests))                 # a GET: 409 does not apply
    fake_github.inject("done-502", method="GET")                            # nor "done" to a read
    f = repo.get_contents("README.md")
    assert not isinstance(f, list) and [r.fault for r in fake_github.requests] == [False, False]
    assert len(fake_github.clear_faults()) == 2
    assert faults.kinds_for("GET", "repos/get-content") == ["500", "502", "502-proxy", "503", "403-secondary",
                                                            "429-secondary", "404", "reset", "slow"]
    assert "409" in faults.kinds_for("PUT", "repos/create-or-update-file-contents")
    assert "409" not in faults.kinds_for("POST", "issues/create")


@pytest.mark.parametrize("kind", ["500", "502", "503", "403-secondary", "429-secondary", "404", "422",
                                  "done-502"])
def test_json_fault_answers_are_githubs_documented_shapes(fake_github: FakeGitHub, kind: str) -> None:
    """Every JSON fault answer goes through the same OpenAPI check as a real answer (basic-error, or
    validation-error for 422): the fixture fails the test on a violation."""
    s = requests.Session()
    s.headers["Authorization"] = "token t"
    fake_github.inject(kind, op="issues/create")
    r = s.post(f"{fake_github.url}/repos/octo/rodeo/issues", json={"title": "x"}, timeout=10)
    k = faults.KINDS[kind]
    assert r.status_code == k.status and r.headers["Content-Type"].startswith("application/json")
    assert r.json()["message"] and fake_github.requests[-1].fault_kind == kind
    assert [i.title for i in fake_github.issues] == (["x"] if k.applied else [])
    if "Retry-After" in k.headers:
        assert r.headers["Retry-After"] == k.headers["Retry-After"]
    if kind.endswith("secondary"):
        assert "secondary rate limit" in r.json()["message"] and r.headers["X-RateLimit-Remaining"]


def test_transport_faults_reset_proxy_page_and_slow(fake_github: FakeGitHub) -> None:
    s = requests.Session()
    s.headers["Authorization"] = "token t"
    url = f"{fake_github.url}/repos/octo/rodeo/issues"
    fake_github.inject("reset", op="issues/create")
    with pytest.raises(requests.ConnectionError):
        s.post(url, json={"title": "reset"}, timeout=10)
    fake_github.inject("done-reset", op="issues/create")
    with pytest.raises(requests.ConnectionError):
        s.post(url, json={"title": "done, reset"}, timeout=10)
    fake_github.inject("502-proxy", op="issues/create")
    r = s.post(url, json={"title": "proxy"}, timeout=10)
    assert r.status_code == 502 and r.headers["Content-Type"] == "text/html" and b"Bad Gateway" in r.content
    fake_github.slow_seconds = 0.5
    fake_github.inject("slow", op="issues/create")
    with pytest.raises(requests.ReadTimeout):
        s.post(url, json={"title": "slow"}, timeout=0.2)
    assert [i.title for i in fake_github.issues] == ["done, reset", "slow"]
    assert [r.status for r in fake_github.requests] == [0, 0, 502, 201]


def test_checkpoint_and_restore(fake_github: FakeGitHub) -> None:
    fake_github.add_file("README.md", README)
    cp = fake_github.checkpoint()
    n = fake_github.add_issue("later")
    gh(fake_github).get_repo("octo/rodeo").get_issue(n).create_comment("c")
    fake_github.inject("500")
    fake_github.restore(cp)
    assert fake_github.issues == [] and fake_github.requests == [] and fake_github.clear_faults() == []
    assert fake_github.file("README.md") == README
    assert fake_github.add_issue("again") == n                               # numbers and ids restart too


# -- rodeo's client against the faults ---------------------------------------------------------------
def _rodeo_client(fake: FakeGitHub, timeout: int = 30) -> Any:
    from rodeo_action.github.client import ClientSettings, connect

    settings = ClientSettings.from_environ({**fake.env(), "RODEO_GITHUB_THROTTLE": "0",
                                            "RODEO_GITHUB_TIMEOUT": str(timeout)})
    assert settings is not None and settings.timeout == timeout
    return connect(settings).get_repo("octo/rodeo")


@pytest.mark.parametrize("kind", ["done-reset", "done-502", "reset", "502"])
def test_rodeos_client_never_sends_a_post_again_once_it_reached_github(fake_github: FakeGitHub,
                                                                       kind: str) -> None:
    repo = _rodeo_client(fake_github)
    fake_github.inject(kind, op="issues/create")
    with pytest.raises((GithubException, requests.RequestException)):
        repo.create_issue("once")
    assert fake_github.count("POST") == 1
    assert [i.title for i in fake_github.issues] == (["once"] if faults.KINDS[kind].applied else [])


def test_rodeos_client_retries_reads_and_refused_writes(fake_github: FakeGitHub) -> None:
    n = fake_github.add_issue("i")
    repo = _rodeo_client(fake_github)
    for kind, op in [("reset", "issues/get"), ("502", "issues/get"), ("403-secondary", "issues/create"),
                     ("429-secondary", "issues/create"), ("503", "issues/update")]:
        fake_github.inject(kind, op=op)
    assert repo.get_issue(n).title == "i"                                # reset, then 502: retried
    repo.create_issue("after two secondary limits")                      # Retry-After: 60, capped in tests
    repo.get_issue(n).edit(title="patched")                              # a 503 PATCH is retried
    assert [i.title for i in fake_github.issues] == ["patched", "after two secondary limits"]
    assert fake_github.clear_faults() == []


def test_rodeos_client_times_out(fake_github: FakeGitHub) -> None:
    """A write answered after the timeout: rodeo's client gives up, does not send it again."""
    repo = _rodeo_client(fake_github, timeout=1)
    fake_github.slow_seconds = 1.3
    fake_github.inject("slow", op="issues/create")
    with pytest.raises(requests.ReadTimeout):
        repo.create_issue("slow")
    assert fake_github.count("POST") == 1 and len(fake_github.issues) == 1


def test_client_settings_timeout_and_wait_bounds() -> None:
    from rodeo_action.github.client import MAX_WAIT, TIMEOUT, ClientSettings, _retry

    base = {"GITHUB_TOKEN": "ghp_secret", "GITHUB_REPOSITORY": "o/r"}
    for raw, want in [("", TIMEOUT), ("7", 7), ("0", TIMEOUT), ("-1", TIMEOUT), ("x", TIMEOUT), ("1.5", TIMEOUT)]:
        s = ClientSettings.from_environ({**base, "RODEO_GITHUB_TIMEOUT": raw})
        assert s is not None and s.timeout == want, raw
    prod = ClientSettings.from_environ(base)
    assert prod is not None and _retry(prod).retry_after_max == MAX_WAIT and "ghp_secret" not in repr(prod)
