"""poetry: the commands per OS family, and the pyproject.toml it reads (parsed back with tomllib)."""

from __future__ import annotations

import pytest

from rodeo_action.managers import get
from rodeo_action.managers.base import Family
from tests.managers.pypikit import EXTRA, FAMILIES, MIRROR, commands, interpreter, make_spec, toml_of, workdir


@pytest.mark.parametrize("family", FAMILIES)
def test_poetry_argv(family: Family) -> None:
    recipe = get("poetry").recipe(make_spec("poetry", family))
    assert commands(recipe) == [
        ("create", ["poetry", "env", "use", "--no-interaction", interpreter(family)], workdir(family)),
        ("install", ["poetry", "install", "--no-interaction"], workdir(family)),
    ]
    assert [s.phase for s in recipe.steps] == ["create", "create", "install"]
    env = dict(recipe.env)
    assert env["POETRY_VIRTUALENVS_IN_PROJECT"] == "true"
    assert env["POETRY_VIRTUALENVS_CREATE"] == "true"
    assert env["POETRY_NO_INTERACTION"] == "1"
    assert env["POETRY_CACHE_DIR"] == "CACHE"


def test_poetry_pyproject_always_names_a_primary_simple_index() -> None:
    """Poetry's implicit PyPI needs the per-version JSON API; a simple index as primary source avoids it."""
    doc = toml_of(get("poetry").recipe(make_spec("poetry")), "pyproject.toml")
    assert doc["tool"]["poetry"] == {"package-mode": False, "source": [
        {"name": "rodeo-index", "url": "https://pypi.org/simple/", "priority": "primary"}]}
    assert doc["project"]["requires-python"] == ">=3.11,<3.12"
    assert doc["project"]["dependencies"] == ["six", "docrep>=0.3"]


def test_poetry_index_and_extras_are_primary_sources_in_order() -> None:
    doc = toml_of(get("poetry").recipe(make_spec("poetry", index_url=MIRROR, extra=EXTRA)), "pyproject.toml")
    assert doc["tool"]["poetry"]["source"] == [
        {"name": "rodeo-index", "url": MIRROR, "priority": "primary"},
        {"name": "rodeo-extra-1", "url": EXTRA[0], "priority": "primary"},
        {"name": "rodeo-extra-2", "url": EXTRA[1], "priority": "primary"},
    ]
