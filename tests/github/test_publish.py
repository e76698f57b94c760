"""`rodeo report --readme --comment` through the real CLI against the fake GitHub: bodies as GitHub
receives them, request counts per run within the API budget, faults, read-only tokens, dry runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests import fakegithub
from tests.fakegithub import FakeGitHub
from tests.ghscenario import BROKEN, README, TOKEN, Rodeo, pr_event, push_event

fake_github = fakegithub.fake_github
fake_github_ghes = fakegithub.fake_github_ghes
BUDGET = 5


def _block(text: str) -> str:
    start, end = text.index("<!-- rodeo:start id=demo -->"), text.index("<!-- rodeo:end id=demo -->")
    return text[start:end + len("<!-- rodeo:end id=demo -->")]


def _outside(text: str) -> tuple[str, str]:
    block = _block(text)
    i = text.index(block)
    return text[:i], text[i + len(block):]


def test_push_writes_the_readme_block_then_not_again_for_the_same_results(tmp_path: Path,
                                                                          fake_github: FakeGitHub) -> None:
    fake_github.add_file("README.md", README)
    rodeo = Rodeo(tmp_path, fake_github)
    first = rodeo.report("--readme", "--comment", event="push", payload=push_event(fake_github))
    assert first.code == 0, first.err
    text = fake_github.file("README.md")
    assert text is not None
    assert _outside(text) == _outside(README)        # byte for byte outside the markers
    assert "4 of 4 cells pass" in _block(text) and "[rodeo-digest-demo]: data:application/gzip;base64," in text
    assert len(fake_github.commits) == 1 and first.requests <= BUDGET, first.requests
    assert "published: README.md: committed" in first.err and "comment" in first.err
    second = rodeo.report("--readme", "--comment", event="push", payload=push_event(fake_github))
    assert second.code == 0, second.err
    assert second.writes == 0 and len(fake_github.commits) == 1
    assert "baseline: the digest in README.md" in second.err and "same results" in second.err
    assert second.requests <= BUDGET
    assert TOKEN not in first.text + second.text


def test_a_pr_run_twice_makes_one_comment_edited_the_second_time(tmp_path: Path, fake_github: FakeGitHub) -> None:
    fake_github.add_file("README.md", README)
    n = fake_github.open_pr()
    quoted = fake_github.add_comment(n, "<!-- rodeo:comment id=demo --> a human quoting our marker")
    rodeo = Rodeo(tmp_path, fake_github)
    kw: dict[str, Any] = {"event": "pull_request", "payload": pr_event(fake_github, n), "ref": f"refs/pull/{n}/merge"}
    first = rodeo.report("--readme", "--comment", failing={"uv-geo-ubuntu-latest-py3.12": BROKEN}, **kw)
    assert first.code == 0, first.err
    ours = [c for c in fake_github.comments(n) if c.id != quoted]
    assert len(ours) == 1 and ours[0].user["login"] == "github-actions[bot]"
    assert ours[0].body.startswith("<!-- rodeo:comment id=demo -->\n## 🤠 rodeo demo")
    assert "missing-system-library (cartopy)" in ours[0].body and "[rodeo-digest-demo]:" in ours[0].body
    assert "not published: README.md: a pull_request run" in first.err
    assert first.requests <= BUDGET and fake_github.count("PUT") == 0
    second = rodeo.report("--readme", "--comment", **kw)
    assert second.code == 0, second.err
    ours = [c for c in fake_github.comments(n) if c.id != quoted]
    assert len(ours) == 1 and "4 of 4 cells pass" in ours[0].body and "🎉" in ours[0].body
    assert fake_github.count("PATCH", r"/issues/comments/") == 1 and fake_github.count("POST") == 1
    assert "baseline: the digest in the sticky comment" in second.err and second.requests <= BUDGET
    assert fake_github.comments(n)[0].body.endswith("a human quoting our marker")   # never theirs
    assert TOKEN not in first.text + second.text


def test_comment_changes_mode_skips_when_nothing_changed(tmp_path: Path, fake_github: FakeGitHub) -> None:
    fake_github.add_file("README.md", README)
    n = fake_github.open_pr()
    rodeo = Rodeo(tmp_path, fake_github, comment="changes")
    assert rodeo.report("--readme", event="push", payload=push_event(fake_github)).code == 0
    run = rodeo.report("--comment", event="pull_request", payload=pr_event(fake_github, n))
    assert run.code == 0 and fake_github.comments(n) == []
    assert "comment: changes, and nothing changed since the baseline" in run.err and run.writes == 0
    run = rodeo.report("--comment", event="pull_request", payload=pr_event(fake_github, n),
                       failing={"pip-np-ubuntu-latest-py3.12": BROKEN})
    assert run.code == 0 and len(fake_github.comments(n)) == 1


def test_ghes_base_url(tmp_path: Path, fake_github_ghes: FakeGitHub) -> None:
    fake = fake_github_ghes
    fake.add_file("README.md", README)
    assert fake.url.endswith("/api/v3")
    run = Rodeo(tmp_path, fake).report("--readme", event="push", payload=push_event(fake))
    assert run.code == 0, run.err
    assert "[rodeo-digest-demo]" in (fake.file("README.md") or "") and len(fake.commits) == 1
    assert all(r.target.startswith("/api/v3/") for r in fake.requests)


def test_readme_409_on_the_first_put_is_reread_and_retried_once(tmp_path: Path, fake_github: FakeGitHub) -> None:
    fake_github.add_file("README.md", README)
    fake_github.fail("PUT", r"/contents/README\.md$", 409)
    run = Rodeo(tmp_path, fake_github).report("--readme", event="push", payload=push_event(fake_github))
    assert run.code == 0, run.err
    assert len(fake_github.commits) == 1
    assert [(r.method, r.status) for r in fake_github.requests] == [("GET", 200), ("PUT", 409), ("GET", 200),
                                                                     ("PUT", 200)]


def test_someone_else_pushed_in_between_their_change_is_kept(tmp_path: Path, fake_github: FakeGitHub) -> None:
    """A real race: the file moved on after our read; the retry replaces the block in *their* text."""
    fake_github.add_file("README.md", README)
    rodeo = Rodeo(tmp_path, fake_github)
    fake_github.tamper("repos/get-content", _after_first_read(fake_github))
    run = rodeo.report("--readme", event="push", payload=push_event(fake_github))
    fake_github.tamper("repos/get-content", None)
    assert run.code == 0, run.err
    text = fake_github.file("README.md") or ""
    assert "their edit" in text and "[rodeo-digest-demo]" in text and len(fake_github.commits) == 1


def _after_first_read(fake: FakeGitHub):  # type: ignore[no-untyped-def]
    """A tamper hook that, once the client has read the README, commits someone else's change."""
    done: list[bool] = []

    def hook(body: object) -> object:
        if not done:
            done.append(True)
            fake.add_file("README.md", README.replace("## After", "## After (their edit)"))
        return body
    return hook


