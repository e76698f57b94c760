"""pip: the stdlib venv plus ``python -m pip install`` on every OS: the interpreters, the index in pip's spelling."""

from __future__ import annotations

import pytest

from rodeo_action.managers import get
from rodeo_action.managers.base import Family
from tests.managers.pypikit import PY, WORK, spec


@pytest.mark.parametrize("family", ["linux", "macos", "windows"])
def test_pip_recipe(family: Family) -> None:
    recipe = get("pip").recipe(spec(family, index_url="https://mirror/simple/",
                                     extra_index_urls=("https://extra/simple/",), cache_dir="/c/pip"))
    venv = WORK[family] + ("\\.venv" if family == "windows" else "/.venv")
    assert [(s.phase, s.argv) for s in recipe.steps] == [
        ("create", ("/opt/py312/bin/python3.12", "-m", "venv", venv)),
        ("install", (PY[family], "-m", "pip", "install", "--index-url", "https://mirror/simple/",
                     "--extra-index-url", "https://extra/simple/", "cartopy", "tensorflow>=2")),
    ]
    assert recipe.python == PY[family]
    assert dict(recipe.env) == {"PIP_CACHE_DIR": "/c/pip"}


def test_a_requirement_is_one_argument_never_a_shell_word() -> None:
    recipe = get("pip").recipe(spec("linux", requirements=("six; python_version > '3' && rm -rf ~",)))
    assert recipe.steps[1].argv[-1] == "six; python_version > '3' && rm -rf ~"
    assert recipe.steps[1].shell().endswith("'six; python_version > '\"'\"'3'\"'\"' && rm -rf ~'")
