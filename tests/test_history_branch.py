"""The reusable workflow's `history-branch` step, run for real: its own bash, from the workflow file, with a
bare git repository on disk as the remote (``GITHUB_SERVER_URL=file://…``). It commits the report's
``--json`` to the branch the first time, only when a cell's verdict, cause or versions changed after
that, never to the default branch, never a file over 25 MB or a link."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
STEP = "Commit the --json to the history branch"


def _script() -> str:
    jobs = yaml.safe_load((ROOT / ".github" / "workflows" / "rodeo.yml").read_text(encoding="utf-8"))["jobs"]
    return str(next(s["run"] for job in jobs.values() for s in job.get("steps", []) if s.get("name") == STEP))


def _report(path: Path, status: str, version: str = "1.17.0") -> None:
    path.write_text(json.dumps({"results": [{"cell": {"id": "pip-all-ubuntu-latest-py3.12"}, "status": status,
                                             "cause": None, "resolved": {"six": version}}]}))


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    bare = tmp_path / "server" / "owner" / "repo.git"
    bare.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    return bare


def _run(tmp_path: Path, report: Path, branch: str = "rodeo-history",
         run_id: str = "1") -> subprocess.CompletedProcess[str]:
    env: dict[str, Any] = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(REPORT_DIR=str(report.parent), JSON=report.name, BRANCH=branch, DEFAULT_BRANCH="main",
               KEY="rodeo-baseline-abc", RODEO_PUSH_TOKEN="not-a-real-token", RUNNER_TEMP=str(tmp_path / "temp"),
               GITHUB_SERVER_URL=f"file://{tmp_path / 'server'}", GITHUB_REPOSITORY="owner/repo",
               GITHUB_RUN_ID=run_id, GITHUB_SHA="0" * 40, HOME=str(tmp_path / "home"))
    (tmp_path / "temp").mkdir(exist_ok=True)
    return subprocess.run(["bash", "-c", _script()], env=env, capture_output=True, text=True, timeout=60)


def _commits(remote: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(remote), "log", "--format=%s", "rodeo-history"], capture_output=True,
                         text=True)
    return out.stdout.splitlines() if out.returncode == 0 else []


def test_commits_the_first_time_then_only_when_a_verdict_changes(tmp_path: Path, remote: Path) -> None:
    report = tmp_path / "report" / "rodeo.json"
    report.parent.mkdir()
    _report(report, "pass")
    first = _run(tmp_path, report)
    assert first.returncode == 0, first.stderr
    assert _commits(remote) == ["rodeo history: run 1 (" + "0" * 40 + ")"]
    same = _run(tmp_path, report, run_id="2")
    assert same.returncode == 0 and "nothing to commit" in same.stdout, same.stdout + same.stderr
    assert len(_commits(remote)) == 1
    _report(report, "pass", "1.16.0")                   # a version moved
    assert _run(tmp_path, report, run_id="3").returncode == 0
    _report(report, "fail", "1.16.0")                   # a verdict changed
    assert _run(tmp_path, report, run_id="4").returncode == 0
    assert [c.split(" (")[0] for c in _commits(remote)] == [f"rodeo history: run {n}" for n in (4, 3, 1)]
    shown = subprocess.run(["git", "-C", str(remote), "show", "rodeo-history:rodeo-baseline-abc.json"],
                           capture_output=True, text=True, check=True).stdout
    assert json.loads(shown)["results"][0]["status"] == "fail"
    assert "not-a-real-token" not in (tmp_path / "temp" / "rodeo-history" / ".git" / "config").read_text()


def test_never_the_default_branch_a_link_or_a_file_over_25_mb(tmp_path: Path, remote: Path) -> None:
    report = tmp_path / "report" / "rodeo.json"
    report.parent.mkdir()
    _report(report, "pass")
    refused = _run(tmp_path, report, branch="main")
    assert refused.returncode == 1 and "never the default branch" in refused.stdout
    assert _run(tmp_path, report, branch="bad..name").returncode == 1
    link = tmp_path / "report" / "link.json"
    link.symlink_to(report)
    linked = _run(tmp_path, link)
    assert linked.returncode == 0 and "nothing committed" in linked.stdout
    with open(report, "r+b") as fh:
        fh.truncate(25_000_001)
    big = _run(tmp_path, report)
    assert big.returncode == 0 and "over the 25 MB" in big.stdout
    assert _commits(remote) == []