def test_5xx_on_the_comment_patch_is_retried(tmp_path: Path, fake_github: FakeGitHub) -> None:
    n = fake_github.open_pr()
    rodeo = Rodeo(tmp_path, fake_github)
    kw: dict[str, Any] = {"event": "pull_request", "payload": pr_event(fake_github, n)}
    assert rodeo.report("--comment", **kw).code == 0
    fake_github.fail("PATCH", r"/issues/comments/\d+$", 502, times=2)
    run = rodeo.report("--comment", **kw)
    assert run.code == 0, run.err
    assert [r.status for r in fake_github.requests if r.method == "PATCH"] == [502, 502, 200]
    assert len(fake_github.comments(n)) == 1


def test_5xx_after_the_comment_was_created_does_not_duplicate_it(tmp_path: Path, fake_github: FakeGitHub) -> None:
    n = fake_github.open_pr()
    fake_github.fail("POST", r"/comments$", 502, after=True)
    run = Rodeo(tmp_path, fake_github).report("--comment", event="pull_request", payload=pr_event(fake_github, n))
    assert run.code == 0, run.err
    assert len(fake_github.comments(n)) == 1 and fake_github.count("POST") == 1


def test_a_write_that_keeps_failing_exits_3_and_says_what_was_published(tmp_path: Path,
                                                                         fake_github: FakeGitHub) -> None:
    """Run by hand (no GITHUB_EVENT_NAME): --readme forces the README; the event file names the PR."""
    fake_github.add_file("README.md", README)
    n = fake_github.open_pr()
    fake_github.fail("PUT", r"/contents/README\.md$", 502, times=50)
    run = Rodeo(tmp_path, fake_github).report("--readme", "--comment", env={
        "GITHUB_EVENT_PATH": str(_write(tmp_path / "event.json", pr_event(fake_github, n)))})
    assert run.code == 3, run.err
    assert "FAILED: README.md: HTTP 502" in run.err and "after retries" in run.err
    assert f"published: comment on #{n} created" in run.err
    assert f"rodeo: GitHub: published comment on #{n} created" in run.err
    assert "rodeo: GitHub: not published: README.md: FAILED: HTTP 502" in run.err
    assert len(fake_github.comments(n)) == 1 and fake_github.commits == []
    assert fake_github.count("PUT") == 4                        # the first try + 3 retries, then given up
    assert TOKEN not in run.text


