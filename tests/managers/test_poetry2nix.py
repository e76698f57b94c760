"""poetry2nix: a Poetry 1.8 ``[tool.poetry]`` project locked in ``nix-shell lock.nix``, built by ``mkPoetryEnv``."""

from __future__ import annotations

import pytest
import tomllib

from rodeo_action.managers import get
from rodeo_action.managers.base import Family
from tests.managers.nixkit import BUILD, FAMILIES, WORK, fetched, lock_step, make_spec, shape, written


@pytest.mark.parametrize("family", FAMILIES)
def test_poetry2nix_recipe(family: Family) -> None:
    recipe = get("poetry2nix").recipe(make_spec("poetry2nix", family, cache_dir="/cache/poetry"))
    assert shape(recipe) == [
        ("create", f"{WORK}/pyproject.toml", [], None),
        ("create", f"{WORK}/default.nix", [], None),
        ("create", f"{WORK}/lock.nix", [], None),
        lock_step("poetry lock --no-interaction"),
        BUILD,
    ]
    assert tomllib.loads(written(recipe, "pyproject.toml")) == {"tool": {"poetry": {
        "name": "rodeo-cell", "version": "0.0.0", "description": "one rodeo-action cell", "authors": [],
        "package-mode": False,
        "dependencies": {"python": ">=3.12,<3.13", "cartopy": {"version": "*"},
                         "tensorflow": {"version": ">=2"}, "xgcm": {"version": "*"}},
    }}}
    nix = written(recipe, "default.nix")
    assert f"pkgs = import ({fetched('poetry2nix', 'nixpkgs')}) {{" in nix
    # the last release tag (2024.11.79136, pinned before, never existed: its fetch was a 404)
    assert f"poetry2nix = import ({fetched('poetry2nix', 'poetry2nix')}) {{ inherit pkgs; }};" in nix
    assert "/poetry2nix/archive/2025.3.1955794.tar.gz" in nix and "79136" not in nix
    assert f"pkgs = import ({fetched('poetry2nix', 'nixpkgs')}) {{" in written(recipe, "lock.nix")
    assert "packages = [\n    pkgs.poetry\n  ];" in written(recipe, "lock.nix")
    assert recipe.pinned == "poetry2nix 2025.3.1955794, nixpkgs 75e28c029ef2"
    assert "poetry2nix.mkPoetryEnv {\n  projectDir = ./.;\n  python = pkgs.python312;\n  preferWheels = true;" in nix
    assert recipe.env == (("POETRY_CACHE_DIR", "/cache/poetry"),
                          ("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring"))
    assert recipe.python == f"{WORK}/result/bin/python"


def test_poetry2nix_index_becomes_explicit_sources_and_requirements_become_tables() -> None:
    reqs = ("xgcm[io,extra]; python_version < '3.13'", "foo @ https://example.org/foo-1.0-py3-none-any.whl",
            "opencv-python>=4", "opencv-python<5; sys_platform == 'linux'")
    recipe = get("poetry2nix").recipe(make_spec("poetry2nix", requirements=reqs, index_url="https://mirror/simple",
                                                extra=("https://extra/simple",)))
    poetry = tomllib.loads(written(recipe, "pyproject.toml"))["tool"]["poetry"]
    assert poetry["dependencies"] == {
        "python": ">=3.12,<3.13",
        "xgcm": {"version": "*", "extras": ["extra", "io"], "markers": 'python_version < "3.13"'},
        "foo": {"url": "https://example.org/foo-1.0-py3-none-any.whl"},
        "opencv-python": [{"version": ">=4"}, {"version": "<5", "markers": 'sys_platform == "linux"'}],
    }
    assert poetry["source"] == [
        {"name": "rodeo-index", "url": "https://mirror/simple", "priority": "primary"},
        {"name": "rodeo-extra-1", "url": "https://extra/simple", "priority": "supplemental"},
    ]
