"""``rodeo report --preview DIR``: what publishing would write, as files, offline.

The files come from the same renderers and the same pure issue plan as publishing; the command runs
with no token and with every socket refused, and refuses a preview path that is a file in one line.
"""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from rodeo_action import cli
from rodeo_action.config import IssueSettings, load_config
from rodeo_action.github import preview
from rodeo_action.github.issueplan import File, Tally, plan
from rodeo_action.report import issuetext, render
from rodeo_action.report.escape import URL_CHARS, url
from rodeo_action.report.markers import comment_marker, issue_marker, readme_markers
from rodeo_action.report.model import Report
from rodeo_action.report.templates import Settings
from tests.golden import regenerate

FIXTURES = regenerate.FIXTURES
RESULTS = FIXTURES / "current"
CONFIG = FIXTURES / "rodeo.yml"


@pytest.fixture(scope="module")
def report() -> Report:
    return regenerate.current_report()


def test_every_file_is_what_publishing_would_write(report: Report) -> None:
    config = load_config(CONFIG)
    made = preview.build(report, config, Settings(), "o/r", "the digest in README.md")
    files = made.files
    assert files["readme.md"] == render.readme_block(report)
    assert files["readme.md"].startswith(readme_markers("fixture")[0])
    assert files["comment.md"] == render.comment(report) and comment_marker("fixture") in files["comment.md"]
    assert files["summary.md"] == render.summary(report)
    planned = [a for a in plan(report, {}, config.report.issues, Settings(), "o/r") if isinstance(a, File)]
    assert len(planned) == len(report.culprits) >= 4 and made.tally == Tally(file=len(planned))
    for action in planned:
        text = files[f"issues/{preview.slug(action.culprit.key)}.md"]
        title, _, body = text.partition("\n")
        assert (title, body) == (action.title, action.body)               # the plan's own texts, title first
        assert issue_marker("fixture", action.culprit.key) in body
    assert list(files)[-1] == "index.md" and "Baseline: the digest in README.md." in files["index.md"]
    assert "No open issues are known offline" in files["index.md"]


def test_upstream_reports_carry_the_link_the_issue_carries(report: Report) -> None:
    made = preview.build(report, load_config(CONFIG), Settings())
    for culprit in report.culprits:
        name = f"upstream/{preview.slug(culprit.key)}.md"
        found = issuetext.upstream_prefill(report, culprit)
        if found is None:                                                 # uv's timeout: not upstream's
            assert name not in made.files and not issuetext.reportable(culprit), culprit.key
            assert f"`issues/{preview.slug(culprit.key)}.md`: the issue" in made.files["index.md"]
            continue
        title, link, blank, *body = made.files[name].split("\n")
        assert (title, link, blank) == (found.title, found.url, "") and "\n".join(body).rstrip("\n") == found.body
        assert len(link) <= URL_CHARS and url(link) == link
        assert f"]({link})" in made.files[f"issues/{preview.slug(culprit.key)}.md"]
    assert "not for upstream: timeout is a problem of where the cells ran" in made.files["index.md"]


def test_what_is_held_back_or_off_is_said(report: Report) -> None:
    config = load_config(CONFIG)
    one = replace(config, report=replace(config.report, issues=IssueSettings(max_per_run=1)))
    made = preview.build(report, one, Settings())
    held = len(report.culprits) - 1
    assert made.tally == Tally(file=1, hold=held) and len([f for f in made.files if f.startswith("issues/")]) == 1
    assert made.files["index.md"].count("held back, not filed: ") == held
    assert "max-per-run (1) reached" in made.files["index.md"]
    untracked = replace(report, culprits=tuple(replace(c, tracker=None) for c in report.culprits))
    index = preview.build(untracked, config, Settings()).files["index.md"]
    local = sum(not issuetext.reportable(c) for c in report.culprits)
    assert local == 1 and index.count("not for upstream") == local                     # uv's timeout
    assert index.count("no upstream report: no tracker is known") == len(report.culprits) - local
    off = replace(config, report=replace(config.report, issues=IssueSettings(enabled=False), comment="off",
                                         readme=None))
    quiet = preview.build(report, off, Settings())
    assert not [f for f in quiet.files if "/" in f] and quiet.tally == Tally()
    assert "`report.issues.enabled` is false" in quiet.files["index.md"]
    assert "`report.comment` is off" in quiet.files["index.md"] and "`report.readme` is off" in quiet.files["index.md"]