def test_a_comment_post_that_keeps_failing_is_never_posted_twice(tmp_path: Path, fake_github: FakeGitHub) -> None:
    n = fake_github.open_pr()
    fake_github.fail("POST", r"/comments$", 503, times=50)
    run = Rodeo(tmp_path, fake_github).report("--comment", event="pull_request", payload=pr_event(fake_github, n))
    assert run.code == 3 and f"FAILED: comment on #{n}: HTTP 503" in run.err
    assert fake_github.comments(n) == [] and fake_github.count("POST") == 3


def _write(path: Path, data: object) -> Path:
    import json

    path.write_text(json.dumps(data))
    return path


def test_dry_run_sends_no_write(tmp_path: Path, fake_github: FakeGitHub) -> None:
    fake_github.add_file("README.md", README)
    n = fake_github.open_pr()
    rodeo = Rodeo(tmp_path, fake_github)
    push = rodeo.report("--readme", "--comment", "--issues", "--dry-run", event="push",
                        payload=push_event(fake_github))
    pr = rodeo.report("--readme", "--comment", "--issues", "--dry-run", event="pull_request",
                      payload=pr_event(fake_github, n))
    assert push.code == pr.code == 0, push.err + pr.err
    assert all(r.method == "GET" for r in fake_github.requests)
    assert "--- README.md block (dry run) ---\n<!-- rodeo:start id=demo -->" in push.out
    assert f"--- comment on #{n} (dry run) ---\n<!-- rodeo:comment id=demo -->" in pr.out
    assert "dry run: would commit to main" in push.err and "dry run: would create it" in pr.err
    assert fake_github.file("README.md") == README and fake_github.comments(n) == []


def test_fork_pr_saves_the_payload_and_post_publishes_it(tmp_path: Path, fake_github: FakeGitHub) -> None:
    n = fake_github.open_pr()
    fake_github.token_mode("read-only")
    rodeo = Rodeo(tmp_path, fake_github)
    run = rodeo.report("--readme", "--comment", event="pull_request",
                       payload=pr_event(fake_github, n, head_repo="stranger/rodeo"),
                       failing={"uv-geo-ubuntu-latest-py3.12": BROKEN})
    assert run.code == 0, run.err
    assert "comes from the fork stranger/rodeo" in run.err and "saved rodeo-publish.json" in run.err
    assert run.writes == 0 and (tmp_path / "rodeo-publish.json").exists() and rodeo.summary.exists()
    fake_github.token_mode("app")
    head = fake_github.pulls[n].head_sha
    post = rodeo.cli("post", "--payload", "rodeo-publish.json", event="workflow_run",
                     payload={"workflow_run": {"head_sha": head, "event": "pull_request"}})
    assert post.code == 0, post.err
    (c,) = fake_github.comments(n)
    assert c.body.startswith("<!-- rodeo:comment id=demo -->") and "missing-system-library" in c.body
    assert post.requests <= BUDGET and TOKEN not in run.text + post.text


