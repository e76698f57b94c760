"""uv2nix: a virtual project locked by ``uv lock`` in ``nix-shell lock.nix``, built by pyproject.nix; its indexes."""

from __future__ import annotations

import pytest
import tomllib

from rodeo_action.managers import get
from rodeo_action.managers.base import Family
from tests.managers.nixkit import BUILD, FAMILIES, SEED, WORK, fetched, lock_step, make_spec, shape, written


@pytest.mark.parametrize("family", FAMILIES)
def test_uv2nix_recipe(family: Family) -> None:
    recipe = get("uv2nix").recipe(make_spec("uv2nix", family, cache_dir="/cache/uv"))
    assert shape(recipe) == [
        ("create", f"{WORK}/pyproject.toml", [], None),
        ("create", f"{WORK}/default.nix", [], None),
        ("create", f"{WORK}/lock.nix", [], None),
        lock_step("uv lock"),
        BUILD,
    ]
    assert tomllib.loads(written(recipe, "pyproject.toml")) == {"project": {
        "name": "rodeo-cell", "version": "0.0.0", "requires-python": ">=3.12,<3.13", "dependencies": list(SEED)}}
    nix = written(recipe, "default.nix")
    for name in ("nixpkgs", "pyproject-nix", "uv2nix", "build-system-pkgs"):
        assert fetched("uv2nix", name) in nix
    assert "master" not in nix and "channels.nixos.org" not in nix
    lock = written(recipe, "lock.nix")
    assert fetched("uv2nix", "nixpkgs") in lock and "packages = [\n    pkgs.uv\n    pkgs.python312\n  ];" in lock
    assert recipe.pinned == "uv2nix 4b59abb2ae18, nixpkgs e5bdc4a41d4c"
    assert "workspace = uv2nix.lib.workspace.loadWorkspace { workspaceRoot = ./.; };" in nix
    assert 'workspace.mkPyprojectOverlay { sourcePreference = "wheel"; }' in nix
    assert "python = pkgs.python312;" in nix and "pyproject-build-systems.wheel" in nix
    assert nix.rstrip().endswith('pythonSet.mkVirtualEnv "rodeo-cell-env" workspace.deps.default')
    assert recipe.env == (("UV_CACHE_DIR", "/cache/uv"), ("UV_PYTHON", "3.12"), ("UV_PYTHON_DOWNLOADS", "never"))


def test_uv2nix_indexes_live_in_pyproject() -> None:
    recipe = get("uv2nix").recipe(make_spec("uv2nix", index_url="https://mirror/simple",
                                            extra=("https://extra/simple",)))
    assert tomllib.loads(written(recipe, "pyproject.toml"))["tool"]["uv"]["index"] == [
        {"url": "https://extra/simple"}, {"url": "https://mirror/simple", "default": True}]
    assert "mirror" not in " ".join(" ".join(step.argv) for step in recipe.steps)
