"""uv: ``uv venv`` + ``uv pip install`` on every OS: the index in uv's spelling, a Python uv finds or fetches."""

from __future__ import annotations

import pytest

from rodeo_action.managers import get
from rodeo_action.managers.base import Family
from tests.managers.pypikit import PY, WORK, spec


@pytest.mark.parametrize("family", ["linux", "macos", "windows"])
def test_uv_recipe(family: Family) -> None:
    recipe = get("uv").recipe(spec(family, index_url="https://mirror/simple/",
                                    extra_index_urls=("https://extra/simple/",), cache_dir="/c/uv"))
    venv = WORK[family] + ("\\.venv" if family == "windows" else "/.venv")
    assert [(s.phase, s.argv) for s in recipe.steps] == [
        ("create", ("uv", "venv", "--no-project", "--python", "/opt/py312/bin/python3.12", venv)),
        ("install", ("uv", "pip", "install", "--python", PY[family], "--default-index", "https://mirror/simple/",
                     "--index", "https://extra/simple/", "cartopy", "tensorflow>=2")),
    ]
    assert dict(recipe.env)["UV_CACHE_DIR"] == "/c/uv"


def test_uv_provisions_the_python_when_none_is_found() -> None:
    recipe = get("uv").recipe(spec("linux", interpreter=None))
    assert recipe.steps[0].argv[:5] == ("uv", "venv", "--no-project", "--python", "3.12")