def test_read_only_token_found_on_the_first_write(tmp_path: Path, fake_github: FakeGitHub) -> None:
    """Not a fork, yet the token cannot write (e.g. no `permissions:`): the 403 says so; exit 0 with why."""
    n = fake_github.open_pr()
    fake_github.token_mode("read-only")
    run = Rodeo(tmp_path, fake_github).report("--comment", event="pull_request", payload=pr_event(fake_github, n))
    assert run.code == 0, run.err
    assert "the token is read-only here (HTTP 403: Resource not accessible by integration" in run.err
    assert (tmp_path / "rodeo-publish.json").exists() and fake_github.comments(n) == []


def test_no_token_degrades_to_the_summary(tmp_path: Path, fake_github: FakeGitHub) -> None:
    fake_github.add_file("README.md", README)
    run = Rodeo(tmp_path, fake_github).report("--readme", event="push", payload=push_event(fake_github), token="")
    assert run.code == 0 and "no GITHUB_TOKEN" in run.err and fake_github.requests == []


def test_readme_markers_missing_is_a_clear_error_naming_the_file(tmp_path: Path, fake_github: FakeGitHub) -> None:
    fake_github.add_file("README.md", "# no markers here\n")
    run = Rodeo(tmp_path, fake_github).report("--readme", event="push", payload=push_event(fake_github))
    assert run.code == 2 and "README.md: no <!-- rodeo:start id=demo -->" in run.err
    assert fake_github.count("PUT") == 0


def test_readme_pull_request_mode_keeps_one_pr(tmp_path: Path, fake_github: FakeGitHub) -> None:
    fake_github.add_file("README.md", README)
    rodeo = Rodeo(tmp_path, fake_github)
    rodeo.config.write_text(rodeo.config.read_text().replace("readme: README.md", "readme: README.md\n  "
                                                                                   "readme-mode: pull-request"))
    sha = {"GITHUB_SHA": fake_github.repo().refs["main"]}     # Actions sets it: the commit this run built
    first = rodeo.report("--readme", event="push", payload=push_event(fake_github), env=sha)
    second = rodeo.report("--readme", event="push", payload=push_event(fake_github), env=sha,
                          failing={"uv-np-ubuntu-latest-py3.12": BROKEN})
    assert first.code == second.code == 0, first.err + second.err
    assert fake_github.file("README.md") == README                     # main untouched
    assert "3 of 4 cells pass" in (fake_github.file("README.md", "rodeo/readme") or "")
    assert len(fake_github.pulls) == 1 and "pull request #1 opened" in first.err
    assert "its open pull request is updated" in second.err
    assert first.requests <= BUDGET and second.requests <= BUDGET, (first.requests, second.requests)


def test_issue_lifecycle_through_the_cli(tmp_path: Path, fake_github: FakeGitHub) -> None:
    """Run 1 all pass → README; run 2 two culprits regress → two issues; run 3 the same → nothing new;
    run 4 all pass → both closed with a comment.  Request counts within 5 + 2 × issues touched."""
    from rodeo_action.results import Cause

    fake_github.add_file("README.md", README)
    rodeo = Rodeo(tmp_path, fake_github, issues=True)
    numpy = Cause(kind="no-matching-distribution", package="numpy", summary="no wheel of numpy for cp312")
    two = {"uv-geo-ubuntu-latest-py3.12": BROKEN, "pip-geo-ubuntu-latest-py3.12": BROKEN,
           "uv-np-ubuntu-latest-py3.12": numpy, "pip-np-ubuntu-latest-py3.12": numpy}
    kw: dict[str, Any] = {"event": "push", "payload": push_event(fake_github)}
    runs = [rodeo.report("--readme", "--issues", **kw),
            rodeo.report("--readme", "--issues", failing=two, **kw),
            rodeo.report("--readme", "--issues", failing=two, **kw),
            rodeo.report("--readme", "--issues", **kw)]
    assert [r.code for r in runs] == [0, 0, 0, 0], [r.err for r in runs]
    issues = fake_github.issues
    assert len(issues) == 2 and all(i.state == "closed" for i in issues)
    assert all(len(fake_github.comments(i.number)) == 1 for i in issues)
    touched = [0, 2, 0, 2]
    for run, n in zip(runs, touched, strict=True):
        assert run.requests <= BUDGET + 2 * n, (run.requests, run.err)
    assert TOKEN not in "".join(r.text for r in runs)


