"""nix: nixpkgs' own Python packages, ``python3XX.withPackages``, from one pinned nixpkgs revision.

The baseline of the Nix family: no PyPI at all. A package nixpkgs lacks fails evaluation with
Nix's ``error: attribute 'NAME' missing`` and a broken one fails in nixpkgs' own build - the two
ways the seed thread saw plain nixpkgs fall short. (``names: {nix: null}`` makes a cell ``n/a``.)
"""

from __future__ import annotations

from rodeo_action.managers.base import CellSpec, Recipe, write
from rodeo_action.managers.nixfamily import build, expression, nix_attr, nix_recipe, pins, python_attr


def default_nix(spec: CellSpec) -> str:
    from rodeo_action.templating import render

    return render("nix-python.nix.j2", nixpkgs=pins("nix").source("nixpkgs"), python_attr=python_attr(spec.python),
                  attrs=[nix_attr(name) for name in spec.requirements])


def recipe(spec: CellSpec) -> Recipe:
    return nix_recipe(spec, "nix", (write("create", expression(spec), default_nix(spec)), build(spec)))
