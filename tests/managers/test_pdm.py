"""pdm: the commands per OS family, and the pyproject.toml sources it reads (parsed back with tomllib)."""

from __future__ import annotations

import pytest

from rodeo_action.managers import get
from rodeo_action.managers.base import Family
from tests.managers.pypikit import EXTRA, FAMILIES, MIRROR, commands, interpreter, make_spec, toml_of, workdir


@pytest.mark.parametrize("family", FAMILIES)
def test_pdm_argv(family: Family) -> None:
    recipe = get("pdm").recipe(make_spec("pdm", family))
    assert commands(recipe) == [
        ("create", ["pdm", "venv", "create", interpreter(family)], workdir(family)),
        ("install", ["pdm", "install"], workdir(family)),
    ]
    env = dict(recipe.env)
    assert env["PDM_VENV_IN_PROJECT"] == "true"
    assert env["PDM_NON_INTERACTIVE"] == "1"
    assert env["PDM_CHECK_UPDATE"] == "false"
    assert env["PDM_CACHE_DIR"] == "CACHE"
    assert env["COLUMNS"] == "400"     # rich would cut a build's output at 80 columns, mid-word


def test_pdm_pyproject_sources() -> None:
    doc = toml_of(get("pdm").recipe(make_spec("pdm")), "pyproject.toml")
    assert doc["tool"]["pdm"] == {"distribution": False,
                                  "source": [{"name": "pypi", "url": "https://pypi.org/simple/"}]}
    assert doc["project"]["requires-python"] == ">=3.11,<3.12"
    assert doc["project"]["dependencies"] == ["six", "docrep>=0.3"]
    mirrored = toml_of(get("pdm").recipe(make_spec("pdm", index_url=MIRROR, extra=EXTRA)), "pyproject.toml")
    # the index takes the name "pypi", which replaces PDM's default source
    assert mirrored["tool"]["pdm"]["source"] == [{"name": "pypi", "url": MIRROR},
                                                 {"name": "rodeo-extra-1", "url": EXTRA[0]},
                                                 {"name": "rodeo-extra-2", "url": EXTRA[1]}]