def test_two_keys_of_one_file_name_keep_two_files() -> None:
    assert preview.slug("cell:apt/tensorflow") == "cell_apt_tensorflow" and preview.slug("manager:pdm") == "manager_pdm"
    assert preview.slug("../..") == "culprit" and "/" not in preview.slug("cell:../../etc/passwd")


# -- the command ---------------------------------------------------------------------------------

def _rodeo(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``rodeo report`` in this process, with no token and every socket refused (offline, for real)."""
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_REPOSITORY", "GITHUB_EVENT_NAME", "GITHUB_EVENT_PATH",
                 "GITHUB_STEP_SUMMARY", "GITHUB_RUN_ID"):
        monkeypatch.delenv(name, raising=False)

    def no_network(*a: Any, **k: Any) -> None:
        raise AssertionError("the preview opened a socket")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    code = cli.main(["report", "--results", str(RESULTS), "--config", str(CONFIG), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_command_writes_the_folder_offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "deep" / "pv"
    code, _, err = _rodeo(monkeypatch, capsys, "--preview", str(folder))
    assert code == 0, err
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    report = regenerate.current_report()                     # the same culprits (compared with the previous run)
    issues = [f"issues/{preview.slug(c.key)}.md" for c in report.culprits]
    upstream = [f"upstream/{preview.slug(c.key)}.md" for c in report.culprits if issuetext.reportable(c)]
    assert "issues/cell_uv_set-all.md" in issues and "upstream/cell_uv_set-all.md" not in upstream     # a timeout
    assert names == sorted(["index.md", "readme.md", "comment.md", "summary.md", *issues, *upstream])
    assert f"wrote {len(names)} files to {folder}/" in err
    assert f"a first --issues run: {len(issues)} filed, 0 updated, 0 closed" in err
    assert "Baseline: none (no --baseline; README.md here: not found): no changes shown." in (
        folder / "index.md").read_text()


def test_the_readme_here_is_the_baseline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Offline, the README in the current folder stands for the one on GitHub: the same changes show."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "README.md").write_text("# Mine\n\n" + render.readme_block(regenerate.baseline_report()) + "\nend\n")
    code, _, err = _rodeo(monkeypatch, capsys, "--preview", "pv")
    assert code == 0, err
    assert "Baseline: the digest in README.md here" in (tmp_path / "pv" / "index.md").read_text()
    assert "regression" in (tmp_path / "pv" / "comment.md").read_text()
    code, _, err = _rodeo(monkeypatch, capsys, "--preview", "pv2", "--baseline", str(tmp_path / "README.md"))
    index = (tmp_path / "pv2" / "index.md").read_text()
    assert code == 0 and "/README.md (--baseline)." in index
    assert "regression" in (tmp_path / "pv2" / "comment.md").read_text()


def test_the_folder_is_the_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "pv"
    (folder / "issues").mkdir(parents=True)
    (folder / "notes.txt").write_text("mine")
    (folder / "issues" / "old.md").write_text("an earlier preview's")
    assert _rodeo(monkeypatch, capsys, "--preview", str(folder))[0] == 0
    assert (folder / "notes.txt").read_text() == "mine" and (folder / "issues" / "old.md").exists()
    assert "old.md" not in (folder / "index.md").read_text()


@pytest.mark.parametrize("where", ["file", "inside-a-file", "issues-is-a-file"])
def test_a_path_that_is_a_file_is_refused_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str], where: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "f").write_text("keep")
    (tmp_path / "pv").mkdir()
    (tmp_path / "pv" / "issues").write_text("keep")
    target = {"file": "f", "inside-a-file": "f/pv", "issues-is-a-file": "pv"}[where]
    code, _, err = _rodeo(monkeypatch, capsys, "--preview", target)
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith(("f: is a file", "f/pv: cannot be made",
                                                                        "pv/issues: is a file")), err
    assert (tmp_path / "f").read_text() == "keep" and (tmp_path / "pv" / "issues").read_text() == "keep"
    assert [p.name for p in (tmp_path / "pv").iterdir()] == ["issues"]            # nothing written at all
