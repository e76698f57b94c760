"""Templates: the user's override ours by name, run sandboxed, and must keep their hidden markers;
each Settings owns its template environment, each report its escaped view (no module-level cache)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from rodeo_action.config import parse_config
from rodeo_action.errors import InputError
from rodeo_action.report import issuetext, render, templates, view
from rodeo_action.report.model import Report
from tests.golden import regenerate


@pytest.fixture(scope="module")
def fixture_report() -> Report:
    return regenerate.current_report()


def test_user_templates_override_ours_by_name(tmp_path: Path, fixture_report: Report) -> None:
    (tmp_path / "comment.md.j2").write_text("{{ marker }}\nOurs: {{ headline }}\n{{ counts }}\n{{ report.name | md }}\n"
                                            "{% for c in report.culprits %}- {{ c.name | md }}\n{% endfor %}"
                                            "{{ digest }}\n")
    out = render.comment(fixture_report, render.Settings(templates=tmp_path))
    assert out.startswith("<!-- rodeo:comment id=fixture -->\nOurs: **1 of 5 managers installs every set")
    assert "\n7 of 16 cells pass (" in out
    assert "- @\u200beveryone" not in out and "- tensorflow" in out
    # the others still come from ours
    assert render.readme_block(fixture_report, render.Settings(templates=tmp_path)).startswith("<!-- rodeo:start")


@pytest.mark.parametrize("template, message", [
    ("no marker here {{ digest }}", "lacks the hidden marker '<!-- rodeo:comment id=fixture -->'"),
    ("{{ marker }}{{ digest }}{{ nope }}", "'nope' is undefined"),
    ("{{ marker }}{{ digest }}{% if %}", r"comment\.md\.j2:1: "),
    ("{{ marker }}{{ digest }}{{ ''.__class__.__mro__ }}", "comment.md.j2"),
    ("{{ marker }}{{ digest }}{{ report.__init__.__globals__ }}", "comment.md.j2"),
    ("{{ marker }}{{ digest }}{{ report.history.clear() }}", "comment.md.j2: .*unsafe"),
])
def test_a_bad_user_template_is_refused_clearly(tmp_path: Path, fixture_report: Report, template: str,
                                                message: str) -> None:
    (tmp_path / "comment.md.j2").write_text(template)
    with pytest.raises(InputError, match=message):
        render.comment(fixture_report, render.Settings(templates=tmp_path / ""))


def test_readme_and_issue_templates_must_keep_their_markers(tmp_path: Path, fixture_report: Report) -> None:
    (tmp_path / "readme.md.j2").write_text("{{ start }}\n{{ digest }}\n")
    (tmp_path / "issue.md.j2").write_text("{{ marker }}\nthe marker is on the title line\n")
    custom = render.Settings(templates=tmp_path)
    with pytest.raises(InputError, match="rodeo:end id=fixture"):
        render.readme_block(fixture_report, custom)
    with pytest.raises(InputError, match="must be in the body"):
        issuetext.issue(fixture_report, fixture_report.culprits[0], custom)


def test_templates_folder_from_config(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    config = parse_config("packages: [a]\nreport:\n  templates: mine\n", str(tmp_path / "rodeo.yml"))
    assert render.Settings.from_config(config).templates == tmp_path / "mine"
    assert render.Settings.from_config(None).templates is None
    with pytest.raises(InputError, match="report.templates: .* is not a folder"):
        render.markdown(regenerate.current_report(), render.Settings(templates=tmp_path / "absent"))


def test_each_settings_owns_its_templates(tmp_path: Path, fixture_report: Report) -> None:
    (tmp_path / "report.md.j2").write_text("first {{ title }}\n")
    first = render.Settings(templates=tmp_path, title="t")
    assert render.markdown(fixture_report, first) == "first t\n" and first.env is first.env
    assert render.Settings(templates=tmp_path).env is not first.env       # nothing shared between runs
    assert templates.is_ours(first, "comment.md.j2") and not templates.is_ours(first, "report.md.j2")


def test_each_report_owns_its_view(fixture_report: Report) -> None:
    report = replace(fixture_report)                    # a fresh object: its memo starts empty
    assert "view" not in report.memo
    render.comment(report)
    made = view.of(report)
    assert report.memo["view"] is made and view.of(report) is made   # every output of a report shares it
    assert view.of(replace(report, name="other")) is not made
