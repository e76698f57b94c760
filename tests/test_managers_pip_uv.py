"""pip and uv recipes on every OS: interpreters, executables, and the index in each one's spelling."""

from __future__ import annotations

import pytest

from rodeo_action.managers import get
from rodeo_action.managers.base import CellSpec, Family, Target

WORK = {"linux": "/w/cell", "macos": "/w/cell", "windows": r"C:\w\cell"}
PY = {"linux": "/w/cell/.venv/bin/python", "macos": "/w/cell/.venv/bin/python",
      "windows": r"C:\w\cell\.venv\Scripts\python.exe"}


def spec(family: Family, **kw: object) -> CellSpec:
    base: dict[str, object] = dict(cell_id="x", python="3.12", target=Target(family), packages=(),
                                   requirements=("cartopy", "tensorflow>=2"), workdir=WORK[family], tool="uv",
                                   interpreter="/opt/py312/bin/python3.12")
    base.update(kw)
    return CellSpec(**base)  # type: ignore[arg-type]


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


def test_a_requirement_is_one_argument_never_a_shell_word() -> None:
    recipe = get("pip").recipe(spec("linux", requirements=("six; python_version > '3' && rm -rf ~",)))
    assert recipe.steps[1].argv[-1] == "six; python_version > '3' && rm -rf ~"
    assert recipe.steps[1].shell().endswith("'six; python_version > '\"'\"'3'\"'\"' && rm -rf ~'")
