"""mach-nix: requirements.txt read by the expression, one line each; a Python its 2022 nixpkgs lacks is n/a."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from shimkit import calls

from rodeo_action.managers import get
from rodeo_action.managers.base import Family
from tests.managers.nixkit import BUILD, FAMILIES, WORK, make_spec, posix_only, rodeo_run, shape, written


@pytest.mark.parametrize("family", FAMILIES)
def test_mach_nix_recipe(family: Family) -> None:
    recipe = get("mach-nix").recipe(make_spec("mach-nix", family))
    assert shape(recipe) == [("create", f"{WORK}/requirements.txt", [], None),
                             ("create", f"{WORK}/default.nix", [], None), BUILD]
    assert written(recipe, "requirements.txt") == "cartopy\ntensorflow>=2\nxgcm\n"
    nix = written(recipe, "default.nix")
    assert ('url = "https://github.com/DavHau/mach-nix/";\n    ref = "refs/tags/3.5.0";\n'
            '    rev = "7e14360bde07dcae32e5e24f366c83272f52923f";') in nix
    assert 'mach-nix.mkPython {\n  python = "python312";\n  requirements = builtins.readFile ./requirements.txt;' in nix
    assert recipe.python == f"{WORK}/result/bin/python"
    assert recipe.pinned == "mach-nix 3.5.0, nixpkgs 554d2d8aa25b"


@pytest.mark.parametrize("bad", ["cartopy\n--index-url https://evil/simple", "-e .", "x\r", "x\u2028-e .", " -e ."])
def test_mach_nix_requirements_stay_one_line_each(bad: str) -> None:
    with pytest.raises(ValueError, match="option|more than one line"):
        get("mach-nix").recipe(make_spec("mach-nix", requirements=("cartopy", bad)))


@posix_only
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the cells are for ubuntu-latest")
def test_rodeo_run_of_a_python_mach_nix_cannot_provide_is_na_and_runs_nothing(tmp_path: Path) -> None:
    result, log = rodeo_run("mach-nix", ["cartopy"], tmp_path, python="3.12")
    assert (result["status"], result["cause"]) == ("n/a", None), log
    assert result["reason"] == "mach-nix cannot provide Python 3.12 (it provides 3.7, 3.8, 3.9, 3.10)"
    assert not (tmp_path / "shim.log").exists() or not calls(tmp_path / "shim.log")
