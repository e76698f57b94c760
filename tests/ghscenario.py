"""Shared by the publishing tests: a small rodeo, its results written as the runner writes them, and
the real CLI run as a subprocess against the fake GitHub (throttling off, an event file of our own)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rodeo_action.config import parse_config
from rodeo_action.plan import expand
from rodeo_action.results import Cause, CellInfo, Result, write_result
from tests.fakegithub import FakeGitHub

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "ghp_S3cretT0kenThatMustNeverBePrinted000"
CONFIG = """\
name: demo
packages:
  - numpy
  - {name: cartopy, tracker: SciTools/cartopy}
sets: {geo: [cartopy, numpy], np: [numpy]}
managers: [uv, pip]
os: [ubuntu-latest]
python: ['3.12']
report:
  readme: README.md
  comment: COMMENT
  issues: {enabled: false}
"""
README = ("# My project\r\n\nSome text with trailing spaces   \n\n<!-- rodeo:start id=demo -->\nplaceholder\n"
          "<!-- rodeo:end id=demo -->\n\n## After\n\nünïcode ✓ kept\n")
BROKEN = Cause(kind="missing-system-library", package="cartopy", summary="geos_c.h: No such file or directory")


@dataclass
class Run:
    code: int
    out: str
    err: str
    requests: int                        # requests this run sent to the fake
    writes: int

    @property
    def text(self) -> str:
        return self.out + self.err


class Rodeo:
    """A rodeo in a temporary folder: results per run, the CLI run against the fake."""

    def __init__(self, tmp: Path, fake: FakeGitHub, comment: str = "always", issues: bool = False) -> None:
        self.tmp, self.fake, self.n = tmp, fake, 0
        self.config = tmp / "rodeo.yml"
        text = CONFIG.replace("COMMENT", comment)
        if issues:
            text = text.replace("issues: {enabled: false}", "issues: {enabled: true}")
        self.config.write_text(text)
        self.summary = tmp / "summary.md"

    def results(self, failing: Mapping[str, Cause] | None = None) -> Path:
        self.n += 1
        out = self.tmp / f"results{self.n}"
        cfg = parse_config(self.config.read_text(), str(self.config))
        for p in expand(cfg):
            c = p.cell
            cause = (failing or {}).get(c.id)
            write_result(Result(CellInfo(c.id, c.manager, c.set, c.os, c.python, c.packages),
                                "fail" if cause else "pass", phase="install" if cause else None, cause=cause,
                                durations={"install": 10.0 + self.n}, manager_version=f"{c.manager} 1.0",
                                resolved={} if cause else {"numpy": "2.1.0", "cartopy": "0.24.0"},
                                started_at="2025-01-01T00:00:00Z", run_url=f"https://ci/run/{self.n}"),
                         out / f"rodeo-{c.manager}")
        return out

    def event(self, name: str, payload: dict[str, Any]) -> Path:
        path = self.tmp / f"event{self.n}-{name}.json"
        path.write_text(json.dumps(payload))
        return path

    def cli(self, *args: str, event: str | None = None, payload: dict[str, Any] | None = None,
            ref: str = "refs/heads/main", token: str = TOKEN, env: Mapping[str, str] | None = None) -> Run:
        environ = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
        environ.update(self.fake.env(token), RODEO_GITHUB_THROTTLE="0", GITHUB_REF=ref, GITHUB_RUN_ID=str(self.n),
                       GITHUB_STEP_SUMMARY=str(self.summary), PYTHONPATH=str(ROOT))
        if event is not None:
            environ["GITHUB_EVENT_NAME"] = event
            environ["GITHUB_EVENT_PATH"] = str(self.event(event, payload or {}))
        environ.update(env or {})
        before = len(self.fake.requests)
        writes_before = sum(1 for r in self.fake.requests if r.method != "GET")
        proc = subprocess.run([sys.executable, "-m", "rodeo_action", *args], cwd=self.tmp, env=environ,
                              capture_output=True, text=True, timeout=120)
        return Run(proc.returncode, proc.stdout, proc.stderr, len(self.fake.requests) - before,
                   sum(1 for r in self.fake.requests if r.method != "GET") - writes_before)

    def report(self, *flags: str, failing: Mapping[str, Cause] | None = None, **kw: Any) -> Run:
        return self.cli("report", "--results", str(self.results(failing)), "--config", str(self.config),
                        "--summary", *flags, **kw)


def push_event(fake: FakeGitHub, branch: str = "main") -> dict[str, Any]:
    return {"ref": f"refs/heads/{branch}", "repository": {"full_name": fake.repo_name, "default_branch": "main"}}


def pr_event(fake: FakeGitHub, number: int, head_repo: str | None = None) -> dict[str, Any]:
    head = head_repo or fake.repo_name
    return {"action": "synchronize", "number": number,
            "pull_request": {"number": number, "head": {"sha": "abc", "repo": {"full_name": head}},
                             "base": {"repo": {"full_name": fake.repo_name}}},
            "repository": {"full_name": fake.repo_name, "default_branch": "main"}}
