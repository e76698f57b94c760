"""uv2nix: ``uv lock``, then pyproject.nix builds every locked package with Nix into a virtualenv.

uv comes from the same pinned nixpkgs as the build (``nix-shell lock.nix`` with uv and python3XX, the
bootstrap uv2nix's getting-started guide uses), and is told not to download a Python: Nix provides it. The
project is virtual (no build system, nothing of its own to build); a configured index becomes
``[[tool.uv.index]]`` entries in pyproject.toml, so the file alone reproduces the lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from rodeo_action.managers import manager_info
from rodeo_action.managers.base import CellSpec, Recipe, write
from rodeo_action.managers.formats import TomlValue, toml_document
from rodeo_action.managers.nixfamily import build, expression, lock_in_shell, lock_shell, nix_recipe, pins, python_attr
from rodeo_action.managers.pypi import requires_python

LOCK = "uv lock"

COMMENT = """\
# Written by rodeo-action for uv2nix: a virtual project (no build system) that only holds the set.
# Every user value is a TOML string written by tomli-w.
"""


@dataclass(frozen=True)
class Index:
    url: str
    default: bool


def pyproject_toml(spec: CellSpec) -> str:
    indexes = [Index(url, False) for url in spec.extra_index_urls]
    if spec.index_url:
        indexes.append(Index(spec.index_url, True))   # uv: the default index is searched last
    project: dict[str, TomlValue] = {"name": "rodeo-cell", "version": "0.0.0",
                                     "requires-python": requires_python(spec.python),
                                     "dependencies": spec.requirements}
    document: dict[str, TomlValue] = {"project": project}
    if indexes:
        document["tool"] = {"uv": {"index": [{"url": i.url, "default": True} if i.default else {"url": i.url}
                                             for i in indexes]}}
    return toml_document(COMMENT, document)


def default_nix(spec: CellSpec) -> str:
    from rodeo_action.templating import render

    pin = pins("uv2nix")
    return render("uv2nix.nix.j2", nixpkgs=pin.source("nixpkgs"), pyproject_nix=pin.source("pyproject-nix"),
                  uv2nix=pin.source("uv2nix"), build_system_pkgs=pin.source("build-system-pkgs"),
                  python_attr=python_attr(spec.python))


def recipe(spec: CellSpec) -> Recipe:
    env = [("UV_PYTHON", spec.python), ("UV_PYTHON_DOWNLOADS", "never")]
    cache_env = manager_info("uv2nix").cache_env
    if cache_env and spec.cache_dir:
        env.append((cache_env, spec.cache_dir))
    return nix_recipe(spec, "uv2nix", (
        write("create", spec.target.join(spec.workdir, "pyproject.toml"), pyproject_toml(spec)),
        write("create", expression(spec), default_nix(spec)),
        lock_shell(spec, pins("uv2nix").source("nixpkgs"), ("uv", python_attr(spec.python))),
        lock_in_shell(spec, LOCK),
        build(spec),
    ), env=tuple(sorted(env)))