def test_a_dry_run_counts_the_issues_it_lists(tmp_path: Path, fake_github: FakeGitHub) -> None:
    """Its last line says what it listed: "would be 2 filed" after two "would file", then "2 closed"."""
    fake_github.add_file("README.md", README)
    rodeo = Rodeo(tmp_path, fake_github, issues=True)
    two = {"uv-geo-ubuntu-latest-py3.12": BROKEN, "uv-np-ubuntu-latest-py3.12": BROKEN,
           "pip-np-ubuntu-latest-py3.12": BROKEN}
    kw: dict[str, Any] = {"event": "push", "payload": push_event(fake_github)}
    dry = rodeo.report("--issues", "--dry-run", failing=two, **kw)
    assert dry.code == 0 and dry.err.count("issues: would file") == 1 and fake_github.issues == [], dry.err
    assert "not published: issues: dry run: would be 1 filed, 0 updated, 0 closed\n" in dry.err
    assert rodeo.report("--issues", failing=two, **kw).code == 0 and len(fake_github.issues) == 1
    fixed = rodeo.report("--issues", "--dry-run", **kw)
    assert "issues: would close #" in fixed.err and "dry run: would be 0 filed, 0 updated, 1 closed\n" in fixed.err
    assert all(i.state == "open" for i in fake_github.issues)


def test_a_pr_comment_compares_with_the_default_branch_so_a_rerun_changes_nothing(tmp_path: Path,
                                                                                  fake_github: FakeGitHub) -> None:
    """The baseline of a PR is the README's digest on the default branch: the next push with the same results
    (or a re-run of the job) keeps showing the regression against main, not "no changes since the last run"."""
    fake_github.add_file("README.md", README)
    n = fake_github.open_pr()
    rodeo = Rodeo(tmp_path, fake_github)
    assert rodeo.report("--readme", event="push", payload=push_event(fake_github)).code == 0
    kw: dict[str, Any] = {"event": "pull_request", "payload": pr_event(fake_github, n),
                          "failing": {"uv-geo-ubuntu-latest-py3.12": BROKEN}}
    first = rodeo.report("--comment", **kw)
    assert first.code == 0 and "baseline: the digest in README.md on main" in first.err, first.err
    (c,) = fake_github.comments(n)
    assert "1 regression" in c.body
    again = rodeo.report("--comment", **kw)              # its own run link and time: edited, same story
    assert again.code == 0 and "baseline: the digest in README.md on main" in again.err, again.err
    (c,) = fake_github.comments(n)
    assert "1 regression" in c.body


def test_comment_changes_mode_brings_an_existing_comment_up_to_date(tmp_path: Path,
                                                                    fake_github: FakeGitHub) -> None:
    """`comment: changes` creates no comment when nothing changed, but one from an earlier push that showed
    a regression this push undid is edited — not left saying the PR breaks something."""
    fake_github.add_file("README.md", README)
    n = fake_github.open_pr()
    rodeo = Rodeo(tmp_path, fake_github, comment="changes")
    assert rodeo.report("--readme", event="push", payload=push_event(fake_github)).code == 0
    kw: dict[str, Any] = {"event": "pull_request", "payload": pr_event(fake_github, n)}
    assert rodeo.report("--comment", failing={"uv-geo-ubuntu-latest-py3.12": BROKEN}, **kw).code == 0
    assert "1 regression" in fake_github.comments(n)[0].body
    fixed = rodeo.report("--comment", **kw)
    assert fixed.code == 0 and f"comment on #{n} edited" in fixed.err, fixed.err
    (c,) = fake_github.comments(n)
    assert "4 of 4 cells pass" in c.body and "No change since the last run." in c.body and "regression" not in c.body
