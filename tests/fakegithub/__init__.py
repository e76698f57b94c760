"""A fake GitHub for publishing tests: real HTTP, real PyGithub, payloads checked against GitHub's OpenAPI.

Use it in a test module::

    from tests import fakegithub
    from tests.fakegithub import FakeGitHub

    fake_github = fakegithub.fake_github  # the fixture (assigned: an import would trip ruff's F811)

    def test_x(fake_github: FakeGitHub) -> None:
        g = Github(base_url=fake_github.url, auth=Auth.Token("ghp_test"))

The fixture fails the test at teardown if any request or response broke the schema.

Controls: ``fake.url`` / ``fake.env()`` (GITHUB_API_URL…), ``token_mode("app"|"user"|"read-only")``,
``fail(method, path_regex, status, times=1, headers=, body=, after=False)``, ``tamper(op_id, fn)``.
Faults: ``inject(kind, at=, op=, method=, path=, times=1)`` places one of ``faults.KINDS`` (500, 502, 502-proxy,
503, 403-/429-secondary, 404, reset, slow, done-502, done-reset, 422, 409) by request index and/or operation;
``faults.kinds_for(method, op)``; ``slow_seconds``; ``clear_faults()``.  ``checkpoint()`` / ``restore(cp)``
save and bring back the whole state (a walk restores it before each case).
Seeds: ``add_file``, ``add_branch``, ``add_label``, ``add_issue``, ``add_comment``, ``open_pr``, ``add_repo``.
Observation: ``requests`` (method, path, query, body, status, op, headers, fault, target), ``counts``,
``count(method, path_regex)``, ``violations``; state: ``issues``, ``issue(n)``, ``comments(n)``, ``file(path, ref)``,
``commits``, ``labels``, ``pulls``, ``autocreated_labels``, ``repo()``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from . import faults
from .server import Answer, Checkpoint, FakeGitHub, Logged
from .state import BOT, USER, Comment, Commit, Issue, Label, Pull

__all__ = ["BOT", "USER", "Answer", "Checkpoint", "Comment", "Commit", "FakeGitHub", "Issue", "Label", "Logged",
           "Pull", "fake_github", "fake_github_ghes", "faults"]


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A started fake serving ``octo/rodeo`` (default branch ``main``) with a GITHUB_TOKEN-like token."""
    with FakeGitHub() as fake:
        yield fake
    fake.assert_clean()


@pytest.fixture
def fake_github_ghes() -> Iterator[FakeGitHub]:
    """The same under ``/api/v3``, as GitHub Enterprise Server serves it (GITHUB_API_URL with a path)."""
    with FakeGitHub(prefix="/api/v3") as fake:
        yield fake
    fake.assert_clean()
