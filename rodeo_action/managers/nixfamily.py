"""What nix, mach-nix, poetry2nix and uv2nix share: a pinned expression built by ``nix-build``.

Each of the four writes a ``default.nix`` (plus the files it reads) into the cell's folder and
builds it with ``nix-build default.nix -o result``, so the environment's interpreter is always
``<workdir>/result/bin/python``. Classic ``nix-build`` rather than flakes: it needs no
experimental features, and every upstream documents a non-flake use. What the expressions fetch
(nixpkgs channel tarballs, the libraries' release tags) is data in ``matrix/managers/NAME.yml``
under ``pins:``, never an unpinned ``<nixpkgs>``: the seed thread asked for exactly that. (A
``versions:`` entry pins the ``nix-build`` the runner finds, as for every manager, not these.)

User values reach a ``.nix`` file only through :func:`nix_attr` or the ``nix`` template filter,
so no package name can break out of a string or an attribute path.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import yaml

from rodeo_action.managers.base import CellSpec, Recipe, Step, run
from rodeo_action.managers.formats import nix_string
from rodeo_action.resources import data_dir

# Nix's own identifier rule (ID in the lexer); a name outside it must be quoted.
NIX_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_'-]*$")
# Words the Nix parser reserves; `ps.or` or `ps.in` would not parse as an attribute path.
NIX_KEYWORDS = frozenset({"if", "then", "else", "assert", "with", "let", "in", "rec", "inherit", "or"})
_PYTHON = re.compile(r"^3\.(?P<minor>[0-9]+)(?P<t>t?)$")


def nix_attr(name: str) -> str:
    """An attribute name as it may follow ``ps.``: bare when Nix allows it, otherwise a quoted string.

    ``ps."a\\"b\\${x}"`` is still a valid attribute path, so a name nixpkgs cannot have is not a
    syntax error: Nix itself reports the attribute missing, which is the honest verdict.
    """
    if NIX_IDENTIFIER.match(name) and name not in NIX_KEYWORDS:
        return name
    return nix_string(name)


def python_attr(version: str) -> str:
    """nixpkgs' interpreter attribute: ``3.12`` -> ``python312``, ``3.13t`` -> ``python313FreeThreading``."""
    match = _PYTHON.match(version)
    if match is None:
        raise ValueError(f"Python {version!r} has no nixpkgs interpreter attribute; expected e.g. 3.12 or 3.13t")
    return f"python3{match['minor']}" + ("FreeThreading" if match["t"] else "")


@dataclass(frozen=True)
class Pins:
    """What a manager's expression fetches: ``pins:`` in its matrix YAML, ``{version}`` filled in."""

    version: str
    urls: dict[str, str]

    def url(self, key: str) -> str:
        return self.urls[key].replace("{version}", self.version)


@cache
def pins(manager: str) -> Pins:
    raw: dict[str, Any] = yaml.safe_load((data_dir("matrix") / "managers" / f"{manager}.yml").read_text())
    data = dict(raw["pins"])
    version = str(data.pop("version", ""))
    return Pins(version=version, urls={str(k): str(v) for k, v in data.items()})


def sibling(tool: str, name: str) -> str:
    """Another Nix executable next to ``tool`` (``nix-shell`` beside ``nix-build``), or by name on PATH."""
    folder = os.path.dirname(tool)
    return os.path.join(folder, name) if folder else name


def expression(spec: CellSpec) -> str:
    return spec.target.join(spec.workdir, "default.nix")


def result_link(spec: CellSpec) -> str:
    return spec.target.join(spec.workdir, "result")


def build(spec: CellSpec) -> Step:
    """``nix-build default.nix -o result``: the environment appears at ``result`` (a store path)."""
    return run("install", spec.tool, expression(spec), "-o", result_link(spec), cwd=spec.workdir)


def lock_in_shell(spec: CellSpec, nixpkgs: str, packages: tuple[str, ...], command: str) -> Step:
    """Run a locker (poetry, uv) from the same pinned nixpkgs, as uv2nix's getting-started does.

    ``command`` is a constant of the recipe; user values live in the files it reads, never in
    the shell text ``nix-shell --run`` hands to bash.
    """
    return run("install", sibling(spec.tool, "nix-shell"), "-I", f"nixpkgs={nixpkgs}", "-p", *packages,
               "--run", command, cwd=spec.workdir)


def nix_recipe(spec: CellSpec, steps: tuple[Step, ...]) -> Recipe:
    """The family's common shape: the steps, then ``result/bin/python`` for the probe and test."""
    if spec.target.windows:
        raise ValueError("the Nix family runs on Linux and macOS only")
    bin_dir = spec.target.join(result_link(spec), "bin")
    return Recipe(steps=steps, python=spec.target.join(bin_dir, "python"), bin_dirs=(bin_dir,))
