"""Where each output goes, per event: the pure decision and the event parsing it reads."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rodeo_action.config import IssueSettings, ReportSettings
from rodeo_action.errors import InputError
from rodeo_action.github.context import Event, from_environ, parse
from rodeo_action.github.decide import Asked, decide

ALL = Asked(readme=True, comment=True, issues=True)
DEFAULTS = ReportSettings()
ENV = {"GITHUB_REPOSITORY": "octo/rodeo", "GITHUB_REF": "refs/heads/main"}


def ev(name: str | None, ref: str = "refs/heads/main", **kw: object) -> Event:
    return Event(name=name, repository="octo/rodeo", ref=ref, **kw)  # type: ignore[arg-type]


def outputs(event: Event, asked: Asked = ALL, settings: ReportSettings = DEFAULTS,
            default: str | None = "main", changed: bool = True) -> tuple[bool, bool, bool]:
    d = decide(event, asked, settings, default, True, changed)
    return d.readme.publish, d.comment.publish, d.issues.publish


@pytest.mark.parametrize("name", ["push", "workflow_dispatch", "schedule"])
def test_default_branch_runs_publish_readme_and_issues_not_the_comment(name: str) -> None:
    assert outputs(ev(name)) == (True, False, True)


def test_other_branches_and_prs() -> None:
    assert outputs(ev("push", "refs/heads/feature")) == (False, False, False)
    assert outputs(ev("workflow_dispatch", "refs/heads/feature")) == (False, False, False)
    assert outputs(ev("pull_request", "refs/pull/3/merge", pr_number=3)) == (False, True, False)
    assert outputs(ev("push"), default=None) == (False, False, False)   # unknown default branch: be safe
    assert outputs(ev("schedule", "refs/heads/other"), default=None) == (True, False, True)


def test_flags_limit_and_config_turns_off() -> None:
    pr = ev("pull_request", pr_number=3)
    assert outputs(ev("push"), Asked(readme=True)) == (True, False, False)
    assert outputs(pr, Asked(readme=True)) == (False, False, False)
    off = ReportSettings(readme=None, comment="off", issues=IssueSettings(enabled=False))
    assert outputs(ev("push"), settings=off) == (False, False, False)
    assert outputs(pr, settings=off) == (False, False, False)
    d = decide(ev("push"), ALL, off, "main", True, True)
    assert "report.readme is off" in d.readme.why and "enabled is false" in d.issues.why


def test_comment_changes_mode() -> None:
    pr = ev("pull_request", pr_number=3)
    changes = ReportSettings(comment="changes")
    quiet = decide(pr, ALL, changes, "main", has_baseline=True, has_changes=False).comment
    assert quiet.publish and quiet.only_edit            # an existing comment is updated, none is created
    assert not decide(pr, ALL, changes, "main", True, True).comment.only_edit
    assert outputs(pr, settings=changes, changed=True) == (False, True, False)
    assert decide(pr, ALL, changes, "main", has_baseline=False, has_changes=False).comment.publish  # first run


def test_by_hand_flags_force() -> None:
    assert outputs(ev(None, ref=""), default="main") == (True, False, True)        # no PR number: no comment
    assert outputs(ev(None, ref="", pr_number=7)) == (True, True, True)


def test_fork_prs_are_read_only_from_the_event() -> None:
    fork = ev("pull_request", pr_number=3, head_repo="stranger/rodeo", base_repo="octo/rodeo")
    assert fork.from_fork and "stranger/rodeo" in (decide(fork, ALL, ReportSettings(), "main", True, True).read_only
                                                   or "")
    same = ev("pull_request", pr_number=3, head_repo="octo/rodeo", base_repo="octo/rodeo")
    assert not same.from_fork and decide(same, ALL, ReportSettings(), "main", True, True).read_only is None
    target = ev("pull_request_target", pr_number=3, head_repo="stranger/rodeo", base_repo="octo/rodeo")
    assert not target.from_fork                                                   # runs with the base's token


def test_parse_reads_the_payload() -> None:
    payload = {"number": 12, "pull_request": {"number": 12, "head": {"sha": "abc", "repo": {"full_name": "a/b"}},
                                              "base": {"repo": {"full_name": "octo/rodeo"}}},
               "repository": {"default_branch": "trunk"}}
    e = parse("pull_request", payload, ENV)
    assert (e.pr_number, e.head_repo, e.base_repo, e.head_sha, e.default_branch) == (12, "a/b", "octo/rodeo", "abc",
                                                                                     "trunk")
    assert parse("push", {"number": 3}, ENV).pr_number is None
    assert parse("pull_request", {"number": True}, ENV).pr_number is None
    assert parse("push", ["not", "a", "dict"], ENV).default_branch is None
    assert parse("workflow_run", {"workflow_run": {"head_sha": "f00"}}, ENV).head_sha == "f00"
    assert ev("push").branch == "main" and ev("push", "refs/tags/v1").branch is None


def test_from_environ(tmp_path: Path) -> None:
    p = tmp_path / "e.json"
    p.write_text(json.dumps({"repository": {"default_branch": "main"}}))
    assert from_environ({"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(p)}).default_branch == "main"
    assert from_environ({}).name is None
    p.write_text("{not json")
    with pytest.raises(InputError, match="not JSON"):
        from_environ({"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(p)})


def test_rodeo_run_never_loads_pygithub() -> None:
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "rodeo_action", "run", "--help"], cwd=root,
                          capture_output=True, text=True, check=True)
    modules = [line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line]
    assert not [m for m in modules if m.split(".")[0] == "github" or m.startswith("rodeo_action.github")]


def test_nothing_upstream_of_report_imports_pygithub() -> None:
    root = Path(__file__).resolve().parents[2] / "rodeo_action"
    for path in root.rglob("*.py"):
        if path.parent.name == "github" or path.name == "cli.py":
            continue
        text = path.read_text()
        assert "import github" not in text and "from github" not in text, path
