"""What nix, mach-nix, poetry2nix and uv2nix share: a pinned expression built by ``nix-build``.

Each of the four writes a ``default.nix`` (plus the files it reads) into the cell's folder and
builds it with ``nix-build default.nix -o result``, so the environment's interpreter is always
``<workdir>/result/bin/python``. Classic ``nix-build`` rather than flakes: it needs no
experimental features, and every upstream documents a non-flake use. What the expressions fetch
(nixpkgs and the libraries, each at one revision with the sha256 of its unpacked tarball) is data
in ``matrix/managers/NAME.yml`` under ``pins:``, never an unpinned ``<nixpkgs>`` nor a channel that
moves: a result must not drift while rodeo stays the same. The revisions a cell used go into its
result (:func:`pinned`). (A ``versions:`` entry pins the ``nix-build`` the runner finds, as for
every manager, not these.)

User values reach a ``.nix`` file only through :func:`nix_attr` or the ``nix`` template filter,
so no package name can break out of a string or an attribute path.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from rodeo_action.managers.base import CellSpec, Recipe, Step, run, write
from rodeo_action.managers.formats import nix_string
from rodeo_action.resources import data_dir, read_yaml

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


_PLACEHOLDER = re.compile(r"\{(?P<key>[A-Za-z0-9_-]+)\}")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Source:
    """A pinned tarball: its URL and the sha256 of its unpacked contents (``nix-prefetch-url --unpack``)."""

    url: str
    sha256: str


@dataclass(frozen=True)
class Pins:
    """``pins:`` in a manager's matrix YAML: flat ``key: value`` strings, ``{key}`` filled in from another key.

    ``NAME`` is a URL, ``NAME-rev`` the git ref it is at (a tag or a commit), ``NAME-sha256`` the hash
    Nix checks; one place to change, which the nightly job can bump and ``scripts/verify-pins`` reads.
    """

    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self[m.group("key")], self.values[key])

    def source(self, name: str) -> Source:
        return Source(self[name], self[f"{name}-sha256"])

    def label(self, name: str) -> str | None:
        """``NAME VERSION`` (a release) or ``NAME REV`` (a tag, or a commit's first 12 digits); None if unpinned."""
        key = next((k for k in (f"{name}-version", f"{name}-rev") if k in self.values), None)
        if key is None:
            return None
        ref = self[key].removeprefix("refs/tags/")
        return f"{name} {ref[:12] if _COMMIT.match(ref) else ref}"


@cache
def pins(manager: str) -> Pins:
    raw: dict[str, Any] = read_yaml(data_dir("matrix") / "managers" / f"{manager}.yml")
    return Pins({str(k): str(v) for k, v in raw["pins"].items()})


def pinned(manager: str) -> str:
    """What the manager's own library and nixpkgs were pinned to, for the result: ``poetry2nix 2025.3.1955794,
    nixpkgs 75e28c029ef2``. It is part of the result's manager version, so a bump shows in the report's history."""
    pin = pins(manager)
    return ", ".join(label for name in dict.fromkeys((manager, "nixpkgs")) if (label := pin.label(name)))


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


def lock_shell(spec: CellSpec, nixpkgs: Source, packages: tuple[str, ...]) -> Step:
    """``lock.nix``: a shell with the locker (poetry, uv) from the same pinned nixpkgs as the build.

    Written as a file rather than ``nix-shell -I nixpkgs=URL -p ...``, so the tarball's hash is
    checked and ``~/.config/nixpkgs`` cannot change the shell (``-p`` imports ``<nixpkgs> {}``).
    """
    from rodeo_action.templating import render

    text = render("nix-lock-shell.nix.j2", nixpkgs=nixpkgs, packages=packages)
    return write("create", spec.target.join(spec.workdir, "lock.nix"), text)


def lock_in_shell(spec: CellSpec, command: str) -> Step:
    """Run a locker in ``lock.nix``'s shell, as uv2nix's getting-started does with its own ``nix-shell``.

    ``command`` is a constant of the recipe; user values live in the files it reads, never in
    the shell text ``nix-shell --run`` hands to bash.
    """
    return run("install", sibling(spec.tool, "nix-shell"), spec.target.join(spec.workdir, "lock.nix"),
               "--run", command, cwd=spec.workdir)


def nix_recipe(spec: CellSpec, manager: str, steps: tuple[Step, ...],
               env: tuple[tuple[str, str], ...] = ()) -> Recipe:
    """The family's common shape: the steps, then ``result/bin/python`` for the probe and test."""
    if spec.target.windows:
        raise ValueError("the Nix family runs on Linux and macOS only")
    bin_dir = spec.target.join(result_link(spec), "bin")
    return Recipe(steps=steps, python=spec.target.join(bin_dir, "python"), bin_dirs=(bin_dir,), env=env,
                  pinned=pinned(manager))
