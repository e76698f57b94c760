"""nix: nixpkgs' own Python packages from one pinned revision; hostile attribute names through
``nix-instantiate --parse`` (Debian's nix-bin; skipped when absent).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from rodeo_action.managers import get
from rodeo_action.managers.base import Family
from tests.managers.nixkit import (
    BUILD,
    FAMILIES,
    NIX_INSTANTIATE,
    WORK,
    fetched,
    make_spec,
    needs_nix,
    nix_parse,
    shape,
    written,
)

HOSTILE_ATTRS = ('a"b${x}', "or", "in", "x y", "''", "a\tb", "back\\slash", "${builtins.abort \"x\"}",
                 "ruamel-yaml", "python-dateutil", "_private'")


@pytest.mark.parametrize("family", FAMILIES)
def test_nix_recipe(family: Family) -> None:
    recipe = get("nix").recipe(make_spec("nix", family, requirements=("cartopy", "tensorflow", "xgcm")))
    assert shape(recipe) == [("create", f"{WORK}/default.nix", [], None), BUILD]
    nix = written(recipe, "default.nix")
    assert f"pkgs = import ({fetched('nix', 'nixpkgs')}) {{" in nix
    assert "channels.nixos.org" not in nix
    assert "pkgs.python312.withPackages (ps: [\n  ps.cartopy\n  ps.tensorflow\n  ps.xgcm\n])" in nix
    assert "<nixpkgs>" not in nix.split("\nlet\n")[1]
    assert recipe.python == f"{WORK}/result/bin/python" and recipe.bin_dirs == (f"{WORK}/result/bin",)
    assert recipe.env == ()
    assert recipe.pinned == "nixpkgs 26.05"


@needs_nix
def test_hostile_nixpkgs_attribute_names_parse_and_stay_strings(tmp_path: Path) -> None:
    recipe = get("nix").recipe(make_spec("nix", requirements=("cartopy", *HOSTILE_ATTRS)))
    ast = nix_parse(written(recipe, "default.nix"), tmp_path)
    # The parser's own rendering, ((ps).NAME): cartopy bare, each hostile name one attribute whose
    # quotes and ${ are escaped - a string, never an interpolation.
    assert "((ps).cartopy)" in ast
    assert '((ps)."a\\"b\\${x}")' in ast and '((ps)."x y")' in ast and "((ps).or)" in ast
    assert '((ps)."\\${builtins.abort \\"x\\"}")' in ast and '((ps)."a\\tb")' in ast
    assert "((ps).ruamel-yaml)" in ast and "((ps).python-dateutil)" in ast
    assert ast.count("((ps).") == 1 + len(HOSTILE_ATTRS)


@needs_nix
def test_nix_instantiate_rejects_an_unescaped_name(tmp_path: Path) -> None:
    """The parse check has teeth: the same expression with the name spliced in raw does not parse."""
    source = written(get("nix").recipe(make_spec("nix", requirements=("cartopy",))), "default.nix")
    (tmp_path / "bad.nix").write_text(source.replace("ps.cartopy", 'ps.a"b${x}'), encoding="utf-8")
    assert NIX_INSTANTIATE is not None
    proc = subprocess.run([NIX_INSTANTIATE, "--parse", str(tmp_path / "bad.nix")], capture_output=True, text=True)
    assert proc.returncode != 0 and "syntax error" in proc.stderr
